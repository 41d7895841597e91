/**
 * The contract every per-layer initializer follows.
 *
 * An initializer is a pure function: given a request (shape, target density,
 * activation, gain) and a way to get named random streams, it returns the
 * kernel's weights and mask in tfjs layout. No tfjs, no globals, no clocks, so
 * it can run in a permission-less `Worker` on plain, transferable data.
 *
 * @module
 */

import type { Rng } from "../rng/mod.ts";
import type { LayerShape } from "./shape.ts";

/**
 * Activations the suite knows; they set default gains and SAO's form. */
export type Activation = "linear" | "tanh" | "hard-tanh" | "relu";

/**
 * The list of {@linkcode Activation}s, for validation and CLIs.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { ACTIVATIONS } from "./types.ts";
 * deepEqual(ACTIVATIONS, ["linear", "tanh", "hard-tanh", "relu"]);
 * ```
 */
export const ACTIVATIONS: readonly Activation[] = [
  "linear",
  "tanh",
  "hard-tanh",
  "relu",
];

/**
 * What an initializer is asked for. */
export interface InitRequest {
  /** The layer's kernel shape. */
  readonly shape: LayerShape;
  /** Target density in (0, 1]: non-zeros / kernel entries. */
  readonly density: number;
  /** The nonlinearity after this layer ("linear" if none). */
  readonly activation: Activation;
  /**
   * Multiplier on the weights' scale. Each method documents its default
   * (orthogonal methods: 1; variance-scaling methods: the activation's gain).
   */
  readonly gain?: number;
  /**
   * A mask chosen elsewhere (SNIP, GraSP, SynFlow, a shuffled mask …). Methods
   * whose entry has `takesMask: true` must use exactly these positions; methods
   * that place their own non-zeros (EOI, SAO) ignore it and use `density` only.
   */
  readonly mask?: Uint8Array;
}

/**
 * An initialized kernel, in tfjs layout (see `shape.ts`). */
export interface LayerInit {
  /** Kernel values, zero wherever `mask` is zero. */
  readonly weights: Float32Array;
  /** 1 = trainable entry, 0 = pruned; same length as `weights`. */
  readonly mask: Uint8Array;
}

/**
 * Gives the initializer an independent random stream per purpose
 * (e.g. `"mask"`, `"weights"`), so changing how values are drawn leaves the
 * mask unchanged.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import type { StreamFor } from "./types.ts";
 * const streams: StreamFor = (purpose) => stream(0, "layer/0", purpose);
 * equal(streams("mask").uniform(), streams("mask").uniform()); // same purpose, same draws
 * ```
 */
export type StreamFor = (purpose: string) => Rng;

/**
 * A configured initializer: pure, deterministic given its streams.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import type { Initializer } from "./types.ts";
 * // Identity on the diagonal, density ignored.
 * const identity: Initializer = ({ shape }) => {
 *   if (shape.kind !== "dense") throw new RangeError("dense only");
 *   const n = shape.inFeatures * shape.outFeatures;
 *   const weights = new Float32Array(n), mask = new Uint8Array(n);
 *   for (let i = 0; i < Math.min(shape.inFeatures, shape.outFeatures); i++) {
 *     weights[i * shape.outFeatures + i] = 1;
 *     mask[i * shape.outFeatures + i] = 1;
 *   }
 *   return { weights, mask };
 * };
 * const init = identity(
 *   { shape: { kind: "dense", inFeatures: 2, outFeatures: 2 }, density: 0.5, activation: "linear" },
 *   (p) => stream(0, p),
 * );
 * equal(init.weights[3], 1);
 * ```
 */
export type Initializer = (
  request: InitRequest,
  streams: StreamFor,
) => LayerInit;

/**
 * The key of a layer's random streams: purpose `p` is `stream(seed, ...path, p)`.
 * An asynchronous initializer gets this key rather than a stream closure, so
 * it can draw the same streams in another process.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import type { StreamKey } from "./types.ts";
 * const key: StreamKey = { seed: 0, path: ["layer/0"] };
 * equal(stream(key.seed, ...key.path, "mask").uniform(), stream(0, "layer/0", "mask").uniform());
 * ```
 */
