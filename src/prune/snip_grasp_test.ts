import { deepEqual, equal, notDeepEqual, ok, rejects } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { countNonZeros, kernelSize } from "../init/mod.ts";
import { buildNetwork, layerShapes, type ModelConfig, type Network } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import { grasp, graspScores } from "./grasp.ts";
import { snip, snipScores } from "./snip.ts";

await tf.setBackend("cpu");

const MLP: ModelConfig = {
  architecture: "mlp",
  inputShape: [4, 4, 1],
  depth: 2,
  width: 8,
  classes: 3,
  activation: "tanh",
};
const CNN: ModelConfig = { ...MLP, architecture: "cnn", depth: 2, width: 3 };

function net(config: ModelConfig, seed: number): Network {
  const values = layerShapes(config).map((s, l) => {
    const rng = stream(seed, "test/snip_grasp", `layer/${l}`);
    const n = kernelSize(s);
    return {
      weights: Float32Array.from({ length: n }, () => rng.normal() * 0.7),
      mask: new Uint8Array(n).fill(1),
    };
  });
  return buildNetwork(config, values);
}

function batch(seed: number, n = 6) {
  const rng = stream(seed, "test/snip_grasp", "batch");
  const x = tf.tensor4d(Float32Array.from({ length: n * 16 }, () => rng.uniform()), [n, 4, 4, 1]);
  const labels = Float32Array.from(
    { length: n * 3 },
    (_, i) => (i % 3 === (i / 3 | 0) % 3 ? 1 : 0),
  );
  return { x, y: tf.tensor2d(labels, [n, 3]) };
}

function total(config: ModelConfig): number {
  return layerShapes(config).reduce((s, sh) => s + kernelSize(sh), 0);
}

Deno.test("snip() masks have the exact global count and are deterministic (MLP and CNN)", async () => {
  for (const config of [MLP, CNN]) {
    const a = net(config, 1), b = batch(1);
    const m1 = await snip(a, b, 0.2), m2 = await snip(a, b, 0.2);
    equal(m1.reduce((s, m) => s + countNonZeros(m), 0), Math.round(0.2 * total(config)));
    deepEqual(m1, m2);
    const other = net(config, 2);
    notDeepEqual(await snip(other, b, 0.2), m1);
    a.dispose();
    other.dispose();
  }
});

Deno.test("snipScores() equal |θ·∂L/∂θ| checked by a finite difference on one weight", async () => {
  const a = net(MLP, 3), b = batch(3);
  const s = await snipScores(a, b);
  const loss = (): number =>
    tf.tidy(() => {
      const logits = a.apply(b.x);
      return tf.neg(tf.mean(tf.sum(tf.mul(b.y, tf.logSoftmax(logits)), 1))).dataSync()[0];
    });
  const w = a.kernels[1].dataSync().slice();
  const j = 5, h = 1e-2;
  const at = (v: number) => {
    const c = w.slice();
    c[j] = v;
    a.kernels[1].assign(tf.tensor(c, a.kernels[1].shape));
    return loss();
  };
  const g = (at(w[j] + h) - at(w[j] - h)) / (2 * h);
  at(w[j]);
  ok(
    Math.abs(s[1][j] - Math.abs(w[j] * g)) < 1e-3 * (1 + Math.abs(w[j] * g)),
    `${s[1][j]} vs ${w[j] * g}`,
  );
  a.dispose();
});

Deno.test("grasp() keeps the exact count of the LOWEST scores and is deterministic (MLP and CNN)", async () => {
  for (const config of [MLP, CNN]) {
    const a = net(config, 4), b = batch(4);
    const masks = await grasp(a, b, 0.3);
    equal(masks.reduce((s, m) => s + countNonZeros(m), 0), Math.round(0.3 * total(config)));
    deepEqual(await grasp(a, b, 0.3), masks);
    const scores = await graspScores(a, b);
    let maxKept = -Infinity, minDropped = Infinity;
    masks.forEach((m, l) =>
      m.forEach((v, i) => {
        if (v) maxKept = Math.max(maxKept, scores[l][i]);
        else minDropped = Math.min(minDropped, scores[l][i]);
      })
    );
    ok(maxKept <= minDropped, `${maxKept} > ${minDropped}`);
    a.dispose();
  }
});

Deno.test("graspScores() rejects a non-positive temperature; snip() a bad density", async () => {
  const a = net(MLP, 5), b = batch(5);
  await rejects(graspScores(a, b, { temperature: 0 }), /graspScores: temperature/);
  await rejects(snip(a, b, 0), /density/);
  a.dispose();
});
