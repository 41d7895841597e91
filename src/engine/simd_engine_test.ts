import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { initializeLayer } from "../init/mod.ts";
import { layerShapes } from "../nn/mod.ts";
import type { LayerValues, ModelConfig } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import { createSimdEngine } from "./simd_engine.ts";
import type { EngineBatch } from "./types.ts";

const SGD = { momentum: 0.9, weightDecay: 1e-4 };

function _network(config: ModelConfig, method: string, density: number): LayerValues[] {
  const shapes = layerShapes(config);
  return shapes.map((shape, i) => {
    const { weights, mask } = initializeLayer(method, shape, {
      density,
      seed: 1,
      activation: i === shapes.length - 1 ? "linear" : config.activation,
      path: [`layer/${i}`],
    });
    return { weights, mask };
  });
}

function _batches(config: ModelConfig, sizes: number[]): EngineBatch[] {
  const [h, w, c] = config.inputShape;
  const rng = stream(0, "simd-engine-test");
  return sizes.map((n) => ({
    images: Float32Array.from({ length: n * h * w * c }, () => rng.uniform()),
    labels: Uint8Array.from({ length: n }, () => rng.int(config.classes)),
  }));
}

const MLP: ModelConfig = {
  architecture: "mlp",
  inputShape: [6, 6, 1],
  depth: 3,
  width: 20,
  classes: 10,
  activation: "tanh",
};
const CNN: ModelConfig = { ...MLP, architecture: "cnn", depth: 2, width: 5, activation: "relu" };

for (const config of [MLP, CNN, { ...MLP, dctPlusSparse: true }]) {
  const label = `${config.architecture}${config.dctPlusSparse ? " DCT+S" : ""}`;
  Deno.test(`simd engine (${label}) reruns bit-identically, full and partial batches`, () => {
    const layers = _network(config, config.dctPlusSparse ? "dct-plus-sparse" : "eoi", 0.3);
    const batches = _batches(config, [32, 32, 7, 32, 1]);
    const run = () => {
      const e = createSimdEngine({ config, layers }, { ...SGD, batchSize: 32 });
      const losses = batches.map((b) => e.step(b, 0.05).loss);
      const v = e.readWeights();
      e.dispose();
      return { losses, v };
    };
    const a = run(), b = run();
    deepEqual(b.losses, a.losses);
    deepEqual(b.v, a.v);
    ok(a.losses.every(Number.isFinite));
    notDeepEqual(a.v.kernels, layers.map((l) => l.weights)); // it trained
    // Masked entries stay exactly zero (S of DCT+S included).
    a.v.kernels.forEach((k, i) => {
      for (let j = 0; j < k.length; j++) if (layers[i].mask[j] === 0) equal(k[j], 0);
    });
    equal(a.v.alphas.length, config.dctPlusSparse ? layers.length : 0);
  });
}

Deno.test("readWeights returns the values the engine was built with (tfjs layout, dense and sparse layers)", () => {
  for (const density of [0.2, 1]) {
    const layers = _network(CNN, "pruned-kaiming", density).map((l, i) => ({
      ...l,
      bias: Float32Array.from({ length: i === 2 ? 10 : 5 }, (_, j) => j / 10),
    }));
    const e = createSimdEngine({ config: CNN, layers }, { ...SGD, batchSize: 8 });
    const v = e.readWeights();
    v.kernels.forEach((k, i) => deepEqual(k, layers[i].weights));
    v.biases.forEach((b, i) => deepEqual(b, layers[i].bias));
    e.dispose();
  }
});

Deno.test("evaluate() matches the loss a step reports before its update, in any batch size", () => {
  const layers = _network(MLP, "eoi", 0.5);
  const [batch] = _batches(MLP, [30]);
  const e = createSimdEngine({ config: MLP, layers }, { ...SGD, batchSize: 32 });
  const idx = Uint32Array.from({ length: 30 }, (_, i) => i);
  const before = e.evaluate(batch, idx, 7);
  const whole = e.evaluate(batch, idx);
  ok(Math.abs(before.loss - whole.loss) < 1e-12);
  equal(before.accuracy, whole.accuracy);
  const stats = e.step(batch, 0.1);
  ok(Math.abs(stats.loss - before.loss) < 1e-12);
  equal(stats.correct, Math.round(before.accuracy * 30));
  ok(e.evaluate(batch, idx).loss < before.loss);
  e.dispose();
});

Deno.test("the simd engine rejects bad settings, batches and use after dispose, naming the value", () => {
  const layers = _network(MLP, "eoi", 0.5);
  const make = (o = {}) =>
    createSimdEngine({ config: MLP, layers }, { ...SGD, batchSize: 4, ...o });
  throws(() => make({ momentum: 1 }), /momentum must be in \[0, 1\); got 1/);
  throws(() => make({ weightDecay: -1 }), /weightDecay .* got -1/);
  throws(() => make({ batchSize: 0 }), /batchSize must be a positive integer; got 0/);
  throws(
    () => createSimdEngine({ config: MLP, layers: layers.slice(1) }, { ...SGD, batchSize: 4 }),
    /expected 4 layer values; got 3/,
  );
  throws(
    () =>
      createSimdEngine({ config: { ...MLP, activation: "gelu" as "tanh" }, layers }, {
        ...SGD,
        batchSize: 4,
      }),
    TypeError,
  );
  const e = make();
  const [b] = _batches(MLP, [4]);
  throws(() => e.step(b, NaN), /learningRate .* got NaN/);
  throws(
    () => e.step({ images: b.images.subarray(1), labels: b.labels }, 0.1),
    /need 144 pixel values/,
  );
  throws(() => e.step(_batches(MLP, [5])[0], 0.1), /batch size must be in \[1, 4\]; got 5/);
  throws(
    () => e.step({ images: b.images, labels: Uint8Array.of(0, 1, 2, 10) }, 0.1),
    /labels\[3\] = 10/,
  );
  throws(() => e.evaluate(b, Uint32Array.of(9)), /outside \[0, 4\)/);
  e.dispose();
  throws(() => e.step(b, 0.1), /disposed/);
});

Deno.test("a diverging simd run (lr = 1e6) reports a non-finite loss at the same step every time", () => {
  const layers = _network(MLP, "eoi", 0.5);
  const batches = _batches(MLP, Array(30).fill(32));
  const firstBad = () => {
    const e = createSimdEngine({ config: MLP, layers }, { ...SGD, batchSize: 32 });
    const at = batches.findIndex((b) => !Number.isFinite(e.step(b, 1e6).loss));
    e.dispose();
    return at;
  };
  const at = firstBad();
  ok(at >= 1, `first non-finite loss at step ${at}`);
  equal(firstBad(), at);
});
