/**
 * Measurements at initialization (the papers' diagnostics): the spectrum of
 * the input–output Jacobian, the masked gradient norm, the logits' spread,
 * densities, dead units, path cuts and per-layer orthogonality errors.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import {
  kernelSize,
  maskDensities,
  masksDensity,
  orthogonalityError,
  shapeLabel,
} from "../init/mod.ts";
import { type Batch, crossEntropy, effectiveKernels, type Network } from "../nn/mod.ts";
import type { InitMetrics, SpectrumSummary } from "./types.ts";
import { symmetricEigenvalues } from "./_sym_eig.ts";
import { createSimdEngine, type EngineName, simdSupport } from "../engine/mod.ts";
import { simdNetworkOf } from "../train/mod.ts";
import { deadUnits, pathCut } from "./connectivity.ts";

/**
 * Options of {@linkcode measureAtInit}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MeasureAtInitOptions } from "./at_init.ts";
 * const weightVariance = 2;
 * const options: MeasureAtInitOptions = { gain: Math.sqrt(weightVariance) };
 * equal(options.gain, Math.SQRT2);
 * ```
 */
export interface MeasureAtInitOptions {
  /** Gain the kernels were scaled by (√σ_w²); orthogonality errors divide the Gram by gain². Default 1. */
  readonly gain?: number;
  /**
   * Which engine runs the network passes (the Jacobian's backward passes,
   * the gradient and the logits): `"tfjs"` (default) or `"simd"` — the
   * cell's training engine, whose sums are taken in its own order (values
   * within float32 rounding of tfjs's), and which skips the work of
   * masked-out weights. Falls back to tfjs where the simd engine cannot run
   * the network.
   */
  readonly engine?: EngineName;
}

/**
 * Summary (mean, max, min, population variance) of a list of values.
 *
 * @throws {RangeError} if `values` is empty.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { summarize } from "./at_init.ts";
 * deepEqual(summarize([1, 2, 3]), { mean: 2, max: 3, min: 1, variance: 2 / 3 });
 * ```
 */
export function summarize(values: ArrayLike<number>): SpectrumSummary {
  if (values.length === 0) throw new RangeError("summarize: no values");
  let sum = 0, max = -Infinity, min = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return { mean, max, min, variance: ss / values.length };
}

/**
 * Singular values of every sample's Jacobian `∂logits[n]/∂x[n]` (`classes ×
 * h·w·c`), concatenated sample after sample (each sample's in ascending
 * order). Computed with `classes` backward passes: the gradient of
 * `Σ_n logits[n, k]` w.r.t. the input gives row `k` of every sample's
 * Jacobian at once (samples do not interact: no normalisation layers); then
 * per sample the eigenvalues of `J·Jᵀ` in float64 (Jacobi), `σ = √max(λ, 0)`,
 * keeping the top `min(classes, h·w·c)`.
 *
 * @example A linear 1-layer network `x·K` has Jacobian Kᵀ
 * ```ts
 * import { ok } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { jacobianSingularValues } from "./at_init.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "linear" },
 *   [
 *     { weights: new Float32Array([3, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, 0, 0, 2]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const sv = await jacobianSingularValues(net, tf.ones([1, 1, 1, 2]) as tf.Tensor4D);
 * ok(Math.abs(sv[0] - 2) < 1e-6 && Math.abs(sv[1] - 3) < 1e-6);
 * net.dispose();
 * ```
 */
export async function jacobianSingularValues(
  network: Network,
  x: tf.Tensor4D,
): Promise<Float64Array> {
  const n = x.shape[0];
  const d = x.shape[1] * x.shape[2] * x.shape[3];
  const classes = network.config.classes;
  const rows: Float32Array[] = [];
  for (let k = 0; k < classes; k++) {
    const g = tf.tidy(() =>
      tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(network.apply(xx), [0, k], [n, 1])))(x)
    );
    rows.push((await g.data()) as Float32Array);
    g.dispose();
  }
  return _singularValues(rows, n, d, classes);
}

/** Per sample, the top `min(classes, d)` singular values of its `classes × d` Jacobian (rows[k] holds row k of all samples). */
function _singularValues(
  rows: readonly Float32Array[],
  n: number,
  d: number,
  classes: number,
): Float64Array {
  const keep = Math.min(classes, d);
  const out = new Float64Array(n * keep);
  const jjt = new Float64Array(classes * classes);
  for (let s = 0; s < n; s++) {
    const off = s * d;
    for (let a = 0; a < classes; a++) {
      for (let b = a; b < classes; b++) {
        const ra = rows[a], rb = rows[b];
        let dot = 0;
        for (let t = 0; t < d; t++) dot += ra[off + t] * rb[off + t];
        jjt[a * classes + b] = dot;
        jjt[b * classes + a] = dot;
      }
    }
    const ev = symmetricEigenvalues(jjt, classes);
    for (let i = 0; i < keep; i++) {
      out[s * keep + i] = Math.sqrt(Math.max(ev[classes - keep + i], 0));
    }
  }
  return out;
}

