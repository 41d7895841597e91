/**
 * EOI, Exact Orthogonal Initialization (Nowak et al., ICML 2024), and its
 * structured variant EOI-S: sparse kernels that are exactly orthogonal, built
 * by composing random Givens rotations (see `src/linalg/givens.ts`).
 *
 * Streams: the rotations (and so both the non-zero pattern and the values of
 * `H`) come from `"weights"`; the extra zero-valued trainable entries of a conv
 * come from `"mask"`.
 *
 * @module
 */

import { type GivensResult, givensSparseOrthogonal, haarOrthogonal } from "../linalg/mod.ts";
import { centreTapOffset, channelDims, checkDensity, checkGain, writeKernel } from "./kernel_io.ts";
import type { Rng } from "../rng/mod.ts";
import { type ConvShape, kernelSize, type LayerShape, shapeLabel, validateShape } from "./shape.ts";
import type { InitRequest, LayerInit, MethodEntry, StreamFor } from "./types.ts";

const _EPS = 1e-12;

/**
 * Options of {@linkcode eoiMethod}'s `build`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { eoiMinimumDensity, type EoiOptions } from "./eoi.ts";
 * const shape = { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 16, outChannels: 16 } as const;
 * const options: EoiOptions = { moreNonZeros: false };
 * equal(eoiMinimumDensity(shape, options), 1 / 16);
 * equal(eoiMinimumDensity(shape), 1 / 144);
 * ```
 */
export interface EoiOptions {
  /**
   * Conv only. True (default, the paper's VGG/ResNet/EfficientNet setting): the
   * centre tap gets density `ρ = min(d·k², 1, √d)` (`k² = kh·kw`); false (the
   * 1000-layer CNN): `ρ = d`.
   */
  readonly moreNonZeros?: boolean;
}

/**
 * The smallest density EOI accepts for a shape: dense `1/max(in, out)` (the
 * padded identity); conv with `moreNonZeros` (default) `max(1/(m·k²), 1/m²)`,
 * without `1/m`, where `m = max(cin, cout)` (so that the centre tap's `ρ ≥ 1/m`).
 *
 * @throws {TypeError} if the shape is invalid.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { eoiMinimumDensity } from "./eoi.ts";
 * equal(eoiMinimumDensity({ kind: "dense", inFeatures: 784, outFeatures: 100 }), 1 / 784);
 * ```
 */
export function eoiMinimumDensity(shape: LayerShape, options: EoiOptions = {}): number {
  validateShape(shape, "eoiMinimumDensity");
  const [inF, outF] = channelDims(shape);
  const m = Math.max(inF, outF);
  if (shape.kind === "dense" || options.moreNonZeros === false) return 1 / m;
  const k2 = shape.kernelHeight * shape.kernelWidth;
  return Math.max(1 / (m * k2), 1 / (m * m));
}

/** EOI on an `inF × outF` matrix at density `rho` (r ≤ c orientation inside). */
function _eoiMatrix(rng: Rng, inF: number, outF: number, rho: number): GivensResult {
  return givensSparseOrthogonal(rng, Math.min(inF, outF), Math.max(inF, outF), rho);
}

/**
 * Writes a Givens result (rows ≤ cols, `min(in,out) × max(in,out)`) into an
 * `[in, out]` block at `offset`: the matrix itself if `in ≤ out`, else its transpose.
 */
function _scatter(
  g: GivensResult,
  inF: number,
  outF: number,
  gain: number,
  weights: Float32Array,
  mask: Uint8Array,
  offset: number,
): void {
  const { colStart, rowIndex, values } = g;
  for (let col = 0; col < g.cols; col++) {
    for (let t = colStart[col]; t < colStart[col + 1]; t++) {
      const row = rowIndex[t];
      // in ≤ out: entry (i = row, o = col); else entry (i = col, o = row).
      const k = inF <= outF ? offset + row * outF + col : offset + col * outF + row;
      weights[k] = values[t] * gain;
      mask[k] = 1;
    }
  }
}

function _checkMinimum(shape: LayerShape, density: number, options: EoiOptions, where: string) {
  const min = eoiMinimumDensity(shape, options);
  if (density < min * (1 - _EPS)) {
    throw new RangeError(
      `${where}: density ${density} is below the minimum reachable density ${min} for ${
        shapeLabel(shape)
      } (${shape.kind === "dense" ? "1/max(in, out)" : "centre tap needs ρ ≥ 1/max(cin, cout)"})`,
    );
  }
}

