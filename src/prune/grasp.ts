/**
 * GraSP (Wang et al., ICLR 2020): gradient signal preservation. Score
 * `S = −θ ⊙ H·g` with `g = ∂L/∂θ` and `H` the Hessian of `L`, both with the
 * logits divided by a temperature (200); remove the highest scores, i.e.
 * keep the global lowest `round(density · Σ sizes)`.
 *
 * `H·g` is a central finite difference of gradients along `g`:
 * `H·g ≈ (∇L(θ + εg) − ∇L(θ − εg)) / (2ε)` with `ε = 1e-2·‖θ‖/‖g‖` (a 1%
 * perturbation of the weights; truncation error O(ε²), relative accuracy
 * ~1e-3 in float32, ample for a ranking). Double backprop (`tf.grads` of a
 * function that calls `tf.grads`) runs in tfjs 4.22 but gives WRONG
 * second-order results for these networks (measured on a 2-2-2 tanh MLP:
 * first-layer `H·g` 0.18 where float64 finite differences and this code give
 * −2.9), and tfjs has no gradient for `Conv2DBackpropFilter` at all, so it is
 * not offered.
 *
 * Unlike the authors' code, which accumulates `g` over two halves of the
 * batch to save memory, `g` and `H·g` use the same whole batch here
 * (mathematically the same quantity).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { type Batch, crossEntropy, type Network } from "../nn/mod.ts";
import { globalTopK } from "./global_mask.ts";

/**
 * Options of {@linkcode graspScores}. */
export interface GraspOptions {
  /** Divides the logits (default 200, as in the paper). */
  readonly temperature?: number;
}

function _grads(network: Network, batch: Batch, kernels: readonly tf.Tensor[], t: number) {
  return tf.grads((...ks: tf.Tensor[]) => crossEntropy(network.apply(batch.x, ks), batch.y, t))(
    kernels as tf.Tensor[],
  );
}

/**
 * `H·g` per layer by central finite differences (see the module doc);
 * float32 tensors the caller disposes.
 *
 * @example Agrees with a float64 reference on a tiny tanh MLP (temperature 1)
 * ```ts
 * import { ok } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { hessianGradientProduct } from "./grasp.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "tanh" },
 *   [
 *     { weights: new Float32Array([1, 0.5, -1, 2]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, -1, 0.5, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const batch = { x: tf.ones([1, 1, 1, 2]) as tf.Tensor4D, y: tf.tensor2d([[1, 0]]) };
 * const hg = hessianGradientProduct(net, batch, 1);
 * const reference = [[-2.90752, 0.0392885, -2.90752, 0.0392885], [1.541994, -1.541994, -1.434573, 1.434574]];
 * hg.forEach((t, l) => t.dataSync().forEach((v, i) => ok(Math.abs(v - reference[l][i]) < 5e-3 * (1 + Math.abs(reference[l][i])))));
 * net.dispose();
 * ```
 */
export function hessianGradientProduct(
  network: Network,
  batch: Batch,
  temperature: number,
): tf.Tensor[] {
  const kernels = network.kernels;
  return tf.tidy(() => {
    const g = _grads(network, batch, kernels, temperature);
    const norm = (ts: readonly tf.Tensor[]) =>
      Math.sqrt(ts.reduce((s, t) => s + tf.sum(tf.square(t)).dataSync()[0], 0));
    const gNorm = norm(g);
    if (gNorm === 0) return kernels.map((k) => tf.zerosLike(k));
    const eps = (1e-2 * Math.max(norm(kernels), 1e-12)) / gNorm;
    const shifted = (sign: number) => kernels.map((k, i) => tf.add(k, tf.mul(g[i], sign * eps)));
    const plus = _grads(network, batch, shifted(1), temperature);
    const minus = _grads(network, batch, shifted(-1), temperature);
    return plus.map((p, i) => tf.div(tf.sub(p, minus[i]), 2 * eps));
  });
}

/**
 * Per-layer GraSP scores `−θ ⊙ H·g` (float64 copies, kernel layout); entries
 * outside the network's masks score 0.
 *
 * @throws {RangeError} if the temperature is not positive and finite.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { graspScores } from "./grasp.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "tanh" },
 *   [
 *     { weights: new Float32Array([1, 0.5, -1, 2]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, -1, 0.5, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const s = await graspScores(net, { x: tf.ones([1, 1, 1, 2]) as tf.Tensor4D, y: tf.tensor2d([[1, 0]]) });
 * equal(s[0].length, 4);
 * net.dispose();
 * ```
 */
export async function graspScores(
  network: Network,
  batch: Batch,
  options: GraspOptions = {},
): Promise<Float64Array[]> {
  const temperature = options.temperature ?? 200;
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new RangeError(
      `graspScores: temperature must be positive and finite; got ${temperature}`,
    );
  }
  const hg = hessianGradientProduct(network, batch, temperature);
  const scores: Float64Array[] = [];
  for (let i = 0; i < hg.length; i++) {
    const w = await network.kernels[i].data(), h = await hg[i].data();
    const m = await network.masks[i].data();
    const s = new Float64Array(w.length);
    for (let j = 0; j < w.length; j++) s[j] = m[j] === 0 ? 0 : -w[j] * h[j];
    scores.push(s);
  }
  tf.dispose(hg);
  return scores;
}

/**
 * GraSP masks: remove the highest scores, i.e. keep the global *lowest*
 * `round(density · Σ sizes)` scores `−θ ⊙ H·g` (exact count; ties by the
 * lowest position, see `globalTopK`). Layers may be emptied.
 *
 * @throws {RangeError} if `density` is outside (0, 1], or as {@linkcode graspScores}.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { grasp } from "./grasp.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "tanh" },
 *   [
 *     { weights: new Float32Array([1, 0.5, -1, 2]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, -1, 0.5, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const masks = await grasp(net, { x: tf.ones([1, 1, 1, 2]) as tf.Tensor4D, y: tf.tensor2d([[1, 0]]) }, 0.25);
 * equal(masks.reduce((s, m) => s + m.reduce((a, v) => a + v, 0), 0), 2);
 * net.dispose();
 * ```
 */
export async function grasp(
  network: Network,
  batch: Batch,
  density: number,
  options: GraspOptions = {},
): Promise<Uint8Array[]> {
  const scores = await graspScores(network, batch, options);
  for (const s of scores) for (let j = 0; j < s.length; j++) s[j] = -s[j];
  return globalTopK(scores, density);
}
