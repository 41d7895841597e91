/**
 * Size bounds, checked before any work: a kernel too large for memory (or a
 * network too deep for any budget) is refused at once with an error naming
 * the method, the shape and the limit, instead of allocating for minutes and
 * failing anonymously.
 *
 * Defaults ({@linkcode DEFAULT_SIZE_LIMITS}): 2^26 = 67,108,864 entries per
 * kernel (an 8192×8192 dense layer: 256 MiB of float32 weights, and EOI and
 * SAO keep float64 work arrays of the same order), 2^28 = 268,435,456
 * kernel entries per network (the paper's 1000-layer, 128-channel CNN has
 * 147 million) and 10,000 layers (the papers go to 1000). Each is overridable:
 * `initializeLayer(…, { maxLayerElements })`, `runCell(config, { limits })`,
 * `reproduce --max-layer-elements/--max-parameters/--max-depth`.
 *
 * @module
 */

import { kernelSize, type LayerShape, shapeLabel } from "./shape.ts";

/**
 * Size bounds of a layer and of a network.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SizeLimits } from "./limits.ts";
 * const limits: SizeLimits = { maxLayerElements: 1e6, maxParameters: 1e7, maxDepth: 100 };
 * equal(limits.maxDepth, 100);
 * ```
 */
export interface SizeLimits {
  /** Most entries of one kernel (weights of a layer, masked or not). */
  readonly maxLayerElements: number;
  /** Most kernel entries of a whole network. */
  readonly maxParameters: number;
  /** Most hidden layers (conv layers of a CNN) of a network. */
  readonly maxDepth: number;
}

/**
 * The default bounds (see module doc).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SIZE_LIMITS } from "./limits.ts";
 * equal(DEFAULT_SIZE_LIMITS.maxLayerElements, 8192 * 8192);
 * ```
 */
export const DEFAULT_SIZE_LIMITS: SizeLimits = Object.freeze({
  maxLayerElements: 2 ** 26,
  maxParameters: 2 ** 28,
  maxDepth: 10_000,
});

const _FLAGS: Record<keyof SizeLimits, string> = {
  maxLayerElements: "--max-layer-elements",
  maxParameters: "--max-parameters",
  maxDepth: "--max-depth",
};

/**
 * The default bounds with `partial`'s overrides, each checked to be a
 * positive integer (or `Infinity`, no bound).
 *
 * @throws {RangeError} naming the bound and the value.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { sizeLimits } from "./limits.ts";
 * equal(sizeLimits({ maxDepth: 20 }).maxDepth, 20);
 * throws(() => sizeLimits({ maxDepth: 0 }), /maxDepth must be a positive integer or Infinity; got 0/);
 * ```
 */
export function sizeLimits(partial: Partial<SizeLimits> = {}): SizeLimits {
  const out = { ...DEFAULT_SIZE_LIMITS };
  for (const k of Object.keys(_FLAGS) as (keyof SizeLimits)[]) {
    const v = partial[k];
    if (v === undefined) continue;
    if (typeof v !== "number" || !(v === Infinity || (Number.isSafeInteger(v) && v > 0))) {
      throw new RangeError(
        `size limits: ${k} must be a positive integer or Infinity; got ${
          typeof v === "string" ? `the string "${v}"` : String(v)
        }`,
      );
    }
    out[k] = v;
  }
  return Object.freeze(out);
}

/**
 * Checks one kernel against `maxLayerElements` (default 2^26).
 *
 * @throws {RangeError} naming `where` (the method), the shape, its entries and the limit.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkLayerSize } from "./limits.ts";
 * const shape = { kind: "dense", inFeatures: 1e6, outFeatures: 1e6 } as const;
 * throws(() => checkLayerSize('initializeLayer("sao")', shape), /dense 1000000x1000000 has 1000000000000 entries, above the limit of 67108864/);
 * ```
 */
export function checkLayerSize(
  where: string,
  shape: LayerShape,
  maxLayerElements: number = DEFAULT_SIZE_LIMITS.maxLayerElements,
): void {
  const n = kernelSize(shape);
  if (n > maxLayerElements) {
    throw new RangeError(
      `${where}: the kernel of ${
        shapeLabel(shape)
      } has ${n} entries, above the limit of ${maxLayerElements} per layer (maxLayerElements, ${_FLAGS.maxLayerElements})`,
    );
  }
}

/**
 * Checks a network's depth (before its shapes exist: call it first), then
 * every kernel and their total.
 *
 * @throws {RangeError} naming `where`, the offending depth, layer or total, and the limit.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkNetworkSize } from "./limits.ts";
 * throws(() => checkNetworkSize('runCell("eoi")', { depth: 1e7 }), /depth 10000000 is above the limit of 10000/);
 * ```
 */
export function checkNetworkSize(
  where: string,
  network: { readonly depth: number; readonly shapes?: readonly LayerShape[] },
  limits: SizeLimits = DEFAULT_SIZE_LIMITS,
): void {
  if (network.depth > limits.maxDepth) {
    throw new RangeError(
      `${where}: depth ${network.depth} is above the limit of ${limits.maxDepth} layers (maxDepth, ${_FLAGS.maxDepth})`,
    );
  }
  if (network.shapes === undefined) return;
  let total = 0;
  for (const [l, s] of network.shapes.entries()) {
    checkLayerSize(`${where}, layer ${l}`, s, limits.maxLayerElements);
    total += kernelSize(s);
  }
  if (total > limits.maxParameters) {
    throw new RangeError(
      `${where}: the network has ${total} kernel entries in ${network.shapes.length} layers, above the limit of ${limits.maxParameters} (maxParameters, ${_FLAGS.maxParameters})`,
    );
  }
}
