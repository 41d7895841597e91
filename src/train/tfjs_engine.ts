/**
 * The `"tfjs"` step engine: the reference training step of `step.ts`
 * (variables on any tfjs backend, gradients by tfjs's autodiff) and
 * `evaluate.ts`, behind the {@linkcode StepEngine} interface. It trains the
 * network's own variables in place, so the network always holds the current
 * values.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { gatherOneHot } from "../data/mod.ts";
import type {
  EngineBatch,
  EngineSgd,
  EngineStepStats,
  StepEngine,
  TrainedValues,
} from "../engine/mod.ts";
import type { Network } from "../nn/mod.ts";
import { evaluate } from "./evaluate.ts";
import { createTrainStep } from "./step.ts";

/**
 * Binds the tfjs training step to `network` (see `createTrainStep`); `io`
 * gives the image shape and classes (default: the network's config).
 *
 * @throws {RangeError} as `createTrainStep` for bad SGD settings; `step`
 *   throws a TypeError when the images do not match the labels.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { createTfjsEngine } from "./tfjs_engine.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "linear" },
 *   [
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const engine = createTfjsEngine(net, { momentum: 0.9, weightDecay: 0 });
 * const stats = engine.step({ images: Float32Array.of(1, 0, 0, 1), labels: Uint8Array.of(0, 1) }, 0.1);
 * equal(stats.correct, 2);
 * equal(engine.readWeights().kernels.length, 2);
 * engine.dispose();
 * net.dispose();
 * ```
 */
export function createTfjsEngine(
  network: Network,
  sgd: EngineSgd,
  io: {
    readonly imageShape: readonly [number, number, number];
    readonly classes: number;
  } = { imageShape: network.config.inputShape, classes: network.config.classes },
): StepEngine {
  const trainer = createTrainStep(network, sgd);
  const [h, w, c] = io.imageShape;
  const classes = io.classes;
  let identity = new Uint32Array(0);
  return {
    name: "tfjs",
    step(batch: EngineBatch, learningRate: number): EngineStepStats {
      const n = batch.labels.length;
      if (batch.images.length !== n * h * w * c) {
        throw new TypeError(
          `TfjsEngine.step: ${n} labels need ${
            n * h * w * c
          } pixel values; got ${batch.images.length}`,
        );
      }
      if (identity.length < n) identity = Uint32Array.from({ length: n }, (_, i) => i);
      const x = tf.tensor4d(batch.images, [n, h, w, c]);
      const y = tf.tensor2d(gatherOneHot(batch.labels, identity.subarray(0, n), classes), [
        n,
        classes,
      ]);
      try {
        return trainer.step(x, y, learningRate);
      } finally {
        x.dispose();
        y.dispose();
      }
    },
    evaluate: ({ images, labels }, indices, batchSize) =>
      evaluate(network, { images, labels, imageShape: [h, w, c], classes }, indices, batchSize),
    readWeights(): TrainedValues {
      const copy = (t: tf.Tensor) => Float32Array.from(t.dataSync() as Float32Array);
      return {
        kernels: network.kernels.map(copy),
        biases: network.biases.map(copy),
        alphas: network.alphas.map((a) => a.dataSync()[0]),
      };
    },
    dispose: () => trainer.dispose(),
  };
}
