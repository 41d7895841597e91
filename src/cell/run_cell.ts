/**
 * `runCell`: one experiment cell from its config to its result — backend,
 * data, split, initial values, metrics at initialization, training,
 * evaluation, digest, provenance.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import {
  type Dataset,
  gatherImages,
  gatherOneHot,
  loadDataset,
  normalizeDataset,
  splitValidation,
} from "../data/mod.ts";
import { type Accounting, accounting, type InitMetrics, measureAtInit } from "../metrics/mod.ts";
import {
  backendInfo,
  type BackendName,
  buildNetwork,
  layerShapes,
  type LayerValues,
  type ModelConfig,
  type Network,
  type Provenance,
  useBackend,
} from "../nn/mod.ts";
import { resolveMethod } from "../prune/mod.ts";
import { initializeNetwork } from "./initialize_network.ts";
import { stream } from "../rng/mod.ts";
import { checkNetworkSize, type SizeLimits, sizeLimits } from "../init/mod.ts";
import { validateCellConfig } from "./config.ts";
import type { StepEngine } from "../engine/mod.ts";
import {
  createStepEngine,
  type Curves,
  maskViolations,
  train,
  type TrainProgress,
  weightsDigest,
  writeTrainedValues,
} from "../train/mod.ts";
import type { CellConfig, CellProvenance, CellResult } from "./types.ts";

/**
 * Fraction of the training set held out for validation (the EOI recipe).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { VALIDATION_FRACTION } from "./run_cell.ts";
 * equal(VALIDATION_FRACTION, 0.1);
 * ```
 */
export const VALIDATION_FRACTION = 0.1;
/**
 * Examples in the fixed batch used for metrics at init and data-dependent pruning scores.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { INIT_BATCH_SIZE } from "./run_cell.ts";
 * equal(INIT_BATCH_SIZE, 128);
 * ```
 */
export const INIT_BATCH_SIZE = 128;

/**
 * Options of {@linkcode runCell}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cellConfig } from "./config.ts";
 * import { runCell, type RunCellOptions } from "./run_cell.ts";
 * const controller = new AbortController();
 * controller.abort();
 * const options: RunCellOptions = { backend: "cpu", signal: controller.signal };
 * const r = await runCell(cellConfig({ dataset: "synthetic" }), options);
 * equal(r.status, "failed");
 * equal(r.message?.startsWith("aborted: "), true);
 * ```
 */
export interface RunCellOptions {
  /** tfjs backend (default `"auto"`). */
  readonly backend?: BackendName;
  /** A dataset already in memory (skips `loadDataset(config.dataset)`). */
  readonly dataset?: Dataset;
  /** Called after every optimiser step; keep it cheap. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Aborting ends the cell with status `failed` and message `aborted: …`. */
  readonly signal?: AbortSignal;
  /**
   * Size bounds of the network (depth, kernel entries per layer and in all),
   * checked before any work; defaults `DEFAULT_SIZE_LIMITS` (see `init/limits.ts`).
   */
  readonly limits?: Partial<SizeLimits>;
}

/**
 * The training examples a cell uses: the training part of
 * `splitValidation(labels, 0.1, seed)`, capped to `trainExamples` by taking
 * the first k of the permutation `stream(seed, "train-subset")` of that
 * split (the method is not in the stream path, so every method of a seed
 * sees the same subset), returned in increasing order.
 *
 * @throws {RangeError} from `splitValidation` for bad labels or seeds.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cellSplit } from "./run_cell.ts";
 * const labels = Uint8Array.from({ length: 1000 }, (_, i) => i % 10);
 * const { train, validation } = cellSplit(labels, 0, 200);
 * equal(train.length, 200);
 * equal(validation.length, 100);
 * equal(cellSplit(labels, 0, 200).train.join(), train.join());
 * ```
 */
export function cellSplit(
  labels: Uint8Array,
  seed: number,
  trainExamples?: number,
): { train: Uint32Array; validation: Uint32Array } {
  const split = splitValidation(labels, VALIDATION_FRACTION, seed);
  if (trainExamples === undefined || trainExamples >= split.train.length) return split;
  const order = stream(seed, "train-subset").permutation(split.train.length);
  const picked = new Uint32Array(trainExamples);
  for (let i = 0; i < trainExamples; i++) picked[i] = split.train[order[i]];
  return { train: picked.sort(), validation: split.validation };
}

