import { deepEqual, equal, notEqual, ok, rejects, throws } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { syntheticDataset } from "../data/mod.ts";
import { cellConfig } from "./config.ts";
import { cellSplit, modelConfigOf, runCell } from "./run_cell.ts";
import type { BackendName } from "../nn/mod.ts";
import type { CellConfig } from "./types.ts";

const DATASET = syntheticDataset({ train: 1000, test: 200 });

function _cell(partial: Partial<CellConfig> = {}): CellConfig {
  return cellConfig({
    dataset: "synthetic",
    depth: 2,
    width: 32,
    method: "eoi",
    density: 0.25,
    steps: 20,
    batchSize: 32,
    learningRate: 0.05,
    trainExamples: 500,
    ...partial,
  });
}

for (const backend of ["cpu", "wasm"] as BackendName[]) {
  Deno.test(`runCell() on ${backend} reruns bit-identically; another seed gives another digest`, async () => {
    const a = await runCell(_cell(), { backend, dataset: DATASET });
    equal(a.status, "ok", a.message);
    equal(a.provenance.backend, backend);
    const b = await runCell(_cell(), { backend, dataset: DATASET });
    equal(b.weightsDigest, a.weightsDigest);
    deepEqual(b.curves, a.curves);
    equal(b.testAccuracy, a.testAccuracy);
    const c = await runCell(_cell({ seed: 1 }), { backend, dataset: DATASET });
    equal(c.status, "ok");
    notEqual(c.weightsDigest, a.weightsDigest);
  });
}

Deno.test("runCell() returns a complete ok result and leaves no tensors behind", async () => {
  const before = tf.memory().numTensors;
  const progress: number[] = [];
  const r = await runCell(_cell({ steps: 40 }), {
    backend: "wasm",
    dataset: DATASET,
    onProgress: (p) => {
      progress.push(p.step);
      equal(p.steps, 40);
    },
  });
  equal(tf.memory().numTensors, before);
  equal(r.status, "ok", r.message);
  equal(r.steps, 40);
  equal(progress.length, 40);
  ok(r.testAccuracy !== null && r.testAccuracy > 0.5, `test accuracy ${r.testAccuracy}`);
  ok(r.testLoss !== null && Number.isFinite(r.testLoss));
  // 500 examples / 32 → 16 batches per epoch: 40 steps = 2 epochs + 8 steps → 3 curve points.
  equal(r.curves.validationAccuracy.length, 3);
  equal(r.bestValidationAccuracy, Math.max(...r.curves.validationAccuracy));
  equal(r.finalValidationAccuracy, r.curves.validationAccuracy[2]);
  ok(r.atInit !== null && r.accounting !== null);
  equal(r.accounting.nonZeros > 0, true);
  ok(r.weightsDigest !== null && /^[0-9a-f]{64}$/.test(r.weightsDigest));
  equal(r.provenance.denoVersion, Deno.version.deno);
  ok(r.provenance.tfjsVersion.length > 0);
  ok(r.wallSeconds > 0);
  JSON.parse(JSON.stringify(r)); // serialisable
});

Deno.test("runCell() trains DCT+S cells (frozen offsets, trainable α) to a finite result", async () => {
  const r = await runCell(_cell({ method: "dct-plus-sparse", density: 0.05 }), {
    backend: "wasm",
    dataset: DATASET,
  });
  equal(r.status, "ok", r.message);
  ok(r.accounting !== null && r.accounting.dctOffsetEntries > 0);
  ok(r.testAccuracy !== null && r.testAccuracy > 0.1);
});

Deno.test("runCell() reports divergence (lr = 1e6) as status diverged at a fixed step", async () => {
  const cell = _cell({ method: "kaiming", density: 1, learningRate: 1e6, steps: 50 });
  const a = await runCell(cell, { backend: "wasm", dataset: DATASET });
  equal(a.status, "diverged");
  ok(a.divergedAtStep !== undefined && a.divergedAtStep >= 2 && a.divergedAtStep < 50);
  equal(a.steps, a.divergedAtStep);
  equal(a.testAccuracy, null);
  equal(a.weightsDigest, null);
  ok(/loss became/.test(a.message ?? ""));
  const b = await runCell(cell, { backend: "wasm", dataset: DATASET });
  equal(b.divergedAtStep, a.divergedAtStep);
});

Deno.test("runCell() turns a failure inside the cell into status failed, never an exception", async () => {
  const before = tf.memory().numTensors;
  const r = await runCell(_cell({ method: "no-such-method" }), {
    backend: "cpu",
    dataset: DATASET,
  });
  equal(r.status, "failed");
  ok(/no-such-method/.test(r.message ?? ""), r.message);
  equal(r.weightsDigest, null);
  equal(r.provenance.backend, "cpu");
  equal(tf.memory().numTensors, before);
});

