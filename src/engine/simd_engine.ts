/**
 * The `"simd"` step engine: the suite's MLP and circular CNN, their softmax
 * cross-entropy and the masked Nesterov SGD update of `src/train/step.ts`, on
 * plain typed arrays in one WebAssembly memory, with the SIMD kernels of
 * `kernels.as`. Same model, same update, same float32 operations per
 * element; sums are taken in a different (fixed) order than tfjs, so results
 * agree with the tfjs engine within float32 rounding and are bit-identical
 * from run to run and machine to machine. Design: docs/engine.md.
 *
 * @module
 */

import { gatherImages, gatherLabels } from "../data/mod.ts";
import { dctOffset } from "../init/mod.ts";
import { kernelSize } from "../init/mod.ts";
import { validateActivation } from "../nn/mod.ts";
import { layerShapes } from "../nn/mod.ts";
import type { LayerValues, ModelConfig } from "../nn/mod.ts";
import { type Arena, createArena, EPI } from "./kernels.ts";
import {
  DENSE_MIN_DENSITY,
  FLAT,
  type Geometry,
  geometryOf,
  type LayerPlan,
  paddedBatch,
  planLayer,
  simdSupport,
} from "./plan.ts";
import type {
  EngineBatch,
  EngineEvaluation,
  EngineSgd,
  EngineStepStats,
  StepEngine,
  TrainedValues,
} from "./types.ts";

/**
 * What {@linkcode createSimdEngine} builds from: the model and its values.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SimdNetwork } from "./simd_engine.ts";
 * const net: SimdNetwork = {
 *   config: { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "relu" },
 *   layers: [
 *     { weights: new Float32Array(4).fill(1), mask: new Uint8Array(4).fill(1) },
 *     { weights: new Float32Array(4).fill(1), mask: new Uint8Array(4).fill(1) },
 *   ],
 * };
 * equal(net.layers.length, 2);
 * ```
 */
export interface SimdNetwork {
  /** The model's structure. */
  readonly config: ModelConfig;
  /** One entry per kernel of `layerShapes(config)`: weights, mask, optional bias (tfjs layout). */
  readonly layers: readonly LayerValues[];
  /** DCT+S scalars α, one per layer (default 1 each); only for `dctPlusSparse`. */
  readonly alphas?: readonly number[];
}

/**
 * Options of {@linkcode createSimdEngine}: the SGD setting and the largest batch.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SimdEngineOptions } from "./simd_engine.ts";
 * const options: SimdEngineOptions = { momentum: 0.9, weightDecay: 1e-4, batchSize: 128 };
 * equal(options.batchSize, 128);
 * ```
 */
export interface SimdEngineOptions extends EngineSgd {
  /** Largest batch `step` will see (memory is sized for it); evaluation uses batches of this size. */
  readonly batchSize: number;
  /** When given, milliseconds spent per phase are added to it (for profiling). */
  readonly profile?: Map<string, number>;
  /** The profile's clock in milliseconds (default `performance.now`; e.g. CPU time on a busy machine). */
  readonly clock?: () => number;
  /**
   * Also build what {@linkcode SimdEngine.inputGradient} needs (the first
   * layer's transposed lists and an input-gradient buffer). Default false:
   * training never computes the first layer's input gradient.
   */
  readonly inputGradient?: boolean;
}

