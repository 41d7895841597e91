import { equal, notEqual, ok, rejects, throws } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadDataset, splitValidation, syntheticDataset } from "../data/mod.ts";
import { initializeLayer } from "../init/mod.ts";
import {
  buildNetwork,
  layerShapes,
  type LayerValues,
  type ModelConfig,
  type Network,
} from "../nn/mod.ts";
import { weightsDigest } from "./digest.ts";
import {
  maskViolations,
  plannedSteps,
  train,
  type TrainingData,
  type TrainOptions,
} from "./train.ts";

const BACKENDS = await _availableBackends();

/** cpu always; wasm when the backend module can switch to it. */
async function _availableBackends(): Promise<string[]> {
  const names = ["cpu"];
  try {
    const { useBackend } = await import("../nn/mod.ts");
    await useBackend("wasm");
    names.push("wasm");
  } catch {
    // wasm unavailable: cpu only
  }
  return names;
}

async function _use(name: string): Promise<void> {
  if (name === "cpu") {
    await tf.setBackend("cpu");
  } else {
    const { useBackend } = await import("../nn/mod.ts");
    await useBackend(name as "wasm");
  }
  await tf.ready();
  equal(tf.getBackend(), name);
}

const DATA = syntheticDataset({ train: 600, test: 100 });
const SPLIT = splitValidation(DATA.trainLabels, 0.1, 0);

function _data(): TrainingData {
  return {
    images: DATA.trainImages,
    labels: DATA.trainLabels,
    imageShape: [28, 28, 1],
    classes: 10,
    train: SPLIT.train,
    validation: SPLIT.validation,
  };
}

function _mlp(depth: number, width: number): ModelConfig {
  return {
    architecture: "mlp",
    inputShape: [28, 28, 1],
    depth,
    width,
    classes: 10,
    activation: "tanh",
  };
}

/** Per-layer values of `method` at `density` (first and last layers dense). */
function _values(
  config: ModelConfig,
  method: string,
  density: number,
  seed: number,
): LayerValues[] {
  const shapes = layerShapes(config);
  return shapes.map((shape, i) => {
    const d = i === 0 || i === shapes.length - 1 ? 1 : density;
    const { weights, mask } = initializeLayer(method, shape, {
      density: d,
      seed,
      activation: i === shapes.length - 1 ? "linear" : config.activation,
      path: [`layer/${i}`],
    });
    return { weights, mask };
  });
}

const OPTIONS: TrainOptions = {
  seed: 0,
  epochs: 1,
  steps: 12,
  batchSize: 32,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
};

async function _trainedDigest(seed: number, dataSeed: number): Promise<string> {
  const config = _mlp(2, 32);
  const net = buildNetwork(config, _values(config, "pruned-kaiming", 0.3, seed));
  try {
    const outcome = await train(net, _data(), { ...OPTIONS, seed: dataSeed });
    equal(outcome.status, "ok");
    return weightsDigest(net);
  } finally {
    net.dispose();
  }
}

for (const backend of BACKENDS) {
  Deno.test(`train() on ${backend} reruns bit-identically and a different seed changes the digest`, async () => {
    await _use(backend);
    const a = await _trainedDigest(1, 0);
    const b = await _trainedDigest(1, 0);
    equal(a, b);
    notEqual(await _trainedDigest(2, 0), a); // other initial values
    notEqual(await _trainedDigest(1, 1), a); // other data order
  });
}

Deno.test("train() keeps every masked kernel entry exactly zero", async () => {
  await _use(BACKENDS.at(-1)!);
  const config = _mlp(3, 48);
  const values = _values(config, "pruned-kaiming", 0.1, 3);
  const net = buildNetwork(config, values);
  const outcome = await train(net, _data(), { ...OPTIONS, steps: 30 });
  equal(outcome.status, "ok");
  equal(maskViolations(net), 0);
  // The training moved the kept weights.
  let moved = 0;
  net.kernels.forEach((k, i) => {
    const w = k.dataSync();
    for (let j = 0; j < w.length; j++) {
      if (values[i].mask[j] === 0) equal(w[j], 0);
      else if (w[j] !== values[i].weights[j]) moved++;
    }
  });
  ok(moved > 0);
  net.dispose();
});