Deno.test("runCell() ends an aborted cell with status failed and message aborted", async () => {
  const controller = new AbortController();
  const r = await runCell(_cell({ steps: 500 }), {
    backend: "cpu",
    dataset: DATASET,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.step === 2) controller.abort(new Error("user stop"));
    },
  });
  equal(r.status, "failed");
  ok(/^aborted: .*user stop/.test(r.message ?? ""), r.message);
  ok(r.steps === 0);
});

Deno.test("runCell() throws for an invalid config before doing any work", async () => {
  await rejects(runCell({ ..._cell(), density: 0 }), RangeError);
  await rejects(runCell({ ..._cell(), batchSize: "128" } as never), TypeError);
});

Deno.test("cellSplit() caps training examples with a seeded subset shared by all methods", () => {
  const labels = DATASET.trainLabels;
  const full = cellSplit(labels, 3);
  equal(full.train.length + full.validation.length, labels.length);
  equal(full.validation.length, 100);
  const sub = cellSplit(labels, 3, 250);
  equal(sub.train.length, 250);
  deepEqual(sub.validation, full.validation);
  const inFull = new Set(full.train);
  ok(sub.train.every((i) => inFull.has(i)));
  ok(sub.train.every((v, i) => i === 0 || sub.train[i - 1] < v));
  deepEqual(cellSplit(labels, 3, 250).train, sub.train);
  notEqual(cellSplit(labels, 4, 250).train.join(), sub.train.join());
  // Asking for more than exist returns the whole training split.
  deepEqual(cellSplit(labels, 3, 10_000).train, full.train);
});

Deno.test("modelConfigOf() maps a cell to its model structure", () => {
  deepEqual(modelConfigOf(_cell(), [28, 28, 1], 10), {
    architecture: "mlp",
    inputShape: [28, 28, 1],
    depth: 2,
    width: 32,
    classes: 10,
    activation: "tanh",
  });
  equal(modelConfigOf(_cell({ method: "dct-plus-sparse" }), [28, 28, 1], 10).dctPlusSparse, true);
});

Deno.test("runCell() measures orthogonality at init relative to the gain √σ_w²", async () => {
  const r = await runCell(_cell({ steps: 1, weightVariance: 1.05, biasVariance: 2e-5 }), {
    backend: "wasm",
    dataset: DATASET,
  });
  equal(r.status, "ok", r.message);
  // EOI scaled by √1.05 is exactly orthogonal up to that gain: every layer ≤ 1e-6 in float32.
  for (const e of r.atInit!.orthogonalityErrors) ok(e <= 1e-6, `orthogonality error ${e}`);
});

Deno.test("runCell() evaluates a fixed subset of evaluationExamples validation and test examples", async () => {
  const r = await runCell(_cell({ steps: 5, evaluationExamples: 37 }), {
    backend: "wasm",
    dataset: DATASET,
  });
  equal(r.status, "ok", r.message);
  const isCountOf = (acc: number, n: number) => Math.abs(acc * n - Math.round(acc * n)) < 1e-6;
  ok(isCountOf(r.testAccuracy!, 37), `test accuracy ${r.testAccuracy} is k/37`);
  ok(isCountOf(r.curves.validationAccuracy[0], 37), `validation ${r.curves.validationAccuracy}`);
  const again = await runCell(_cell({ steps: 5, evaluationExamples: 37 }), {
    backend: "wasm",
    dataset: DATASET,
  });
  equal(again.testAccuracy, r.testAccuracy);
  throws(() => _cell({ evaluationExamples: 0 }), /evaluationExamples must be a positive integer/);
});

Deno.test("runCell() on the simd engine: ok, recorded in provenance, rerun bit-identical, close to tfjs", async () => {
  const simd = await runCell(_cell({ engine: "simd" }), { backend: "wasm", dataset: DATASET });
  equal(simd.status, "ok", simd.message);
  equal(simd.provenance.engine, "simd");
  equal(simd.provenance.backend, "wasm"); // still the backend of init and metrics
  const again = await runCell(_cell({ engine: "simd" }), { backend: "wasm", dataset: DATASET });
  equal(again.weightsDigest, simd.weightsDigest);
  deepEqual(again.curves, simd.curves);
  const tfjs = await runCell(_cell(), { backend: "wasm", dataset: DATASET });
  equal(tfjs.provenance.engine, "tfjs");
  notEqual(tfjs.weightsDigest, simd.weightsDigest); // different rounding, different bytes
  ok(Math.abs(tfjs.testLoss! - simd.testLoss!) < 1e-4 * (1 + tfjs.testLoss!));
  ok(Math.abs(tfjs.testAccuracy! - simd.testAccuracy!) <= 0.01);
  throws(() => cellConfig({ engine: "torch" as "tfjs" }), /engine must be one of tfjs, simd/);
});
