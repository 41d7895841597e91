/**
 * A cost model of a grid's jobs, to print an estimate of the wall time before
 * a run starts: multiply-adds × steps, calibrated by measured constants.
 *
 * For a training job, with `F` the forward multiply-adds of one example (each
 * kernel entry once per output position; only kept entries on the simd
 * engine, whose sparse kernels touch only them, every entry on tfjs; DCT+S
 * layers add their dense frozen offset to the kept entries; conv
 * multiply-adds weighted by `convFactor`, which they cost more per
 * multiply-add than dense ones) and `U` the hidden units the activation runs
 * over (units × positions):
 *
 * ```
 * seconds = steps · (batch · (3F · perMacTrain + U · perUnit) + perStep)
 *         + evaluated · (F · perMacEval + U · perUnit)
 *         + perJob + init
 * ```
 *
 * where `evaluated` counts the validation examples of every finished epoch
 * and the test examples, and `init` is, for `approx-isometry`, its 10,000
 * refinement steps (1,000 from 1000 layers) of `Σ 1.5·p·(d·q)² + 2·q²`
 * scalar operations per step over its sparse layers (`p`, `q` the larger and
 * smaller side, `d` the layer's density; the refinement's sparse Gram, of
 * which it sums one triangle, its gradient, and the residual's mirror and
 * norm) at `perIsoOp` seconds each, else 0.
 * Per-layer densities come from the allocation (`uniform` for the score
 * allocations, whose per-layer split is only known after scoring). A measure
 * job costs `perMeasureKind[its measure]` seconds, else `perMeasure`. The constants are calibrated on the 2-core
 * reference machine from stored `wallSeconds` (see {@linkcode COST_CONSTANTS});
 * the estimate is for one process running the jobs one after another.
 *
 * @module
 */

import { type Cell, type MeasureName, modelConfigOf, VALIDATION_FRACTION } from "../cell/mod.ts";
import {
  allocateDensities,
  DENSITY_ALLOCATIONS,
  type DensityAllocation,
  kernelSize,
} from "../init/mod.ts";
import { layerShapes } from "../nn/mod.ts";
import type { Job } from "../cell/mod.ts";

/**
 * The calibrated constants of the cost model (seconds per unit of work).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { COST_CONSTANTS } from "./cost.ts";
 * ok(COST_CONSTANTS.perMacTrain > 0);
 * ```
 */
export interface CostConstants {
  /** Seconds per training multiply-add (forward, backward and update of one kept weight on one example, counted as 3 multiply-adds). */
  readonly perMacTrain: number;
  /** Seconds per evaluation multiply-add. */
  readonly perMacEval: number;
  /** Seconds per hidden unit and example (activation, bias, loss). */
  readonly perUnit: number;
  /** Seconds per optimiser step beyond the multiply-adds. */
  readonly perStep: number;
  /** Seconds per training job (dataset split, initialization, metrics at init). */
  readonly perJob: number;
  /** Seconds per measure job. */
  readonly perMeasure: number;
  /** Seconds per measure job by measure (an exactness check takes milliseconds, a timing cell about a second); `perMeasure` where absent. */
  readonly perMeasureKind?: Readonly<Partial<Record<MeasureName, number>>>;
  /** Weight of a conv layer's multiply-add relative to a dense layer's. */
  readonly convFactor: number;
  /** Seconds per scalar operation of approximate isometry's refinement. */
  readonly perIsoOp: number;
}

/**
 * Constants measured on the reference machine (2-core AMD EPYC VM, Deno
 * 2.9.6, wasm backend, simd engine, `RESULTS_VERSION` 3), fitted by
 * {@linkcode fitCostConstants} (`deno task fit:cost`) to the `wallSeconds`
 * of the 1,141 rows of a quick and a standard run on an idle machine
 * (2026-12-02, `--workers 2`, so each job ran beside another; the same cells
 * and bytes as the committed reference store, whose times were taken under a
 * load that about doubled them). Relative rms error 19% over the training
 * rows; the two runs' totals within 2% (CNN cells +8%, MLP cells −5%). The
 * conv weight is 1 (conv multiply-adds cost what dense ones do since the conv
 * kernels read rows in order). A shared machine can take twice as long;
 * expect ±50% on other machines.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { COST_CONSTANTS } from "./cost.ts";
 * ok(COST_CONSTANTS.perMacEval <= COST_CONSTANTS.perMacTrain * 3);
 * ```
 */
