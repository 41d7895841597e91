/**
 * Length-prefixed frames: the only way the compare sandbox's host and its
 * child process talk (over the child's stdin and stdout pipes).
 *
 * A frame is a 12-byte prefix — the magic `"SIF1"`, the header's byte length
 * and the body's byte length, each a little-endian u32 — then the header
 * (UTF-8 JSON) and the body (raw bytes: typed arrays travel as their bytes,
 * never as JSON numbers). The reader checks both lengths against limits
 * before it reads further, so a hostile writer can never make it buffer
 * more than the limits allow.
 *
 * This file imports nothing: it is copied into the child's bundle.
 *
 * @module
 */

/** The frame magic, `"SIF1"` read as a little-endian u32. */
export const FRAME_MAGIC = 0x31464953;

/** Bytes before the header: magic, header length, body length. */
export const FRAME_PREFIX_BYTES = 12;

/**
 * A protocol violation: bad magic, a length over its limit, invalid UTF-8 or
 * JSON, or a stream that ends inside a frame.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FrameError } from "./frames.ts";
 * equal(new FrameError("bad magic").name, "FrameError");
 * ```
 */
export class FrameError extends Error {
  /** @param message what was wrong */
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/** One decoded frame. */
export interface Frame {
  /** The parsed JSON header (untrusted: check its shape). */
  readonly header: unknown;
  /** The body bytes (possibly empty). */
  readonly body: Uint8Array;
}

/** Upper bounds a frame must respect; checked right after its prefix is read. */
export interface FrameLimits {
  /** Largest accepted header, in bytes. */
  readonly maxHeaderBytes: number;
  /** Largest accepted body, in bytes. */
  readonly maxBodyBytes: number;
}

/**
 * Encodes one frame.
 *
 * @throws {RangeError} if the header or body is longer than a u32 can say.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeFrame, FRAME_PREFIX_BYTES } from "./frames.ts";
 * const frame = encodeFrame({ type: "hello" }, new Uint8Array([1, 2]));
 * equal(frame.length, FRAME_PREFIX_BYTES + '{"type":"hello"}'.length + 2);
 * ```
 */
export function encodeFrame(header: unknown, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  if (json.length > 0xffffffff || body.length > 0xffffffff) {
    throw new RangeError(
      `encodeFrame: header (${json.length} bytes) or body (${body.length} bytes) exceeds 2^32 - 1`,
    );
  }
  const out = new Uint8Array(FRAME_PREFIX_BYTES + json.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, FRAME_MAGIC, true);
  view.setUint32(4, json.length, true);
  view.setUint32(8, body.length, true);
  out.set(json, FRAME_PREFIX_BYTES);
  out.set(body, FRAME_PREFIX_BYTES + json.length);
  return out;
}

/**
 * Reads frames from a byte stream, pulling only as many bytes as the current
 * frame needs.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { encodeFrame, FrameReader } from "./frames.ts";
 * const bytes = encodeFrame({ n: 1 }, new Uint8Array([7]));
 * const reader = new FrameReader(ReadableStream.from([bytes.slice(0, 5), bytes.slice(5)]));
 * const frame = await reader.read(() => ({ maxHeaderBytes: 64, maxBodyBytes: 1 }));
 * deepEqual(frame?.header, { n: 1 });
 * deepEqual(frame?.body, new Uint8Array([7]));
 * equal(await reader.read(() => ({ maxHeaderBytes: 64, maxBodyBytes: 1 })), null);
 * ```
 */
export class FrameReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #done = false;

  /** @param source the stream to read (locked by this reader) */
  constructor(source: ReadableStream<Uint8Array>) {
    this.#reader = source.getReader();
  }

  /**
   * The next frame, or `null` if the stream ends cleanly between frames.
   * `limits` is evaluated after the prefix arrives, so it may depend on
   * state that changed while waiting.
   *
   * @throws {FrameError} on bad magic, a length over its limit, a truncated
   *   frame, or a header that is not UTF-8 JSON.
   */
  async read(limits: () => FrameLimits): Promise<Frame | null> {
    await this.#fill(FRAME_PREFIX_BYTES);
    if (this.#buffered === 0 && this.#done) return null;
    if (this.#buffered < FRAME_PREFIX_BYTES) {
      throw new FrameError(
        `the stream ended inside a frame prefix (${this.#buffered} of ${FRAME_PREFIX_BYTES} bytes)`,
      );
    }
    const prefix = this.#take(FRAME_PREFIX_BYTES);
    const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
    const magic = view.getUint32(0, true);
    if (magic !== FRAME_MAGIC) {
      const text = Array.from(
        prefix.subarray(0, 4),
        (b) => b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".",
      ).join("");
      throw new FrameError(
        `bad frame magic 0x${magic.toString(16).padStart(8, "0")} ("${text}"): ` +
          `bytes outside the protocol on the pipe`,
      );
    }
    const headerBytes = view.getUint32(4, true);
    const bodyBytes = view.getUint32(8, true);
    const { maxHeaderBytes, maxBodyBytes } = limits();
    if (headerBytes > maxHeaderBytes) {
      throw new FrameError(
        `frame header of ${headerBytes} bytes exceeds the limit ${maxHeaderBytes}`,
      );
    }
    if (bodyBytes > maxBodyBytes) {
      throw new FrameError(`frame body of ${bodyBytes} bytes exceeds the limit ${maxBodyBytes}`);
    }
    await this.#fill(headerBytes + bodyBytes);
    if (this.#buffered < headerBytes + bodyBytes) {
      throw new FrameError(
        `the stream ended inside a frame (${this.#buffered} of ${
          headerBytes + bodyBytes
        } bytes after the prefix)`,
      );
    }
    const json = this.#take(headerBytes);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
    } catch (e) {
      throw new FrameError(`frame header is not UTF-8 JSON: ${(e as Error).message}`);
    }
    return { header, body: this.#take(bodyBytes) };
  }

  /** Stops reading and releases the stream. */
  async cancel(): Promise<void> {
    this.#done = true;
    try {
      await this.#reader.cancel();
    } catch {
      // already closed or errored: nothing to release
    }
  }

  async #fill(n: number): Promise<void> {
    while (this.#buffered < n && !this.#done) {
      const { done, value } = await this.#reader.read();
      if (done) {
        this.#done = true;
        break;
      }
      if (value.length > 0) {
        this.#chunks.push(value);
        this.#buffered += value.length;
      }
    }
  }

  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.#chunks[0];
      const part = Math.min(head.length, n - filled);
      out.set(head.subarray(0, part), filled);
      filled += part;
      if (part === head.length) this.#chunks.shift();
      else this.#chunks[0] = head.subarray(part);
    }
    this.#buffered -= n;
    return out;
  }
}
