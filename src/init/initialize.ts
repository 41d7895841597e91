/**
 * `initializeLayer`: the one entry point from a method name, a layer shape, a
 * density and a seed to a kernel's initial weights and mask.
 *
 * Random streams: a method's purpose `p` (e.g. `"mask"`, `"weights"`) gets
 * `stream(seed, ...path, p)`. The method name is deliberately NOT in the
 * stream path: methods that share a mask procedure (pruned-kaiming,
 * pruned-orthogonal, fan-in-scaled, layer-scaled: an exact-count random mask
 * from the `"mask"` stream) get the same mask for the same seed, layer and
 * density, so comparing them changes only how values are drawn (common random
 * numbers). The layer's `path` (e.g. `["layer/3"]`) separates layers, so
 * adding a layer perturbs no other.
 *
 * @module
 */

import { stream } from "../rng/mod.ts";
import { getMethod } from "./registry.ts";
import { describeValue } from "./_describe.ts";
import { checkLayerSize, DEFAULT_SIZE_LIMITS, sizeLimits } from "./limits.ts";
import { kernelSize, type LayerShape, shapeLabel, validateShape } from "./shape.ts";
import {
  type Activation,
  ACTIVATIONS,
  type InitRequest,
  type LayerInit,
  type MethodEntry,
  type StreamKey,
} from "./types.ts";

/**
 * Options of {@linkcode initializeLayer}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initializeLayer, type InitializeLayerOptions } from "./initialize.ts";
 * const options: InitializeLayerOptions = { density: 0.5, seed: 3, activation: "tanh", path: ["layer/0"] };
 * const shape = { kind: "dense", inFeatures: 4, outFeatures: 4 } as const;
 * equal(initializeLayer("pruned-orthogonal", shape, options).density, 0.5);
 * ```
 */
export interface InitializeLayerOptions {
  /**
   * Target density in (0, 1]. When a mask is given to a method that takes
   * one, the mask decides the achieved density and `density` may also be 0
   * (a layer cut completely by a global pruning score).
   */
  readonly density: number;
  /** Seed of every stream (a safe integer). */
  readonly seed: number;
  /** Weight-scale multiplier; each method documents its default (see `InitRequest.gain`). */
  readonly gain?: number;
  /** Nonlinearity after the layer; default `"linear"`. */
  readonly activation?: Activation;
  /** Names identifying the layer (and cell) in the stream path; default none. */
  readonly path?: readonly string[];
  /**
   * A mask chosen elsewhere. Used exactly by methods whose entry has
   * `takesMask`; ignored (not passed on) for methods that place their own
   * non-zeros (EOI, SAO, …), which use `density` only.
   */
  readonly mask?: Uint8Array;
  /** Options for the method's builder (validated by the method; unknown keys are errors). */
  readonly methodOptions?: Record<string, unknown>;
  /**
   * Most kernel entries accepted (checked before any work; see `limits.ts`);
   * default `DEFAULT_SIZE_LIMITS.maxLayerElements` (2^26), `Infinity` for none.
   */
  readonly maxLayerElements?: number;
}

/**
 * An initialized kernel (tfjs layout) with its achieved density.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type InitializedLayer, initializeLayer } from "./initialize.ts";
 * const shape = { kind: "dense", inFeatures: 10, outFeatures: 10 } as const;
 * const layer: InitializedLayer = initializeLayer("eoi", shape, { density: 0.2, seed: 0 });
 * equal(layer.weights.length, 100);
 * equal(layer.mask.reduce((a, m) => a + m, 0) / 100, layer.density);
 * ```
 */
export interface InitializedLayer {
  /** Kernel values, exactly zero wherever `mask` is zero. */
  readonly weights: Float32Array;
  /** 1 = trainable entry, 0 = pruned. */
  readonly mask: Uint8Array;
  /** Achieved density: ones in `mask` / kernel entries. */
  readonly density: number;
}

