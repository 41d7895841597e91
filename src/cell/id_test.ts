import { defaultCellConfig } from "./config.ts";
import { deepEqual, equal, notEqual, throws } from "node:assert/strict";
import { canonicalJson } from "./canonical.ts";
import {
  cellId,
  cellIdPayload,
  ID_DEFAULTS,
  jobsFor,
  RESULTS_VERSION,
  type TrainConfig,
} from "./id.ts";

const train: TrainConfig = {
  dataset: "mnist",
  architecture: "mlp",
  depth: 5,
  width: 100,
  activation: "tanh",
  method: "eoi",
  allocation: "uniform",
  density: 0.05,
  epochs: 100,
  batchSize: 128,
  learningRate: 0.01,
  momentum: 0.9,
  weightDecay: 1e-4,
  biasVariance: 0,
  ablation: "none",
};

Deno.test("cell ids are pinned: changing them silently would orphan stored results", () => {
  equal(RESULTS_VERSION, 3);
  equal(
    cellIdPayload({ kind: "train", config: train }),
    '{"config":{"activation":"tanh","allocation":"uniform","architecture":"mlp","dataset":"mnist",' +
      '"density":0.05,"depth":5,"epochs":100,"method":"eoi","width":100},"kind":"train","version":3}',
  );
  equal(
    cellId({ kind: "train", config: train }),
    "a4ea81ca87e84630188601b920e83593704a4a615e388c406358be8be6948374",
  );
  equal(
    cellId({
      kind: "measure",
      config: {
        measure: "exactness",
        method: "sao",
        shape: { kind: "dense", inFeatures: 64, outFeatures: 64 },
        density: 0.125,
        activation: "tanh",
      },
    }),
    "38f2e228a010ee5e36a9988b5f199688e92cdb9151389c167fadbfc1414e0fe6",
  );
});

Deno.test("canonicalJson sorts keys at every level and drops undefined members", () => {
  equal(
    canonicalJson({ z: { b: 2, a: 1 }, a: [3, { y: undefined, x: null }] }),
    '{"a":[3,{"x":null}],"z":{"a":1,"b":2}}',
  );
  throws(() => canonicalJson({ a: NaN }), /non-finite number NaN at \$\.a/);
  throws(() => canonicalJson({ a: new Float32Array(2) }), /typed array at \$\.a/);
});

Deno.test("a cell id ignores key order and omits fields equal to the frozen defaults", () => {
  const reordered = Object.fromEntries(Object.entries(train).reverse()) as unknown as TrainConfig;
  equal(cellId({ kind: "train", config: reordered }), cellId({ kind: "train", config: train }));
  const payload = cellIdPayload({
    kind: "train",
    config: { ...train, steps: undefined, trainExamples: undefined },
  });
  for (const k of Object.keys(ID_DEFAULTS)) equal(payload.includes(`"${k}"`), false, k);
  equal(payload.includes('"epochs":100'), true);
  equal(
    cellId({ kind: "train", config: { ...train, steps: undefined } }),
    cellId({ kind: "train", config: train }),
  );
});

Deno.test("a cell id changes with every result-affecting field and with the cell kind", () => {
  const base = cellId({ kind: "train", config: train });
  const variants: Partial<TrainConfig>[] = [
    { method: "sao" },
    { density: 0.1 },
    { learningRate: 0.001 },
    { ablation: "shuffle-mask" },
    { steps: 200 },
    { trainExamples: 1000 },
    { weightVariance: 1.05 },
    { normalization: "unit" },
  ];
  const ids = new Set([base]);
  for (const v of variants) ids.add(cellId({ kind: "train", config: { ...train, ...v } }));
  equal(ids.size, variants.length + 1);
});

Deno.test("seeds live outside the id: all seeds of a cell share it, and a seed in the config is rejected", () => {
  const jobs = jobsFor({ kind: "train", config: train }, [0, 1, 2]);
  deepEqual(jobs.map((j) => j.seed), [0, 1, 2]);
  equal(new Set(jobs.map((j) => j.id)).size, 1);
  throws(
    () => cellId({ kind: "train", config: { ...train, seed: 3 } as unknown as TrainConfig }),
    /must not hold a seed \(got seed 3\)/,
  );
  throws(() => jobsFor({ kind: "train", config: train }, [-1]), RangeError);
  notEqual(jobs[0].id, cellId({ kind: "train", config: { ...train, depth: 6 } }));
});

Deno.test("ID_DEFAULTS agrees with the training recipe's defaults (a changed default must not silently reuse ids)", () => {
  for (const [k, v] of Object.entries(ID_DEFAULTS)) {
    if (k in defaultCellConfig) {
      equal((defaultCellConfig as unknown as Record<string, unknown>)[k], v, k);
    }
  }
});

Deno.test("normalization: the default standardize is omitted from the id, unit is kept", () => {
  const id = cellId({ kind: "train", config: train });
  equal(cellId({ kind: "train", config: { ...train, normalization: "standardize" } }), id);
  equal(
    cellId({ kind: "train", config: { ...train, normalization: "unit" } }),
    "a01b50f3d61c90dbb542302dce2bcf6c3bb74e87f66e6a27265b3fa55740bd29",
  );
});
