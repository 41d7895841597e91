/**
 * The hot path of training, kept alone in this file so it can be replaced:
 * one optimiser step = forward, softmax cross-entropy (mean over the batch),
 * gradients, and a masked SGD update with Nesterov momentum and weight decay
 * in PyTorch's form:
 *
 * ```
 * g ← ∇L + wd·w          (weight decay added to the gradient)
 * g ← g ⊙ mask           (kernels only)
 * v ← μ·v + g            (v starts at 0, so the first v equals g, as in PyTorch)
 * w ← w − lr·(g + μ·v)   (Nesterov; plain momentum uses w − lr·v)
 * w ← w ⊙ mask           (kernels only: masked weights stay exactly zero)
 * ```
 *
 * Weight decay and momentum apply to every trainable variable of the network
 * (kernels, biases and DCT+S scalars α), as `torch.optim.SGD(model.parameters())`
 * does; frozen DCT offsets are not trainable variables and are never touched.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
// tfjs-core's Node bundle registers no gradient functions; the union package
// registers all of them (and shares tfjs-core's engine).
import "@tensorflow/tfjs";
import { installWasmMatMulFix, type Network, softmaxCrossEntropy } from "../nn/mod.ts";

export { installWasmMatMulFix };

/**
 * Optimiser settings of {@linkcode createTrainStep}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { createTrainStep, type SgdOptions } from "./step.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "linear" },
 *   [
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const options: SgdOptions = { momentum: 0, weightDecay: 0, nesterov: false };
 * const trainer = createTrainStep(net, options);
 * equal(trainer.velocities.length, 4);
 * trainer.dispose();
 * net.dispose();
 * ```
 */
export interface SgdOptions {
  /** Momentum μ in [0, 1); 0 disables the velocity. */
  readonly momentum: number;
  /** L2 weight decay added to the gradient (PyTorch's `weight_decay`), ≥ 0. */
  readonly weightDecay: number;
  /** Nesterov momentum (default true, the EOI recipe). */
  readonly nesterov?: boolean;
}

/**
 * What one step reports, read back from the device once. */
export interface StepStats {
  /** Mean softmax cross-entropy over the batch, before the update. */
  readonly loss: number;
  /** Examples of the batch whose arg-max logit is the label, before the update. */
  readonly correct: number;
  /** Batch size. */
  readonly size: number;
}

/**
 * A stateful step function bound to one network (it owns the velocities).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { createTrainStep, type TrainStep } from "./step.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "linear" },
 *   [
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const trainer: TrainStep = createTrainStep(net, { momentum: 0.9, weightDecay: 0 });
 * const x = tf.tensor4d([[[[1, 0]]], [[[0, 1]]]]);
 * const y = tf.tensor2d([[1, 0], [0, 1]]);
 * const stats = trainer.step(x, y, 0.1);
 * equal(stats.size, 2);
 * equal(stats.correct, 2);
 * tf.dispose([x, y]);
 * trainer.dispose();
 * net.dispose();
 * ```
 */
export interface TrainStep {
  /**
   * One optimiser step on images `x` (`[n, h, w, c]`) and one-hot labels `y`
   * (`[n, classes]`) with learning rate `learningRate`. Creates no tensors that
   * outlive the call.
   */
  step(x: tf.Tensor, y: tf.Tensor, learningRate: number): StepStats;
  /** The momentum buffers, one per trainable variable, in `network.trainable()` order. */
  readonly velocities: readonly tf.Variable[];
  /** Frees the velocities (not the network). */
  dispose(): void;
}

