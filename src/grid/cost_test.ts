import { equal, ok } from "node:assert/strict";
import type { TrainCell } from "../cell/mod.ts";
import {
  COST_CONSTANTS,
  type CostConstants,
  estimateJobSeconds,
  estimateSeconds,
  fitCostConstants,
  jobWork,
} from "./cost.ts";
import { expandGrid } from "./expand.ts";
import { loadReproductions } from "./catalog.ts";

const base: TrainCell["config"] = {
  dataset: "mnist",
  architecture: "mlp",
  depth: 2,
  width: 100,
  activation: "tanh",
  method: "eoi",
  allocation: "uniform",
  density: 0.5,
  epochs: 2,
  batchSize: 100,
  learningRate: 0.01,
  momentum: 0.9,
  weightDecay: 1e-4,
  biasVariance: 0,
  ablation: "none",
};
const train = (over: Partial<TrainCell["config"]>): TrainCell => ({
  kind: "train",
  config: { ...base, ...over },
});
const FORWARD = 784 * 100 + 100 * 100 + 100 * 10;
/** A measure job (the model does not break its cost down). */
const measure = {
  kind: "measure",
  config: {
    measure: "exactness",
    method: "eoi",
    shape: { kind: "dense", inFeatures: 8, outFeatures: 8 },
    density: 0.5,
    activation: "tanh",
  },
} as const;

Deno.test("jobWork: epochs of the 54,000-example training split, validation per epoch, the test set", () => {
  const w = jobWork(train({ engine: "tfjs" }));
  equal(w.steps, 2 * 540);
  equal(w.macTrain, 2 * 540 * 100 * 3 * FORWARD);
  equal(w.macEval, (2 * 6000 + 10000) * FORWARD);
  equal(w.units, (2 * 540 * 100 + 2 * 6000 + 10000) * 200);
  equal(w.jobs, 1);
});

Deno.test("jobWork: the simd engine counts kept weights only; tfjs every entry; DCT+S adds its dense offset", () => {
  const dense = jobWork(train({ engine: "tfjs" })).macTrain;
  equal(jobWork(train({ engine: "simd" })).macTrain, dense / 2);
  equal(jobWork(train({ engine: "simd", method: "dct-plus-sparse" })).macTrain, dense * 1.5);
  // uniform-skip keeps the non-square first and last layers dense.
  const skip = jobWork(train({ engine: "simd", allocation: "uniform-skip" })).macTrain;
  equal(skip, 2 * 540 * 100 * 3 * (784 * 100 + 100 * 100 * 0.5 + 100 * 10));
});

Deno.test("jobWork: a CNN layer counts every output position; approx-isometry adds its refinement", () => {
  const cnnCell = train({ architecture: "cnn", depth: 1, width: 8, steps: 1, batchSize: 1 });
  const cnn = jobWork(cnnCell, { ...COST_CONSTANTS, convFactor: 1 });
  equal(cnn.steps, 1);
  // depth 1: one 3×3 conv 1→8 at every one of the 784 positions, then the dense 8→10 head.
  equal(cnn.macTrain, 3 * (784 * 9 * 8 + 8 * 10));
  const weighted = jobWork(cnnCell, { ...COST_CONSTANTS, convFactor: 2 }).macTrain;
  equal(weighted, 3 * (2 * 784 * 9 * 8 + 8 * 10));
  equal(jobWork(train({ method: "pruned-orthogonal" })).isoOps, 0);
  // 10,000 steps over the three sparse layers at density 0.5 (p, q = larger, smaller side).
  const op = (p: number, q: number) => 1.5 * p * (0.5 * q) ** 2 + 2 * q * q;
  equal(
    jobWork(train({ method: "approx-isometry" })).isoOps,
    10000 * (op(784, 100) + op(100, 100) + op(100, 10)),
  );
});

