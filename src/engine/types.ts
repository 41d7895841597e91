/**
 * The contract between the training loop and a step engine: one optimiser
 * step on a batch of plain arrays, evaluation, reading the trained values
 * back. Two engines implement it: `"tfjs"` (the reference, any tfjs backend,
 * in `src/train/`) and `"simd"` (this directory: our own WebAssembly SIMD
 * kernels over typed arrays).
 *
 * @module
 */

/**
 * Names of the step engines.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { ENGINE_NAMES } from "./types.ts";
 * deepEqual([...ENGINE_NAMES], ["tfjs", "simd"]);
 * ```
 */
export const ENGINE_NAMES = ["tfjs", "simd"] as const;

/**
 * A step engine's name: `"tfjs"` (reference) or `"simd"`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EngineName } from "./types.ts";
 * const engine: EngineName = "simd";
 * equal(engine, "simd");
 * ```
 */
export type EngineName = typeof ENGINE_NAMES[number];

/**
 * SGD settings a step engine is bound to (PyTorch's form, see `src/train/step.ts`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EngineSgd } from "./types.ts";
 * const sgd: EngineSgd = { momentum: 0.9, weightDecay: 1e-4 };
 * equal(sgd.nesterov ?? true, true);
 * ```
 */
export interface EngineSgd {
  /** Momentum μ in [0, 1); 0 disables the velocity. */
  readonly momentum: number;
  /** L2 weight decay added to the gradient, ≥ 0. */
  readonly weightDecay: number;
  /** Nesterov momentum (default true). */
  readonly nesterov?: boolean;
}

/**
 * Images with their labels (a batch, or a dataset to index): `labels.length`
 * images of `h·w·c` pixels each, image-major.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EngineBatch } from "./types.ts";
 * const batch: EngineBatch = { images: new Float32Array(2 * 4), labels: Uint8Array.of(0, 1) };
 * equal(batch.images.length / batch.labels.length, 4);
 * ```
 */
export interface EngineBatch {
  /** `n · h·w·c` pixel values, image-major, each image in `(h, w, c)` order. */
  readonly images: Float32Array;
  /** `n` labels in `0..classes-1`. */
  readonly labels: Uint8Array;
}

/**
 * What one step reports (before its update).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EngineStepStats } from "./types.ts";
 * const stats: EngineStepStats = { loss: 0.69, correct: 64, size: 128 };
 * equal(stats.correct / stats.size, 0.5);
 * ```
 */
export interface EngineStepStats {
  /** Mean softmax cross-entropy over the batch. */
  readonly loss: number;
  /** Examples whose arg-max logit is the label. */
  readonly correct: number;
  /** Batch size. */
  readonly size: number;
}

/**
 * Loss and accuracy over a set of examples.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EngineEvaluation } from "./types.ts";
 * const e: EngineEvaluation = { loss: 0.3, accuracy: 0.9, count: 1000 };
 * equal(Math.round(e.accuracy * e.count), 900);
 * ```
 */
export interface EngineEvaluation {
  /** Mean softmax cross-entropy. */
  readonly loss: number;
  /** Fraction of examples whose arg-max logit is the label. */
  readonly accuracy: number;
  /** Number of examples. */
  readonly count: number;
}

/**
 * A network's trainable values in tfjs layout (kernels `[in, out]` or
 * `[kh, kw, cin, cout]`, exactly zero outside their masks), in the order of
 * `weightsDigest`: kernels, biases, DCT+S scalars α.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TrainedValues } from "./types.ts";
 * const v: TrainedValues = { kernels: [new Float32Array(4)], biases: [new Float32Array(2)], alphas: [] };
 * equal(v.kernels.length, v.biases.length);
 * ```
 */
export interface TrainedValues {
  /** One array per kernel layer, first layer first. */
  readonly kernels: readonly Float32Array[];
  /** One array per kernel layer. */
  readonly biases: readonly Float32Array[];
  /** One α per layer for DCT+S networks, else empty. */
  readonly alphas: readonly number[];
}

/**
 * A stateful training engine bound to one network and one SGD setting (it
 * owns its parameters' copy or view, and the velocities).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StepEngine } from "./types.ts";
 * const describe = (e: StepEngine) => `${e.name} engine`;
 * equal(describe({ name: "simd" } as StepEngine), "simd engine");
 * ```
 */
export interface StepEngine {
  /** Which engine this is (recorded in every result's provenance). */
  readonly name: EngineName;
  /** One optimiser step on `batch` with learning rate `learningRate`. */
  step(batch: EngineBatch, learningRate: number): EngineStepStats;
  /**
   * Mean loss and accuracy on `indices` of `data`'s images and labels (no
   * update), in batches of at most `batchSize` (engines may use smaller ones).
   */
  evaluate(data: EngineBatch, indices: Uint32Array, batchSize?: number): EngineEvaluation;
  /** The current trainable values, copied out. */
  readWeights(): TrainedValues;
  /** Frees the engine's memory (not the network it was built from). */
  dispose(): void;
}
