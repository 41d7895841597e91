/**
 * The training loop around the one hot path of `step.ts`: per-epoch seeded
 * data order, the step learning-rate schedule, per-epoch curves on the
 * training and validation splits, divergence detection, and evaluation.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";
import { gatherImages, gatherLabels, shuffledBatches } from "../data/mod.ts";
import type { StepEngine } from "../engine/mod.ts";
import type { Network } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import type { LabelledImages } from "./evaluate.ts";
import { stepSchedule } from "./schedule.ts";
import { createTfjsEngine } from "./tfjs_engine.ts";

export { evaluate, type Evaluation, type LabelledImages } from "./evaluate.ts";

/**
 * Per-epoch curves (index = epoch − 1). */
export interface Curves {
  /** Mean training loss of each epoch's batches. */
  readonly trainLoss: number[];
  /** Training accuracy over each epoch's batches. */
  readonly trainAccuracy: number[];
  /** Validation loss at the end of each epoch. */
  readonly validationLoss: number[];
  /** Validation accuracy at the end of each epoch. */
  readonly validationAccuracy: number[];
}

/**
 * Images, labels and the index sets to train and validate on.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TrainingData } from "./train.ts";
 * const data: TrainingData = {
 *   images: new Float32Array(10 * 4), labels: new Uint8Array(10), imageShape: [2, 2, 1],
 *   classes: 2, train: Uint32Array.of(0, 1, 2, 3, 4, 5, 6, 7), validation: Uint32Array.of(8, 9),
 * };
 * equal(data.images.length, data.labels.length * 4);
 * ```
 */
export interface TrainingData extends LabelledImages {
  /** Indices (into `images`/`labels`) of the training split; non-empty. */
  readonly train: Uint32Array;
  /** Indices of the validation split; non-empty. */
  readonly validation: Uint32Array;
}

/**
 * Progress reported after every optimiser step. */
export interface TrainProgress {
  /** Optimiser steps done (1-based: the first call has `step = 1`). */
  readonly step: number;
  /** Total optimiser steps planned. */
  readonly steps: number;
  /** Current epoch, 1-based. */
  readonly epoch: number;
  /** Mean loss of the step's batch (before its update). */
  readonly loss: number;
}

/**
 * Hyper-parameters of {@linkcode train}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { plannedSteps, type TrainOptions } from "./train.ts";
 * const options: TrainOptions = {
 *   seed: 0, epochs: 100, batchSize: 128, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4,
 * };
 * equal(plannedSteps(54000, options), 42200);
 * ```
 */
export interface TrainOptions {
  /** Seed of the data order: epoch `e` shuffles with `stream(seed, "data-order", "epoch/e")`. */
  readonly seed: number;
  /** Epochs over the training split (ignored when `steps` is given). */
  readonly epochs: number;
  /** Total optimiser steps; overrides `epochs` (the last epoch may be partial). */
  readonly steps?: number;
  /** Examples per optimiser step (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Base learning rate, divided by 10 at 50% and 75% of the steps. */
  readonly learningRate: number;
  /** Nesterov momentum in [0, 1). */
  readonly momentum: number;
  /** L2 weight decay added to the gradient, ≥ 0. */
  readonly weightDecay: number;
  /** Called after every step; keep it cheap. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Aborting makes `train` reject with the signal's reason (checked every step). */
  readonly signal?: AbortSignal;
  /** Batch size of evaluation passes (default 1000). */
  readonly evaluationBatchSize?: number;
  /**
   * The step engine to train with, bound to `network` and to this
   * momentum and weight decay (see `createStepEngine`); the caller disposes
   * it. Default: the tfjs engine on `network`, created and disposed here.
   */
  readonly engine?: StepEngine;
}

/**
 * What {@linkcode train} returns. The network holds the trained values. */