/**
 * A simd {@linkcode StepEngine} that also exposes the passes the metrics at
 * initialization need (no update, no state change): the logits with the
 * gradient of the mean cross-entropy w.r.t. every kernel (one forward and
 * one backward pass), and the gradient
 * of one logit summed over the batch w.r.t. the input (one row of every
 * example's input–output Jacobian).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { createSimdEngine } from "./simd_engine.ts";
 * // A linear 2-2-2 MLP: logits = x·K0·K1, so ∂logit_k/∂x is column k of K0·K1.
 * const engine = createSimdEngine({
 *   config: { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "linear" },
 *   layers: [
 *     { weights: Float32Array.of(3, 0, 0, 1), mask: new Uint8Array(4).fill(1) },
 *     { weights: Float32Array.of(1, 0, 0, 2), mask: new Uint8Array(4).fill(1) },
 *   ],
 * }, { momentum: 0, weightDecay: 0, batchSize: 1, inputGradient: true });
 * const [g0, g1] = engine.inputGradients(Float32Array.of(5, 7));
 * ok(g0[0] === 3 && g0[1] === 0 && g1[0] === 0 && g1[1] === 2);
 * engine.dispose();
 * ```
 */
export interface SimdEngine extends StepEngine {
  /**
   * The batch's logits (example-major, `n × classes`) and the gradient of its
   * mean softmax cross-entropy w.r.t. every kernel, in the network's (tfjs)
   * layout; entries the engine does not store (those of a sparse layer
   * outside its mask) are 0.
   */
  kernelGradients(batch: EngineBatch): { logits: Float32Array; gradients: Float32Array[] };
  /**
   * For each class `k`, the gradient of `Σ_n logits[n, k]` w.r.t. the `n`
   * input images (`n · h·w·c`, image-major, `(h, w, c)` order): row `k` of
   * every example's input–output Jacobian (one forward pass, one backward
   * pass per class). Needs the engine built with `inputGradient: true`.
   */
  inputGradients(images: Float32Array): Float32Array[];
}

/** Runtime state of one kernel layer (byte addresses into the arena). */
interface _Layer {
  readonly plan: LayerPlan;
  readonly conv: boolean;
  readonly geo: Geometry;
  /** Float index of the kernel values / bias / α in the parameter buffers (α: −1 if none). */
  readonly k: number;
  readonly b: number;
  readonly a: number;
  readonly input: number;
  /** Rows of the input buffer. */
  readonly inRows: number;
  readonly output: number;
  /** Pre-activations (hard-tanh only), else 0. */
  readonly z: number;
  /** Forward epilogue. */
  readonly epi: number;
  /** Sparse lists. */
  readonly ptr: number;
  readonly rows: number;
  readonly tPtr: number;
  readonly tRows: number;
  readonly tPerm: number;
  /** Transposed weights, gathered before the input gradient. */
  readonly tW: number;
  /** DCT+S: frozen offset D and effective kernel α·D + S (stored order), else 0. */
  readonly d: number;
  readonly kEff: number;
}

const _FORWARD_EPI = {
  linear: EPI.linear,
  tanh: EPI.tanh,
  relu: EPI.relu,
  "hard-tanh": EPI.hardTanh,
};
const _DERIVATIVE_EPI = {
  linear: EPI.linear,
  tanh: EPI.dTanh,
  relu: EPI.dRelu,
  "hard-tanh": EPI.dHardTanh,
};

/**
 * Builds a `"simd"` {@linkcode StepEngine} for a network (values are copied
 * in; the caller keeps its arrays). Dense layers below
 * {@linkcode DENSE_MIN_DENSITY} store only their kept entries; the first
 * layer's input gradient is never computed.
 *
 * @throws {RangeError} if the engine cannot run the network (see
 *   `simdSupport`), the batch size is not a positive integer, the momentum
 *   or weight decay is out of range, or a layer's values do not fit its shape.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { createSimdEngine } from "./simd_engine.ts";
 * const engine = createSimdEngine({
 *   config: { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 4, classes: 2, activation: "tanh" },
 *   layers: [
 *     { weights: Float32Array.of(1, 0, -1, 0, 0, 1, 0, -1), mask: new Uint8Array(8).fill(1) },
 *     { weights: Float32Array.of(1, -1, 1, -1, -1, 1, -1, 1), mask: new Uint8Array(8).fill(1) },
 *   ],
 * }, { momentum: 0.9, weightDecay: 0, batchSize: 4 });
 * const batch = { images: Float32Array.of(1, 0, 0, 1, 1, 0, 0, 1), labels: Uint8Array.of(0, 1, 0, 1) };
 * const first = engine.step(batch, 0.1).loss;
 * for (let i = 0; i < 30; i++) engine.step(batch, 0.1);
 * ok(engine.step(batch, 0.1).loss < first);
 * engine.dispose();
 * ```
 */
