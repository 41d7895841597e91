/**
 * The suite's nonlinearities as tfjs ops (each one elementwise op after the
 * layer's matMul or conv).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { type Activation, ACTIVATIONS } from "../init/mod.ts";

/**
 * Checks that `activation` is one of {@linkcode ACTIVATIONS}.
 *
 * @throws {TypeError} naming `where` and the offending value.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { validateActivation } from "./activation.ts";
 * validateActivation("tanh", "buildNetwork");
 * throws(() => validateActivation("gelu", "buildNetwork"), TypeError);
 * ```
 */
export function validateActivation(activation: unknown, where: string): Activation {
  if (!ACTIVATIONS.includes(activation as Activation)) {
    throw new TypeError(
      `${where}: activation must be one of ${ACTIVATIONS.join(", ")}; got ${
        JSON.stringify(activation)
      }`,
    );
  }
  return activation as Activation;
}

/**
 * Applies `activation`: `linear` (identity), `tanh` (with a correct
 * second-order gradient, see below), hard-tanh = `clip(x, −1, 1)`, or `relu`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { activate } from "./activation.ts";
 * await tf.setBackend("cpu");
 * const x = tf.tensor1d([-2, 0.5, 3]);
 * const y = activate(x, "hard-tanh");
 * deepEqual(Array.from(y.dataSync()), [-1, 0.5, 1]);
 * tf.dispose([x, y]);
 * ```
 */
export function activate<T extends tf.Tensor>(x: T, activation: Activation): T {
  switch (activation) {
    case "relu":
      return tf.relu(x);
    case "tanh":
      return _tanh(x) as T;
    case "hard-tanh":
      return tf.clipByValue(x, -1, 1);
    default:
      return x;
  }
}

/**
 * `tanh` whose gradient, `dy·(1 − tanh(x)²)`, is computed from the saved
 * input rather than the saved output: tfjs 4.22's own Tanh gradient uses the
 * saved output, which second-order gradients (Hessian-vector products, as in
 * GraSP) do not differentiate through, giving wrong results (measured: error
 * 6.0 against finite differences of size 7.7 on a 2-layer tanh MLP). Costs one
 * extra elementwise tanh in the backward pass.
 */
const _tanh = tf.customGrad(
  ((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.tanh(x),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.mul(dy, tf.sub(1, tf.square(tf.tanh(saved[0])))),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0],
) as unknown as (x: tf.Tensor) => tf.Tensor;
