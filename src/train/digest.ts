/**
 * SHA-256 digests of trained parameters, to check that a cell reruns
 * bit-identically on the same backend.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type * as tf from "@tensorflow/tfjs-core";
import type { Network } from "../nn/mod.ts";

/**
 * SHA-256 (lower-case hex) of a sequence of float32 arrays. Each array is
 * prefixed by its length as a little-endian uint32, so `[a, b]` and the
 * concatenation `[a ++ b]` digest differently; the values are hashed as their
 * raw IEEE-754 bytes (little-endian), so `-0` and `0` differ, as do NaN
 * payloads: bit-identical inputs, and only those, give equal digests.
 *
 * @example
 * ```ts
 * import { equal, notEqual } from "node:assert/strict";
 * import { digestArrays } from "./digest.ts";
 * const a = digestArrays([new Float32Array([1, 2]), new Float32Array([3])]);
 * equal(a, digestArrays([Float32Array.of(1, 2), Float32Array.of(3)]));
 * notEqual(a, digestArrays([Float32Array.of(1), Float32Array.of(2, 3)]));
 * equal(a.length, 64);
 * ```
 */
export function digestArrays(arrays: readonly Float32Array[]): string {
  const hash = createHash("sha256");
  const header = new DataView(new ArrayBuffer(4));
  for (const a of arrays) {
    header.setUint32(0, a.length, true);
    hash.update(new Uint8Array(header.buffer.slice(0)));
    // Copy so a view into a larger buffer hashes only its own bytes; convert
    // to little-endian explicitly (typed arrays use the platform order).
    const bytes = new Uint8Array(a.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i], true);
    hash.update(bytes);
  }
  return hash.digest("hex");
}

/**
 * SHA-256 of a network's trainable values, in order: every kernel (first
 * layer first), then every bias, then every DCT+S scalar α. Reads the
 * tensors synchronously.
 *
 * @example
 * ```ts
 * import { equal, notEqual } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { weightsDigest } from "./digest.ts";
 * await tf.setBackend("cpu");
 * const net = { kernels: [tf.tensor2d([[1, 0], [0, 1]])], biases: [tf.zeros([2])], alphas: [] };
 * const d = weightsDigest(net);
 * equal(d, weightsDigest(net));
 * notEqual(d, weightsDigest({ ...net, biases: [tf.ones([2])] }));
 * ```
 */
export function weightsDigest(
  network: {
    readonly kernels: readonly tf.Tensor[];
    readonly biases: readonly tf.Tensor[];
    readonly alphas: readonly tf.Tensor[];
  } | Network,
): string {
  const arrays: Float32Array[] = [];
  for (const group of [network.kernels, network.biases, network.alphas]) {
    for (const t of group) arrays.push(Float32Array.from(t.dataSync() as ArrayLike<number>));
  }
  return digestArrays(arrays);
}
