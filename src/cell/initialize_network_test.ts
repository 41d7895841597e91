import { deepEqual, equal, notDeepEqual, ok, rejects } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  allocateDensities,
  countNonZeros,
  eoiMinimumDensity,
  initializeLayer,
  kernelSize,
} from "../init/mod.ts";
import { layerShapes, type LayerValues, type ModelConfig } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import { cellConfig } from "./config.ts";
import type { CellConfig } from "./types.ts";
import { isometryError } from "../prune/mod.ts";
import { initializeNetwork } from "./initialize_network.ts";

await tf.setBackend("cpu");

const MLP: ModelConfig = {
  architecture: "mlp",
  inputShape: [4, 4, 1],
  depth: 3,
  width: 8,
  classes: 4,
  activation: "tanh",
};
const CNN: ModelConfig = { ...MLP, architecture: "cnn", inputShape: [5, 5, 1], depth: 2, width: 4 };

function cell(partial: Partial<CellConfig>, model: ModelConfig = MLP): CellConfig {
  return cellConfig({
    dataset: "synthetic",
    architecture: model.architecture,
    depth: model.depth,
    width: model.width,
    activation: model.activation,
    density: 0.25,
    seed: 3,
    ...partial,
  });
}

function batch(model: ModelConfig, n = 8) {
  const [h, w, c] = model.inputShape;
  const rng = stream(11, "test/initialize_network", "batch");
  const x = tf.tensor4d(Float32Array.from({ length: n * h * w * c }, () => rng.uniform()), [
    n,
    h,
    w,
    c,
  ]);
  const y = tf.tensor2d(
    Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === (i / 4 | 0) % 4 ? 1 : 0)),
    [n, 4],
  );
  return { x, y };
}

function bytes(values: readonly LayerValues[]): string {
  return values.map((v) => [...new Uint8Array(v.weights.buffer)].join(",") + "|" + v.mask.join(""))
    .join(
      "#",
    );
}

function counts(values: readonly LayerValues[]): number[] {
  return values.map((v) => countNonZeros(v.mask));
}

const total = (model: ModelConfig) => layerShapes(model).reduce((s, sh) => s + kernelSize(sh), 0);

Deno.test("initializeNetwork() gives the allocation's exact per-layer counts (pruned-orthogonal/uniform, fan-in-scaled/erk, dct-plus-sparse/epl)", async () => {
  for (
    const [method, allocation, model] of [
      ["pruned-orthogonal", "uniform", MLP],
      ["fan-in-scaled", "erk", MLP],
      ["pruned-kaiming", "uniform", CNN],
      ["dct-plus-sparse", "epl", { ...MLP, dctPlusSparse: true }],
    ] as const
  ) {
    const c = cell({ method, allocation }, model);
    const values = await initializeNetwork(c, model);
    const shapes = layerShapes(model);
    const densities = allocateDensities(allocation, shapes, 0.25);
    deepEqual(
      counts(values),
      shapes.map((s, l) => Math.max(1, Math.round(densities[l] * kernelSize(s)))),
      `${method}/${allocation}`,
    );
    values.forEach((v) => ok(v.weights.every((w, i) => v.mask[i] === 1 || w === 0)));
    if (method === "dct-plus-sparse") ok(values.every((v) => v.weights.every((w) => w === 0)));
  }
});

Deno.test("initializeNetwork() is deterministic: same seed ⇒ identical bytes, different seed ⇒ different bytes", async () => {
  const b = batch(MLP);
  for (
    const [method, allocation] of [
      ["pruned-orthogonal", "uniform"],
      ["eoi", "erk"],
      ["pruned-kaiming", "snip"],
      ["pruned-orthogonal", "synflow"],
    ] as const
  ) {
    const a1 = await initializeNetwork(cell({ method, allocation }), MLP, {
      batch: b,
      synflowRounds: 10,
    });
    const a2 = await initializeNetwork(cell({ method, allocation }), MLP, {
      batch: b,
      synflowRounds: 10,
    });
    const other = await initializeNetwork(cell({ method, allocation, seed: 4 }), MLP, {
      batch: b,
      synflowRounds: 10,
    });
    equal(bytes(a1), bytes(a2), `${method}/${allocation}`);
    notDeepEqual(bytes(a1), bytes(other), `${method}/${allocation}`);
  }
});

