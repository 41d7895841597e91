/**
 * The records metrics produce: the spectrum summary, what the papers measure at
 * initialization, and parameter / multiply-add accounting.
 *
 * @module
 */

/**
 * Summary of singular values.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SpectrumSummary } from "./types.ts";
 * const s: SpectrumSummary = { mean: 1, max: 1.5, min: 0.5, variance: 0.125 };
 * equal(s.max - s.min, 1);
 * ```
 */
export interface SpectrumSummary {
  /** Mean of the values. */
  readonly mean: number;
  /** Largest value. */
  readonly max: number;
  /** Smallest value. */
  readonly min: number;
  /** Population variance of the values. */
  readonly variance: number;
}

/**
 * What the papers measure at initialization.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { InitMetrics } from "./types.ts";
 * const m: InitMetrics = {
 *   jacobian: { mean: 1, max: 1, min: 1, variance: 0 },
 *   gradientNorm: 0.5, logitsStd: 1, layerDensities: [0.5, 1], networkDensity: 0.6,
 *   deadUnits: 0, pathCut: false, orthogonalityErrors: [0, 0],
 * };
 * equal(m.layerDensities.length, m.orthogonalityErrors.length);
 * ```
 */
export interface InitMetrics {
  /** Summary of the input–output Jacobian singular values over the batch. */
  readonly jacobian: SpectrumSummary;
  /** Norm of the masked gradient of the loss w.r.t. all kernels. */
  readonly gradientNorm: number;
  /** Population standard deviation of all logits of the batch. */
  readonly logitsStd: number;
  /** Density of each layer's mask, input to output. */
  readonly layerDensities: readonly number[];
  /** Non-zeros over entries of all masks together. */
  readonly networkDensity: number;
  /** Units with an all-zero row or column in their kernel mask. */
  readonly deadUnits: number;
  /** True when no input–output path survives the masks. */
  readonly pathCut: boolean;
  /** Max |G − I| per layer of the initial kernels (see orthogonalityError). */
  readonly orthogonalityErrors: readonly number[];
}

/**
 * Parameter and FLOP accounting of a cell's network.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Accounting } from "./types.ts";
 * const a: Accounting = {
 *   trainableParameters: 14, nonZeros: 9, denseMultiplyAdds: 18, sparseMultiplyAdds: 9,
 *   dctOffsetEntries: 0, dctOffsetMultiplyAdds: 0,
 * };
 * equal(a.sparseMultiplyAdds / a.denseMultiplyAdds, 0.5);
 * ```
 */
export interface Accounting {
  /** Kept kernel entries + biases + DCT+S scalars α. */
  readonly trainableParameters: number;
  /** Kept (mask = 1) kernel entries of all layers. */
  readonly nonZeros: number;
  /** Multiply-adds per example if every kernel were dense. */
  readonly denseMultiplyAdds: number;
  /** Multiply-adds per example counting only kept entries (`S` for DCT+S). */
  readonly sparseMultiplyAdds: number;
  /** DCT+S only: entries of the frozen offsets (not trainable, not stored). */
  readonly dctOffsetEntries: number;
  /** DCT+S only: multiply-adds of the offsets applied as dense matrices. */
  readonly dctOffsetMultiplyAdds: number;
}