Deno.test("maskViolations() counts kernel entries moved outside the mask", async () => {
  await _use("cpu");
  const config = _mlp(2, 8);
  const values = _values(config, "pruned-kaiming", 0.25, 0);
  const net = buildNetwork(config, values);
  equal(maskViolations(net), 0);
  tf.tidy(() => net.kernels[1].assign(tf.add(net.kernels[1], 1)));
  equal(maskViolations(net), values[1].mask.filter((m) => m === 0).length);
  equal(maskViolations(net), 48);
  net.dispose();
});

Deno.test("train() stops a diverging run (lr = 1e6) at the same step every time", async () => {
  await _use(BACKENDS.at(-1)!);
  const at: number[] = [];
  for (let r = 0; r < 2; r++) {
    const config = _mlp(2, 32);
    const net = buildNetwork(config, _values(config, "kaiming", 1, 0));
    const before = tf.memory().numTensors;
    const outcome = await train(net, _data(), { ...OPTIONS, steps: 50, learningRate: 1e6 });
    equal(tf.memory().numTensors, before);
    equal(outcome.status, "diverged");
    ok(outcome.divergedAtStep !== undefined && outcome.divergedAtStep >= 2);
    equal(outcome.steps, outcome.divergedAtStep);
    ok(outcome.divergedAtStep < 50);
    ok(/loss became (NaN|Infinity|-Infinity) at step/.test(outcome.message ?? ""), outcome.message);
    equal(outcome.finalValidationAccuracy, null);
    at.push(outcome.divergedAtStep);
    net.dispose();
  }
  equal(at[0], at[1]);
});

Deno.test("train() creates no lasting tensors and honours steps over epochs", async () => {
  await _use(BACKENDS.at(-1)!);
  const config = _mlp(2, 16);
  const net = buildNetwork(config, _values(config, "kaiming", 1, 0));
  const before = tf.memory().numTensors;
  const progress: number[] = [];
  // 540 training examples / batch 32 → 17 batches per epoch; 40 steps = 2 full epochs + 6.
  const outcome = await train(net, _data(), {
    ...OPTIONS,
    epochs: 100,
    steps: 40,
    onProgress: (p) => {
      progress.push(p.step);
      equal(p.steps, 40);
    },
  });
  equal(tf.memory().numTensors, before);
  equal(outcome.steps, 40);
  equal(progress.length, 40);
  equal(progress.at(-1), 40);
  equal(SPLIT.train.length, 540);
  equal(outcome.curves.trainLoss.length, 3);
  equal(outcome.curves.validationAccuracy.length, 3);
  equal(outcome.bestValidationAccuracy, Math.max(...outcome.curves.validationAccuracy));
  equal(outcome.finalValidationAccuracy, outcome.curves.validationAccuracy[2]);
  ok(outcome.curves.trainLoss.every(Number.isFinite));
  net.dispose();
});

Deno.test("train() rejects with the abort reason and frees its tensors", async () => {
  await _use("cpu");
  const config = _mlp(1, 8);
  const net = buildNetwork(config, _values(config, "kaiming", 1, 0));
  const before = tf.memory().numTensors;
  const controller = new AbortController();
  await rejects(
    train(net, _data(), {
      ...OPTIONS,
      steps: 1000,
      onProgress: (p) => {
        if (p.step === 3) controller.abort(new Error("stop here"));
      },
      signal: controller.signal,
    }),
    /stop here/,
  );
  equal(tf.memory().numTensors, before);
  net.dispose();
});

Deno.test("plannedSteps() counts partial batches and rejects bad sizes", () => {
  equal(plannedSteps(540, { epochs: 2, batchSize: 32 }), 34);
  equal(plannedSteps(512, { epochs: 1, batchSize: 32 }), 16);
  throws(() => plannedSteps(0, { epochs: 1, batchSize: 32 }), /trainExamples .*got 0/);
  throws(() => plannedSteps(10, { epochs: 0, batchSize: 32 }), /epochs .*got 0/);
  throws(() => plannedSteps(10, { epochs: 1, batchSize: 32, steps: 0 }), /steps .*got 0/);
  throws(() => plannedSteps(10, { epochs: 1, batchSize: 1.5 }), /batchSize .*got 1\.5/);
});

