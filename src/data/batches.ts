/**
 * Deterministic mini-batch order and gathering of examples into contiguous
 * typed arrays (ready for one `tf.tensor` call per batch).
 *
 * @module
 */

import type { Rng } from "../rng/mod.ts";

/**
 * One epoch's mini-batches: the given example indices in a uniformly random
 * order (one `rng.permutation` of their positions), cut into consecutive
 * batches of `batchSize`. The last batch holds the remainder and is smaller
 * when `batchSize` does not divide the count, so every example is seen
 * exactly once per epoch (PyTorch's `drop_last=False`); pass
 * `{ dropLast: true }` to drop it instead. Call once per epoch with the same
 * generator to get a fresh order each epoch.
 *
 * @param indices example indices (e.g. `splitValidation(...).train`).
 * @param batchSize examples per batch, a positive integer.
 * @param rng the generator (advanced in place), e.g. `stream(seed, "data/order")`.
 * @throws {RangeError} if `batchSize` is not a positive integer.
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { shuffledBatches } from "./batches.ts";
 * import { stream } from "../rng/mod.ts";
 * const idx = Uint32Array.from([10, 11, 12, 13, 14]);
 * const batches = shuffledBatches(idx, 2, stream(0, "doc"));
 * deepEqual(batches.map((b) => b.length), [2, 2, 1]);
 * deepEqual([...batches.flatMap((b) => [...b])].sort(), [10, 11, 12, 13, 14]);
 * equal(shuffledBatches(idx, 2, stream(0, "doc"), { dropLast: true }).length, 2);
 * ```
 */
export function shuffledBatches(
  indices: Uint32Array,
  batchSize: number,
  rng: Rng,
  options: { dropLast?: boolean } = {},
): Uint32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `shuffledBatches: batchSize must be a positive integer; got ${batchSize} ` +
        `for ${indices.length} indices`,
    );
  }
  const n = indices.length;
  const order = rng.permutation(n);
  const shuffled = new Uint32Array(n);
  for (let i = 0; i < n; i++) shuffled[i] = indices[order[i]];
  const end = options.dropLast === true ? n - (n % batchSize) : n;
  const batches: Uint32Array[] = [];
  for (let start = 0; start < end; start += batchSize) {
    batches.push(shuffled.slice(start, Math.min(start + batchSize, end)));
  }
  return batches;
}

/**
 * Copies the images at `indices` into one contiguous array
 * (`indices.length · pixels` values, row-major, in the order given).
 *
 * @param images all images, `n · pixels` values.
 * @param indices which images, each in `[0, n)`.
 * @param pixels values per image (784 for 28×28×1).
 * @throws {RangeError} if `pixels` is not a positive integer dividing
 *   `images.length`, or an index is out of range.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { gatherImages } from "./batches.ts";
 * const images = Float32Array.from([0, 0, 1, 1, 2, 2]); // three 2-pixel images
 * deepEqual(gatherImages(images, [2, 0], 2), Float32Array.from([2, 2, 0, 0]));
 * ```
 */
export function gatherImages(
  images: Float32Array,
  indices: ArrayLike<number>,
  pixels = 784,
): Float32Array {
  if (!Number.isInteger(pixels) || pixels < 1 || images.length % pixels !== 0) {
    throw new RangeError(
      `gatherImages: pixels must be a positive integer dividing images.length ` +
        `(${images.length}); got ${pixels}`,
    );
  }
  const n = images.length / pixels;
  const out = new Float32Array(indices.length * pixels);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!(Number.isInteger(k) && k >= 0 && k < n)) {
      throw new RangeError(
        `gatherImages: index ${k} at position ${i} is outside [0, ${n}) ` +
          `for images of shape [${n}, ${pixels}]`,
      );
    }
    out.set(images.subarray(k * pixels, (k + 1) * pixels), i * pixels);
  }
  return out;
}

/**
 * Copies the labels at `indices` (in the order given).
 *
 * @throws {RangeError} if an index is outside `[0, labels.length)`.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { gatherLabels } from "./batches.ts";
 * deepEqual(gatherLabels(new Uint8Array([7, 8, 9]), [2, 0]), new Uint8Array([9, 7]));
 * ```
 */
export function gatherLabels(labels: Uint8Array, indices: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!(Number.isInteger(k) && k >= 0 && k < labels.length)) {
      throw new RangeError(
        `gatherLabels: index ${k} at position ${i} is outside [0, ${labels.length}) ` +
          `for labels of shape [${labels.length}]`,
      );
    }
    out[i] = labels[k];
  }
  return out;
}

/**
 * One-hot rows (`indices.length · classes` float32 values) for the labels at
 * `indices`: the `y` of a batch, e.g. `tf.tensor2d(oneHot, [b, classes])`.
 *
 * @throws {RangeError} if an index is out of range or a label is `>= classes`.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { gatherOneHot } from "./batches.ts";
 * const y = gatherOneHot(new Uint8Array([2, 0]), [0, 1], 3);
 * deepEqual(y, Float32Array.from([0, 0, 1, 1, 0, 0]));
 * ```
 */
export function gatherOneHot(
  labels: Uint8Array,
  indices: ArrayLike<number>,
  classes = 10,
): Float32Array {
  const picked = gatherLabels(labels, indices);
  const out = new Float32Array(picked.length * classes);
  for (let i = 0; i < picked.length; i++) {
    if (picked[i] >= classes) {
      throw new RangeError(
        `gatherOneHot: label ${picked[i]} at position ${i} is not below classes=${classes}`,
      );
    }
    out[i * classes + picked[i]] = 1;
  }
  return out;
}
