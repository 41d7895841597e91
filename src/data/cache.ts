/**
 * The binary dataset cache: a dataset's raw bytes (pixels 0–255 and labels)
 * in one file with a validated header, written atomically.
 *
 * Layout (little-endian):
 *
 * | bytes  | content                                             |
 * | ------ | --------------------------------------------------- |
 * | 0–7    | magic `"SPDATA\0\0"`                                |
 * | 8–11   | format version (1)                                  |
 * | 12–15  | training examples `nTrain`                          |
 * | 16–19  | test examples `nTest`                               |
 * | 20–23  | values per image (784)                              |
 * | 24–55  | dataset name, UTF-8, zero-padded to 32 bytes        |
 * | 56–87  | SHA-256 of the payload                              |
 * | 88–95  | zero padding                                        |
 * | 96–    | payload: train pixels, train labels, test pixels, test labels |
 *
 * @module
 */

import { dirname } from "node:path";

/**
 * A dataset as stored: pixels as bytes (0–255), row-major, 28·28 per image. */
export interface RawDataset {
  /** Training images, 784 bytes (0–255) each, image after image. */
  readonly trainPixels: Uint8Array;
  /** One label per training image. */
  readonly trainLabels: Uint8Array;
  /** Test images, 784 bytes (0–255) each, image after image. */
  readonly testPixels: Uint8Array;
  /** One label per test image. */
  readonly testLabels: Uint8Array;
}

const _MAGIC = new TextEncoder().encode("SPDATA\0\0");
const _VERSION = 1;
const _HEADER = 96;
const _PIXELS = 784;

/**
 * Serialises a raw dataset into the cache format (see the module doc).
 *
 * @throws {RangeError} if pixel and label counts disagree or the name is
 *   longer than 32 UTF-8 bytes.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeDatasetCache, encodeDatasetCache } from "./cache.ts";
 * const raw = {
 *   trainPixels: new Uint8Array(784).fill(3), trainLabels: new Uint8Array([1]),
 *   testPixels: new Uint8Array(784), testLabels: new Uint8Array([2]),
 * };
 * const bytes = await encodeDatasetCache("toy", raw);
 * equal((await decodeDatasetCache("toy", bytes))?.trainPixels[0], 3);
 * equal(await decodeDatasetCache("other", bytes), null); // wrong name
 * ```
 */
export async function encodeDatasetCache(name: string, raw: RawDataset): Promise<Uint8Array> {
  const nTrain = raw.trainLabels.length, nTest = raw.testLabels.length;
  if (raw.trainPixels.length !== nTrain * _PIXELS || raw.testPixels.length !== nTest * _PIXELS) {
    throw new RangeError(
      `encodeDatasetCache: ${name}: pixels [${raw.trainPixels.length}], [${raw.testPixels.length}] ` +
        `do not match ${nTrain} and ${nTest} labels × ${_PIXELS}`,
    );
  }
  const nameBytes = new TextEncoder().encode(name);
  if (nameBytes.length > 32) {
    throw new RangeError(`encodeDatasetCache: name "${name}" is longer than 32 bytes`);
  }
  const payloadBytes = (nTrain + nTest) * (_PIXELS + 1);
  const out = new Uint8Array(_HEADER + payloadBytes);
  let o = _HEADER;
  for (const part of [raw.trainPixels, raw.trainLabels, raw.testPixels, raw.testLabels]) {
    out.set(part, o);
    o += part.length;
  }
  const view = new DataView(out.buffer);
  out.set(_MAGIC, 0);
  view.setUint32(8, _VERSION, true);
  view.setUint32(12, nTrain, true);
  view.setUint32(16, nTest, true);
  view.setUint32(20, _PIXELS, true);
  out.set(nameBytes, 24);
  out.set(await _sha256(out.subarray(_HEADER)), 56);
  return out;
}

/**
 * Parses and validates cache bytes: magic, version, name, size and the
 * payload's SHA-256. Returns `null` (never throws) when anything is off, so
 * the caller rebuilds. The returned arrays are views into `bytes`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeDatasetCache } from "./cache.ts";
 * equal(await decodeDatasetCache("mnist", new Uint8Array(10)), null);
 * ```
 */
export async function decodeDatasetCache(
  name: string,
  bytes: Uint8Array,
): Promise<RawDataset | null> {
  if (bytes.length < _HEADER) return null;
  for (let i = 0; i < _MAGIC.length; i++) if (bytes[i] !== _MAGIC[i]) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== _VERSION || view.getUint32(20, true) !== _PIXELS) return null;
  const expectedName = new Uint8Array(32);
  expectedName.set(new TextEncoder().encode(name).subarray(0, 32));
  for (let i = 0; i < 32; i++) if (bytes[24 + i] !== expectedName[i]) return null;
  const nTrain = view.getUint32(12, true), nTest = view.getUint32(16, true);
  if (bytes.length !== _HEADER + (nTrain + nTest) * (_PIXELS + 1)) return null;
  const digest = await _sha256(bytes.subarray(_HEADER));
  for (let i = 0; i < 32; i++) if (bytes[56 + i] !== digest[i]) return null;
  let o = _HEADER;
  const take = (n: number) => bytes.subarray(o, o += n);
  return {
    trainPixels: take(nTrain * _PIXELS),
    trainLabels: take(nTrain),
    testPixels: take(nTest * _PIXELS),
    testLabels: take(nTest),
  };
}

/**
 * Reads and validates a cache file; `null` if it is missing or invalid.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readDatasetCache } from "./cache.ts";
 * equal(await readDatasetCache("/nonexistent/mnist-v1.bin", "mnist"), null);
 * ```
 */
export async function readDatasetCache(path: string, name: string): Promise<RawDataset | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  return await decodeDatasetCache(name, bytes);
}

/**
 * Writes a cache file atomically: into a temporary file in the same
 * directory (created if missing), then renamed over `path`, so readers never
 * see a half-written file.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readDatasetCache, writeDatasetCache } from "./cache.ts";
 * const dir = await Deno.makeTempDir();
 * const raw = {
 *   trainPixels: new Uint8Array(784), trainLabels: new Uint8Array([4]),
 *   testPixels: new Uint8Array(0), testLabels: new Uint8Array(0),
 * };
 * await writeDatasetCache(`${dir}/toy.bin`, "toy", raw);
 * equal((await readDatasetCache(`${dir}/toy.bin`, "toy"))?.trainLabels[0], 4);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeDatasetCache(
  path: string,
  name: string,
  raw: RawDataset,
): Promise<void> {
  const bytes = await encodeDatasetCache(name, raw);
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = await Deno.makeTempFile({ dir, prefix: `.${name}-`, suffix: ".tmp" });
  try {
    await Deno.writeFile(tmp, bytes);
    await Deno.chmod(tmp, 0o644).catch(() => {}); // temp files are 0600; not supported on Windows
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

async function _sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}
