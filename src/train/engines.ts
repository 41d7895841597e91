/**
 * Choosing a step engine for a built network: `"tfjs"` (the reference, on
 * the current tfjs backend) or `"simd"` (our WebAssembly SIMD kernels, see
 * `src/engine/`), and writing an engine's trained values back into the
 * network.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { createSimdEngine } from "../engine/mod.ts";
import {
  ENGINE_NAMES,
  type EngineName,
  type EngineSgd,
  type SimdNetwork,
  type StepEngine,
  type TrainedValues,
} from "../engine/mod.ts";
import type { Network } from "../nn/mod.ts";
import { createTfjsEngine } from "./tfjs_engine.ts";

/**
 * A step engine named `name` bound to `network`'s current values and the
 * SGD setting; `batchSize` is the largest batch it will train on.
 *
 * The simd engine copies the values in (train, then
 * {@linkcode writeTrainedValues} to put them back); the tfjs engine trains
 * the network's variables in place.
 *
 * @throws {RangeError} for an unknown engine name, or one that cannot run
 *   this network (the message says why, e.g. the WebAssembly memory limit).
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { createStepEngine } from "./engines.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "tanh" },
 *   [
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const engine = createStepEngine("simd", net, { momentum: 0.9, weightDecay: 0 }, 8);
 * equal(engine.name, "simd");
 * engine.dispose();
 * net.dispose();
 * ```
 */
export function createStepEngine(
  name: EngineName,
  network: Network,
  sgd: EngineSgd,
  batchSize: number,
): StepEngine {
  if (name === "tfjs") return createTfjsEngine(network, sgd);
  if (name === "simd") return createSimdEngine(simdNetworkOf(network), { ...sgd, batchSize });
  throw new RangeError(
    `createStepEngine: engine must be one of ${ENGINE_NAMES.join(", ")}; got ${
      JSON.stringify(name)
    }`,
  );
}

/**
 * The values of a tfjs {@linkcode Network} copied into plain arrays, as
 * `createSimdEngine` takes them (kernels, 0/1 masks, biases, DCT+S α).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { simdNetworkOf } from "./engines.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "tanh" },
 *   [
 *     { weights: new Float32Array([1, 0, 0, 1]), mask: Uint8Array.of(1, 0, 0, 1) },
 *     { weights: new Float32Array([1, 2, 3, 4]), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * const values = simdNetworkOf(net);
 * equal(values.layers[0].mask[1], 0);
 * equal(values.alphas, undefined);
 * net.dispose();
 * ```
 */
export function simdNetworkOf(network: Network): SimdNetwork {
  const read = (t: tf.Tensor) => Float32Array.from(t.dataSync() as Float32Array);
  const layers = network.kernels.map((k, i) => ({
    weights: read(k),
    mask: Uint8Array.from(network.masks[i].dataSync() as Float32Array, (m) => (m === 0 ? 0 : 1)),
    bias: read(network.biases[i]),
  }));
  const alphas = network.alphas.map((a) => a.dataSync()[0]);
  return { config: network.config, layers, alphas: alphas.length > 0 ? alphas : undefined };
}

/**
 * Assigns trained values (from `StepEngine.readWeights`) to the network's
 * variables, so tfjs-side code (digest, mask check, metrics) sees them.
 *
 * @throws {RangeError} if the numbers of kernels, biases or α differ, or an
 *   array's length differs from its variable's size.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "../nn/mod.ts";
 * import { writeTrainedValues } from "./engines.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 1], depth: 1, width: 1, classes: 1, activation: "linear" },
 *   [{ weights: Float32Array.of(1), mask: Uint8Array.of(1) }, { weights: Float32Array.of(1), mask: Uint8Array.of(1) }],
 * );
 * writeTrainedValues(net, { kernels: [Float32Array.of(2), Float32Array.of(3)], biases: [Float32Array.of(0), Float32Array.of(1)], alphas: [] });
 * deepEqual(Array.from(net.kernels[1].dataSync()), [3]);
 * net.dispose();
 * ```
 */
export function writeTrainedValues(network: Network, values: TrainedValues): void {
  const groups: [string, readonly tf.Variable[], readonly (Float32Array | number)[]][] = [
    ["kernels", network.kernels, values.kernels],
    ["biases", network.biases, values.biases],
    ["alphas", network.alphas, values.alphas],
  ];
  for (const [name, variables, arrays] of groups) {
    if (variables.length !== arrays.length) {
      throw new RangeError(
        `writeTrainedValues: the network has ${variables.length} ${name}; got ${arrays.length}`,
      );
    }
    variables.forEach((v, i) => {
      const a = arrays[i];
      const data = typeof a === "number" ? Float32Array.of(a) : a;
      if (data.length !== v.size) {
        throw new RangeError(
          `writeTrainedValues: ${name}[${i}] has ${v.size} entries; got ${data.length}`,
        );
      }
      tf.tidy(() => v.assign(tf.tensor(data, v.shape, "float32")));
    });
  }
}
