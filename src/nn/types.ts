/**
 * The model contract between the initializers, the training loop and the
 * network-level methods (SNIP, GraSP, metrics at init).
 *
 * A network is functional: its parameters are plain tfjs variables and
 * `apply(x, kernels?)` computes logits, optionally with substitute kernels, so
 * gradients with respect to the kernels (or the input) are one `tf.grads` away.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";
import type { Activation, LayerShape } from "../init/mod.ts";

/**
 * Which architecture; both end in 10 logits. */
export type Architecture = "mlp" | "cnn";

/**
 * Everything that fixes a model's structure (not its values). */
export interface ModelConfig {
  /** `mlp`: input → `depth` hidden dense layers of `width` → classes. `cnn`: `depth` 3×3 circular convs of `width` channels → global average pool → dense. */
  readonly architecture: Architecture;
  /** Input image `[height, width, channels]`, e.g. `[28, 28, 1]`. */
  readonly inputShape: readonly [number, number, number];
  /** Hidden layers (MLP) or conv layers (CNN). */
  readonly depth: number;
  /** Hidden units (MLP) or channels (CNN). */
  readonly width: number;
  /** Number of classes (logits). */
  readonly classes: number;
  /** Nonlinearity after every hidden layer. */
  readonly activation: Activation;
  /** Every kernel layer is DCT+S: `y = α·D·x + S·x + b` (Price & Tanner 2021). */
  readonly dctPlusSparse?: boolean;
}

/**
 * Initial values of one kernel layer, from any registered method. */
export interface LayerValues {
  /** Kernel values in tfjs layout, exactly zero where `mask` is 0. */
  readonly weights: Float32Array;
  /** 0/1 mask of the kernel, same length as `weights`. */
  readonly mask: Uint8Array;
  /** Bias values (length = output units); zeros when absent. */
  readonly bias?: Float32Array;
}

/**
 * A built network (see module doc). Dispose it when done.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "./network.ts";
 * import type { Network } from "./types.ts";
 * await tf.setBackend("cpu");
 * const net: Network = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "relu" },
 *   [
 *     { weights: new Float32Array(4).fill(1), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array(4).fill(1), mask: new Uint8Array(4).fill(1) },
 *   ],
 * );
 * equal(net.kernels.length, 2);
 * equal(net.trainable().length, 4); // two kernels, two biases
 * net.dispose();
 * ```
 */
export interface Network {
  /** The structure the network was built from. */
  readonly config: ModelConfig;
  /** Kernel shapes in order, first layer first. */
  readonly shapes: readonly LayerShape[];
  /** Trainable kernels (tfjs layout), masked entries exactly zero. */
  readonly kernels: tf.Variable[];
  /** 0/1 float32 masks, same shapes as `kernels`. */
  readonly masks: tf.Tensor[];
  /** Trainable biases, one per kernel layer. */
  readonly biases: tf.Variable[];
  /** DCT+S trainable scalars α (empty unless `dctPlusSparse`). */
  readonly alphas: tf.Variable[];
  /** Logits `[n, classes]` for inputs `[n, h, w, c]`; `kernels` replaces the kernels if given. */
  apply(x: tf.Tensor, kernels?: readonly tf.Tensor[]): tf.Tensor2D;
  /** All trainable variables: kernels, biases, alphas. */
  trainable(): tf.Variable[];
  /** Frees every tensor the network owns. */
  dispose(): void;
}