Deno.test("initializeNetwork() with snip/grasp/synflow keeps exactly round(d · total) entries overall (MLP and CNN)", async () => {
  for (const model of [MLP, CNN]) {
    const b = batch(model);
    for (const allocation of ["snip", "grasp", "synflow"] as const) {
      const values = await initializeNetwork(
        cell({ method: "pruned-orthogonal", allocation }, model),
        model,
        {
          batch: b,
          synflowRounds: 10,
        },
      );
      equal(
        counts(values).reduce((s, n) => s + n, 0),
        Math.round(0.25 * total(model)),
        `${model.architecture}/${allocation}`,
      );
    }
  }
});

Deno.test("initializeNetwork(): pruned-orthogonal/-kaiming + SNIP keep the scored dense weights on the mask (MLP and CNN)", async () => {
  for (const model of [MLP, CNN]) {
    for (
      const [method, dense] of [["pruned-orthogonal", "pruned-orthogonal"], [
        "pruned-kaiming",
        "pruned-kaiming",
      ]]
    ) {
      const values = await initializeNetwork(cell({ method, allocation: "snip" }, model), model, {
        batch: batch(model),
      });
      const last = layerShapes(model).length - 1;
      layerShapes(model).forEach((s, l) => {
        const scored = initializeLayer(dense, s, {
          density: 1,
          seed: 3,
          path: [`layer/${l}`],
          activation: l === last ? "linear" : "tanh",
        });
        const v = values[l];
        for (let i = 0; i < v.weights.length; i++) {
          equal(
            v.weights[i],
            v.mask[i] ? scored.weights[i] : 0,
            `${model.architecture} ${method} layer ${l}`,
          );
        }
      });
    }
  }
});

Deno.test("initializeNetwork(): SNIP+EOI uses only SNIP's per-layer densities; SNIP without a batch is a TypeError", async () => {
  const b = batch(MLP);
  const snipMasks = await initializeNetwork(
    cell({ method: "pruned-orthogonal", allocation: "snip" }),
    MLP,
    {
      batch: b,
    },
  );
  const eoi = await initializeNetwork(cell({ method: "eoi", allocation: "snip" }), MLP, {
    batch: b,
  });
  const shapes = layerShapes(MLP);
  eoi.forEach((v, l) => {
    const s = shapes[l];
    if (s.kind !== "dense") throw new Error("dense only");
    const size = kernelSize(s);
    const target = Math.max(countNonZeros(snipMasks[l].mask), eoiMinimumDensity(s) * size);
    // EOI's achieved count is within one Givens rotation (≤ 2·min(in, out) entries) of its target.
    const slack = 2 * Math.min(s.inFeatures, s.outFeatures);
    ok(
      Math.abs(countNonZeros(v.mask) - target) <= slack,
      `layer ${l}: ${countNonZeros(v.mask)} vs ${target}`,
    );
  });
  await rejects(
    initializeNetwork(cell({ method: "eoi", allocation: "grasp" }), MLP),
    /options\.batch/,
  );
});

Deno.test("initializeNetwork(): SAO only on square layers, first and last dense orthogonal", async () => {
  const values = await initializeNetwork(cell({ method: "sao", allocation: "uniform" }), MLP);
  deepEqual(counts(values), [128, 16, 16, 32]);
  // Square SAO layers: exactly 2 non-zeros per row (degree 0.25 · 8).
  const m = values[1].mask;
  for (let r = 0; r < 8; r++) equal(countNonZeros(m.subarray(r * 8, r * 8 + 8)), 2);
});

Deno.test("initializeNetwork(): approx-isometry keeps pruned-orthogonal's mask and lowers its Gram error", async () => {
  const base = await initializeNetwork(cell({ method: "pruned-orthogonal", density: 0.5 }), MLP);
  const opt = await initializeNetwork(cell({ method: "approx-isometry", density: 0.5 }), MLP, {
    approxIsometrySteps: 500,
  });
  const shapes = layerShapes(MLP);
  let before = 0, after = 0;
  opt.forEach((v, l) => {
    deepEqual(v.mask, base[l].mask);
    before += isometryError(base[l].weights, v.mask, shapes[l]);
    after += isometryError(v.weights, v.mask, shapes[l]);
  });
  ok(after < before / 5, `${before} → ${after}`);
});

