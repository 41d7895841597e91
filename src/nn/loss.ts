/**
 * Softmax cross-entropy, the suite's one loss, in its two forms:
 *
 * - {@linkcode softmaxCrossEntropy}: the training step's and evaluation's
 *   loss, on tfjs's `logSoftmax` (once differentiable, the fast path);
 * - {@linkcode crossEntropy}: the same value written with elementary ops only
 *   so that it can be differentiated twice (GraSP's Hessian–gradient product;
 *   also SNIP's scores and the gradient norm at initialization): tfjs has no
 *   gradient for `Equal`, which `tf.max`'s gradient uses, so the stabilising
 *   row maximum is read out and re-entered as a constant. Optionally on
 *   temperature-scaled logits.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/**
 * Softmax cross-entropy of logits against one-hot labels, computed with a
 * log-softmax (numerically stable for large logits): the mean over the batch
 * (`reduction: "mean"`, the training loss) or the sum over every example
 * (`"sum"`, accumulated by evaluation over batches of any size).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { softmaxCrossEntropy } from "./loss.ts";
 * await tf.setBackend("cpu");
 * const loss = softmaxCrossEntropy(tf.zeros([2, 10]), tf.oneHot([3, 4], 10));
 * ok(Math.abs(loss.dataSync()[0] - Math.log(10)) < 1e-6);
 * const sum = softmaxCrossEntropy(tf.zeros([2, 10]), tf.oneHot([3, 4], 10), "sum");
 * ok(Math.abs(sum.dataSync()[0] - 2 * Math.log(10)) < 1e-5);
 * ```
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  reduction: "mean" | "sum" = "mean",
): tf.Scalar {
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits as tf.Tensor2D);
    // The two reductions keep the exact op order they have always had (same bits).
    return reduction === "sum"
      ? tf.neg(tf.sum(tf.mul(labels, logProbabilities))) as tf.Scalar
      : tf.neg(tf.mean(tf.sum(tf.mul(labels, logProbabilities), 1))) as tf.Scalar;
  });
}

/**
 * A mini-batch: images `[n, h, w, c]` and one-hot labels `[n, classes]`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import type { Batch } from "./loss.ts";
 * await tf.setBackend("cpu");
 * const batch: Batch = { x: tf.zeros([2, 2, 2, 1]), y: tf.tensor2d([[0, 1], [1, 0]]) };
 * deepEqual(batch.y.shape, [2, 2]);
 * tf.dispose([batch.x, batch.y]);
 * ```
 */
export interface Batch {
  /** Images `[n, h, w, c]`. */
  readonly x: tf.Tensor4D;
  /** One-hot labels `[n, classes]`. */
  readonly y: tf.Tensor2D;
}

/**
 * `mean_n( −Σ_k y[n,k]·log_softmax(logits[n] / temperature)[k] )`. The
 * log-sum-exp is stabilised by a row-wise maximum taken as a constant (the shift cancels in
 * value and gradient).
 *
 * @param logits `[n, classes]`.
 * @param y one-hot labels `[n, classes]`.
 * @param temperature divides the logits (GraSP uses 200); default 1.
 * @throws {TypeError} if the shapes differ (names the shapes).
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { crossEntropy } from "./loss.ts";
 * await tf.setBackend("cpu");
 * const l = crossEntropy(tf.zeros([2, 4]), tf.tensor2d([[0, 1, 0, 0], [0, 0, 0, 1]]));
 * ok(Math.abs(l.dataSync()[0] - Math.log(4)) < 1e-6);
 * ```
 */
export function crossEntropy(logits: tf.Tensor2D, y: tf.Tensor2D, temperature = 1): tf.Scalar {
  if (logits.shape[0] !== y.shape[0] || logits.shape[1] !== y.shape[1]) {
    throw new TypeError(
      `crossEntropy: logits [${logits.shape.join(", ")}] and labels [${
        y.shape.join(", ")
      }] differ in shape`,
    );
  }
  return tf.tidy(() => {
    const z = temperature === 1 ? logits : tf.div(logits, tf.scalar(temperature));
    const rowMax = tf.tensor(tf.max(z, 1, true).dataSync(), [z.shape[0], 1]); // a constant
    const shifted = tf.sub(z, rowMax);
    const lse = tf.log(tf.sum(tf.exp(shifted), 1, true));
    const logp = tf.sub(shifted, lse);
    return tf.neg(tf.mean(tf.sum(tf.mul(y, logp), 1))) as tf.Scalar;
  });
}
