/**
 * Evaluating a tfjs network on a set of examples: mean softmax cross-entropy
 * and accuracy, in batches (the tfjs engine's evaluation).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { gatherImages, gatherOneHot } from "../data/mod.ts";
import { type Network, softmaxCrossEntropy } from "../nn/mod.ts";

/**
 * Images with their labels: what training and evaluation read.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LabelledImages } from "./evaluate.ts";
 * const data: LabelledImages = {
 *   images: new Float32Array(8), labels: Uint8Array.of(0, 1), imageShape: [2, 2, 1], classes: 2,
 * };
 * equal(data.images.length, data.labels.length * 4);
 * ```
 */
export interface LabelledImages {
  /** `n · h·w·c` pixel values, image-major (as `Dataset.trainImages`). */
  readonly images: Float32Array;
  /** `n` labels in `0..classes-1`. */
  readonly labels: Uint8Array;
  /** `[h, w, c]` of one image. */
  readonly imageShape: readonly [number, number, number];
  /** Number of classes (logits). */
  readonly classes: number;
}

/**
 * Loss and accuracy over a set of examples.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Evaluation } from "./evaluate.ts";
 * const e: Evaluation = { loss: 0.3, accuracy: 0.9, count: 1000 };
 * equal(Math.round(e.accuracy * e.count), 900); // correct examples
 * ```
 */
export interface Evaluation {
  /** Mean softmax cross-entropy. */
  readonly loss: number;
  /** Fraction of examples whose arg-max logit is the label. */
  readonly accuracy: number;
  /** Number of examples. */
  readonly count: number;
}

/**
 * Mean loss and accuracy of a network on `indices` of `data`, in batches of
 * `batchSize` (default 1000; no gradients, no tensors left behind).
 *
 * @throws {RangeError} naming `evaluate` if `indices` is empty or the batch
 *   size is not a positive integer (index errors come from `gatherImages`).
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { evaluate } from "./evaluate.ts";
 * await tf.setBackend("cpu");
 * // A "network" that always predicts class 1 with logits [0, 1].
 * const network = { apply: (x: tf.Tensor) => tf.tile(tf.tensor2d([[0, 1]]), [x.shape[0], 1]) };
 * const images = new Float32Array(3 * 4);
 * const labels = Uint8Array.of(1, 0, 1);
 * // deno-lint-ignore no-explicit-any
 * const data = { images, labels, imageShape: [2, 2, 1] as const, classes: 2 };
 * const e = evaluate(network as any, data, Uint32Array.of(0, 1, 2));
 * equal(e.accuracy, 2 / 3);
 * equal(e.count, 3);
 * ```
 */
export function evaluate(
  network: Network,
  data: LabelledImages,
  indices: Uint32Array,
  batchSize = 1000,
): Evaluation {
  const { images, labels, imageShape, classes } = data;
  if (indices.length === 0) {
    throw new RangeError(`evaluate: no examples to evaluate (indices of shape [0])`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`evaluate: batchSize must be a positive integer; got ${batchSize}`);
  }
  const [h, w, c] = imageShape;
  const pixels = h * w * c;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    const idx = indices.subarray(start, Math.min(start + batchSize, indices.length));
    const n = idx.length;
    const sums = tf.tidy(() => {
      const x = tf.tensor4d(gatherImages(images, idx, pixels), [n, h, w, c]);
      const y = tf.tensor2d(gatherOneHot(labels, idx, classes), [n, classes]);
      const logits = network.apply(x);
      const loss = softmaxCrossEntropy(logits, y, "sum");
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), "float32"));
      return tf.stack([loss, hits]);
    });
    const [l, k] = sums.dataSync();
    sums.dispose();
    lossSum += l;
    correct += k;
  }
  return {
    loss: lossSum / indices.length,
    accuracy: correct / indices.length,
    count: indices.length,
  };
}