/**
 * Initializes one layer with a registered method, then checks the result:
 * `weights` is a Float32Array and `mask` a Uint8Array of the kernel's size,
 * the mask is 0/1 (and equals the given mask for a method that takes one),
 * the weights are finite and exactly zero where the mask is zero.
 *
 * @throws {RangeError} for an unknown method (listing valid names), a layer
 *   kind the method does not support, a kernel above `maxLayerElements`
 *   entries (naming method, shape and limit, before any work), a density outside (0, 1], an unknown
 *   activation, a seed that is not a safe integer, a path that is not an array
 *   of strings, a given mask of the wrong length or with values other than
 *   0/1, a method option the method rejects, or an inconsistent result.
 * @throws {TypeError} for an invalid shape, or an asynchronous method (one
 *   with `initializeAsync`, e.g. a sandboxed user's module): use
 *   {@linkcode initializeLayerAsync}.
 * @example Same seed, same bytes; the mask is shared by methods with the same mask procedure
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { initializeLayer } from "./initialize.ts";
 * const shape = { kind: "dense", inFeatures: 20, outFeatures: 10 } as const;
 * const a = initializeLayer("fan-in-scaled", shape, { density: 0.1, seed: 1, path: ["layer/0"] });
 * const b = initializeLayer("fan-in-scaled", shape, { density: 0.1, seed: 1, path: ["layer/0"] });
 * const c = initializeLayer("layer-scaled", shape, { density: 0.1, seed: 1, path: ["layer/0"] });
 * deepEqual(a.weights, b.weights);
 * deepEqual(a.mask, c.mask);
 * equal(a.density, 0.1);
 * ```
 */
export function initializeLayer(
  method: string,
  shape: LayerShape,
  options: InitializeLayerOptions,
): InitializedLayer {
  const p = _prepare(method, shape, options);
  if (p.entry.initializeAsync !== undefined) {
    throw new TypeError(
      `${p.where}: the method is asynchronous (initializeAsync, e.g. a sandboxed user's module); ` +
        "initialize it with initializeLayerAsync or through initializeNetwork",
    );
  }
  return _initializeSync(p, shape, options.methodOptions);
}

/** A synchronous entry's call on checked arguments, and the check of its result. */
function _initializeSync(
  p: _Prepared,
  shape: LayerShape,
  methodOptions: Record<string, unknown> | undefined,
): InitializedLayer {
  const init = p.entry.build(methodOptions);
  const result = init(p.request, (purpose) => stream(p.key.seed, ...p.key.path, purpose));
  return { ...result, density: checkLayerInit(result, shape, p.where, p.given) };
}

/**
 * {@linkcode initializeLayer} for every registered method, asynchronous ones
 * included: the same checks of the arguments and of the result; a
 * synchronous method gives exactly `initializeLayer`'s bytes, an asynchronous
 * one (`initializeAsync`) is awaited with the stream key `{ seed, path }`.
 *
 * @throws {RangeError | TypeError} (rejects) as {@linkcode initializeLayer}, and a
 *   `TypeError` for `methodOptions` given to an asynchronous method.
 * @example Same bytes as initializeLayer for a built-in method
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { initializeLayer, initializeLayerAsync } from "./initialize.ts";
 * const shape = { kind: "dense", inFeatures: 20, outFeatures: 10 } as const;
 * const options = { density: 0.1, seed: 1, path: ["layer/0"] };
 * deepEqual(await initializeLayerAsync("eoi", shape, options), initializeLayer("eoi", shape, options));
 * ```
 */
export async function initializeLayerAsync(
  method: string,
  shape: LayerShape,
  options: InitializeLayerOptions,
): Promise<InitializedLayer> {
  const p = _prepare(method, shape, options);
  const initialize = p.entry.initializeAsync;
  if (initialize === undefined) return _initializeSync(p, shape, options.methodOptions);
  if (options.methodOptions !== undefined) {
    throw new TypeError(
      `${p.where}: an asynchronous method takes no methodOptions; got ${
        JSON.stringify(options.methodOptions)
      }`,
    );
  }
  const result = await initialize(p.request, p.key);
  return { ...result, density: checkLayerInit(result, shape, p.where, p.given) };
}

/** The checked arguments of one layer's initialization. */
interface _Prepared {
  readonly entry: MethodEntry;
  readonly where: string;
  readonly request: InitRequest;
  readonly key: StreamKey;
  readonly given: Uint8Array | undefined;
}