Deno.test("a 1000-layer width-128 tanh MLP trains a few steps with bounded memory and stable numTensors", async () => {
  await _use(BACKENDS.at(-1)!);
  const config: ModelConfig = { ..._mlp(1000, 128) };
  const shapes = layerShapes(config);
  // Cheap values: identity-like hidden kernels at 1/128 density (diagonal mask).
  const values: LayerValues[] = shapes.map((s, i) => {
    const size = s.kind === "dense" ? s.inFeatures * s.outFeatures : 0;
    const weights = new Float32Array(size);
    const mask = new Uint8Array(size);
    if (i === 0 || i === shapes.length - 1) {
      for (let j = 0; j < size; j++) {
        mask[j] = 1;
        weights[j] = ((j * 2654435761) % 1000) / 1000 * 0.02 - 0.01;
      }
    } else {
      for (let d = 0; d < 128; d++) {
        mask[d * 128 + d] = 1;
        weights[d * 128 + d] = 1;
      }
    }
    return { weights, mask };
  });
  const rssBefore = Deno.memoryUsage().rss;
  const net = buildNetwork(config, values);
  const tensorsBefore = tf.memory().numTensors;
  // Keep it quick: one step of batch 8 per call, validation on 8 examples.
  const data = {
    ..._data(),
    train: SPLIT.train.subarray(0, 8),
    validation: SPLIT.validation.subarray(0, 8),
  };
  const options = { ...OPTIONS, steps: 1, batchSize: 8, learningRate: 1e-4 };
  const first = await train(net, data, options);
  equal(first.status, "ok");
  equal(tf.memory().numTensors, tensorsBefore);
  const rssMid = Deno.memoryUsage().rss;
  const second = await train(net, data, { ...options, seed: 1 });
  equal(second.status, "ok");
  equal(tf.memory().numTensors, tensorsBefore);
  equal(maskViolations(net), 0);
  const rssAfter = Deno.memoryUsage().rss;
  const GiB = 1024 ** 3;
  ok(rssAfter - rssBefore < 2 * GiB, `rss grew by ${(rssAfter - rssBefore) / GiB} GiB`);
  // A second identical run does not keep growing (no per-step leak): allow 256 MiB of allocator slack.
  ok(
    rssAfter - rssMid < 256 * 1024 ** 2,
    `rss grew by ${(rssAfter - rssMid) / 1024 ** 2} MiB on rerun`,
  );
  net.dispose();
});

Deno.test({
  name: "an MLP trained 400 steps on MNIST passes 90% test accuracy",
  ignore: Deno.env.get("SKIP_MNIST") === "1",
  fn: async () => {
    await _use(BACKENDS.at(-1)!);
    const mnist = await loadDataset("mnist");
    const split = splitValidation(mnist.trainLabels, 0.1, 0);
    const config: ModelConfig = { ..._mlp(2, 100), activation: "relu" };
    const net: Network = buildNetwork(config, _values(config, "kaiming", 1, 0));
    const outcome = await train(
      net,
      {
        images: mnist.trainImages,
        labels: mnist.trainLabels,
        imageShape: [28, 28, 1],
        classes: 10,
        train: split.train,
        validation: split.validation.subarray(0, 1000),
      },
      { ...OPTIONS, steps: 400, batchSize: 128, learningRate: 0.05 },
    );
    equal(outcome.status, "ok");
    const { evaluate } = await import("./train.ts");
    const all = Uint32Array.from({ length: mnist.testLabels.length }, (_, i) => i);
    const test = evaluate(
      net,
      { images: mnist.testImages, labels: mnist.testLabels, imageShape: [28, 28, 1], classes: 10 },
      all,
    );
    ok(test.accuracy > 0.9, `test accuracy ${test.accuracy}`);
    net.dispose();
  },
});
