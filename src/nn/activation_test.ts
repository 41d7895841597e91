import { deepEqual, ok, throws } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import { type Activation, ACTIVATIONS } from "../init/mod.ts";
import { activate, validateActivation } from "./activation.ts";

await tf.setBackend("cpu");

const inputs = [-3, -1, -0.25, 0, 0.5, 1, 2];
const expected: Record<Activation, (v: number) => number> = {
  linear: (v) => v,
  tanh: Math.tanh,
  "hard-tanh": (v) => Math.min(1, Math.max(-1, v)),
  relu: (v) => Math.max(0, v),
};

Deno.test("activate computes linear, tanh, hard-tanh and relu elementwise", () => {
  for (const a of ACTIVATIONS) {
    const x = tf.tensor1d(inputs);
    const y = activate(x, a);
    const want = Float32Array.from(inputs, expected[a]);
    deepEqual(y.dataSync(), want, a);
    tf.dispose([x, y]);
  }
});

Deno.test("validateActivation names the caller and the unknown activation", () => {
  throws(() => validateActivation("sigmoid", "buildNetwork"), /buildNetwork.*"sigmoid"/);
  throws(() => validateActivation(undefined, "here"), TypeError);
});

Deno.test("tanh's second derivative is −2·tanh·(1 − tanh²) (tfjs's own Tanh gradient gets it wrong)", () => {
  const xs = [-2, -0.5, 0.3, 1.5];
  const x = tf.tensor1d(xs);
  const d2 = tf.grad((v: tf.Tensor) =>
    tf.sum(tf.grad((u: tf.Tensor) => tf.sum(activate(u, "tanh")))(v))
  )(x);
  const got = d2.dataSync();
  xs.forEach((v, i) => {
    const t = Math.tanh(v);
    const want = -2 * t * (1 - t * t);
    ok(Math.abs(got[i] - want) < 1e-5, `x = ${v}: ${got[i]} vs ${want}`);
  });
  tf.dispose([x, d2]);
});