export interface TrainOutcome {
  /** `ok`, or `diverged` at the first non-finite batch or validation loss. */
  readonly status: "ok" | "diverged";
  /** For `diverged`: the 1-based optimiser step whose loss was NaN/±Inf. */
  readonly divergedAtStep?: number;
  /** For `diverged`: what was non-finite. */
  readonly message?: string;
  /** Optimiser steps done. */
  readonly steps: number;
  /**
   * Per-epoch curves. Train loss/accuracy are the running means over the
   * epoch's batches (each measured before its update, weighted by batch size);
   * validation loss/accuracy are measured on the whole validation split at the
   * end of the epoch. A partial last epoch (when `steps` is given) gets an entry.
   */
  readonly curves: Curves;
  /** Best end-of-epoch validation accuracy; `null` if no epoch ended. */
  readonly bestValidationAccuracy: number | null;
  /** Validation accuracy after the last epoch; `null` if diverged. */
  readonly finalValidationAccuracy: number | null;
}

/** Steps per epoch when every batch, the last partial one included, is used. */
function _batchesPerEpoch(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/**
 * The number of optimiser steps `train` will take: `steps` if given, else
 * `epochs · ⌈trainExamples / batchSize⌉` (the last partial batch of an
 * epoch is used, as PyTorch's DataLoader does by default).
 *
 * @throws {RangeError} naming `plannedSteps` and the offending value.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { plannedSteps } from "./train.ts";
 * equal(plannedSteps(54000, { epochs: 100, batchSize: 128 }), 42200);
 * equal(plannedSteps(54000, { epochs: 100, batchSize: 128, steps: 300 }), 300);
 * ```
 */
export function plannedSteps(
  trainExamples: number,
  options: { readonly epochs: number; readonly steps?: number; readonly batchSize: number },
): number {
  if (!Number.isInteger(trainExamples) || trainExamples < 1) {
    throw new RangeError(
      `plannedSteps: trainExamples must be a positive integer; got ${trainExamples}`,
    );
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new RangeError(
      `plannedSteps: batchSize must be a positive integer; got ${options.batchSize}`,
    );
  }
  if (options.steps !== undefined) {
    if (!Number.isInteger(options.steps) || options.steps < 1) {
      throw new RangeError(`plannedSteps: steps must be a positive integer; got ${options.steps}`);
    }
    return options.steps;
  }
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new RangeError(`plannedSteps: epochs must be a positive integer; got ${options.epochs}`);
  }
  return options.epochs * _batchesPerEpoch(trainExamples, options.batchSize);
}

/**
 * Trains `network` in place with the masked SGD-Nesterov step of `step.ts`
 * and the step schedule of `schedule.ts`. Epoch `e` (0-based) visits the
 * training split in the order of
 * `shuffledBatches(train, batchSize, stream(seed, "data-order", "epoch/e"))`.
 * Stops at the first non-finite batch loss (status `diverged`), or if a
 * validation loss at the end of an epoch is non-finite. Yields to the event
 * loop between epochs and every 64 steps so an abort can arrive.
 *
 * @throws {RangeError} naming `train` for empty splits or bad hyper-parameters
 *   (see also {@linkcode plannedSteps}, `createTrainStep`, `stepSchedule`);
 *   rejects with `signal.reason` when aborted.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { train } from "./train.ts";
 * await tf.setBackend("cpu");
 * const kernel = tf.variable(tf.zeros([4, 2]));
 * const bias = tf.variable(tf.zeros([2]));
 * const network = {
 *   kernels: [kernel], masks: [tf.ones([4, 2])], biases: [bias], alphas: [],
 *   apply: (x: tf.Tensor) => tf.add(tf.matMul(tf.reshape(x, [-1, 4]), kernel), bias),
 *   trainable: () => [kernel, bias],
 * };
 * // Class = whether the first pixel is lit.
 * const images = Float32Array.from({ length: 40 }, (_, i) => (i % 8 === 0 ? 1 : 0));
 * const labels = Uint8Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 1 : 0));
 * const data = {
 *   images, labels, imageShape: [2, 2, 1] as const, classes: 2,
 *   train: Uint32Array.of(0, 1, 2, 3, 4, 5, 6, 7), validation: Uint32Array.of(8, 9),
 * };
 * const outcome = await train(network as never, data, {
 *   seed: 1, epochs: 20, batchSize: 4, learningRate: 0.5, momentum: 0.9, weightDecay: 0,
 * });
 * equal(outcome.status, "ok");
 * equal(outcome.steps, 40);
 * equal(outcome.curves.trainLoss.length, 20);
 * equal(outcome.finalValidationAccuracy, 1);
 * ```
 */