function _parseOptions(options: Record<string, unknown> | undefined): EoiOptions {
  const o = options ?? {};
  for (const key of Object.keys(o)) {
    if (key !== "moreNonZeros") {
      throw new TypeError(`eoi: unknown option "${key}" (known: moreNonZeros)`);
    }
  }
  const more = o.moreNonZeros;
  if (more !== undefined && typeof more !== "boolean") {
    throw new TypeError(`eoi: option moreNonZeros must be a boolean; got ${String(more)}`);
  }
  return { moreNonZeros: more ?? true };
}

/** Adds `count − nnz(mask)` ones at uniformly random zero positions (stream `rng`). */
function _addExtras(rng: Rng, mask: Uint8Array, have: number, count: number): void {
  const extra = count - have;
  if (extra <= 0) return;
  const picks = rng.sample(extra, mask.length - have); // increasing ranks among free slots
  let free = 0, p = 0;
  for (let k = 0; k < mask.length && p < picks.length; k++) {
    if (mask[k] !== 0) continue;
    if (free === picks[p]) {
      mask[k] = 1;
      p++;
    }
    free++;
  }
}

function _eoiConv(
  request: InitRequest,
  shape: ConvShape,
  streams: StreamFor,
  options: EoiOptions,
  gain: number,
): LayerInit {
  const d = request.density;
  const offset = centreTapOffset(shape, "eoi");
  _checkMinimum(shape, d, options, "eoi");
  const k2 = shape.kernelHeight * shape.kernelWidth;
  const rho = options.moreNonZeros === false ? d : Math.min(d * k2, 1, Math.sqrt(d));
  const { inChannels: cin, outChannels: cout } = shape;
  const size = kernelSize(shape);
  const weights = new Float32Array(size);
  const mask = new Uint8Array(size);
  const g = _eoiMatrix(streams("weights"), cin, cout, Math.max(rho, 1 / Math.max(cin, cout)));
  _scatter(g, cin, cout, gain, weights, mask, offset);
  // Extras: zero-valued trainable entries anywhere in the 4-D kernel up to
  // exactly max(1, round(d·size)) entries. If H alone has more (the closer-of-two
  // rule can overshoot ρ·cin·cout), nothing is added and H is kept whole: the
  // mask density is then nnz(H)/size, slightly above d.
  _addExtras(streams("mask"), mask, g.nonZeros, Math.max(1, Math.round(d * size)));
  return { weights, mask };
}

function _eoi(options: EoiOptions) {
  return (request: InitRequest, streams: StreamFor): LayerInit => {
    const { shape, density } = request;
    validateShape(shape, "eoi");
    checkDensity(density, shape, "eoi");
    const gain = checkGain(request.gain, shape, "eoi");
    if (shape.kind === "conv") return _eoiConv(request, shape, streams, options, gain);
    _checkMinimum(shape, density, options, "eoi");
    const { inFeatures: inF, outFeatures: outF } = shape;
    const weights = new Float32Array(inF * outF);
    const mask = new Uint8Array(inF * outF);
    const g = _eoiMatrix(streams("weights"), inF, outF, Math.max(density, 1 / Math.max(inF, outF)));
    _scatter(g, inF, outF, gain, weights, mask, 0);
    return { weights, mask };
  };
}

/**
 * `"eoi"`: Exact Orthogonal Initialization.
 *
 * - Dense `[in, out]`: the EOI matrix (`min × max`, transposed back for tall
 *   shapes) at the requested density, times `gain` (default 1). Its exact
 *   non-zero pattern is the mask; the achieved density is whichever of the last
 *   two matrices is closer to the target (not an exact count).
 * - Conv (odd kernels): `H = EOI(cin × cout, ρ)` at the centre tap, zeros at
 *   other taps, with `ρ = min(d·k², 1, √d)` (`moreNonZeros`, default) or `ρ = d`;
 *   then zero-valued trainable entries are added uniformly at random (stream
 *   `"mask"`) over the whole kernel until exactly `max(1, round(d·size))` mask
 *   entries; if `H` alone has more, none are added (density slightly above `d`).
 *
 * The rotations come from stream `"weights"`; `request.mask` is ignored.
 * Options: `{ moreNonZeros?: boolean }` (unknown keys throw a TypeError).
 *
 * @throws {RangeError} (when called) for a density outside (0, 1], below
 *   {@linkcode eoiMinimumDensity}, a non-positive gain or an even kernel.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { orthogonalityError } from "./orthogonality.ts";
 * import { eoiMethod } from "./eoi.ts";
 * const shape = { kind: "dense", inFeatures: 64, outFeatures: 32 } as const;
 * const { weights, mask } = eoiMethod.build()(
 *   { shape, density: 0.25, activation: "tanh" },
 *   (purpose) => stream(0, "doc", purpose),
 * );
 * const kept = mask.reduce((a, b) => a + b, 0);
 * ok(Math.abs(kept / mask.length - 0.25) < 0.01);
 * ok(orthogonalityError(weights, shape) < 1e-6);
 * ```
 */
