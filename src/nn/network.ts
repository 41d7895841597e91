/**
 * Builds the suite's models as functional tfjs networks (no tfjs-layers):
 * kernels, biases and DCT+S scalars are `tf.Variable`s, `apply(x, kernels?)`
 * computes the logits, so gradients with respect to the kernels or the input
 * are one `tf.grads` / `tf.variableGrads` away.
 *
 * - `mlp`: flatten `[n, h, w, c]` → dense layers of {@linkcode layerShapes},
 *   the activation after every hidden layer, none on the logits.
 * - `cnn` ("vanilla"): `depth` 3×3 stride-1 convs with circular padding, no
 *   normalisation, no residuals, the activation after every conv, then global
 *   average pooling and a dense classifier.
 *
 * The hot path is {@linkcode dense} and {@linkcode circularConv2d}, whose
 * custom gradients avoid tfjs's slow (WASM: transposed matMuls) or missing
 * (WASM: conv filter gradient) kernels, and the activations of
 * `activation.ts` (tanh with a correct second-order gradient), so gradients
 * of any order (Hessian-vector products for GraSP) work on cpu and wasm.
 * - DCT+S (`config.dctPlusSparse`, Price & Tanner 2021): every kernel layer
 *   computes `α·(x·D) + x·S + b` with `D = dctOffset(shape)` frozen, `α` a
 *   trainable scalar initialised to 1 and `S = kernels[i]` (masked).
 *
 * Importing this module also imports `@tensorflow/tfjs` for its side effect:
 * tfjs-core's Node bundle registers no gradient functions, the union package
 * registers all of them (on the same tfjs-core instance).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import {
  type Activation,
  dctOffset,
  kernelDims,
  kernelSize,
  type LayerShape,
  shapeLabel,
} from "../init/mod.ts";
import { activate, validateActivation } from "./activation.ts";
import { circularConv2d } from "./circular_conv.ts";
import { dense } from "./dense.ts";
import { layerShapes } from "./shapes.ts";
import type { LayerValues, ModelConfig, Network } from "./types.ts";

/** Frozen DCT offsets of the networks built here (empty when not DCT+S). */
const _offsets = new WeakMap<Network, readonly tf.Tensor[]>();

/**
 * Builds a network from its config and one {@linkcode LayerValues} per
 * kernel of `layerShapes(config)` (weights and mask in tfjs layout, optional
 * bias). Values are copied; the caller keeps ownership of its arrays.
 *
 * `apply` uses the kernels as they are: it does not multiply by the masks
 * (keeping masked entries zero is the training step's job, see
 * {@linkcode reapplyMasks}). For DCT+S networks `kernels[i]` is `S` and the
 * layer's effective kernel is `α·D + S`, formed once per call; by linearity
 * `x·(α·D + S) = α·(x·D) + x·S`, with one matMul/conv instead of two (the
 * offset is applied as a dense matrix, not with a fast transform).
 *
 * @throws {TypeError} if the config is malformed (architecture, input shape,
 *   activation), if the number of values differs from the number of kernels,
 *   or if a layer's weights, mask or bias has the wrong type or length (the
 *   message names the layer index, its shape, expected and got).
 * @throws {RangeError} if depth/width/classes is not a positive integer, a mask
 *   entry is not 0 or 1, a weight or bias is not finite, or a weight is
 *   non-zero where the mask is 0.
 * @example An MLP with one hidden tanh layer
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork } from "./network.ts";
 * await tf.setBackend("cpu");
 * const config = {
 *   architecture: "mlp", inputShape: [2, 2, 1], depth: 1, width: 3, classes: 2, activation: "tanh",
 * } as const;
 * const values = [
 *   { weights: new Float32Array(12).fill(0.5), mask: new Uint8Array(12).fill(1) },
 *   { weights: new Float32Array(6).fill(1), mask: new Uint8Array(6).fill(1) },
 * ];
 * const net = buildNetwork(config, values);
 * const x = tf.ones([1, 2, 2, 1]);
 * const y = net.apply(x);
 * deepEqual(y.shape, [1, 2]);
 * equal(Math.abs(y.dataSync()[0] - 3 * Math.tanh(2)) < 1e-6, true);
 * tf.dispose([x, y]);
 * net.dispose();
 * ```
 */
