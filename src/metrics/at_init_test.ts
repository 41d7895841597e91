import { equal, ok } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { LayerShape } from "../init/mod.ts";
import { buildNetwork, layerShapes, type LayerValues, type ModelConfig } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import { measureAtInit } from "./at_init.ts";

await tf.setBackend("cpu");

/** A Haar-ish orthonormal-along-the-smaller-side kernel [in, out] by Gram–Schmidt (float64). */
function orthogonal(shape: LayerShape, seed: number): Float32Array {
  if (shape.kind !== "dense") throw new Error("dense only");
  const { inFeatures: p, outFeatures: q } = shape;
  const n = Math.min(p, q), len = Math.max(p, q);
  const rng = stream(seed, "test/at_init");
  const vecs: Float64Array[] = [];
  while (vecs.length < n) {
    const v = Float64Array.from({ length: len }, () => rng.normal());
    for (const u of vecs) {
      const d = v.reduce((s, x, k) => s + x * u[k], 0);
      for (let k = 0; k < len; k++) v[k] -= d * u[k];
    }
    const norm = Math.hypot(...v);
    vecs.push(v.map((x) => x / norm));
  }
  const w = new Float32Array(p * q);
  for (let i = 0; i < p; i++) {
    for (let o = 0; o < q; o++) w[i * q + o] = p <= q ? vecs[i][o] : vecs[o][i];
  }
  return w;
}

function batch(n: number, pixels: [number, number, number], classes: number) {
  const rng = stream(9, "test/at_init", "batch");
  const x = tf.tensor4d(
    Float32Array.from({ length: n * pixels[0] * pixels[1] * pixels[2] }, () => rng.uniform()),
    [n, ...pixels],
  );
  const y = tf.tensor2d(
    Float32Array.from(
      { length: n * classes },
      (_, i) => (i % classes === (i / classes | 0) % classes ? 1 : 0),
    ),
    [n, classes],
  );
  return { x, y };
}

Deno.test("measureAtInit(): Jacobian singular values of a dense orthogonal LINEAR MLP are all 1 within 1e-5", async () => {
  const config: ModelConfig = {
    architecture: "mlp",
    inputShape: [4, 5, 1],
    depth: 3,
    width: 16,
    classes: 10,
    activation: "linear",
  };
  const values: LayerValues[] = layerShapes(config).map((s, l) => ({
    weights: orthogonal(s, l),
    mask: new Uint8Array(s.kind === "dense" ? s.inFeatures * s.outFeatures : 0).fill(1),
  }));
  const net = buildNetwork(config, values);
  const b = batch(8, [4, 5, 1], 10);
  const m = await measureAtInit(net, b, values.map((v) => v.mask));
  ok(
    Math.abs(m.jacobian.max - 1) < 1e-5 && Math.abs(m.jacobian.min - 1) < 1e-5,
    JSON.stringify(m.jacobian),
  );
  ok(m.jacobian.variance < 1e-10);
  equal(m.networkDensity, 1);
  equal(m.pathCut, false);
  equal(m.deadUnits, 0);
  ok(m.orthogonalityErrors.every((e) => e < 1e-6), String(m.orthogonalityErrors));
  ok(m.gradientNorm > 0 && m.logitsStd > 0);
  net.dispose();
});

Deno.test("measureAtInit(): scaling a linear network by 2 doubles the spectrum; masked gradients shrink the norm", async () => {
  const config: ModelConfig = {
    architecture: "mlp",
    inputShape: [2, 2, 1],
    depth: 1,
    width: 4,
    classes: 4,
    activation: "linear",
  };
  const shapes = layerShapes(config);
  const full = shapes.map((s, l) => ({
    weights: orthogonal(s, 10 + l),
    mask: new Uint8Array(16).fill(1),
  }));
  const b = batch(5, [2, 2, 1], 4);
  const scaled = full.map((v, l) => ({
    ...v,
    weights: l === 0 ? v.weights.map((w) => 2 * w) : v.weights,
  }));
  const net = buildNetwork(config, scaled);
  const m = await measureAtInit(net, b, scaled.map((v) => v.mask), { gain: 1 });
  ok(Math.abs(m.jacobian.mean - 2) < 1e-5);
  ok(m.orthogonalityErrors[0] > 2.9 && m.orthogonalityErrors[1] < 1e-6);
  // Masking the second layer's gradient entirely leaves only the first layer's share.
  const partial = await measureAtInit(net, b, [scaled[0].mask, new Uint8Array(16)]);
  ok(partial.gradientNorm < m.gradientNorm);
  equal(partial.pathCut, true);
  equal(partial.deadUnits, 8); // 4 hidden units unread + 4 logits without input
  net.dispose();
});

Deno.test("measureAtInit() runs on a circular CNN and reports finite values", async () => {
  const config: ModelConfig = {
    architecture: "cnn",
    inputShape: [6, 6, 1],
    depth: 2,
    width: 3,
    classes: 4,
    activation: "tanh",
  };
  const values = layerShapes(config).map((s, l) => {
    const rng = stream(l, "test/at_init/cnn");
    const n = s.kind === "conv" ? 9 * s.inChannels * s.outChannels : s.inFeatures * s.outFeatures;
    return {
      weights: Float32Array.from({ length: n }, () => rng.normal() * 0.5),
      mask: new Uint8Array(n).fill(1),
    };
  });
  const net = buildNetwork(config, values);
  const m = await measureAtInit(net, batch(3, [6, 6, 1], 4), values.map((v) => v.mask));
  ok([m.jacobian.mean, m.jacobian.max, m.gradientNorm, m.logitsStd].every(Number.isFinite));
  equal(m.orthogonalityErrors.length, 3);
  net.dispose();
});