export async function train(
  network: Network,
  data: TrainingData,
  options: TrainOptions,
): Promise<TrainOutcome> {
  const { train: trainIndices, validation } = data;
  if (trainIndices.length === 0 || validation.length === 0) {
    throw new RangeError(
      `train: the training and validation splits must be non-empty; got ${trainIndices.length} and ${validation.length} examples`,
    );
  }
  const total = plannedSteps(trainIndices.length, options);
  const schedule = stepSchedule(options.learningRate, total);
  const [h, w, c] = data.imageShape;
  const pixels = h * w * c;
  const evalBatch = options.evaluationBatchSize ?? 1000;
  const trainer = options.engine ?? createTfjsEngine(network, {
    momentum: options.momentum,
    weightDecay: options.weightDecay,
  }, data);
  const curves: Curves = {
    trainLoss: [],
    trainAccuracy: [],
    validationLoss: [],
    validationAccuracy: [],
  };
  let best: number | null = null;
  let step = 0;
  let divergedAtStep: number | undefined;
  let message: string | undefined;
  try {
    for (let epoch = 0; step < total && divergedAtStep === undefined; epoch++) {
      options.signal?.throwIfAborted();
      const batches = shuffledBatches(
        trainIndices,
        options.batchSize,
        stream(options.seed, "data-order", `epoch/${epoch}`),
      );
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (const idx of batches) {
        if (step >= total) break;
        const n = idx.length;
        const batch = {
          images: gatherImages(data.images, idx, pixels),
          labels: gatherLabels(data.labels, idx),
        };
        const stats = trainer.step(batch, schedule(step));
        step++;
        if (!Number.isFinite(stats.loss)) {
          divergedAtStep = step;
          message = `loss became ${stats.loss} at step ${step} (epoch ${epoch + 1})`;
          break;
        }
        lossSum += stats.loss * n;
        correct += stats.correct;
        seen += n;
        options.onProgress?.({ step, steps: total, epoch: epoch + 1, loss: stats.loss });
        if (step % 64 === 0) {
          await _yield();
          options.signal?.throwIfAborted();
        }
      }
      if (divergedAtStep !== undefined) break;
      const v = trainer.evaluate(data, validation, evalBatch);
      curves.trainLoss.push(lossSum / seen);
      curves.trainAccuracy.push(correct / seen);
      curves.validationLoss.push(v.loss);
      curves.validationAccuracy.push(v.accuracy);
      if (!Number.isFinite(v.loss)) {
        divergedAtStep = step;
        message = `validation loss became ${v.loss} after step ${step} (epoch ${epoch + 1})`;
        break;
      }
      best = best === null ? v.accuracy : Math.max(best, v.accuracy);
      await _yield();
    }
  } finally {
    if (options.engine === undefined) trainer.dispose();
  }
  const last = curves.validationAccuracy.length;
  const outcome: TrainOutcome = {
    status: divergedAtStep === undefined ? "ok" : "diverged",
    steps: step,
    curves,
    bestValidationAccuracy: best,
    finalValidationAccuracy: divergedAtStep === undefined && last > 0
      ? curves.validationAccuracy[last - 1]
      : null,
  };
  return divergedAtStep === undefined ? outcome : { ...outcome, divergedAtStep, message };
}

/**
 * Counts kernel entries that are non-zero where their mask is zero (0 after
 * a correct masked training run).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { maskViolations } from "./train.ts";
 * await tf.setBackend("cpu");
 * const network = { kernels: [tf.tensor1d([1, 2, 0, 3])], masks: [tf.tensor1d([1, 0, 0, 1])] };
 * equal(maskViolations(network), 1);
 * ```
 */
export function maskViolations(
  network: Pick<Network, "kernels" | "masks"> | {
    readonly kernels: readonly tf.Tensor[];
    readonly masks: readonly tf.Tensor[];
  },
): number {
  let count = 0;
  network.kernels.forEach((k, i) => {
    const values = k.dataSync();
    const mask = network.masks[i].dataSync();
    for (let j = 0; j < values.length; j++) {
      if (mask[j] === 0 && values[j] !== 0) count++;
    }
  });
  return count;
}

/** Lets timers and abort events run. */
function _yield(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