export function buildNetwork(config: ModelConfig, values: readonly LayerValues[]): Network {
  const activation = _validateConfig(config);
  const shapes = Object.freeze(layerShapes(config));
  _validateValues(shapes, values);
  const frozenConfig: ModelConfig = Object.freeze({
    ...config,
    inputShape: Object.freeze([...config.inputShape]) as unknown as ModelConfig["inputShape"],
  });
  const dct = config.dctPlusSparse === true;
  const dims = shapes.map(kernelDims);
  const kernels = shapes.map((_, i) => _variable(values[i].weights.slice(), dims[i]));
  const masks = shapes.map((_, i) =>
    tf.keep(tf.tensor(Float32Array.from(values[i].mask), dims[i], "float32"))
  );
  const biases = shapes.map((s, i) =>
    _variable(
      values[i].bias?.slice() ?? new Float32Array(_outUnits(s)),
      [_outUnits(s)],
    )
  );
  const alphas = dct ? shapes.map(() => _variable(new Float32Array([1]), [])) : [];
  const offsets = dct ? shapes.map((s, i) => tf.keep(tf.tensor(_offset(s, i), dims[i]))) : [];
  const layers = shapes.length;
  const [height, width, channels] = frozenConfig.inputShape;
  let disposed = false;

  const forward = (x: tf.Tensor4D, ks: readonly tf.Tensor[]): tf.Tensor2D => {
    const kernel = (i: number): tf.Tensor =>
      dct ? tf.add(tf.mul(alphas[i], offsets[i]), ks[i]) : ks[i];
    const last = layers - 1;
    let features: tf.Tensor2D;
    if (frozenConfig.architecture === "mlp") {
      features = tf.reshape(x, [x.shape[0], height * width * channels]);
      for (let i = 0; i < last; i++) {
        features = _dense(features, kernel(i) as tf.Tensor2D, biases[i], activation);
      }
    } else {
      let h = x;
      for (let i = 0; i < last; i++) {
        h = activate(
          circularConv2d(h, kernel(i) as tf.Tensor4D, biases[i] as tf.Tensor1D),
          activation,
        );
      }
      features = tf.mean(h, [1, 2]) as tf.Tensor2D;
    }
    return _dense(features, kernel(last) as tf.Tensor2D, biases[last], "linear");
  };

  const network: Network = {
    config: frozenConfig,
    shapes,
    kernels,
    masks,
    biases,
    alphas,
    apply(x: tf.Tensor, substitute?: readonly tf.Tensor[]): tf.Tensor2D {
      if (disposed) throw new Error("Network.apply: the network has been disposed");
      _checkInput(x, frozenConfig);
      if (substitute !== undefined) _checkKernels(substitute, shapes, dims);
      return tf.tidy(() => forward(x as tf.Tensor4D, substitute ?? kernels));
    },
    trainable(): tf.Variable[] {
      return [...kernels, ...biases, ...alphas];
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      tf.dispose([...kernels, ...masks, ...biases, ...alphas, ...offsets]);
    },
  };
  _offsets.set(network, offsets);
  return network;
}

/**
 * Multiplies every kernel by its mask in place (`kernel.assign(kernel·mask)`),
 * e.g. after an optimiser step that may have moved masked entries. Allocates
 * nothing that survives the call.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork, reapplyMasks } from "./network.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 1, classes: 1, activation: "linear" },
 *   [
 *     { weights: new Float32Array([1, 0]), mask: new Uint8Array([1, 0]) },
 *     { weights: new Float32Array([1]), mask: new Uint8Array([1]) },
 *   ],
 * );
 * net.kernels[0].assign(tf.tensor2d([[3], [4]]));
 * reapplyMasks(net);
 * deepEqual(Array.from(net.kernels[0].dataSync()), [3, 0]);
 * net.dispose();
 * ```
 */
export function reapplyMasks(network: Network): void {
  tf.tidy(() => {
    network.kernels.forEach((k, i) => k.assign(tf.mul(k, network.masks[i])));
  });
}

/**
 * The kernels each layer actually applies: `α·D + S` for a DCT+S network
 * built by {@linkcode buildNetwork}, copies of the kernels otherwise (for
 * metrics at initialization such as orthogonality errors). The caller
 * disposes the returned tensors.
 *
 * @example At initialization (S = 0, α = 1) a DCT+S layer applies D
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildNetwork, effectiveKernels } from "./network.ts";
 * await tf.setBackend("cpu");
 * const net = buildNetwork(
 *   { architecture: "mlp", inputShape: [1, 1, 4], depth: 1, width: 4, classes: 2, activation: "tanh", dctPlusSparse: true },
 *   [
 *     { weights: new Float32Array(16), mask: new Uint8Array(16) },
 *     { weights: new Float32Array(8), mask: new Uint8Array(8) },
 *   ],
 * );
 * const [d] = effectiveKernels(net);
 * equal(Math.abs(d.dataSync()[0] - 0.5) < 1e-6, true); // first DCT-II row of size 4 is 1/2
 * d.dispose();
 * net.dispose();
 * ```
 */
export function effectiveKernels(network: Network): tf.Tensor[] {
  const offsets = _offsets.get(network) ?? [];
  return tf.tidy(() =>
    network.kernels.map((k, i) =>
      offsets.length > 0 ? tf.add(tf.mul(network.alphas[i], offsets[i]), k) : tf.clone(k)
    )
  );
}

/** `activation(x·K + b)`. */
function _dense(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor,
  activation: Activation,
): tf.Tensor2D {
  return activate(dense(x, kernel, bias as tf.Tensor1D), activation);
}