export const COST_CONSTANTS: CostConstants = Object.freeze({
  perMacTrain: 5.8e-11,
  perMacEval: 5.8e-11,
  perUnit: 6.8e-9,
  perStep: 4.5e-6,
  perJob: 0.054,
  perMeasure: 0.071,
  perMeasureKind: Object.freeze({ exactness: 0.0046, timing: 0.72 }),
  convFactor: 1,
  perIsoOp: 1.3e-9,
});

/**
 * The work of one job, in the units of {@linkcode CostConstants}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobWork } from "./cost.ts";
 * const w = jobWork({ kind: "measure", config: { measure: "exactness", method: "eoi",
 *   shape: { kind: "dense", inFeatures: 4, outFeatures: 4 }, density: 0.5, activation: "tanh" } });
 * equal(w.measure, 1);
 * ```
 */
export interface JobWork {
  /** Training multiply-adds (3 per kept weight and example). */
  readonly macTrain: number;
  /** Evaluation multiply-adds. */
  readonly macEval: number;
  /** Hidden units × examples, training and evaluation. */
  readonly units: number;
  /** Optimiser steps. */
  readonly steps: number;
  /** Scalar operations of approximate isometry's refinement (0 for other methods). */
  readonly isoOps: number;
  /** 1 for a training job. */
  readonly jobs: number;
  /** 1 for a measure job. */
  readonly measure: number;
}

const _IMAGE: readonly [number, number, number] = [28, 28, 1];
const _TRAIN_SIZE = 60000;
const _TEST_SIZE = 10000;

/**
 * The work of one cell's job (see the module doc). Datasets are the suite's
 * 28×28 ten-class ones (60,000 training and 10,000 test images; `synthetic`
 * is counted as if it were as large).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobWork } from "./cost.ts";
 * const w = jobWork({ kind: "train", config: {
 *   dataset: "mnist", architecture: "mlp", depth: 1, width: 10, activation: "tanh",
 *   method: "kaiming", allocation: "uniform", density: 1, epochs: 1, steps: 2, batchSize: 4,
 *   learningRate: 0.01, momentum: 0.9, weightDecay: 0, biasVariance: 0, ablation: "none",
 *   trainExamples: 8, evaluationExamples: 5 } });
 * equal(w.steps, 2);
 * equal(w.macTrain, 2 * 4 * 3 * (784 * 10 + 10 * 10)); // steps · batch · 3F
 * equal(w.macEval, (5 + 5) * (784 * 10 + 10 * 10)); // one epoch's validation + the test subset
 * ```
 */
export function jobWork(cell: Cell, constants: CostConstants = COST_CONSTANTS): JobWork {
  if (cell.kind === "measure") {
    return { macTrain: 0, macEval: 0, units: 0, steps: 0, isoOps: 0, jobs: 0, measure: 1 };
  }
  const c = cell.config;
  const model = modelConfigOf({ ...c, seed: 0 }, _IMAGE, 10);
  const shapes = layerShapes(model);
  const sparse = c.engine === "simd";
  const allocation: DensityAllocation = (DENSITY_ALLOCATIONS as readonly string[]).includes(
      c.allocation,
    )
    ? c.allocation as DensityAllocation
    : "uniform";
  const densities = c.density >= 1
    ? shapes.map(() => 1)
    : allocateDensities(allocation, shapes, c.density);
  const positions = c.architecture === "cnn" ? _IMAGE[0] * _IMAGE[1] : 1;
  let forward = 0, units = 0, iso = 0;
  shapes.forEach((s, l) => {
    const size = kernelSize(s);
    const times = s.kind === "conv" ? positions : 1;
    const kept = c.method === "dct-plus-sparse" ? 1 + densities[l] : sparse ? densities[l] : 1;
    forward += size * times * kept * (s.kind === "conv" ? constants.convFactor : 1);
    if (l < shapes.length - 1) {
      units += (s.kind === "dense" ? s.outFeatures : s.outChannels) * times;
    }
    const fanIn = s.kind === "dense" ? s.inFeatures : s.inChannels * s.kernelHeight * s.kernelWidth;
    const fanOut = s.kind === "dense" ? s.outFeatures : s.outChannels;
    const p = Math.max(fanIn, fanOut), q = Math.min(fanIn, fanOut);
    if (densities[l] < 1) iso += 1.5 * p * (densities[l] * q) ** 2 + 2 * q * q;
  });
  const validation = Math.round(_TRAIN_SIZE * VALIDATION_FRACTION);
  const trainN = Math.min(c.trainExamples ?? Infinity, _TRAIN_SIZE - validation);
  const perEpoch = Math.ceil(trainN / c.batchSize);
  const steps = c.steps ?? c.epochs * perEpoch;
  const epochs = Math.floor(steps / perEpoch);
  const evaluated = epochs * Math.min(validation, c.evaluationExamples ?? Infinity) +
    Math.min(_TEST_SIZE, c.evaluationExamples ?? Infinity);
  const isoSteps = c.method === "approx-isometry" ? (c.depth + 1 >= 1000 ? 1000 : 10000) : 0;
  return {
    macTrain: steps * c.batchSize * 3 * forward,
    macEval: evaluated * forward,
    units: (steps * c.batchSize + evaluated) * units,
    steps,
    isoOps: isoSteps * iso,
    jobs: 1,
    measure: 0,
  };
}