export const eoiMethod: MethodEntry = {
  name: "eoi",
  description: "Exact orthogonal sparse kernel from random Givens rotations of the padded identity",
  paper: "Nowak et al., ICML 2024",
  kinds: ["dense", "conv"],
  takesMask: false,
  scoredWith: "pruned-orthogonal",
  minimumDensity: (shape) => eoiMinimumDensity(shape),
  build: (options?: Record<string, unknown>) => _eoi(_parseOptions(options)),
};

function _eoiStructured(request: InitRequest, streams: StreamFor): LayerInit {
  const { shape, density } = request;
  validateShape(shape, "eoi-structured");
  checkDensity(density, shape, "eoi-structured");
  const gain = checkGain(request.gain, shape, "eoi-structured");
  const size = kernelSize(shape);
  const weights = new Float32Array(size);
  if (shape.kind === "dense") {
    const { inFeatures: inF, outFeatures: outF } = shape;
    writeKernel(haarOrthogonal(streams("weights"), inF, outF), weights, {
      inFeatures: inF,
      outFeatures: outF,
      gain,
    });
    return { weights, mask: new Uint8Array(size).fill(1) };
  }
  const offset = centreTapOffset(shape, "eoi-structured");
  _checkMinimum(shape, density, { moreNonZeros: false }, "eoi-structured");
  const { inChannels: cin, outChannels: cout, kernelHeight: kh, kernelWidth: kw } = shape;
  const centre = new Uint8Array(size);
  const g = _eoiMatrix(streams("weights"), cin, cout, Math.max(density, 1 / Math.max(cin, cout)));
  _scatter(g, cin, cout, gain, weights, centre, offset);
  const mask = new Uint8Array(size);
  const tap = cin * cout;
  for (let k = 0; k < tap; k++) {
    if (centre[offset + k] === 0) continue;
    for (let t = 0; t < kh * kw; t++) mask[t * tap + k] = 1;
  }
  return { weights, mask };
}

/**
 * `"eoi-structured"` (EOI-S): conv (odd kernels): `H = EOI(cin × cout, ρ = d)`
 * at the centre tap (stream `"weights"`), and the mask makes whole kernels
 * (all `kh·kw` taps) trainable wherever `H` is non-zero — kernel-level sparsity
 * like SAO, mask density = density of `H`. Dense layers: dense Haar orthogonal
 * (mask all ones, whatever the requested density, as in the paper). Gain default 1.
 *
 * @throws {RangeError} (when called) for a density outside (0, 1] or below
 *   `1/max(cin, cout)`, a non-positive gain or an even kernel.
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { orthogonalityError } from "./orthogonality.ts";
 * import { eoiStructuredMethod } from "./eoi.ts";
 * const shape = { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 16, outChannels: 16 } as const;
 * const { weights, mask } = eoiStructuredMethod.build()(
 *   { shape, density: 0.25, activation: "tanh" },
 *   (purpose) => stream(0, "doc", purpose),
 * );
 * equal(mask.reduce((a, b) => a + b, 0) % 9, 0);
 * ok(orthogonalityError(weights, shape) < 1e-6);
 * ```
 */
export const eoiStructuredMethod: MethodEntry = {
  name: "eoi-structured",
  description:
    "EOI-S: EOI centre tap with whole-kernel (structured) conv masks; dense layers dense orthogonal",
  paper: "Nowak et al., ICML 2024",
  kinds: ["dense", "conv"],
  takesMask: false,
  scoredWith: "pruned-orthogonal",
  minimumDensity: (shape) => eoiMinimumDensity(shape),
  build: (options?: Record<string, unknown>) => {
    if (options !== undefined && Object.keys(options).length > 0) {
      throw new TypeError(`eoi-structured: takes no options; got ${JSON.stringify(options)}`);
    }
    return _eoiStructured;
  },
};