/**
 * Binds a masked SGD (Nesterov) step to a network. Kernel `i` is masked by
 * `network.masks[i]`; biases and α are unmasked. On the wasm backend it
 * installs {@linkcode installWasmMatMulFix} first.
 *
 * @throws {RangeError} naming `createTrainStep` and the offending value if the
 *   momentum is not in [0, 1), the weight decay is negative or not finite, or
 *   the network has a different number of masks than kernels. `step()` throws
 *   a RangeError for a non-finite or negative learning rate and a TypeError
 *   when `x` and `y` disagree on the batch size.
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { createTrainStep } from "./step.ts";
 * await tf.setBackend("cpu");
 * // A one-layer linear "network": 4 pixels → 2 classes, one kernel entry masked.
 * const kernel = tf.variable(tf.tensor2d([[0.5, 0], [0.1, 0.2], [0.3, -0.1], [0, 0.4]]));
 * const mask = tf.tensor2d([[1, 0], [1, 1], [1, 1], [1, 1]]);
 * const bias = tf.variable(tf.zeros([2]));
 * const network = {
 *   kernels: [kernel], masks: [mask], biases: [bias], alphas: [],
 *   apply: (x: tf.Tensor) => tf.add(tf.matMul(tf.reshape(x, [-1, 4]), kernel), bias),
 *   trainable: () => [kernel, bias],
 * };
 * // deno-lint-ignore no-explicit-any
 * const trainer = createTrainStep(network as any, { momentum: 0.9, weightDecay: 1e-4 });
 * const x = tf.ones([3, 2, 2, 1]);
 * const y = tf.oneHot([1, 1, 1], 2);
 * const first = trainer.step(x, y, 0.1).loss;
 * for (let i = 0; i < 20; i++) trainer.step(x, y, 0.1);
 * ok(trainer.step(x, y, 0.1).loss < first);
 * equal(kernel.dataSync()[1], 0); // the masked entry stays exactly zero
 * trainer.dispose();
 * ```
 */
export function createTrainStep(network: Network, options: SgdOptions): TrainStep {
  const { momentum, weightDecay } = options;
  const nesterov = options.nesterov ?? true;
  if (typeof momentum !== "number" || !(momentum >= 0 && momentum < 1)) {
    throw new RangeError(`createTrainStep: momentum must be in [0, 1); got ${momentum}`);
  }
  if (typeof weightDecay !== "number" || !(weightDecay >= 0 && Number.isFinite(weightDecay))) {
    throw new RangeError(
      `createTrainStep: weightDecay must be a finite number ≥ 0; got ${weightDecay}`,
    );
  }
  if (network.masks.length !== network.kernels.length) {
    throw new RangeError(
      `createTrainStep: network has ${network.kernels.length} kernels but ${network.masks.length} masks`,
    );
  }
  if (tf.getBackend() === "wasm") installWasmMatMulFix();
  const variables = network.trainable();
  const masks: (tf.Tensor | undefined)[] = variables.map((v) => {
    const i = network.kernels.indexOf(v);
    return i >= 0 ? network.masks[i] : undefined;
  });
  const velocities = variables.map((v) => {
    const zeros = tf.zerosLike(v);
    const velocity = tf.variable(zeros, false);
    zeros.dispose(); // the variable holds its own reference to the data
    return velocity;
  });

  function step(x: tf.Tensor, y: tf.Tensor, learningRate: number): StepStats {
    if (typeof learningRate !== "number" || !(learningRate >= 0 && Number.isFinite(learningRate))) {
      throw new RangeError(
        `createTrainStep.step: learningRate must be a finite number ≥ 0; got ${learningRate}`,
      );
    }
    const n = x.shape[0] ?? 0;
    if (y.shape[0] !== n) {
      throw new TypeError(
        `createTrainStep.step: x of shape [${x.shape}] and y of shape [${y.shape}] differ in batch size`,
      );
    }
    const stats = tf.tidy(() => {
      let logits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        logits = tf.keep(network.apply(x));
        return softmaxCrossEntropy(logits, y);
      }, variables);
      const kept = logits as tf.Tensor;
      const correct = tf.sum(
        tf.cast(tf.equal(tf.argMax(kept, 1), tf.argMax(y, 1)), "float32"),
      );
      kept.dispose();
      const lr = tf.scalar(learningRate);
      const mu = tf.scalar(momentum);
      const wd = tf.scalar(weightDecay);
      for (let i = 0; i < variables.length; i++) {
        const w = variables[i];
        const mask = masks[i];
        let g: tf.Tensor = grads[w.name] ?? tf.zerosLike(w);
        if (weightDecay !== 0) g = tf.add(g, tf.mul(wd, w));
        if (mask !== undefined) g = tf.mul(g, mask);
        let update = g;
        if (momentum !== 0) {
          const v = tf.add(tf.mul(mu, velocities[i]), g);
          velocities[i].assign(v);
          update = nesterov ? tf.add(g, tf.mul(mu, v)) : v;
        }
        let next = tf.sub(w, tf.mul(lr, update));
        if (mask !== undefined) next = tf.mul(next, mask);
        w.assign(next);
      }
      return tf.stack([value, correct]);
    });
    const [loss, correct] = stats.dataSync();
    stats.dispose();
    return { loss, correct, size: n };
  }

  return {
    step,
    velocities,
    dispose: () => {
      for (const v of velocities) v.dispose();
    },
  };
}