/**
 * Estimated seconds of one job under `constants`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { estimateJobSeconds } from "./cost.ts";
 * const cell = { kind: "measure", config: { measure: "timing", method: "eoi",
 *   shape: { kind: "dense", inFeatures: 4, outFeatures: 4 }, density: 0.5, activation: "tanh" } } as const;
 * const zero = { perMacTrain: 0, perMacEval: 0, perUnit: 0, perStep: 0, perJob: 0, convFactor: 1, perIsoOp: 0 };
 * equal(estimateJobSeconds(cell, { ...zero, perMeasure: 2 }), 2);
 * ```
 */
export function estimateJobSeconds(cell: Cell, constants: CostConstants = COST_CONSTANTS): number {
  const w = jobWork(cell, constants);
  return w.macTrain * constants.perMacTrain + w.macEval * constants.perMacEval +
    w.units * constants.perUnit + w.steps * constants.perStep + w.jobs * constants.perJob +
    w.measure * _perMeasure(cell, constants) + w.isoOps * constants.perIsoOp;
}

function _perMeasure(cell: Cell, constants: CostConstants): number {
  if (cell.kind !== "measure") return constants.perMeasure;
  return constants.perMeasureKind?.[cell.config.measure] ?? constants.perMeasure;
}

/**
 * Estimated seconds of running `jobs` one after another.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { estimateSeconds } from "./cost.ts";
 * equal(estimateSeconds([]), 0);
 * ```
 */
export function estimateSeconds(
  jobs: readonly Pick<Job, "cell">[],
  constants: CostConstants = COST_CONSTANTS,
): number {
  let s = 0;
  for (const j of jobs) s += estimateJobSeconds(j.cell, constants);
  return s;
}

/**
 * The jobs ordered longest first by {@linkcode estimateJobSeconds} (ties keep
 * their order): the order parallel workers take jobs in, so the long cells
 * start at once and the short ones fill the end (longest-processing-time
 * scheduling) instead of one long cell running alone last. The order
 * changes no result: every job's bytes depend only on the job.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { longestFirst } from "./cost.ts";
 * const job = (steps: number, tag: string) => ({ tag, cell: { kind: "train", config: {
 *   dataset: "mnist", architecture: "mlp", depth: 1, width: 10, activation: "tanh",
 *   method: "kaiming", allocation: "uniform", density: 1, epochs: 1, steps, batchSize: 4,
 *   learningRate: 0.01, momentum: 0.9, weightDecay: 0, biasVariance: 0, ablation: "none" } } } as const);
 * const order = longestFirst([job(1, "a"), job(50, "b"), job(1, "c"), job(9, "d")]);
 * deepEqual(order.map((j) => j.tag), ["b", "d", "a", "c"]);
 * ```
 */
export function longestFirst<J extends Pick<Job, "cell">>(
  jobs: readonly J[],
  constants: CostConstants = COST_CONSTANTS,
): J[] {
  const cost = jobs.map((j) => estimateJobSeconds(j.cell, constants));
  return jobs.map((_, i) => i).sort((a, b) => cost[b] - cost[a] || a - b).map((i) => jobs[i]);
}

/**
 * One measured job for {@linkcode fitCostConstants}: its cell and the seconds it took.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CostSample } from "./cost.ts";
 * const s: CostSample = { cell: { kind: "measure", config: { measure: "exactness", method: "eoi",
 *   shape: { kind: "dense", inFeatures: 4, outFeatures: 4 }, density: 0.5, activation: "tanh" } }, seconds: 0.02 };
 * equal(s.seconds, 0.02);
 * ```
 */
