/**
 * SNIP (Lee et al., ICLR 2019): connection sensitivity `|θ ⊙ ∂L/∂θ|` of the
 * dense network on one mini-batch, then a global top-k.
 *
 * Two losses: `cross-entropy` (SNIP's own paper: the training loss; the
 * default) and `nll`, what the EOI authors' code scores with
 * (woocash2/sparser-better-deeper-stronger, `sparselearning/snip_and_grasp.py`,
 * `SNIP(..., loss="logsoftmax")` calls `F.nll_loss(outputs, targets)`, and
 * their MLPs return raw logits): `L = mean_n(−z_{n,y_n})`, the negated logit of
 * the true class, with no softmax. The two rank connections differently.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { type Batch, crossEntropy, type Network } from "../nn/mod.ts";
import { globalTopK } from "./global_mask.ts";

/**
 * The loss SNIP differentiates: `cross-entropy` (mean softmax cross-entropy of
 * the logits) or `nll` (mean of `−z_y`, the true class's raw logit negated,
 * as `F.nll_loss` on logits computes it).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { SNIP_LOSSES } from "./snip.ts";
 * deepEqual(SNIP_LOSSES, ["cross-entropy", "nll"]);
 * ```
 */
export type SnipLoss = "cross-entropy" | "nll";

/**
 * The accepted SNIP losses, the default first.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SNIP_LOSSES } from "./snip.ts";
 * equal(SNIP_LOSSES[0], "cross-entropy");
 * ```
 */
export const SNIP_LOSSES: readonly SnipLoss[] = ["cross-entropy", "nll"];

/** `mean_n(−z_{n,y_n})` for one-hot `y`. */
function _nll(logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(logits, y), 1)));
}

/**
 * Per-layer SNIP scores `|θ ⊙ ∂L/∂θ|` (float64 copies, kernel layout), L the
 * `loss` (default `cross-entropy`, see {@linkcode SnipLoss}) of the network's
 * logits on `batch`. Entries outside the network's masks score 0.
 *
 * @throws {RangeError} for an unknown loss.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { snipScores } from "./snip.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "linear" },
 *   [
 *     { weights: new Float32Array([1, 0.5, -1, 2]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, -1, 0.5, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const batch = { x: tf.ones([1, 1, 1, 2]) as tf.Tensor4D, y: tf.tensor2d([[1, 0]]) };
 * const scores = await snipScores(net, batch);
 * equal(scores.length, 2);
 * equal(scores[0].every((s) => s >= 0), true);
 * net.dispose();
 * ```
 */
export async function snipScores(
  network: Network,
  batch: Batch,
  loss: SnipLoss = "cross-entropy",
): Promise<Float64Array[]> {
  if (!SNIP_LOSSES.includes(loss)) {
    throw new RangeError(
      `snipScores: loss must be one of ${SNIP_LOSSES.join(", ")}; got ${JSON.stringify(loss)}`,
    );
  }
  const lossOf = loss === "nll" ? _nll : crossEntropy;
  const grads = tf.tidy(() =>
    tf.grads((...ks: tf.Tensor[]) => lossOf(network.apply(batch.x, ks), batch.y))(
      network.kernels,
    )
  );
  const scores: Float64Array[] = [];
  for (let i = 0; i < grads.length; i++) {
    const w = await network.kernels[i].data(), g = await grads[i].data();
    const m = await network.masks[i].data();
    const s = new Float64Array(w.length);
    for (let j = 0; j < w.length; j++) s[j] = m[j] === 0 ? 0 : Math.abs(w[j] * g[j]);
    scores.push(s);
  }
  tf.dispose(grads);
  return scores;
}

/**
 * SNIP masks: the global top `round(density · Σ sizes)` SNIP scores under
 * `loss` (exact count, ties by position; see `globalTopK`). Layers may be
 * emptied.
 *
 * @throws {RangeError} if `density` is outside (0, 1] or a score is NaN.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { snip } from "./snip.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "tanh" },
 *   [
 *     { weights: new Float32Array([1, 0.5, -1, 2]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, -1, 0.5, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const masks = await snip(net, { x: tf.ones([1, 1, 1, 2]) as tf.Tensor4D, y: tf.tensor2d([[1, 0]]) }, 0.5);
 * equal(masks.reduce((s, m) => s + m.reduce((a, v) => a + v, 0), 0), 4);
 * net.dispose();
 * ```
 */
export async function snip(
  network: Network,
  batch: Batch,
  density: number,
  loss: SnipLoss = "cross-entropy",
): Promise<Uint8Array[]> {
  return globalTopK(await snipScores(network, batch, loss), density);
}
