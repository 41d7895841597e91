/**
 * Pruned dense initializations: a dense initialization followed by an
 * exact-count mask (the request's mask when given, else a uniformly random
 * one), weights zeroed where masked. These are the EOI paper's plain sparse
 * baselines ("uniform + pruned orthogonal", "SNIP + pruned orthogonal", …).
 *
 * Mask and values come from separate streams (`"mask"`, `"weights"`), so the
 * same seed gives pruned Kaiming and pruned orthogonal the same mask, and the
 * kept values are exactly those of the dense initialization.
 *
 * @module
 */

import { haarOrthogonal } from "../linalg/mod.ts";
import type { Rng } from "../rng/mod.ts";
import { requestMask } from "./random_mask.ts";
import { type ConvShape, kernelSize, shapeLabel } from "./shape.ts";
import type { Initializer, InitRequest, MethodEntry, StreamFor } from "./types.ts";
import { parseVarianceScalingOptions, varianceScaling } from "./variance_scaling.ts";

/**
 * How {@linkcode prunedOrthogonal} builds a conv kernel.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { type ConvOrthogonal, prunedOrthogonal } from "./pruned.ts";
 * const conv: ConvOrthogonal = "flat";
 * const shape = { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 4 } as const;
 * const { weights } = prunedOrthogonal({ conv })(
 *   { shape, density: 1, activation: "linear" },
 *   (p) => stream(0, "doc", p),
 * );
 * equal(weights.length, 3 * 3 * 2 * 4);
 * ```
 */
export type ConvOrthogonal = "block" | "flat";

/**
 * Xiao et al.'s (ICML 2018) block-orthogonal convolution kernel, in tfjs
 * layout `[kh, kw, cin, cout]` (float64, gain 1), as TensorFlow's
 * `ConvolutionOrthogonal2D` builds it: a Haar `cin × cout` matrix `H`, then
 * for each of `max(kh, kw) − 1` steps the factors `P₁ + (I − P₁)·z_y` and
 * `P₂ + (I − P₂)·z_x` (each only while that axis is shorter than its kernel
 * size), where `Pᵢ = Q diag(m) Qᵀ` is a random symmetric projection (`Q` Haar
 * `cout × cout`, `m` fair coin flips). Tap `(y, x)` is the coefficient of
 * `z_y^y z_x^x` in `H · Π factors`. Every factor is unitary on the unit
 * circle, so with circular padding the convolution `x ↦ x ⋆ K` is an
 * isometry when `cin ≤ cout` (its adjoint is one when `cin > cout`; TensorFlow
 * rejects that case). Draws, all from `rng`: `H`, then each projection's `Q`
 * and coins in step order (y before x).
 *
 * @example A 1 × 1 kernel is just the Haar matrix: orthonormal rows for cin ≤ cout
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { blockOrthogonalKernel } from "./pruned.ts";
 * const k = blockOrthogonalKernel(stream(0, "doc"), {
 *   kind: "conv", kernelHeight: 1, kernelWidth: 1, inChannels: 2, outChannels: 3,
 * });
 * const dot = k[0] * k[3] + k[1] * k[4] + k[2] * k[5];
 * ok(Math.abs(dot) < 1e-12);
 * ```
 */
export function blockOrthogonalKernel(rng: Rng, shape: ConvShape): Float64Array {
  const { kernelHeight: kh, kernelWidth: kw, inChannels: cin, outChannels: cout } = shape;
  const tap = cin * cout;
  let h = 1, w = 1;
  let taps: Float64Array[] = [haarOrthogonal(rng, cin, cout)]; // tap (y, x) at y * w + x
  for (let step = 0; step < Math.max(kh, kw) - 1; step++) {
    if (step < kh - 1) {
      taps = _applyFactor(taps, h, w, true, _projection(rng, cout), cin, cout);
      h++;
    }
    if (step < kw - 1) {
      taps = _applyFactor(taps, h, w, false, _projection(rng, cout), cin, cout);
      w++;
    }
  }
  const out = new Float64Array(kh * kw * tap);
  for (let t = 0; t < kh * kw; t++) out.set(taps[t], t * tap);
  return out;
}

