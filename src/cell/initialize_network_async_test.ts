import { equal, rejects } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { getMethod, type MethodEntry, registerMethod } from "../init/mod.ts";
import { type LayerValues, type ModelConfig, useBackend } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import { cellConfig } from "./config.ts";
import { initializeNetwork } from "./initialize_network.ts";
import type { CellConfig } from "./types.ts";

await useBackend("cpu");

const MLP: ModelConfig = {
  architecture: "mlp",
  inputShape: [4, 4, 1],
  depth: 3,
  width: 8,
  classes: 4,
  activation: "tanh",
};
const CNN: ModelConfig = { ...MLP, architecture: "cnn", inputShape: [5, 5, 1], depth: 2, width: 4 };

/** A built-in method answered asynchronously from the stream key, as a sandboxed module is. */
function asyncCopy(base: string, name: string, calls: string[] = []): MethodEntry {
  const entry = getMethod(base);
  return {
    ...entry,
    name,
    build: () => {
      throw new Error("build must not be called for an asynchronous entry");
    },
    initializeAsync: async (request, { seed, path }) => {
      await new Promise((r) => setTimeout(r, 0)); // really asynchronous
      calls.push(path.join("/"));
      return entry.build()(request, (p) => stream(seed, ...path, p));
    },
  };
}

function cell(partial: Partial<CellConfig>, model: ModelConfig): CellConfig {
  return cellConfig({
    dataset: "synthetic",
    architecture: model.architecture,
    depth: model.depth,
    width: model.width,
    activation: model.activation,
    density: 0.25,
    seed: 3,
    biasVariance: 0.01,
    ...partial,
  });
}

function batch(model: ModelConfig, n = 8) {
  const [h, w, c] = model.inputShape;
  const rng = stream(11, "test/initialize_network_async", "batch");
  const x = tf.tensor4d(
    Float32Array.from({ length: n * h * w * c }, () => rng.uniform()),
    [n, h, w, c],
  );
  const y = tf.tensor2d(
    Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === (i / 4 | 0) % 4 ? 1 : 0)),
    [n, 4],
  );
  return { x, y };
}

function bytes(values: readonly LayerValues[]): string {
  return values.map((v) =>
    [v.weights, v.mask, v.bias ?? new Float32Array(0)]
      .map((a) => [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)].join(",")).join("|")
  ).join("#");
}

Deno.test("initializeNetwork() awaits an asynchronous entry layer by layer and gives the built-in's bytes", async () => {
  const calls: string[] = [];
  using _a = registerMethod(asyncCopy("fan-in-scaled", "async-fan-in", calls));
  using _b = registerMethod(asyncCopy("eoi", "async-eoi"));
  for (const model of [MLP, CNN]) {
    const b = batch(model);
    for (
      const [base, copy, allocation, ablation] of [
        ["fan-in-scaled", "async-fan-in", "uniform", "none"],
        ["fan-in-scaled", "async-fan-in", "erk", "shuffle-mask"],
        ["fan-in-scaled", "async-fan-in", "snip", "none"],
        ["fan-in-scaled", "async-fan-in", "synflow", "resample-weights"],
        ["eoi", "async-eoi", "uniform", "none"],
        ["eoi", "async-eoi", "snip", "shuffle-mask"],
      ] as const
    ) {
      const options = { batch: b, synflowRounds: 5 };
      const want = await initializeNetwork(
        cell({ method: base, allocation, ablation }, model),
        model,
        options,
      );
      const got = await initializeNetwork(
        cell({ method: copy, allocation, ablation }, model),
        model,
        options,
      );
      equal(bytes(got), bytes(want), `${model.architecture} ${copy} ${allocation} ${ablation}`);
    }
    tf.dispose([b.x, b.y]);
  }
  equal(calls.slice(0, 4).join(" "), "layer/0 layer/1 layer/2 layer/3"); // in layer order
});

Deno.test("initializeNetwork() rejects with the error an asynchronous entry rejects with", async () => {
  using _ = registerMethod({
    ...asyncCopy("pruned-kaiming", "async-broken"),
    initializeAsync: () => Promise.reject(new Error("[threw] the module failed")),
  });
  await rejects(
    initializeNetwork(cell({ method: "async-broken", allocation: "uniform" }, MLP), MLP),
    /\[threw\] the module failed/,
  );
});
