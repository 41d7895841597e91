import { equal, ok, throws } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { type Network, softmaxCrossEntropy } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import { createTrainStep, installWasmMatMulFix } from "./step.ts";

await tf.setBackend("cpu");

const IN = 6, OUT = 4, N = 5;

/** A linear softmax classifier `x·K + b` as a Network (only what the step uses). */
function _linear(kernel: Float64Array, mask: Uint8Array): Network {
  const [k, b] = tf.tidy(() => [
    tf.variable(tf.tensor2d(Float32Array.from(kernel), [IN, OUT])),
    tf.variable(tf.zeros([OUT])),
  ]);
  const m = tf.tensor2d(Float32Array.from(mask), [IN, OUT]);
  return {
    kernels: [k],
    masks: [m],
    biases: [b],
    alphas: [],
    apply: (x: tf.Tensor) => tf.add(tf.matMul(tf.reshape(x, [-1, IN]), k), b) as tf.Tensor2D,
    trainable: () => [k, b],
    dispose: () => tf.dispose([k, m, b]),
  } as unknown as Network;
}

/** Reference: PyTorch's SGD (dampening 0) in float64 on the same linear model. */
function _reference(
  kernel: Float64Array,
  mask: Uint8Array,
  x: Float64Array,
  labels: number[],
  steps: number,
  lr: number,
  mu: number,
  wd: number,
  nesterov: boolean,
): { kernel: Float64Array; bias: Float64Array; losses: number[] } {
  const w = Float64Array.from(kernel);
  const b = new Float64Array(OUT);
  const vw = new Float64Array(IN * OUT);
  const vb = new Float64Array(OUT);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const gw = new Float64Array(IN * OUT);
    const gb = new Float64Array(OUT);
    let loss = 0;
    for (let n = 0; n < N; n++) {
      const z = new Float64Array(OUT);
      for (let o = 0; o < OUT; o++) {
        z[o] = b[o];
        for (let i = 0; i < IN; i++) z[o] += x[n * IN + i] * w[i * OUT + o];
      }
      const max = Math.max(...z);
      const e = Array.from(z, (v) => Math.exp(v - max));
      const sum = e.reduce((a, v) => a + v, 0);
      loss += -(z[labels[n]] - max - Math.log(sum)) / N;
      for (let o = 0; o < OUT; o++) {
        const d = (e[o] / sum - (o === labels[n] ? 1 : 0)) / N;
        gb[o] += d;
        for (let i = 0; i < IN; i++) gw[i * OUT + o] += x[n * IN + i] * d;
      }
    }
    losses.push(loss);
    const update = (p: Float64Array, g: Float64Array, v: Float64Array, m?: Uint8Array) => {
      for (let j = 0; j < p.length; j++) {
        let gj = g[j] + wd * p[j];
        if (m !== undefined) gj *= m[j];
        v[j] = mu * v[j] + gj;
        p[j] -= lr * (nesterov ? gj + mu * v[j] : v[j]);
        if (m !== undefined) p[j] *= m[j];
      }
    };
    update(w, gw, vw, mask);
    update(b, gb, vb);
  }
  return { kernel: w, bias: b, losses };
}

function _problem(seed: number) {
  const rng = stream(seed, "step-test");
  const kernel = Float64Array.from({ length: IN * OUT }, () => Math.fround(rng.normal() * 0.5));
  const mask = Uint8Array.from({ length: IN * OUT }, () => (rng.uniform() < 0.6 ? 1 : 0));
  for (let j = 0; j < kernel.length; j++) kernel[j] *= mask[j];
  const x = Float64Array.from({ length: N * IN }, () => Math.fround(rng.normal()));
  const labels = Array.from({ length: N }, () => rng.int(OUT));
  return { kernel, mask, x, labels };
}

for (const nesterov of [true, false]) {
  Deno.test(`createTrainStep() matches PyTorch's SGD update (nesterov=${nesterov}) with weight decay and a mask`, () => {
    const { kernel, mask, x, labels } = _problem(nesterov ? 1 : 2);
    const net = _linear(kernel, mask);
    const trainer = createTrainStep(net, { momentum: 0.9, weightDecay: 0.01, nesterov });
    const xt = tf.tensor4d(Float32Array.from(x), [N, 1, IN, 1]);
    const yt = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), OUT));
    const losses: number[] = [];
    const correct: number[] = [];
    for (let s = 0; s < 4; s++) {
      const stats = trainer.step(xt, yt, 0.3);
      losses.push(stats.loss);
      correct.push(stats.correct);
      equal(stats.size, N);
    }
    const ref = _reference(kernel, mask, x, labels, 4, 0.3, 0.9, 0.01, nesterov);
    losses.forEach((l, s) =>
      ok(Math.abs(l - ref.losses[s]) < 1e-5, `loss ${s}: ${l} vs ${ref.losses[s]}`)
    );
    const k = net.kernels[0].dataSync();
    const b = net.biases[0].dataSync();
    for (let j = 0; j < k.length; j++) {
      ok(Math.abs(k[j] - ref.kernel[j]) < 1e-5, `kernel[${j}]: ${k[j]} vs ${ref.kernel[j]}`);
      if (mask[j] === 0) {
        equal(k[j], 0);
        equal(trainer.velocities[0].dataSync()[j], 0);
      }
    }
    for (let o = 0; o < OUT; o++) ok(Math.abs(b[o] - ref.bias[o]) < 1e-5);
    ok(correct.every((c) => Number.isInteger(c) && c >= 0 && c <= N));
    trainer.dispose();
    net.dispose();
    tf.dispose([xt, yt]);
  });
}

