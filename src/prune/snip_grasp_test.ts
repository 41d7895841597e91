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

Deno.test("snipScores: nll scores |w · ∂(mean −z_y)/∂w|, cross-entropy |w · ∂CE/∂w| (analytic, linear MLP)", async () => {
  // logits = (x·W0)·W1 for a linear one-hidden-layer MLP without biases.
  const config: ModelConfig = {
    architecture: "mlp",
    inputShape: [1, 1, 3],
    depth: 1,
    width: 4,
    classes: 3,
    activation: "linear",
  };
  const rng = stream(5, "test/snip-nll");
  const w0 = Float32Array.from({ length: 12 }, () => rng.normal());
  const w1 = Float32Array.from({ length: 12 }, () => rng.normal());
  const network = buildNetwork(config, [
    { weights: w0, mask: new Uint8Array(12).fill(1) },
    { weights: w1, mask: new Uint8Array(12).fill(1) },
  ]);
  const n = 5;
  const xs = Float32Array.from({ length: n * 3 }, () => rng.normal());
  const labels = [0, 2, 1, 2, 0];
  const y = Float32Array.from(
    { length: n * 3 },
    (_, i) => labels[Math.floor(i / 3)] === i % 3 ? 1 : 0,
  );
  const b = { x: tf.tensor4d(xs, [n, 1, 1, 3]), y: tf.tensor2d(y, [n, 3]) };
  // dL/dz per example and class, for each loss, in float64.
  const h = (k: number, j: number) =>
    xs[k * 3] * w0[j] + xs[k * 3 + 1] * w0[4 + j] + xs[k * 3 + 2] * w0[8 + j];
  const z = (k: number, c: number) => [0, 1, 2, 3].reduce((s, j) => s + h(k, j) * w1[j * 3 + c], 0);
  const dz = {
    "nll": (k: number, c: number) => -y[k * 3 + c] / n,
    "cross-entropy": (k: number, c: number) => {
      const e = [0, 1, 2].map((q) => Math.exp(z(k, q)));
      const sum = e[0] + e[1] + e[2];
      return (e[c] / sum - y[k * 3 + c]) / n;
    },
  };
  const got: Record<string, Float64Array[]> = {};
  for (const loss of ["nll", "cross-entropy"] as const) {
    const g = dz[loss];
    // ∂L/∂W1[j,c] = Σ_k h_kj g_kc; ∂L/∂W0[i,j] = Σ_k x_ki Σ_c W1[j,c] g_kc.
    const want1 = Array.from({ length: 12 }, (_, e) => {
      const j = Math.floor(e / 3), c = e % 3;
      let s = 0;
      for (let k = 0; k < n; k++) s += h(k, j) * g(k, c);
      return Math.abs(w1[e] * s);
    });
    const want0 = Array.from({ length: 12 }, (_, e) => {
      const i = Math.floor(e / 4), j = e % 4;
      let s = 0;
      for (let k = 0; k < n; k++) {
        for (let c = 0; c < 3; c++) s += xs[k * 3 + i] * w1[j * 3 + c] * g(k, c);
      }
      return Math.abs(w0[e] * s);
    });
    const [s0, s1] = await snipScores(network, b, loss);
    got[loss] = [s0, s1];
    for (let e = 0; e < 12; e++) {
      ok(Math.abs(s0[e] - want0[e]) < 1e-5 * (1 + want0[e]), `${loss} layer 0 entry ${e}`);
      ok(Math.abs(s1[e] - want1[e]) < 1e-5 * (1 + want1[e]), `${loss} layer 1 entry ${e}`);
    }
  }
  notDeepEqual(got["nll"], got["cross-entropy"]);
  deepEqual(await snipScores(network, b), got["cross-entropy"]); // the default
  await rejects(
    () => snipScores(network, b, "mse" as never),
    /loss must be one of cross-entropy, nll; got "mse"/,
  );
  tf.dispose([b.x, b.y]);
  network.dispose();
});