/** `Q_m`, the kept columns of a Haar `n × n` matrix, row-major `n × r`: `P = Q_m Q_mᵀ`. */
function _projection(rng: Rng, n: number): { q: Float64Array; rank: number } {
  const full = haarOrthogonal(rng, n, n);
  const keep: number[] = [];
  for (let j = 0; j < n; j++) if (rng.uniform() < 0.5) keep.push(j);
  const rank = keep.length;
  const q = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < rank; j++) q[i * rank + j] = full[i * n + keep[j]];
  }
  return { q, rank };
}

/**
 * Multiplies the kernel polynomial by `P + (I − P)·z` along y (`alongY`) or x:
 * tap `t` contributes `K_t P` at `t` and `K_t − K_t P` at `t + 1` on that axis.
 */
function _applyFactor(
  taps: readonly Float64Array[],
  h: number,
  w: number,
  alongY: boolean,
  projection: { q: Float64Array; rank: number },
  cin: number,
  cout: number,
): Float64Array[] {
  const { q, rank } = projection;
  const nh = alongY ? h + 1 : h, nw = alongY ? w : w + 1;
  const next = Array.from({ length: nh * nw }, () => new Float64Array(cin * cout));
  const a = new Float64Array(rank);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = taps[y * w + x];
      const here = next[y * nw + x];
      const shifted = alongY ? next[(y + 1) * nw + x] : next[y * nw + x + 1];
      for (let c = 0; c < cin; c++) {
        const row = c * cout;
        a.fill(0);
        for (let o = 0; o < cout; o++) {
          const v = k[row + o];
          if (v === 0) continue;
          const qo = o * rank;
          for (let j = 0; j < rank; j++) a[j] += v * q[qo + j];
        }
        for (let o = 0; o < cout; o++) {
          const qo = o * rank;
          let b = 0;
          for (let j = 0; j < rank; j++) b += a[j] * q[qo + j];
          here[row + o] += b;
          shifted[row + o] += k[row + o] - b;
        }
      }
    }
  }
  return next;
}

/**
 * Pruned orthogonal initializer: an orthogonal kernel times the gain (default
 * 1), then masked (the request's mask, or an exact-count random one).
 *
 * - Dense `[in, out]`: Haar orthogonal (orthonormal along the smaller
 *   dimension), `haarOrthogonal(streams("weights"), in, out)`.
 * - Conv, `conv: "block"` (default): Xiao et al.'s block-orthogonal kernel
 *   ({@linkcode blockOrthogonalKernel}, stream `"weights"`), the conv baseline
 *   the EOI paper (Nowak et al., ICML 2024) compares against; with circular padding the unpruned
 *   layer is an exact isometry.
 * - Conv, `conv: "flat"`: Haar orthogonal over the `(kh·kw·cin) × cout` map
 *   in tfjs layout (the transpose of the `cout × cin·kh·kw` map approximate
 *   isometry uses); simpler, not an isometry of the convolution.
 *
 * @throws {RangeError} at build time for an unknown `conv` value; when called,
 *   if the gain is not a positive finite number or the request's mask or
 *   density is invalid.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { prunedOrthogonal } from "./pruned.ts";
 * const shape = { kind: "dense", inFeatures: 4, outFeatures: 4 } as const;
 * const { weights } = prunedOrthogonal()(
 *   { shape, density: 1, activation: "tanh" },
 *   (p) => stream(0, "doc", p),
 * );
 * const col0 = [0, 1, 2, 3].map((i) => weights[i * 4]);
 * equal(Math.abs(col0.reduce((a, w) => a + w * w, 0) - 1) < 1e-6, true);
 * ```
 */