export interface StreamKey {
  /** Seed of every stream (a safe integer). */
  readonly seed: number;
  /** Names identifying the layer (and cell) in the stream path. */
  readonly path: readonly string[];
}

/**
 * An initializer that answers asynchronously (e.g. a user's module running in
 * a sandboxed process): same request and result as an {@linkcode Initializer},
 * but it receives the streams' key instead of a stream closure.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import type { AsyncInitializer } from "./types.ts";
 * const ones: AsyncInitializer = ({ shape }, { seed, path }) => {
 *   const n = shape.kind === "dense" ? shape.inFeatures * shape.outFeatures : 0;
 *   const w = Float32Array.from({ length: n }, () => stream(seed, ...path, "w").uniform());
 *   return Promise.resolve({ weights: w, mask: new Uint8Array(n).fill(1) });
 * };
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const init = await ones({ shape, density: 1, activation: "linear" }, { seed: 1, path: [] });
 * equal(init.weights.length, 4);
 * ```
 */
export type AsyncInitializer = (
  request: InitRequest,
  key: StreamKey,
) => Promise<LayerInit>;

/**
 * One registered method, described by data: everything the rest of the suite
 * needs to know about it (which layers it supports, whether it takes a given
 * mask, how networks that use it are scored, its smallest density, which layers
 * it applies to) is a field here; code above `src/init/` never compares a
 * method's name to a string.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { getMethod } from "./registry.ts";
 * import type { MethodEntry } from "./types.ts";
 * const entry: MethodEntry = getMethod("eoi");
 * equal(entry.takesMask, false);
 * equal(entry.scoredWith, "pruned-orthogonal");
 * equal(entry.minimumDensity?.({ kind: "dense", inFeatures: 784, outFeatures: 100 }), 1 / 784);
 * ```
 */
export interface MethodEntry<O = Record<string, unknown>> {
  /** Registry key, kebab-case, e.g. `"eoi"`. */
  readonly name: string;
  /** One line: what the method does. */
  readonly description: string;
  /** The paper it comes from (short citation). */
  readonly paper: string;
  /** Which layer kinds it supports. */
  readonly kinds: readonly ("dense" | "conv")[];
  /** True if the method honours `InitRequest.mask` (see there). */
  readonly takesMask: boolean;
  /**
   * The registered dense method (used at density 1) whose network a
   * network-level score (SNIP, GraSP, SynFlow) ranks before this method fills
   * the mask: `"pruned-kaiming"` for the variance-scaling family,
   * `"pruned-orthogonal"` for the orthogonal family.
   */
  readonly scoredWith: string;
  /**
   * The smallest density the method reaches on a shape (EOI: the padded
   * identity's). A network raises a layer's allocated density to it. Absent:
   * any density down to one entry.
   */
  readonly minimumDensity?: (shape: LayerShape) => number;
  /**
   * The layers the method applies to in a network (SAO: square layers only).
   * Absent: every layer of a supported kind.
   */
  readonly appliesTo?: (shape: LayerShape) => boolean;
  /**
   * The registered methods, used dense, of the layers `appliesTo` rejects, by
   * layer kind (SAO: `"orthogonal"` and `"delta-orthogonal"`). Required with
   * `appliesTo`.
   */
  readonly elsewhere?: { readonly dense: string; readonly conv: string };
  /**
   * True when the method is the sparse part `S` of a DCT+S layer: a network
   * using it gets a frozen orthonormal DCT offset in every layer.
   */
  readonly dctOffset?: boolean;
  /**
   * Builds the initializer; options are fixed here, sampling happens on call.
   * Never called for an asynchronous entry (one with `initializeAsync`).
   */
  readonly build: (options?: O) => Initializer;
  /**
   * Present for an asynchronous method (a sandboxed user's module): the
   * per-layer call `initializeNetwork` awaits instead of `build`. Such an
   * entry takes no options, `initializeLayer` refuses it (use
   * `initializeLayerAsync`), and no entry's `scoredWith` or `elsewhere` may
   * name it.
   */
  readonly initializeAsync?: AsyncInitializer;
}
