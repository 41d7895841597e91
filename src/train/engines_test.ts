import { equal, ok, throws } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { syntheticDataset } from "../data/mod.ts";
import type { TrainedValues } from "../engine/mod.ts";
import { initializeLayer } from "../init/mod.ts";
import type { Activation } from "../init/mod.ts";
import { useBackend } from "../nn/mod.ts";
import { buildNetwork } from "../nn/mod.ts";
import { layerShapes } from "../nn/mod.ts";
import type { LayerValues, ModelConfig } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import { digestArrays, weightsDigest } from "./digest.ts";
import { createStepEngine, writeTrainedValues } from "./engines.ts";
import { train, type TrainingData, type TrainOutcome } from "./train.ts";

const DATASET = syntheticDataset({ train: 600, test: 100 });

/** Synthetic images cropped to `size × size` (small CNNs), with a fixed split. */
function _data(size: number): TrainingData {
  const n = DATASET.trainLabels.length;
  const images = new Float32Array(n * size * size);
  const off = (28 - size) / 2;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        images[(i * size + r) * size + c] = DATASET.trainImages[i * 784 + (r + off) * 28 + c + off];
      }
    }
  }
  return {
    images,
    labels: DATASET.trainLabels,
    imageShape: [size, size, 1],
    classes: 10,
    train: Uint32Array.from({ length: 500 }, (_, i) => i),
    validation: Uint32Array.from({ length: 100 }, (_, i) => 500 + i),
  };
}

function _values(config: ModelConfig, method: string, density: number): LayerValues[] {
  const shapes = layerShapes(config);
  return shapes.map((shape, i) => {
    const { weights, mask } = initializeLayer(method, shape, {
      density,
      seed: 3,
      activation: i === shapes.length - 1 ? "linear" : config.activation,
      path: [`layer/${i}`],
    });
    const rng = stream(3, "engines-test", `bias/${i}`);
    const out = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
    const bias = Float32Array.from({ length: out }, () => 0.1 * rng.normal());
    return { weights, mask, bias };
  });
}

interface _Run {
  readonly outcome: TrainOutcome;
  readonly losses: number[];
  readonly values: TrainedValues;
  readonly test: { loss: number; accuracy: number };
}

/** Trains one network on `engine` (a fresh tfjs network for its initial values). */
async function _train(
  engine: "tfjs" | "simd",
  config: ModelConfig,
  layers: LayerValues[],
  data: TrainingData,
  steps: number,
): Promise<_Run> {
  const net = buildNetwork(config, layers);
  const e = createStepEngine(engine, net, { momentum: 0.9, weightDecay: 1e-4 }, 32);
  try {
    const losses: number[] = [];
    const outcome = await train(net, data, {
      seed: 0,
      epochs: 1,
      steps,
      batchSize: 32,
      learningRate: 0.05,
      momentum: 0.9,
      weightDecay: 1e-4,
      engine: e,
      onProgress: (p) => losses.push(p.loss),
    });
    const test = e.evaluate(data, data.validation, 1000);
    return { outcome, losses, values: e.readWeights(), test };
  } finally {
    e.dispose();
    net.dispose();
  }
}

function _close(what: string, a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number) {
  equal(a.length, b.length, `${what}: lengths`);
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  ok(
    worst <= tolerance,
    `${what}: max relative difference ${worst} at ${at} (${a[at]} vs ${b[at]})`,
  );
}

const CASES: readonly {
  name: string;
  architecture: "mlp" | "cnn";
  activation: Activation;
  method: string;
  density: number;
  dct?: boolean;
}[] = [
  { name: "sparse tanh MLP", architecture: "mlp", activation: "tanh", method: "eoi", density: 0.1 },
  {
    name: "dense relu MLP",
    architecture: "mlp",
    activation: "relu",
    method: "kaiming",
    density: 1,
  },
  {
    name: "masked-dense hard-tanh MLP",
    architecture: "mlp",
    activation: "hard-tanh",
    method: "pruned-kaiming",
    density: 0.6,
  },
  {
    name: "DCT+S tanh MLP",
    architecture: "mlp",
    activation: "tanh",
    method: "dct-plus-sparse",
    density: 0.05,
    dct: true,
  },
  {
    name: "sparse tanh CNN",
    architecture: "cnn",
    activation: "tanh",
    method: "pruned-orthogonal",
    density: 0.25,
  },
  {
    name: "DCT+S relu CNN",
    architecture: "cnn",
    activation: "relu",
    method: "dct-plus-sparse",
    density: 0.1,
    dct: true,
  },
];