export function prunedOrthogonal(options: { conv?: ConvOrthogonal } = {}): Initializer {
  const conv = options.conv ?? "block";
  if (conv !== "block" && conv !== "flat") {
    throw new RangeError(
      `prunedOrthogonal: conv must be "block" or "flat"; got ${JSON.stringify(conv)}`,
    );
  }
  return (request: InitRequest, streams: StreamFor) => {
    const { shape } = request;
    const mask = requestMask(request, streams, "prunedOrthogonal");
    const gain = request.gain ?? 1;
    if (!(Number.isFinite(gain) && gain > 0)) {
      throw new RangeError(
        `prunedOrthogonal: gain must be a positive finite number for ${
          shapeLabel(shape)
        }; got ${gain}`,
      );
    }
    const size = kernelSize(shape);
    const out = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
    const q = shape.kind === "conv" && conv === "block"
      ? blockOrthogonalKernel(streams("weights"), shape)
      : haarOrthogonal(streams("weights"), size / out, out);
    const weights = new Float32Array(size);
    for (let e = 0; e < size; e++) if (mask[e] === 1) weights[e] = gain * q[e];
    return { weights, mask };
  };
}

/**
 * `"pruned-kaiming"`: dense Kaiming (`N(0, scale/fan_in)` with the dense
 * fan-in, scale 2 for ReLU, 1 otherwise), then masked, without rescaling.
 * Options: `mode`, `distribution`, `scale`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { prunedKaimingMethod } from "./pruned.ts";
 * const shape = { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 4 } as const;
 * const { weights, mask } = prunedKaimingMethod.build()(
 *   { shape, density: 0.25, activation: "relu" },
 *   (p) => stream(0, "doc", p),
 * );
 * equal(mask.reduce((a, b) => a + b, 0), 18);
 * equal(weights.filter((w) => w !== 0).length, 18);
 * ```
 */
export const prunedKaimingMethod: MethodEntry = {
  name: "pruned-kaiming",
  description: "Dense Kaiming initialization, then an exact-count (or given) mask.",
  paper: "He et al., ICCV 2015; pruned as in Evci et al., AAAI 2022",
  kinds: ["dense", "conv"],
  takesMask: true,
  scoredWith: "pruned-kaiming",
  build: (options?: Record<string, unknown>) =>
    varianceScaling(
      parseVarianceScalingOptions("pruned-kaiming", options, ["mode", "distribution", "scale"]),
    ),
};

/**
 * `"pruned-orthogonal"`: orthogonal kernel (gain default 1; convs
 * block-orthogonal by default), then an exact-count (or given) mask; see
 * {@linkcode prunedOrthogonal}. Option: `conv` (`"block"` or `"flat"`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { prunedOrthogonalMethod } from "./pruned.ts";
 * const shape = { kind: "dense", inFeatures: 8, outFeatures: 8 } as const;
 * const { mask } = prunedOrthogonalMethod.build()(
 *   { shape, density: 0.5, activation: "tanh" },
 *   (p) => stream(0, "doc", p),
 * );
 * equal(mask.reduce((a, b) => a + b, 0), 32);
 * ```
 */
export const prunedOrthogonalMethod: MethodEntry = {
  name: "pruned-orthogonal",
  description: "Haar-orthogonal kernel (conv: Xiao block-orthogonal), then an exact-count mask.",
  paper: "Saxe et al., ICLR 2014; Xiao et al., ICML 2018; baseline of Nowak et al., ICML 2024",
  kinds: ["dense", "conv"],
  takesMask: true,
  scoredWith: "pruned-orthogonal",
  build: (options?: Record<string, unknown>) => {
    for (const key of Object.keys(options ?? {})) {
      if (key !== "conv") {
        throw new RangeError(`pruned-orthogonal: unknown option "${key}"; valid options: conv`);
      }
    }
    return prunedOrthogonal({ conv: options?.conv as ConvOrthogonal | undefined });
  },
};