/** A trainable float32 variable initialised from `data` (tidy-safe: no tensor leaks into a scope). */
function _variable(data: Float32Array, shape: number[]): tf.Variable {
  const t = tf.tensor(data, shape, "float32");
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

function _outUnits(shape: LayerShape): number {
  return shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
}

function _offset(shape: LayerShape, i: number): Float32Array {
  const d = dctOffset(shape);
  if (d.length !== kernelSize(shape)) {
    throw new Error(
      `buildNetwork: dctOffset returned ${d.length} entries for layer ${i} (${
        shapeLabel(shape)
      }); expected ${kernelSize(shape)}`,
    );
  }
  return d;
}

function _validateConfig(config: ModelConfig): Activation {
  if (config.architecture !== "mlp" && config.architecture !== "cnn") {
    throw new TypeError(
      `buildNetwork: architecture must be "mlp" or "cnn"; got ${
        JSON.stringify(config.architecture)
      }`,
    );
  }
  const input = config.inputShape as readonly unknown[] | undefined;
  if (
    !Array.isArray(input) || input.length !== 3 ||
    !input.every((v) => Number.isInteger(v) && (v as number) >= 1)
  ) {
    throw new TypeError(
      `buildNetwork: inputShape must be [height, width, channels] of positive integers; got ${
        JSON.stringify(input)
      }`,
    );
  }
  return validateActivation(config.activation, "buildNetwork");
}

function _validateValues(shapes: readonly LayerShape[], values: readonly LayerValues[]): void {
  if (!Array.isArray(values) || values.length !== shapes.length) {
    throw new TypeError(
      `buildNetwork: expected ${shapes.length} LayerValues (one per kernel: ${
        shapes.map(shapeLabel).join(", ")
      }); got ${Array.isArray(values) ? values.length : typeof values}`,
    );
  }
  shapes.forEach((shape, i) => {
    const where = `buildNetwork: layer ${i} (${shapeLabel(shape)})`;
    const size = kernelSize(shape);
    const { weights, mask, bias } = values[i] ?? {};
    if (!(weights instanceof Float32Array) || weights.length !== size) {
      throw new TypeError(
        `${where}: weights must be a Float32Array of ${size} entries; got ${_describe(weights)}`,
      );
    }
    if (!(mask instanceof Uint8Array) || mask.length !== size) {
      throw new TypeError(
        `${where}: mask must be a Uint8Array of ${size} entries; got ${_describe(mask)}`,
      );
    }
    for (let j = 0; j < size; j++) {
      const m = mask[j], w = weights[j];
      if (m > 1) throw new RangeError(`${where}: mask[${j}] must be 0 or 1; got ${m}`);
      if (!Number.isFinite(w)) {
        throw new RangeError(`${where}: weights[${j}] must be finite; got ${w}`);
      }
      if (m === 0 && w !== 0) {
        throw new RangeError(
          `${where}: weights[${j}] = ${w} where mask is 0 (masked weights must be exactly zero)`,
        );
      }
    }
    if (bias !== undefined) {
      const out = _outUnits(shape);
      if (!(bias instanceof Float32Array) || bias.length !== out) {
        throw new TypeError(
          `${where}: bias must be a Float32Array of ${out} entries; got ${_describe(bias)}`,
        );
      }
      const bad = bias.findIndex((b) => !Number.isFinite(b));
      if (bad >= 0) throw new RangeError(`${where}: bias[${bad}] must be finite; got ${bias[bad]}`);
    }
  });
}

function _describe(v: unknown): string {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return `${v.constructor.name} of ${(v as unknown as ArrayLike<number>).length} entries`;
  }
  return v === undefined ? "undefined" : typeof v;
}

function _checkInput(x: tf.Tensor, config: ModelConfig): void {
  const [h, w, c] = config.inputShape;
  if (
    x.rank !== 4 || x.dtype !== "float32" || x.shape[1] !== h || x.shape[2] !== w ||
    x.shape[3] !== c
  ) {
    throw new TypeError(
      `Network.apply: x must be float32 [n, ${h}, ${w}, ${c}] for ${config.architecture}; got ${x.dtype} [${
        x.shape.join(", ")
      }]`,
    );
  }
}

function _checkKernels(
  kernels: readonly tf.Tensor[],
  shapes: readonly LayerShape[],
  dims: readonly number[][],
): void {
  if (!Array.isArray(kernels) || kernels.length !== shapes.length) {
    throw new TypeError(
      `Network.apply: expected ${shapes.length} substitute kernels; got ${
        Array.isArray(kernels) ? kernels.length : typeof kernels
      }`,
    );
  }
  kernels.forEach((k, i) => {
    const d = dims[i];
    if (k.rank !== d.length || (k.shape as number[]).some((v: number, j: number) => v !== d[j])) {
      throw new TypeError(
        `Network.apply: kernels[${i}] must have shape [${d.join(", ")}] (${
          shapeLabel(shapes[i])
        }); got [${k.shape.join(", ")}]`,
      );
    }
  });
}