/**
 * Everything the papers measure at initialization, for a built network, a
 * mini-batch (e.g. 128 examples) and the network's masks:
 *
 * - `jacobian`: summary of all samples' Jacobian singular values
 *   ({@linkcode jacobianSingularValues}); dynamical isometry = all near 1;
 * - `gradientNorm`: ‖(∂L/∂K_l) ⊙ mask_l‖ over all kernels (L = mean cross-entropy);
 * - `logitsStd`: population standard deviation of all logits of the batch;
 * - `layerDensities`, `networkDensity`, `deadUnits`, `pathCut`: from `masks`;
 * - `orthogonalityErrors`: `orthogonalityError` of each layer's *applied*
 *   kernel (`α·D + S` for DCT+S layers), divided by `gain²`.
 *
 * @throws {TypeError} if the masks do not match the network's shapes.
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { measureAtInit } from "./at_init.ts";
 * await tf.setBackend("cpu");
 * const values = [
 *   { weights: new Float32Array([0, 1, 1, 0]), mask: new Uint8Array(4).fill(1) },
 *   { weights: new Float32Array([1, 0, 0, 0]), mask: new Uint8Array([1, 0, 0, 0]) },
 * ];
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "linear" },
 *   values,
 * );
 * const m = await measureAtInit(net, { x: tf.ones([3, 1, 1, 2]) as tf.Tensor4D, y: tf.tensor2d([[1, 0], [0, 1], [1, 0]]) }, values.map((v) => v.mask));
 * equal(m.networkDensity, 5 / 8);
 * equal(m.pathCut, false);
 * equal(m.deadUnits, 2); // hidden unit 1 is never read; logit 1 has no input
 * ok(Math.abs(m.jacobian.max - 1) < 1e-6 && m.jacobian.min === 0);
 * net.dispose();
 * ```
 */
export async function measureAtInit(
  network: Network,
  batch: Batch,
  masks: readonly Uint8Array[],
  options: MeasureAtInitOptions = {},
): Promise<InitMetrics> {
  const shapes = network.shapes;
  if (masks.length !== shapes.length) {
    throw new TypeError(`measureAtInit: got ${masks.length} masks for ${shapes.length} layers`);
  }
  shapes.forEach((s, l) => {
    if (masks[l].length !== kernelSize(s)) {
      throw new TypeError(
        `measureAtInit: layer ${l} (${shapeLabel(s)}) needs a mask of ${
          kernelSize(s)
        } entries; got ${masks[l].length}`,
      );
    }
  });
  const n = batch.x.shape[0];
  const useSimd = options.engine === "simd" && simdSupport(network.config, n) === null;
  const passes = useSimd ? await _simdPasses(network, batch) : await _tfjsPasses(network, batch);
  let sq = 0;
  for (let l = 0; l < passes.gradients.length; l++) {
    const g = passes.gradients[l], m = masks[l];
    for (let i = 0; i < g.length; i++) if (m[i] !== 0) sq += g[i] * g[i];
  }
  const sv = passes.singularValues;
  const logitStats = summarize(passes.logits);

  const applied = effectiveKernels(network);
  const orthogonalityErrors: number[] = [];
  for (let l = 0; l < applied.length; l++) {
    orthogonalityErrors.push(
      orthogonalityError(await applied[l].data(), shapes[l], { gain: options.gain ?? 1 }),
    );
  }
  tf.dispose(applied);

  return {
    jacobian: summarize(sv),
    gradientNorm: Math.sqrt(sq),
    logitsStd: Math.sqrt(logitStats.variance),
    layerDensities: maskDensities(masks),
    networkDensity: masksDensity(masks),
    deadUnits: deadUnits(shapes, masks),
    pathCut: pathCut(shapes, masks),
    orthogonalityErrors,
  };
}

/** What the network passes of {@linkcode measureAtInit} yield. */
interface _Passes {
  readonly singularValues: Float64Array;
  readonly gradients: readonly ArrayLike<number>[];
  readonly logits: ArrayLike<number>;
}

/** The passes on tfjs (the reference). */
async function _tfjsPasses(network: Network, batch: Batch): Promise<_Passes> {
  const singularValues = await jacobianSingularValues(network, batch.x);
  const grads = tf.tidy(() =>
    tf.grads((...ks: tf.Tensor[]) => crossEntropy(network.apply(batch.x, ks), batch.y))(
      network.kernels,
    )
  );
  const gradients: Float32Array[] = [];
  for (const g of grads) gradients.push((await g.data()) as Float32Array);
  tf.dispose(grads);
  const out = network.apply(batch.x);
  const logits = (await out.data()) as Float32Array;
  out.dispose();
  return { singularValues, gradients, logits };
}

/** The same passes on a simd engine built for this batch: one forward pass and one backward pass per class for the Jacobian, one forward and backward pass for the gradient and the logits. */
async function _simdPasses(network: Network, batch: Batch): Promise<_Passes> {
  const n = batch.x.shape[0];
  const d = batch.x.shape[1] * batch.x.shape[2] * batch.x.shape[3];
  const classes = network.config.classes;
  const images = Float32Array.from((await batch.x.data()) as Float32Array);
  const y = (await batch.y.data()) as Float32Array;
  const labels = new Uint8Array(n);
  for (let b = 0; b < n; b++) {
    let arg = 0;
    for (let c = 1; c < classes; c++) if (y[b * classes + c] > y[b * classes + arg]) arg = c;
    labels[b] = arg;
  }
  const probe = createSimdEngine(simdNetworkOf(network), {
    momentum: 0,
    weightDecay: 0,
    batchSize: n,
    inputGradient: true,
  });
  try {
    const rows = probe.inputGradients(images);
    const { logits, gradients } = probe.kernelGradients({ images, labels });
    return { singularValues: _singularValues(rows, n, d, classes), gradients, logits };
  } finally {
    probe.dispose();
  }
}