export function createSimdEngine(network: SimdNetwork, options: SimdEngineOptions): SimdEngine {
  const { config } = network;
  const { momentum, weightDecay, batchSize } = options;
  const nesterov = options.nesterov ?? true;
  const withInputGradient = options.inputGradient === true;
  if (typeof momentum !== "number" || !(momentum >= 0 && momentum < 1)) {
    throw new RangeError(`createSimdEngine: momentum must be in [0, 1); got ${momentum}`);
  }
  if (typeof weightDecay !== "number" || !(weightDecay >= 0 && Number.isFinite(weightDecay))) {
    throw new RangeError(
      `createSimdEngine: weightDecay must be a finite number ≥ 0; got ${weightDecay}`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `createSimdEngine: batchSize must be a positive integer; got ${batchSize}`,
    );
  }
  const activation = validateActivation(config.activation, "createSimdEngine");
  const reason = simdSupport(config, batchSize);
  if (reason !== null) throw new RangeError(`createSimdEngine: ${reason}`);
  const shapes = layerShapes(config);
  if (network.layers.length !== shapes.length) {
    throw new RangeError(
      `createSimdEngine: expected ${shapes.length} layer values; got ${network.layers.length}`,
    );
  }
  const dct = config.dctPlusSparse === true;
  const conv = config.architecture === "cnn";
  const [height, width, channels] = config.inputShape;
  const pixels = height * width * channels;
  const image = conv ? geometryOf(height, width, 1) : FLAT;
  const L = shapes.length;

  // Plans: convs always as lists, dense layers by density (DCT+S: dense).
  const plans = shapes.map((shape, l) => {
    const { weights, mask } = network.layers[l];
    const size = kernelSize(shape);
    if (!(weights instanceof Float32Array) || weights.length !== size) {
      throw new RangeError(
        `createSimdEngine: layer ${l} weights must be a Float32Array of ${size}`,
      );
    }
    if (!(mask instanceof Uint8Array) || mask.length !== size) {
      throw new RangeError(`createSimdEngine: layer ${l} mask must be a Uint8Array of ${size}`);
    }
    let kept = 0;
    for (let j = 0; j < size; j++) kept += mask[j] === 0 ? 0 : 1;
    const pattern = dct ? new Uint8Array(size).fill(1) : mask;
    return planLayer(shape, pattern, {
      dense: shape.kind === "dense" && (dct || kept >= DENSE_MIN_DENSITY * size),
      transposed: l > 0 || withInputGradient,
      geometry: shape.kind === "conv" ? image : undefined,
    });
  });

  // Memory layout: requests first, then one arena.
  const bpMax = paddedBatch(batchSize);
  const requests: number[] = [];
  const need = (floats: number): number => requests.push(floats) - 1;
  const rowsOf = (l: number) => plans[l].outs * (shapes[l].kind === "conv" ? image.chanRows : 1);
  const inputRows = conv ? channels * image.chanRows : pixels;
  const paramCount = plans.reduce((s, p) => s + p.count + p.outs, 0) + (dct ? L : 0);
  const rP = need(paramCount), rG = need(paramCount), rV = need(paramCount), rM = need(paramCount);
  const rInput = need(inputRows * bpMax);
  const rOut = plans.map((_, l) => need(rowsOf(l) * bpMax));
  const rZ = plans.map((_, l) =>
    activation === "hard-tanh" && l < L - 1 ? need(rowsOf(l) * bpMax) : -1
  );
  const rPooled = conv ? need(plans[L - 1].ins * bpMax) : -1;
  const rPooledGrad = conv ? need(plans[L - 1].ins * bpMax) : -1;
  const rInputGrad = withInputGradient ? need(inputRows * bpMax) : -1;
  const widest = Math.max(...plans.map((_, l) => rowsOf(l)));
  const rBuf = [need(widest * bpMax), need(widest * bpMax)];
  const rLists = plans.map((p) =>
    p.format === "sparse"
      ? [
        need(p.outs + 1),
        need(p.count),
        p.tPtr ? need(p.ins + 1) : -1,
        p.tRows ? need(p.count) : -1,
        p.tPerm ? need(p.count) : -1,
        p.tPerm ? need(p.count) : -1,
      ]
      : [-1, -1, -1, -1, -1, -1]
  );
  const rDct = plans.map((p) => dct ? [need(p.count), need(p.count)] : [-1, -1]);
  const rScratch = need(4 * Math.max(1, ...plans.map((p) => p.format === "sparse" ? p.count : 1)));
  // The forward's packed copy of a dense kernel (one layer at a time; see packRows).
  const rDenseT = need(
    Math.max(1, ...plans.map((p) => p.format === "dense" ? 4 * Math.ceil(p.outs / 4) * p.ins : 1)),
  );
  const rStaging = need(batchSize * pixels);
  const rLabels = need(Math.ceil(batchSize / 4));
  const rStats = need(4);
  const bytes = requests.reduce((s, f) => s + Math.ceil((f * 4) / 64) * 64, 0);
  const arena: Arena = createArena(bytes);
  const at = requests.map((f) => arena.alloc(f));
  const addr = (r: number) => (r < 0 ? 0 : at[r]);
  const kx = arena.kernels;
  const P = addr(rP), G = addr(rG), V = addr(rV), M = addr(rM);

  // Parameters, masks, lists, DCT offsets.
  const f32 = arena.f32();
  const i32 = arena.i32();
  const alphaBase = paramCount - (dct ? L : 0);
  let next = 0;
  const layers: _Layer[] = plans.map((plan, l) => {
    const shape = shapes[l];
    const { weights, mask, bias } = network.layers[l];
    const k = next;
    next += plan.count;
    const b = next;
    next += plan.outs;
    const pBase = P / 4, mBase = M / 4;
    // Lists keep only kept entries (mask 1); dense formats (and DCT+S's S) mask in the update.
    const masked = plan.format === "dense" || dct;
    const index = plan.index;
    for (let j = 0; j < plan.count; j++) {
      f32[pBase + k + j] = weights[index[j]];
      f32[mBase + k + j] = masked && mask[index[j]] === 0 ? 0 : 1;
    }
    if (bias !== undefined) {
      if (!(bias instanceof Float32Array) || bias.length !== plan.outs) {
        throw new RangeError(
          `createSimdEngine: layer ${l} bias must be a Float32Array of ${plan.outs}`,
        );
      }
      f32.set(bias, pBase + b);
    }
    f32.fill(1, mBase + b, mBase + b + plan.outs);
    const [rPtr, rRows, rTPtr, rTRows, rTPerm, rTW] = rLists[l];
    if (plan.format === "sparse") {
      i32.set(plan.ptr!, addr(rPtr) / 4);
      i32.set(plan.rows!, addr(rRows) / 4);
      if (plan.tPtr) {
        i32.set(plan.tPtr, addr(rTPtr) / 4);
        i32.set(plan.tRows!, addr(rTRows) / 4);
        i32.set(plan.tPerm!, addr(rTPerm) / 4);
      }
    }
    const [rD, rK] = rDct[l];
    if (dct) {
      const d = dctOffset(shape);
      const base = addr(rD) / 4;
      for (let j = 0; j < plan.count; j++) f32[base + j] = d[plan.index[j]];
    }
    const isConv = shape.kind === "conv";
    return {
      plan,
      conv: isConv,
      geo: isConv ? image : FLAT,
      k,
      b,
      a: dct ? alphaBase + l : -1,
      input: l === 0 ? addr(rInput) : conv && l === L - 1 ? addr(rPooled) : addr(rOut[l - 1]),
      inRows: l === 0 ? inputRows : conv && l === L - 1 ? plans[L - 1].ins : rowsOf(l - 1),
      output: addr(rOut[l]),
      z: addr(rZ[l]),
      epi: l === L - 1 ? EPI.linear : _FORWARD_EPI[activation],
      ptr: addr(rPtr),
      rows: addr(rRows),
      tPtr: addr(rTPtr),
      tRows: addr(rTRows),
      tPerm: addr(rTPerm),
      tW: addr(rTW),
      d: addr(rD),
      kEff: addr(rK),
    };
  });
  if (dct) {
    for (let l = 0; l < L; l++) {
      f32[P / 4 + alphaBase + l] = network.alphas?.[l] ?? 1;
      f32[M / 4 + alphaBase + l] = 1;
    }
  }
  const total = paramCount;
  const scratch = addr(rScratch);
  const denseT = addr(rDenseT);
  const staging = addr(rStaging);
  const labelsAt = addr(rLabels);
  const stats = addr(rStats);
  const pooledGrad = addr(rPooledGrad);
  const inputGrad = addr(rInputGrad);
  const derivative = _DERIVATIVE_EPI[activation];
  const profile = options.profile;
  const clock = options.clock ?? (() => performance.now());
  let disposed = false;

  const timed = (phase: string, t0: number) => {
    if (profile !== undefined) {
      profile.set(phase, (profile.get(phase) ?? 0) + clock() - t0);
    }
  };
  const weightsOf = (layer: _Layer) => (dct ? layer.kEff : P + 4 * layer.k);

  /** Loads `n` images and labels, runs the forward pass; returns the padded batch width. */
  const forward = (images: Float32Array, labels: Uint8Array, n: number): number => {
    const t0 = profile ? clock() : 0;
    const bp = paddedBatch(n);
    arena.f32().set(images, staging / 4);
    arena.u8().set(labels, labelsAt);
    const input = layers[0].input;
    if (conv) {
      kx.loadInput(staging, n, height, width, channels, input, bp, image.wp, image.chanRows, 1);
      kx.circularPad(input, channels, height, width, 1, bp);
    } else kx.loadInput(staging, n, 1, 1, pixels, input, bp, 1, 1, 0);
    if (dct) {
      const view = arena.f32();
      for (const layer of layers) {
        kx.dctEffective(
          layer.kEff,
          layer.d,
          P + 4 * layer.k,
          view[P / 4 + layer.a],
          layer.plan.count,
        );
      }
    }
    for (let l = 0; l < L; l++) {
      const layer = layers[l];
      const { plan, geo } = layer;
      const w = weightsOf(layer);
      const bias = P + 4 * layer.b;
      if (plan.format === "dense") {
        // Stored [out, in]; the product reads 4 outputs' weights at a time: a packed copy.
        kx.packRows(w, plan.outs, plan.ins, denseT);
        kx.denseGemm(
          denseT,
          4 * plan.ins,
          4,
          plan.outs,
          plan.ins,
          layer.input,
          layer.output,
          bp,
          bias,
          layer.epi,
          layer.z,
        );
      } else {
        kx.gatherConv(
          layer.ptr,
          layer.rows,
          w,
          plan.outs,
          geo.h,
          geo.w,
          geo.wp,
          geo.chanRows,
          geo.outOff,
          layer.input,
          layer.output,
          bp,
          bias,
          layer.epi,
          layer.z,
        );
      }
      if (layer.conv) {
        kx.circularPad(layer.output, plan.outs, geo.h, geo.w, geo.pad, bp);
        if (l === L - 2) {
          kx.poolForward(
            layer.output,
            plan.outs,
            geo.h,
            geo.w,
            geo.wp,
            geo.chanRows,
            geo.outOff,
            bp,
            layers[L - 1].input,
          );
        }
      }
    }
    timed("forward", t0);
    return bp;
  };

  /**
   * Backpropagates the output gradient in buffer 0 (written by the loss) down
   * the network: weight, bias and α gradients into G when `weights`, and
   * when `toInput` also the first layer's input gradient into the
   * input-gradient rows (the engine must have been built for it).
   */
  const backward = (bp: number, weights: boolean, toInput: boolean): void => {
    let cur = 0;
    for (let l = L - 1; l >= 0; l--) {
      const layer = layers[l];
      const { plan, geo } = layer;
      const dz = rBufAddr(cur);
      let t0 = profile ? clock() : 0;
      if (layer.conv && (l > 0 || toInput)) {
        kx.circularPad(dz, plan.outs, geo.h, geo.w, geo.pad, bp);
      }
      const g = G + 4 * layer.k;
      // grad[o·ins + i] = Σ_b in[i]·dz[o]: the [out, in] order of the stored kernel.
      if (weights && plan.format === "dense") {
        kx.denseWgrad(layer.input, plan.ins, dz, plan.outs, bp, g, 1, plan.ins);
      } else if (weights) {
        kx.gatherWgrad(
          layer.ptr,
          layer.rows,
          plan.outs,
          geo.h,
          geo.w,
          geo.wp,
          geo.chanRows,
          geo.outOff,
          layer.input,
          dz,
          bp,
          g,
          scratch,
          layer.inRows,
          // The other gradient buffer is free until this layer's input gradient.
          (layer.inRows + rowsOf(l)) * 32 <= widest * bpMax ? rBufAddr(1 - cur) : 0,
        );
      }
      if (weights) {
        kx.biasGrad(
          dz,
          plan.outs,
          geo.h,
          geo.w,
          geo.wp,
          geo.chanRows,
          geo.outOff,
          bp,
          G + 4 * layer.b,
        );
        if (dct) arena.f32()[G / 4 + layer.a] = kx.dot(g, layer.d, plan.count);
      }
      timed("weight gradients", t0);
      if (l === 0 && !toInput) break;
      t0 = profile ? clock() : 0;
      // Layer 0's input gradient (only with toInput) goes to the input-gradient rows, linear.
      const below = l > 0 ? layers[l - 1] : undefined;
      const pooled = conv && l === L - 1;
      const target = l === 0 ? inputGrad : pooled ? pooledGrad : rBufAddr(1 - cur);
      const epi = pooled || l === 0 ? EPI.linear : derivative;
      const aux = below === undefined ? 0 : activation === "hard-tanh" ? below.z : below.output;
      const w = weightsOf(layer);
      if (plan.format === "dense") {
        kx.denseGemm(w, 4, plan.ins, plan.ins, plan.outs, dz, target, bp, 0, epi, aux);
      } else {
        kx.gather(layer.tW, w, layer.tPerm, plan.count);
        kx.gatherConv(
          layer.tPtr,
          layer.tRows,
          layer.tW,
          plan.ins,
          geo.h,
          geo.w,
          geo.wp,
          geo.chanRows,
          geo.outOff,
          dz,
          target,
          bp,
          0,
          epi,
          aux,
        );
      }
      if (pooled && below !== undefined) {
        const g2 = below.geo;
        kx.poolBackward(
          pooledGrad,
          plan.ins,
          g2.h,
          g2.w,
          g2.wp,
          g2.chanRows,
          g2.outOff,
          bp,
          rBufAddr(1 - cur),
          derivative,
          aux,
        );
      }
      cur = 1 - cur;
      timed("input gradients", t0);
    }
  };

  const step = (batch: EngineBatch, learningRate: number): EngineStepStats => {
    if (disposed) throw new Error("SimdEngine.step: the engine has been disposed");
    if (typeof learningRate !== "number" || !(learningRate >= 0 && Number.isFinite(learningRate))) {
      throw new RangeError(
        `SimdEngine.step: learningRate must be a finite number ≥ 0; got ${learningRate}`,
      );
    }
    const n = _checkBatch(batch, pixels, config.classes, batchSize, "SimdEngine.step");
    const bp = forward(batch.images, batch.labels, n);
    let t0 = profile ? clock() : 0;
    const last = layers[L - 1];
    kx.softmaxCrossEntropy(last.output, last.plan.outs, n, bp, labelsAt, rBufAddr(0), stats);
    const f64 = arena.f64();
    const lossSum = f64[stats / 8], correct = f64[stats / 8 + 1];
    timed("loss", t0);
    backward(bp, true, false);
    t0 = profile ? clock() : 0;
    kx.sgdUpdate(P, G, V, M, total, learningRate, momentum, weightDecay, nesterov ? 1 : 0);
    timed("update", t0);
    return { loss: lossSum / n, correct, size: n };
  };
  const rBufAddr = (i: number) => addr(rBuf[i]);

  const evaluate = (
    data: EngineBatch,
    indices: Uint32Array,
    evalBatch = batchSize,
  ): EngineEvaluation => {
    const { images, labels } = data;
    if (disposed) throw new Error("SimdEngine.evaluate: the engine has been disposed");
    if (indices.length === 0) {
      throw new RangeError(`SimdEngine.evaluate: no examples to evaluate (indices of shape [0])`);
    }
    if (!Number.isInteger(evalBatch) || evalBatch < 1) {
      throw new RangeError(
        `SimdEngine.evaluate: batchSize must be a positive integer; got ${evalBatch}`,
      );
    }
    const chunk = Math.min(evalBatch, batchSize);
    let lossSum = 0;
    let correct = 0;
    const last = layers[L - 1];
    for (let start = 0; start < indices.length; start += chunk) {
      const idx = indices.subarray(start, Math.min(start + chunk, indices.length));
      const n = idx.length;
      const x = gatherImages(images, idx, pixels);
      const y = gatherLabels(labels, idx);
      _checkBatch(
        { images: x, labels: y },
        pixels,
        config.classes,
        batchSize,
        "SimdEngine.evaluate",
      );
      const bp = forward(x, y, n);
      kx.softmaxCrossEntropy(last.output, last.plan.outs, n, bp, labelsAt, 0, stats);
      const f64 = arena.f64();
      lossSum += f64[stats / 8];
      correct += f64[stats / 8 + 1];
    }
    return {
      loss: lossSum / indices.length,
      accuracy: correct / indices.length,
      count: indices.length,
    };
  };

  /** Checks images of `n` examples for the probe passes; returns n. */
  const probeBatch = (images: Float32Array, where: string): number => {
    if (disposed) throw new Error(`${where}: the engine has been disposed`);
    if (!(images instanceof Float32Array) || images.length % pixels !== 0) {
      throw new TypeError(
        `${where}: images must be a Float32Array of n · ${pixels} values; got ${
          images instanceof Float32Array ? images.length : typeof images
        }`,
      );
    }
    const n = images.length / pixels;
    if (n < 1 || n > batchSize) {
      throw new RangeError(`${where}: batch size must be in [1, ${batchSize}]; got ${n}`);
    }
    return n;
  };

  const kernelGradients = (
    batch: EngineBatch,
  ): { logits: Float32Array; gradients: Float32Array[] } => {
    const n = _checkBatch(batch, pixels, config.classes, batchSize, "SimdEngine.kernelGradients");
    const bp = forward(batch.images, batch.labels, n);
    const last = layers[L - 1];
    const classes = last.plan.outs;
    const view = arena.f32();
    const logits = new Float32Array(n * classes);
    for (let c = 0; c < classes; c++) {
      const row = last.output / 4 + c * bp;
      for (let b = 0; b < n; b++) logits[b * classes + c] = view[row + b];
    }
    kx.softmaxCrossEntropy(last.output, classes, n, bp, labelsAt, rBufAddr(0), stats);
    backward(bp, true, false);
    const g = arena.f32();
    const gradients = layers.map(({ plan, k }) => {
      const out = new Float32Array(kernelSize(plan.shape));
      const index = plan.index;
      for (let j = 0; j < plan.count; j++) out[index[j]] = g[G / 4 + k + j];
      return out;
    });
    return { logits, gradients };
  };

  const inputGradients = (images: Float32Array): Float32Array[] => {
    if (!withInputGradient) {
      throw new Error(
        "SimdEngine.inputGradients: build the engine with { inputGradient: true } to use it",
      );
    }
    const n = probeBatch(images, "SimdEngine.inputGradients");
    const classes = config.classes;
    const bp = forward(images, new Uint8Array(n), n);
    const seed = rBufAddr(0) / 4;
    const base = inputGrad / 4;
    const rows: Float32Array[] = [];
    for (let k = 0; k < classes; k++) {
      // ∂(Σ_n logits[n, k])/∂logits: 1 in row k's real columns, 0 elsewhere. The backward pass
      // reads the saved activations and writes only gradient buffers, so one forward serves all k.
      const view = arena.f32();
      view.fill(0, seed, seed + classes * bp);
      view.fill(1, seed + k * bp, seed + k * bp + n);
      backward(bp, false, true);
      const out = new Float32Array(n * pixels);
      const g = arena.f32();
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          for (let ch = 0; ch < channels; ch++) {
            const p = (y * width + x) * channels + ch;
            const row = conv ? ch * image.chanRows + (y + image.pad) * image.wp + x + image.pad : p;
            const at = base + row * bp;
            for (let b = 0; b < n; b++) out[b * pixels + p] = g[at + b];
          }
        }
      }
      rows.push(out);
    }
    return rows;
  };

  const readWeights = (): TrainedValues => {
    if (disposed) throw new Error("SimdEngine.readWeights: the engine has been disposed");
    const view = arena.f32();
    const base = P / 4;
    const kernels = layers.map(({ plan, k }) => {
      const out = new Float32Array(kernelSize(plan.shape));
      const index = plan.index;
      for (let j = 0; j < plan.count; j++) out[index[j]] = view[base + k + j];
      return out;
    });
    const biases = layers.map(({ plan, b }) => view.slice(base + b, base + b + plan.outs));
    const alphas = dct ? layers.map(({ a }) => view[base + a]) : [];
    return { kernels, biases, alphas };
  };

  return {
    name: "simd",
    step,
    evaluate,
    readWeights,
    kernelGradients,
    inputGradients,
    dispose() {
      disposed = true;
    },
  };
}

/** Checks a batch's shape against the engine; returns its size. */
function _checkBatch(
  batch: EngineBatch,
  pixels: number,
  classes: number,
  max: number,
  where: string,
): number {
  const { images, labels } = batch;
  if (!(images instanceof Float32Array) || !(labels instanceof Uint8Array)) {
    throw new TypeError(`${where}: batch must be { images: Float32Array, labels: Uint8Array }`);
  }
  const n = labels.length;
  if (n < 1 || n > max) {
    throw new RangeError(`${where}: batch size must be in [1, ${max}]; got ${n}`);
  }
  if (images.length !== n * pixels) {
    throw new TypeError(
      `${where}: ${n} labels need ${
        n * pixels
      } pixel values (${pixels} per image); got ${images.length}`,
    );
  }
  for (let b = 0; b < n; b++) {
    if (labels[b] >= classes) {
      throw new RangeError(
        `${where}: labels[${b}] = ${labels[b]} is not a class in 0..${classes - 1}`,
      );
    }
  }
  return n;
}