Deno.test("createTrainStep() leaves tf.memory().numTensors unchanged across steps and after dispose", () => {
  const before = tf.memory().numTensors;
  const { kernel, mask, x, labels } = _problem(3);
  const net = _linear(kernel, mask);
  const xt = tf.tensor4d(Float32Array.from(x), [N, 1, IN, 1]);
  const yt = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), OUT));
  const trainer = createTrainStep(net, { momentum: 0.9, weightDecay: 1e-4 });
  trainer.step(xt, yt, 0.1);
  const during = tf.memory().numTensors;
  for (let s = 0; s < 20; s++) trainer.step(xt, yt, 0.1);
  equal(tf.memory().numTensors, during);
  trainer.dispose();
  net.dispose();
  tf.dispose([xt, yt]);
  equal(tf.memory().numTensors, before);
});

Deno.test("softmaxCrossEntropy() is finite for huge logits and equals log(classes) for zeros", () => {
  const big = softmaxCrossEntropy(tf.tensor2d([[1e4, 0], [0, 1e4]]), tf.tensor2d([[0, 1], [0, 1]]));
  const value = big.dataSync()[0];
  ok(Math.abs(value - 5000) < 1e-2, `${value}`);
  const zero = softmaxCrossEntropy(tf.zeros([3, 4]), tf.oneHot([0, 1, 2], 4));
  ok(Math.abs(zero.dataSync()[0] - Math.log(4)) < 1e-6);
  tf.dispose([big, zero]);
});

Deno.test("createTrainStep() rejects bad momentum, weight decay, learning rate and batch sizes", () => {
  const { kernel, mask } = _problem(4);
  const net = _linear(kernel, mask);
  throws(
    () => createTrainStep(net, { momentum: 1, weightDecay: 0 }),
    /createTrainStep: momentum .*got 1/,
  );
  throws(() => createTrainStep(net, { momentum: 0.9, weightDecay: -1 }), /weightDecay .*got -1/);
  const trainer = createTrainStep(net, { momentum: 0, weightDecay: 0 });
  const x = tf.zeros([2, 1, IN, 1]);
  throws(() => trainer.step(x, tf.zeros([3, OUT]), 0.1), TypeError);
  throws(() => trainer.step(x, tf.zeros([2, OUT]), Number.NaN), /learningRate .*got NaN/);
  trainer.dispose();
  net.dispose();
  x.dispose();
});

Deno.test("installWasmMatMulFix() keeps transposed wasm matMuls equal to cpu's and leaks nothing", async () => {
  const { useBackend } = await import("../nn/mod.ts");
  const rng = stream(9, "matmul-fix");
  const a = Float32Array.from({ length: 2 * 7 * 5 }, () => rng.normal());
  const b = Float32Array.from({ length: 2 * 5 * 3 }, () => rng.normal());
  const cases: [number[], number[], boolean, boolean][] = [
    [[7, 5], [5, 3], false, false],
    [[5, 7], [5, 3], true, false],
    [[7, 5], [3, 5], false, true],
    [[5, 7], [3, 5], true, true],
    [[2, 5, 7], [2, 3, 5], true, true],
  ];
  const run = () =>
    cases.map(([sa, sb, ta, tb]) =>
      tf.tidy(() => {
        const n = (s: number[]) => s.reduce((p, v) => p * v, 1);
        const x = tf.tensor(a.subarray(0, n(sa)), sa);
        const y = tf.tensor(b.subarray(0, n(sb)), sb);
        return tf.matMul(x, y, ta, tb).dataSync().slice();
      })
    );
  await tf.setBackend("cpu");
  const expected = run();
  await useBackend("wasm");
  equal(installWasmMatMulFix(), true);
  equal(installWasmMatMulFix(), true); // idempotent
  const before = tf.memory().numTensors;
  const got = run();
  equal(tf.memory().numTensors, before);
  got.forEach((g, c) => {
    equal(g.length, expected[c].length);
    g.forEach((v, i) =>
      ok(Math.abs(v - expected[c][i]) < 1e-5, `case ${c}[${i}]: ${v} vs ${expected[c][i]}`)
    );
  });
  await tf.setBackend("cpu");
});