export interface CostSample {
  /** The job's cell. */
  readonly cell: Cell;
  /** Its measured wall seconds (positive). */
  readonly seconds: number;
}

/**
 * Calibrates the cost model on measured jobs. Training jobs: the non-negative
 * constants that minimise the squared *relative* error
 * `Σ ((estimate − seconds) / seconds)²` (each job weighs the same whatever its
 * length), by exact coordinate descent on the normal equations (a convex
 * problem; 5 unknowns); training and evaluation share one
 * seconds-per-multiply-add, and `convFactor` is kept from `base` (it enters
 * the work, not the sum). Measure jobs, whose cost the model does not break
 * down (an exactness check takes milliseconds, a timing cell seconds): their
 * mean by measure (`perMeasureKind`) and over all (`perMeasure`), so that a
 * grid's measure total comes out right. Returns the constants
 * and the relative rms error over the training jobs (0 without any).
 *
 * @throws {RangeError} for no samples or a non-positive or non-finite `seconds`.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { fitCostConstants } from "./cost.ts";
 * const cell = { kind: "measure", config: { measure: "exactness", method: "eoi",
 *   shape: { kind: "dense", inFeatures: 4, outFeatures: 4 }, density: 0.5, activation: "tanh" } } as const;
 * const { constants } = fitCostConstants([{ cell, seconds: 0.02 }, { cell, seconds: 0.08 }]);
 * ok(Math.abs(constants.perMeasure - 0.05) < 1e-12); // the mean
 * ```
 */
export function fitCostConstants(
  samples: readonly CostSample[],
  base: CostConstants = COST_CONSTANTS,
): { constants: CostConstants; relativeRms: number } {
  if (samples.length === 0) throw new RangeError("fitCostConstants: no samples");
  const features = (w: JobWork) => [w.macTrain + w.macEval, w.units, w.steps, w.jobs, w.isoOps];
  const n = 5;
  const A = Array.from({ length: n }, () => new Float64Array(n));
  const b = new Float64Array(n);
  const rows: number[][] = [];
  const byKind = new Map<MeasureName, { seconds: number; n: number }>();
  for (const { cell, seconds } of samples) {
    if (!(seconds > 0 && Number.isFinite(seconds))) {
      throw new RangeError(`fitCostConstants: seconds must be positive and finite; got ${seconds}`);
    }
    if (cell.kind === "measure") {
      const k = byKind.get(cell.config.measure) ?? { seconds: 0, n: 0 };
      byKind.set(cell.config.measure, { seconds: k.seconds + seconds, n: k.n + 1 });
      continue;
    }
    // Divided by the seconds: the relative error is then a plain residual against 1.
    const x = features(jobWork(cell, base)).map((v) => v / seconds);
    for (let i = 0; i < n; i++) {
      b[i] += x[i];
      for (let j = 0; j < n; j++) A[i][j] += x[i] * x[j];
    }
    rows.push(x);
  }
  const theta = new Float64Array(n);
  for (let sweep = 0; sweep < 100_000 && rows.length > 0; sweep++) {
    let change = 0;
    for (let i = 0; i < n; i++) {
      if (A[i][i] === 0) continue;
      let r = b[i];
      for (let j = 0; j < n; j++) if (j !== i) r -= A[i][j] * theta[j];
      const next = Math.max(0, r / A[i][i]);
      change = Math.max(change, Math.abs(next - theta[i]) / (Math.abs(next) + 1e-300));
      theta[i] = next;
    }
    if (change < 1e-13) break;
  }
  let sq = 0;
  for (const x of rows) {
    let e = -1;
    for (let i = 0; i < n; i++) e += theta[i] * x[i];
    sq += e * e;
  }
  const [perMac, perUnit, perStep, perJob, perIsoOp] = theta;
  const kinds = [...byKind.values()];
  const measures = kinds.reduce((a, k) => a + k.n, 0);
  const perMeasure = measures > 0
    ? kinds.reduce((a, k) => a + k.seconds, 0) / measures
    : base.perMeasure;
  return {
    constants: Object.freeze({
      perMacTrain: perMac,
      perMacEval: perMac,
      perUnit,
      perStep,
      perJob,
      perMeasure,
      perMeasureKind: Object.freeze(
        Object.fromEntries([...byKind].map(([k, v]) => [k, v.seconds / v.n])),
      ),
      convFactor: base.convFactor,
      perIsoOp,
    }),
    relativeRms: rows.length > 0 ? Math.sqrt(sq / rows.length) : 0,
  };
}
