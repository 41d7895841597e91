// A new initializer is one definition and one registry entry: this file defines one (a sparse
// Glorot on an exact-count random mask), registers it, and runs it through initializeNetwork, a
// one-cell grid from a reproduction spec and the results store, with no other file changed.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { type CellConfig, initializeNetwork, runProvenance } from "../cell/mod.ts";
import {
  countNonZeros,
  fans,
  type Initializer,
  kernelSize,
  maskCount,
  type MethodEntry,
  methods,
  randomMask,
  registerMethod,
} from "../init/mod.ts";
import { layerShapes, type ModelConfig } from "../nn/mod.ts";
import { openStore } from "../store/mod.ts";
import { expandGrid } from "./expand.ts";
import { realRun } from "./real_run.ts";
import { runJobs } from "./runner.ts";
import { validateReproduction } from "./spec.ts";

/** Sparse Glorot: U(±√(6 / (fan_in·d + fan_out·d))) on an exact-count random mask. */
const sparseGlorot: Initializer = (request, streams) => {
  const { shape, density } = request;
  const size = kernelSize(shape);
  const mask = request.mask ?? randomMask(streams("mask"), size, maskCount(size, density));
  const { fanIn, fanOut } = fans(shape);
  const kept = countNonZeros(mask) / size;
  const limit = (request.gain ?? 1) * Math.sqrt(6 / Math.max(1, (fanIn + fanOut) * kept));
  const rng = streams("weights");
  const weights = new Float32Array(size);
  for (let i = 0; i < size; i++) if (mask[i] === 1) weights[i] = limit * (2 * rng.uniform() - 1);
  return { weights, mask };
};

const ENTRY: MethodEntry = {
  name: "test-sparse-glorot",
  description: "Glorot uniform scaled by the layer's density, on a random mask (a test's method)",
  paper: "none (a test)",
  kinds: ["dense", "conv"],
  takesMask: true,
  scoredWith: "pruned-kaiming",
  build: () => sparseGlorot,
};

const MODEL: ModelConfig = {
  architecture: "mlp",
  inputShape: [8, 8, 1],
  depth: 2,
  width: 16,
  classes: 4,
  activation: "tanh",
};

function _cell(fields: Partial<CellConfig>): CellConfig {
  return {
    dataset: "synthetic",
    architecture: "mlp",
    depth: 2,
    width: 16,
    activation: "tanh",
    method: ENTRY.name,
    allocation: "uniform",
    density: 0.25,
    seed: 3,
    epochs: 1,
    batchSize: 32,
    learningRate: 0.05,
    momentum: 0.9,
    weightDecay: 0,
    biasVariance: 0,
    ablation: "none",
    ...fields,
  };
}

Deno.test("a method registered by a test runs through initializeNetwork, a one-cell grid and the store", async () => {
  using _ = registerMethod(ENTRY);
  ok(methods().some((m) => m.name === ENTRY.name));

  // initializeNetwork: per-layer densities from the allocation, values from the new method.
  const values = await initializeNetwork(_cell({}), MODEL);
  const shapes = layerShapes(MODEL);
  values.forEach((v, l) => {
    equal(countNonZeros(v.mask), maskCount(kernelSize(shapes[l]), 0.25), `layer ${l}`);
    ok(v.weights.every((w, i) => v.mask[i] === 1 || w === 0));
  });
  deepEqual(await initializeNetwork(_cell({}), MODEL), values, "same seed, same bytes");
  // A network-level score ranks the dense network of the method's declared family.
  const synflow = await initializeNetwork(_cell({ allocation: "synflow" }), MODEL, {
    synflowRounds: 4,
  });
  equal(
    synflow.reduce((s, v) => s + countNonZeros(v.mask), 0),
    Math.round(0.25 * shapes.reduce((s, x) => s + kernelSize(x), 0)),
  );

  // A one-cell grid from a spec naming the method, run for real into a store.
  const spec = validateReproduction({
    name: "new-method",
    title: "A registered method trains",
    claim: { text: "It trains.", source: "this test" },
    kind: "train",
    axes: {
      datasets: ["synthetic"],
      architectures: ["mlp"],
      depths: [2],
      widths: [16],
      activations: ["tanh"],
      methods: [ENTRY.name],
      allocations: ["uniform"],
      densities: [0.25],
    },
    fixed: { batchSize: 32, learningRate: 0.05, weightDecay: 0 },
    presets: {
      quick: { budget: { steps: 20, seeds: [0], trainExamples: 256, evaluationExamples: 64 } },
      paper: { budget: { epochs: 1, seeds: [0, 1] } },
    },
    verdict: { checks: [{ kind: "describe", metric: "testAccuracy" }] },
  }, "new-method.json");
  const grid = expandGrid(spec, "quick");
  equal(grid.cells.length, 1);
  const dir = await Deno.makeTempDir({ prefix: "new_method_" });
  try {
    const store = openStore(`${dir}/r.db`);
    const summary = await runJobs(grid.jobs, store, realRun("cpu"), {
      provenance: await runProvenance(),
    });
    equal(summary.ok, 1, JSON.stringify(store.rows()[0]?.result));
    const [row] = store.rows();
    equal(row.cellId, grid.jobs[0].id);
    equal((row.config as { method: string }).method, ENTRY.name);
    equal(row.result.status, "ok");
    equal(typeof row.result.weightsDigest, "string");
    store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("registerMethod() checks every field and the registry forgets the method after disposal", () => {
  throws(() => registerMethod({ ...ENTRY, name: "eoi" }), /already registered/);
  throws(() => registerMethod({ ...ENTRY, name: "Not Kebab" }), /kebab-case/);
  throws(() => registerMethod({ ...ENTRY, scoredWith: "nope" }), /scoredWith names "nope"/);
  throws(
    () => registerMethod({ ...ENTRY, appliesTo: () => true }),
    /appliesTo and elsewhere come together/,
  );
  throws(() => registerMethod({ ...ENTRY, kinds: [] }), TypeError);
  const handle = registerMethod(ENTRY);
  handle.unregister();
  ok(!methods().some((m) => m.name === ENTRY.name));
  throws(() => validateReproduction({ name: "x" }, "x.json"));
});