/**
 * The first `k` of `indices` in the order of the fixed permutation
 * `stream(0, "evaluation-subset", purpose)` (all of them, in order, when `k`
 * is undefined or not smaller): the evaluation subset of a quick preset, the
 * same for every method and seed.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { evaluationSubset } from "./run_cell.ts";
 * const all = Uint32Array.from({ length: 100 }, (_, i) => i);
 * equal(evaluationSubset(all, "test").length, 100);
 * const some = evaluationSubset(all, "test", 10);
 * equal(some.length, 10);
 * equal(evaluationSubset(all, "test", 10).join(), some.join());
 * ```
 */
export function evaluationSubset(
  indices: Uint32Array,
  purpose: "validation" | "test",
  k?: number,
): Uint32Array {
  if (k === undefined || k >= indices.length) return indices;
  const order = stream(0, "evaluation-subset", purpose).permutation(indices.length);
  return Uint32Array.from(order.subarray(0, k), (p) => indices[p]).sort();
}

/**
 * The model structure of a cell: its architecture, depth, width and
 * activation, the dataset's image shape, and DCT+S layers when the method's
 * entry has a DCT offset (`"dct-plus-sparse"`).
 *
 * @throws {RangeError} for an unknown method, listing the valid ones.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cellConfig } from "./config.ts";
 * import { modelConfigOf } from "./run_cell.ts";
 * const m = modelConfigOf(cellConfig({ method: "dct-plus-sparse" }), [28, 28, 1], 10);
 * equal(m.dctPlusSparse, true);
 * equal(m.depth, 6);
 * ```
 */
export function modelConfigOf(
  cell: CellConfig,
  inputShape: readonly [number, number, number],
  classes: number,
): ModelConfig {
  return {
    architecture: cell.architecture,
    inputShape: [inputShape[0], inputShape[1], inputShape[2]],
    depth: cell.depth,
    width: cell.width,
    classes,
    activation: cell.activation,
    ...(resolveMethod(cell.method).layer.dctOffset === true ? { dctPlusSparse: true } : {}),
  };
}

/**
 * Runs one cell and returns its result; a cell's own failure is a result,
 * never an exception.
 *
 * Flow: validate the config (an invalid config throws before any work) →
 * `useBackend` → dataset (`options.dataset` or `loadDataset`) →
 * {@linkcode cellSplit} → model config → `initializeNetwork` (given, for
 * data-dependent scores such as SNIP and GraSP, a batch of 128 training
 * examples: the first 128 of `stream(seed, "init-batch").permutation` of the
 * training split) → `buildNetwork` → `measureAtInit` on the first 128
 * validation examples (its network passes on the cell's engine) and
 * `accounting` → `train` (masked SGD-Nesterov, step
 * schedule) on the config's step engine (`engine`, default `"tfjs"`; the
 * simd engine's trained values are then written back into the network) →
 * mask check → test accuracy after the last step (on the same engine) →
 * weights digest.
 *
 * Status: `ok`; `diverged` (a batch or validation loss became NaN/±Inf;
 * `divergedAtStep` set, no test accuracy, no digest); `failed` (any exception
 * inside the cell, including an abort and a non-zero weight outside the mask
 * after training, or an engine that cannot run the network; `message` says
 * what). Provenance (`backendInfo()` and the engine) is recorded with every
 * result.
 *
 * @throws {TypeError|RangeError} only for an invalid config (see `validateCellConfig`)
 *   or a network above the size limits (`options.limits`: depth, entries per
 *   kernel and in all; the error names method, shape and limit).
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cellConfig } from "./config.ts";
 * import { runCell } from "./run_cell.ts";
 * const r = await runCell(cellConfig({
 *   dataset: "synthetic", method: "kaiming", density: 1, depth: 1, width: 16,
 *   steps: 3, batchSize: 32, trainExamples: 256,
 * }), { backend: "cpu" });
 * equal(r.status, "ok");
 * equal(r.steps, 3);
 * equal(r.weightsDigest?.length, 64);
 * ```
 */