/** Checks the arguments of `initializeLayer` and builds the request. */
function _prepare(
  method: string,
  shape: LayerShape,
  options: InitializeLayerOptions,
): _Prepared {
  const entry = getMethod(method);
  const where = `initializeLayer(${JSON.stringify(method)})`;
  validateShape(shape, where);
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `${where}: options must be an object { density, seed, … }; got ${describeValue(options)}`,
    );
  }
  const label = shapeLabel(shape);
  if (!entry.kinds.includes(shape.kind)) {
    throw new RangeError(
      `${where}: method supports ${entry.kinds.join(", ")} layers only; got ${label}`,
    );
  }
  const maxLayerElements = options.maxLayerElements === undefined
    ? DEFAULT_SIZE_LIMITS.maxLayerElements
    : sizeLimits({ maxLayerElements: options.maxLayerElements }).maxLayerElements;
  checkLayerSize(where, shape, maxLayerElements);
  const { density, seed, gain } = options;
  const activation = options.activation ?? "linear";
  const path = options.path ?? [];
  const usesMask = options.mask !== undefined && entry.takesMask;
  const minDensityOk = usesMask ? density >= 0 : density > 0;
  if (typeof density !== "number") {
    throw new TypeError(
      `${where}: density must be a number in (0, 1] for ${label}; got ${describeValue(density)}`,
    );
  }
  if (!(minDensityOk && density <= 1)) {
    throw new RangeError(
      `${where}: density must be in (0, 1] for ${label}; got ${density}`,
    );
  }
  if (!ACTIVATIONS.includes(activation)) {
    throw new RangeError(
      `${where}: unknown activation ${JSON.stringify(activation)} for ${label}; valid: ${
        ACTIVATIONS.join(", ")
      }`,
    );
  }
  if (typeof seed !== "number") {
    throw new TypeError(
      `${where}: seed must be a safe integer for ${label}; got ${describeValue(seed)}`,
    );
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`${where}: seed must be a safe integer for ${label}; got ${seed}`);
  }
  if (!Array.isArray(path) || !path.every((p) => typeof p === "string")) {
    throw new RangeError(
      `${where}: path must be an array of strings for ${label}; got ${JSON.stringify(path)}`,
    );
  }
  const size = kernelSize(shape);
  const given = usesMask ? options.mask : undefined;
  if (given !== undefined) {
    if (!(given instanceof Uint8Array) || given.length !== size) {
      const E = given instanceof Uint8Array ? RangeError : TypeError;
      throw new E(
        `${where}: mask must be a Uint8Array of length ${size} for ${label}; got ${
          describeValue(given)
        }`,
      );
    }
    const bad = given.findIndex((v) => v > 1);
    if (bad >= 0) {
      throw new RangeError(
        `${where}: mask entries must be 0 or 1 for ${label}; got ${given[bad]} at index ${bad}`,
      );
    }
  }
  const request: InitRequest = {
    shape,
    density,
    activation,
    ...(gain === undefined ? {} : { gain }),
    ...(given === undefined ? {} : { mask: given }),
  };
  return { entry, where, request, key: { seed, path }, given };
}

/**
 * Checks an initializer's result for a shape and returns its achieved
 * density: `weights` a Float32Array and `mask` a Uint8Array of the kernel's
 * size, mask entries 0/1 (equal to `given` if one was passed), weights finite
 * and exactly zero where the mask is zero.
 *
 * @throws {RangeError} naming `where`, the shape and the first inconsistency.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { checkLayerInit } from "./initialize.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 1 } as const;
 * const mask = new Uint8Array([1, 0]);
 * equal(checkLayerInit({ weights: new Float32Array([0.5, 0]), mask }, shape, "doc"), 0.5);
 * throws(() => checkLayerInit({ weights: new Float32Array([0.5, 1]), mask }, shape, "doc"), RangeError);
 * ```
 */
export function checkLayerInit(
  init: LayerInit,
  shape: LayerShape,
  where: string,
  given?: Uint8Array,
): number {
  const size = kernelSize(shape);
  const fail = (what: string): never => {
    throw new RangeError(`${where}: inconsistent result for ${shapeLabel(shape)}: ${what}`);
  };
  const { weights, mask } = init;
  if (!(weights instanceof Float32Array) || weights.length !== size) {
    fail(`weights must be a Float32Array of length ${size}; got length ${weights?.length}`);
  }
  if (!(mask instanceof Uint8Array) || mask.length !== size) {
    fail(`mask must be a Uint8Array of length ${size}; got length ${mask?.length}`);
  }
  let kept = 0;
  for (let i = 0; i < size; i++) {
    const m = mask[i], w = weights[i];
    if (m > 1) fail(`mask value ${m} at index ${i}`);
    if (given !== undefined && m !== given[i]) {
      fail(`mask differs from the given one at index ${i}`);
    }
    if (!Number.isFinite(w)) fail(`weight ${w} at index ${i}`);
    if (m === 0 && w !== 0) fail(`weight ${w} at masked index ${i}`);
    kept += m;
  }
  return kept / size;
}
