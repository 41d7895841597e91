/**
 * The records metrics produce: the spectrum summary, what the papers measure at
 * initialization, and parameter / multiply-add accounting.
 *
 * @module
 */

/**
 * Summary of singular values. */
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
 * What the papers measure at initialization. */
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
 * Parameter and FLOP accounting of a cell's network. */
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