Deno.test("initializeNetwork(): shuffle-mask keeps per-layer counts and moves positions; resample-weights keeps masks", async () => {
  const b = batch(MLP);
  for (const allocation of ["uniform", "snip"] as const) {
    const none = await initializeNetwork(cell({ method: "pruned-orthogonal", allocation }), MLP, {
      batch: b,
    });
    const shuffled = await initializeNetwork(
      cell({ method: "pruned-orthogonal", allocation, ablation: "shuffle-mask" }),
      MLP,
      { batch: b },
    );
    deepEqual(counts(shuffled), counts(none));
    ok(shuffled.some((v, l) => v.mask.some((x, i) => x !== none[l].mask[i])));
    const resampled = await initializeNetwork(
      cell({ method: "pruned-orthogonal", allocation, ablation: "resample-weights" }),
      MLP,
      { batch: b },
    );
    resampled.forEach((v, l) => deepEqual(v.mask, none[l].mask));
    notDeepEqual(bytes(resampled), bytes(none));
  }
  const eoi = await initializeNetwork(cell({ method: "eoi" }), MLP);
  const eoiShuffled = await initializeNetwork(
    cell({ method: "eoi", ablation: "shuffle-mask" }),
    MLP,
  );
  deepEqual(counts(eoiShuffled), counts(eoi));
  eoiShuffled.forEach((v, l) =>
    deepEqual(
      [...v.weights].filter((w) => w !== 0).sort(),
      [...eoi[l].weights].filter((w) => w !== 0).sort(),
    )
  );
  await rejects(
    initializeNetwork(cell({ method: "eoi", ablation: "resample-weights" }), MLP),
    RangeError,
  );
});

Deno.test("initializeNetwork(): biases ~ N(0, σ_b²) from their own stream; σ_w² scales the weights", async () => {
  const c = cell({
    method: "pruned-orthogonal",
    density: 1,
    biasVariance: 0.04,
    weightVariance: 4,
  });
  const values = await initializeNetwork(c, MLP);
  const plain = await initializeNetwork(cell({ method: "pruned-orthogonal", density: 1 }), MLP);
  values.forEach((v, l) => {
    ok(v.bias !== undefined && v.bias.length === (l === 3 ? 4 : 8));
    v.weights.forEach((w, i) => ok(Math.abs(w - 2 * plain[l].weights[i]) < 1e-6));
  });
  const all = values.flatMap((v) => [...v.bias!]);
  const sd = Math.sqrt(all.reduce((s, x) => s + x * x, 0) / all.length);
  ok(sd > 0.1 && sd < 0.35, `bias sd ${sd}`);
  equal(plain[0].bias, undefined);
});

Deno.test("initializeNetwork() rejects mismatched configs, unknown methods and a DCT+S mismatch", async () => {
  await rejects(initializeNetwork(cell({ method: "dct-plus-sparse" }), MLP), /dctPlusSparse/);
  await rejects(
    initializeNetwork(cell({ method: "pruned-orthogonal" }), { ...MLP, width: 9 }),
    /cell\.width/,
  );
  await rejects(initializeNetwork({ ...cell({}), method: "eoi-typo" }, MLP), /valid methods/);
});

Deno.test("initializeNetwork(): fan-in-scaled on SNIP/GraSP/SynFlow masks keeps its per-unit variance (values not selected by the score)", async () => {
  const model: ModelConfig = {
    architecture: "mlp",
    inputShape: [8, 8, 1],
    depth: 3,
    width: 64,
    classes: 4,
    activation: "relu",
  };
  for (const allocation of ["snip", "grasp", "synflow"] as const) {
    const values = await initializeNetwork(
      cell({ method: "fan-in-scaled", allocation, density: 0.2, activation: "relu" }, model),
      model,
      { batch: batch(model, 16) },
    );
    // Per output unit with fan-in ≥ 1, Σ_kept w² has expectation 2 (ReLU scale);
    // the mean over the hidden units must be close to 2, not inflated by selection.
    const shapes = layerShapes(model);
    let sum = 0, units = 0;
    for (let l = 0; l < shapes.length - 1; l++) {
      const s = shapes[l];
      if (s.kind !== "dense") continue;
      for (let o = 0; o < s.outFeatures; o++) {
        let fan = 0, s2 = 0;
        for (let i = 0; i < s.inFeatures; i++) {
          const k = i * s.outFeatures + o;
          fan += values[l].mask[k];
          s2 += values[l].weights[k] ** 2;
        }
        if (fan > 0) {
          sum += s2;
          units++;
        }
      }
    }
    const mean = sum / units;
    ok(Math.abs(mean - 2) < 0.35, `${allocation}: mean per-unit Σw² ${mean} over ${units} units`);
  }
});