export async function runCell(
  config: CellConfig,
  options: RunCellOptions = {},
): Promise<CellResult> {
  const cell = validateCellConfig(config);
  _checkSize(cell, options.limits);
  const engineName = cell.engine ?? "tfjs";
  const started = performance.now();
  let provenance: CellProvenance = { ..._fallbackProvenance(), engine: engineName };
  let atInit: InitMetrics | null = null;
  let accountingResult: Accounting | null = null;
  let curves: Curves = {
    trainLoss: [],
    trainAccuracy: [],
    validationLoss: [],
    validationAccuracy: [],
  };
  let steps = 0;
  let network: Network | undefined;
  let engine: StepEngine | undefined;
  const result = (fields: Partial<CellResult> & Pick<CellResult, "status">): CellResult => ({
    testAccuracy: null,
    testLoss: null,
    bestValidationAccuracy: null,
    finalValidationAccuracy: null,
    curves,
    atInit,
    accounting: accountingResult,
    weightsDigest: null,
    steps,
    wallSeconds: (performance.now() - started) / 1000,
    provenance,
    ...fields,
  });
  try {
    options.signal?.throwIfAborted();
    await useBackend(options.backend ?? "auto");
    provenance = { ..._provenance(), engine: engineName };
    const dataset = normalizeDataset(
      options.dataset ?? await loadDataset(cell.dataset),
      cell.normalization ?? "standardize",
    );
    options.signal?.throwIfAborted();
    const { train: trainIdx, validation: heldOut } = cellSplit(
      dataset.trainLabels,
      cell.seed,
      cell.trainExamples,
    );
    const validation = evaluationSubset(heldOut, "validation", cell.evaluationExamples);
    const imageShape = dataset.imageShape as readonly [number, number, number];
    const classes = dataset.classes;
    const modelConfig = modelConfigOf(cell, imageShape, classes);
    const initOrder = stream(cell.seed, "init-batch").permutation(trainIdx.length);
    const initTrain = Uint32Array.from(
      initOrder.subarray(0, Math.min(INIT_BATCH_SIZE, trainIdx.length)),
      (p) => trainIdx[p],
    );
    const initValidation = validation.subarray(0, Math.min(INIT_BATCH_SIZE, validation.length));
    const scoreBatch = _batch(
      dataset.trainImages,
      dataset.trainLabels,
      initTrain,
      imageShape,
      classes,
    );
    let values: LayerValues[];
    try {
      values = await initializeNetwork(cell, modelConfig, {
        batch: scoreBatch,
        ...(options.limits === undefined ? {} : { limits: options.limits }),
      });
    } finally {
      tf.dispose([scoreBatch.x, scoreBatch.y]);
    }
    options.signal?.throwIfAborted();
    network = buildNetwork(modelConfig, values);
    const masks = values.map((v) => v.mask);
    const metricsBatch = _batch(
      dataset.trainImages,
      dataset.trainLabels,
      initValidation,
      imageShape,
      classes,
    );
    try {
      // Orthogonality errors are relative to the gain the kernels were scaled by (√σ_w²).
      const gain = config.weightVariance === undefined ? 1 : Math.sqrt(config.weightVariance);
      // On the simd engine the metrics' network passes run on it too (its own sums: results
      // within float32 rounding of tfjs's; about 20 s → 1 s for an 8-layer, 16-channel CNN).
      atInit = await measureAtInit(network, metricsBatch, masks, { gain, engine: engineName });
    } finally {
      tf.dispose([metricsBatch.x, metricsBatch.y]);
    }
    accountingResult = accounting(modelConfig, masks);
    engine = createStepEngine(engineName, network, {
      momentum: cell.momentum,
      weightDecay: cell.weightDecay,
    }, cell.batchSize);
    const outcome = await train(
      network,
      {
        images: dataset.trainImages,
        labels: dataset.trainLabels,
        imageShape,
        classes,
        train: trainIdx,
        validation,
      },
      {
        seed: cell.seed,
        epochs: cell.epochs,
        steps: cell.steps,
        batchSize: cell.batchSize,
        learningRate: cell.learningRate,
        momentum: cell.momentum,
        weightDecay: cell.weightDecay,
        onProgress: options.onProgress,
        signal: options.signal,
        engine,
      },
    );
    curves = outcome.curves;
    steps = outcome.steps;
    if (outcome.status === "diverged") {
      return result({
        status: "diverged",
        divergedAtStep: outcome.divergedAtStep,
        message: outcome.message,
        bestValidationAccuracy: outcome.bestValidationAccuracy,
      });
    }
    if (engine.name !== "tfjs") writeTrainedValues(network, engine.readWeights());
    const violations = maskViolations(network);
    if (violations !== 0) {
      return result({
        status: "failed",
        message:
          `runCell: ${violations} kernel entries are non-zero outside the mask after training`,
        bestValidationAccuracy: outcome.bestValidationAccuracy,
        finalValidationAccuracy: outcome.finalValidationAccuracy,
      });
    }
    const testIdx = evaluationSubset(
      Uint32Array.from({ length: dataset.testLabels.length }, (_, i) => i),
      "test",
      cell.evaluationExamples,
    );
    const test = engine.evaluate(
      { images: dataset.testImages, labels: dataset.testLabels },
      testIdx,
    );
    return result({
      status: "ok",
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      bestValidationAccuracy: outcome.bestValidationAccuracy,
      finalValidationAccuracy: outcome.finalValidationAccuracy,
      weightsDigest: weightsDigest(network),
    });
  } catch (e) {
    const aborted = options.signal?.aborted === true;
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return result({ status: "failed", message: aborted ? `aborted: ${text}` : text });
  } finally {
    engine?.dispose();
    network?.dispose();
  }
}

