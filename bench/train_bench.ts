/**
 * One training step (forward, loss, gradients, masked SGD-Nesterov update) of
 * the EOI paper's MNIST MLP (784→100, five 100→100, 100→10, tanh, batch 128)
 * on the wasm and cpu backends in the same run; baseline: cpu. Then the simd
 * engine against the tfjs engine (wasm backend, the baseline) at density 0.1
 * and dense. The peers (PyTorch) are in `bench/peers/` (`deno task bench:peers`).
 *
 * Run: `deno bench -A bench/train_bench.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { initializeLayer } from "../src/init/mod.ts";
import { buildNetwork, layerShapes, type ModelConfig, useBackend } from "../src/nn/mod.ts";
import { stream } from "../src/rng/mod.ts";
import { createTfjsEngine, createTrainStep, type TrainStep } from "../src/train/mod.ts";
import { createSimdEngine } from "../src/engine/mod.ts";

const CONFIG: ModelConfig = {
  architecture: "mlp",
  inputShape: [28, 28, 1],
  depth: 6,
  width: 100,
  classes: 10,
  activation: "tanh",
};
const BATCH = 128;

interface _State {
  readonly trainer: TrainStep;
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}
const _states = new Map<string, _State>();

/** Builds (once per backend) a 10%-dense EOI-style sparse MLP, its trainer and a fixed batch. */
function _state(backend: string): _State {
  let s = _states.get(backend);
  if (s !== undefined) return s;
  const shapes = layerShapes(CONFIG);
  const values = shapes.map((shape, i) => {
    const { weights, mask } = initializeLayer("pruned-kaiming", shape, {
      density: 0.1,
      seed: 0,
      activation: i === shapes.length - 1 ? "linear" : "tanh",
      path: [`layer/${i}`],
    });
    return { weights, mask };
  });
  const network = buildNetwork(CONFIG, values);
  const rng = stream(0, "bench", "batch");
  const pixels = Float32Array.from({ length: BATCH * 784 }, () => rng.uniform());
  const labels = Array.from({ length: BATCH }, () => rng.int(10));
  s = {
    trainer: createTrainStep(network, { momentum: 0.9, weightDecay: 1e-4 }),
    x: tf.tensor4d(pixels, [BATCH, 28, 28, 1]),
    y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 10)),
  };
  _states.set(backend, s);
  return s;
}

for (const backend of ["cpu", "wasm"] as const) {
  Deno.bench({
    name: `train step, 784-100x5-10 MLP, batch ${BATCH}, ${backend}`,
    group: "train-step",
    baseline: backend === "cpu",
    async fn(b) {
      await useBackend(backend);
      const { trainer, x, y } = _state(backend);
      b.start();
      trainer.step(x, y, 0.01);
      b.end();
    },
  });
}

// The simd engine against the tfjs reference step (wasm backend) on the same
// network and batch: group "engine-step", baseline = tfjs. Dense and sparse.
const _engines = new Map<string, { step: () => void }>();

function _engineState(engine: "tfjs" | "simd", density: number): { step: () => void } {
  const key = `${engine}/${density}`;
  let s = _engines.get(key);
  if (s !== undefined) return s;
  const shapes = layerShapes(CONFIG);
  const values = shapes.map((shape, i) => {
    const { weights, mask } = initializeLayer("pruned-kaiming", shape, {
      density,
      seed: 0,
      activation: i === shapes.length - 1 ? "linear" : "tanh",
      path: [`layer/${i}`],
    });
    return { weights, mask };
  });
  const rng = stream(0, "bench", "batch");
  const batch = {
    images: Float32Array.from({ length: BATCH * 784 }, () => rng.uniform()),
    labels: Uint8Array.from({ length: BATCH }, () => rng.int(10)),
  };
  const sgd = { momentum: 0.9, weightDecay: 1e-4 };
  const e = engine === "simd"
    ? createSimdEngine({ config: CONFIG, layers: values }, { ...sgd, batchSize: BATCH })
    : createTfjsEngine(buildNetwork(CONFIG, values), sgd);
  s = { step: () => e.step(batch, 0.01) };
  _engines.set(key, s);
  return s;
}

for (const density of [0.1, 1]) {
  for (const engine of ["tfjs", "simd"] as const) {
    Deno.bench({
      name: `engine step, 784-100x5-10 MLP, d=${density}, batch ${BATCH}, ${engine}${
        engine === "tfjs" ? " (wasm backend)" : ""
      }`,
      group: `engine-step-d${density}`,
      baseline: engine === "tfjs",
      async fn(b) {
        await useBackend("wasm");
        const { step } = _engineState(engine, density);
        b.start();
        step();
        b.end();
      },
    });
  }
}