Deno.test("estimateJobSeconds is the constants' weighted sum of the work; estimateSeconds adds jobs", () => {
  const cell = train({ engine: "simd" });
  const w = jobWork(cell);
  const c = COST_CONSTANTS;
  const want = w.macTrain * c.perMacTrain + w.macEval * c.perMacEval + w.units * c.perUnit +
    w.steps * c.perStep + c.perJob + w.isoOps * c.perIsoOp;
  ok(Math.abs(estimateJobSeconds(cell) - want) < 1e-9 * want);
  equal(estimateSeconds([{ cell }, { cell }]), 2 * estimateJobSeconds(cell));
  equal(estimateJobSeconds(measure), c.perMeasureKind?.exactness);
  equal(estimateJobSeconds(measure, { ...c, perMeasureKind: undefined }), c.perMeasure);
});

Deno.test("every committed reproduction's standard preset is estimated at most 2 h on one process", async () => {
  let total = 0;
  for (const spec of await loadReproductions([])) {
    const s = estimateSeconds(expandGrid(spec, "standard").jobs);
    ok(Number.isFinite(s) && s > 0, spec.name);
    total += s;
  }
  ok(total < 2 * 3600, `standard preset estimated at ${total} s`);
});

Deno.test("fitCostConstants recovers the constants that produced the timings, and is non-negative", () => {
  const cells = [
    measure,
    train({ engine: "simd", steps: 50, batchSize: 32 }),
    train({ engine: "simd", steps: 400, batchSize: 128, width: 300, depth: 4 }),
    train({ engine: "simd", steps: 10, batchSize: 8, depth: 1, width: 10 }),
    train({ steps: 100, batchSize: 64, density: 0.1 }),
    train({ method: "approx-isometry", steps: 20, batchSize: 16, density: 0.2 }),
    train({ method: "approx-isometry", steps: 300, batchSize: 128, depth: 5, density: 0.05 }),
    train({ architecture: "cnn", depth: 3, width: 8, steps: 30, batchSize: 16, engine: "simd" }),
    train({ epochs: 1, batchSize: 512, trainExamples: 2048, evaluationExamples: 500 }),
  ];
  const truth: Record<Exclude<keyof CostConstants, "perMeasureKind">, number> = {
    perMacTrain: 2e-10,
    perMacEval: 2e-10,
    perUnit: 3e-8,
    perStep: 1e-4,
    perJob: 0.4,
    perMeasure: 0.03,
    convFactor: 1,
    perIsoOp: 5e-9,
  };
  const samples = cells.map((cell) => ({ cell, seconds: estimateJobSeconds(cell, truth) }));
  // A second measure job: perMeasure is the measure jobs' mean.
  samples.push({ cell: measure, seconds: 0.05 });
  truth.perMeasure = 0.04;
  const { constants, relativeRms } = fitCostConstants(samples);
  ok(relativeRms < 1e-6, String(relativeRms));
  for (const [k, want] of Object.entries(truth)) {
    const got = constants[k as keyof CostConstants] as number;
    ok(Math.abs(got - want) <= 1e-4 * want, `${k}: ${got} vs ${want}`);
  }
  // Timings no non-negative model fits exactly: still non-negative, with an error to show for it.
  const noisy = samples.map((s, i) => ({ ...s, seconds: s.seconds * (i % 2 === 0 ? 1.5 : 0.7) }));
  equal(constants.perMeasureKind?.exactness, 0.04);
  const timing = { kind: "measure", config: { ...measure.config, measure: "timing" } } as const;
  const kinds = fitCostConstants([...samples, { cell: timing, seconds: 1.5 }]).constants;
  equal(kinds.perMeasureKind?.timing, 1.5);
  equal(estimateJobSeconds(timing, kinds), 1.5);
  equal(estimateJobSeconds(measure, kinds), 0.04);
  const fit = fitCostConstants(noisy);
  ok(Object.values(fit.constants).every((v) => typeof v !== "number" || v >= 0));
  ok(fit.relativeRms > 0.05 && fit.relativeRms < 0.5, String(fit.relativeRms));
  let threw = "";
  try {
    fitCostConstants([{ cell: measure, seconds: 0 }]);
  } catch (e) {
    threw = (e as Error).message;
  }
  equal(threw, "fitCostConstants: seconds must be positive and finite; got 0");
});