/** A batch `{ x: [n, h, w, c], y: one-hot [n, classes] }` (the caller disposes it). */
function _batch(
  images: Float32Array,
  labels: Uint8Array,
  indices: Uint32Array,
  [h, w, c]: readonly [number, number, number],
  classes: number,
): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const n = indices.length;
  return {
    x: tf.tensor4d(gatherImages(images, indices, h * w * c), [n, h, w, c]),
    y: tf.tensor2d(gatherOneHot(labels, indices, classes), [n, classes]),
  };
}

/** Provenance from the backend module, coerced to the result's fields. */
function _provenance(): Provenance {
  const info = backendInfo() as unknown as Partial<Provenance>;
  const fallback = _fallbackProvenance();
  return {
    backend: info.backend ?? fallback.backend,
    tfjsVersion: info.tfjsVersion ?? fallback.tfjsVersion,
    denoVersion: info.denoVersion ?? fallback.denoVersion,
    v8Version: info.v8Version ?? fallback.v8Version,
    os: info.os ?? fallback.os,
    arch: info.arch ?? fallback.arch,
  };
}

/** What is known without the backend module (used if a cell fails before the backend is up). */
function _fallbackProvenance(): Provenance {
  return {
    // engine().backendName is null until a backend is initialized; reading
    // it (unlike tf.getBackend()) does not initialize one.
    backend: tf.engine().backendName ?? "none",
    tfjsVersion: tf.version_core,
    denoVersion: Deno.version.deno,
    v8Version: Deno.version.v8,
    os: Deno.build.os,
    arch: Deno.build.arch,
  };
}

/**
 * The size bounds of a cell's network, checked before any work. The shapes
 * are those of the suite's datasets, all 28×28×1 images in 10 classes.
 */
function _checkSize(cell: CellConfig, partial: Partial<SizeLimits> | undefined): void {
  const limits = sizeLimits(partial);
  const where = `runCell(${
    JSON.stringify(cell.method)
  }, ${cell.architecture} depth ${cell.depth} width ${cell.width})`;
  checkNetworkSize(where, { depth: cell.depth }, limits); // before building 10^7 shapes
  const shapes = layerShapes({
    architecture: cell.architecture,
    inputShape: [28, 28, 1],
    depth: cell.depth,
    width: cell.width,
    classes: 10,
    activation: cell.activation,
  });
  checkNetworkSize(where, { depth: cell.depth, shapes }, limits);
}