for (const c of CASES) {
  Deno.test(`simd and tfjs engines agree within float32 rounding over a short run: ${c.name}`, async () => {
    await useBackend("wasm");
    const cnn = c.architecture === "cnn";
    const config: ModelConfig = {
      architecture: c.architecture,
      inputShape: cnn ? [10, 10, 1] : [28, 28, 1],
      depth: cnn ? 3 : 4,
      width: cnn ? 6 : 48,
      classes: 10,
      activation: c.activation,
      ...(c.dct ? { dctPlusSparse: true } : {}),
    };
    const data = _data(cnn ? 10 : 28);
    const layers = _values(config, c.method, c.density);
    // 40 steps: one full epoch of 16 batches of 32 (the last one of 20), two more, then 8.
    const ref = await _train("tfjs", config, layers, data, 40);
    const simd = await _train("simd", config, layers, data, 40);
    equal(simd.outcome.status, "ok");
    equal(simd.outcome.steps, 40);
    _close("per-step losses", simd.losses, ref.losses, 2e-5);
    _close(
      "validation losses",
      simd.outcome.curves.validationLoss,
      ref.outcome.curves.validationLoss,
      2e-5,
    );
    ref.values.kernels.forEach((k, i) => _close(`kernel ${i}`, simd.values.kernels[i], k, 2e-5));
    ref.values.biases.forEach((b, i) => _close(`bias ${i}`, simd.values.biases[i], b, 2e-5));
    _close("alphas", simd.values.alphas, ref.values.alphas, 2e-5);
    equal(simd.values.alphas.length, c.dct ? layers.length : 0);
    _close("evaluation loss", [simd.test.loss], [ref.test.loss], 2e-5);
    // The run trained: the loss moved, and masked entries stayed exactly zero.
    ok(Math.abs(simd.losses[39] - simd.losses[0]) > 1e-3);
    simd.values.kernels.forEach((k, i) => {
      for (let j = 0; j < k.length; j++) {
        if (layers[i].mask[j] === 0 && !c.dct) equal(k[j], 0, `kernel ${i}[${j}] left its mask`);
      }
    });
  });
}

Deno.test("the simd engine reruns bit-identically (same digest), and another data order differs", async () => {
  await useBackend("wasm");
  const config: ModelConfig = {
    architecture: "cnn",
    inputShape: [10, 10, 1],
    depth: 2,
    width: 4,
    classes: 10,
    activation: "tanh",
  };
  const layers = _values(config, "eoi", 0.3);
  const digest = async (seed: number) => {
    const net = buildNetwork(config, layers);
    const e = createStepEngine("simd", net, { momentum: 0.9, weightDecay: 1e-4 }, 32);
    await train(net, _data(10), {
      seed,
      epochs: 2,
      batchSize: 32,
      learningRate: 0.05,
      momentum: 0.9,
      weightDecay: 1e-4,
      engine: e,
    });
    writeTrainedValues(net, e.readWeights());
    const d = weightsDigest(net);
    const v = e.readWeights();
    equal(digestArrays([...v.kernels, ...v.biases]), d);
    e.dispose();
    net.dispose();
    return d;
  };
  const a = await digest(0);
  equal(await digest(0), a);
  ok(a !== await digest(1));
});

Deno.test("createStepEngine() and writeTrainedValues() reject what they cannot do", async () => {
  await tf.setBackend("cpu");
  const config: ModelConfig = {
    architecture: "mlp",
    inputShape: [1, 1, 2],
    depth: 1,
    width: 2,
    classes: 2,
    activation: "tanh",
  };
  const net = buildNetwork(config, [
    { weights: new Float32Array(4), mask: new Uint8Array(4).fill(1) },
    { weights: new Float32Array(4), mask: new Uint8Array(4).fill(1) },
  ]);
  throws(
    () => createStepEngine("torch" as "tfjs", net, { momentum: 0, weightDecay: 0 }, 8),
    /tfjs, simd; got "torch"/,
  );
  throws(
    () => writeTrainedValues(net, { kernels: [], biases: [], alphas: [] }),
    /has 2 kernels; got 0/,
  );
  throws(
    () =>
      writeTrainedValues(net, {
        kernels: [new Float32Array(4), new Float32Array(3)],
        biases: [new Float32Array(2), new Float32Array(2)],
        alphas: [],
      }),
    /kernels\[1\] has 4 entries; got 3/,
  );
  net.dispose();
});
