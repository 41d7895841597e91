/**
 * DCT plus Sparse layers (Price & Tanner, "Dense for the Price of Sparse",
 * ICML 2021): the frozen orthonormal DCT offset `D` and the sparse trainable
 * part `S`'s initializer.
 *
 * @module
 */

import { dctEntry } from "../linalg/mod.ts";
import { checkDensity } from "./kernel_io.ts";
import { fans, kernelSize, type LayerShape, shapeLabel, validateShape } from "./shape.ts";
import type { InitRequest, LayerInit, MethodEntry, StreamFor } from "./types.ts";

/**
 * The frozen DCT offset of a DCT+S layer, in tfjs layout.
 *
 * - Dense `[in, out]`: the orthonormal DCT-II matrix of size `N = max(in, out)`
 *   cut to its first `out` rows (frequencies) and first `in` columns, stored
 *   transposed as `[in, out]`: entry `(i, o) = D_N[o, i]`.
 * - Conv `[kh, kw, cin, cout]`: output channel `j` is the `j`-th DCT coefficient
 *   of the flattened patch (`patch = kh·kw·cin` values in tfjs's `(kh, kw, cin)`
 *   order): the DCT matrix of size `max(patch, cout)` cut to `[patch, cout]`.
 *
 * Orthonormal along the smaller side (computed in float64, rounded once).
 *
 * @throws {TypeError} if the shape is invalid.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { orthogonalityError } from "./orthogonality.ts";
 * import { dctOffset } from "./dct.ts";
 * const shape = { kind: "dense", inFeatures: 12, outFeatures: 5 } as const;
 * ok(orthogonalityError(dctOffset(shape), shape) < 1e-6);
 * ```
 */
export function dctOffset(shape: LayerShape): Float32Array {
  validateShape(shape, "dctOffset");
  const inF = fans(shape).fanIn; // dense: in; conv: kh·kw·cin (the patch)
  const outF = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
  const n = Math.max(inF, outF);
  const out = new Float32Array(inF * outF);
  for (let i = 0; i < inF; i++) {
    for (let o = 0; o < outF; o++) out[i * outF + o] = dctEntry(n, o, i);
  }
  return out;
}

function _dctPlusSparse(request: InitRequest, streams: StreamFor): LayerInit {
  const { shape, density } = request;
  validateShape(shape, "dct-plus-sparse");
  const size = kernelSize(shape);
  const weights = new Float32Array(size);
  if (request.mask !== undefined) {
    const given = request.mask;
    if (!(given instanceof Uint8Array) || given.length !== size) {
      throw new RangeError(
        `dct-plus-sparse: request.mask must be a Uint8Array of ${size} entries for ${
          shapeLabel(shape)
        }; got length ${given?.length}`,
      );
    }
    const bad = given.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) {
      throw new RangeError(
        `dct-plus-sparse: request.mask entries must be 0 or 1; got ${given[bad]} at ${bad} for ${
          shapeLabel(shape)
        }`,
      );
    }
    return { weights, mask: Uint8Array.from(given) };
  }
  checkDensity(density, shape, "dct-plus-sparse");
  const count = Math.min(size, Math.max(1, Math.round(density * size)));
  const mask = new Uint8Array(size);
  for (const k of streams("mask").sample(count, size)) mask[k] = 1;
  return { weights, mask };
}

/**
 * `"dct-plus-sparse"`: the trainable sparse part `S` of a DCT+S layer
 * (`y = α·D·x + S·x + b`, `D` = {@linkcode dctOffset}, frozen, `α = 1`): all
 * values zero, so the network starts exactly as the dense DCT network; the mask
 * is `request.mask` if given (`takesMask`), otherwise exactly
 * `max(1, round(density·size))` uniformly random positions (stream `"mask"`).
 *
 * @throws {RangeError} (when called) for a density outside (0, 1] or a bad `request.mask`.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { dctPlusSparseMethod } from "./dct.ts";
 * const { weights, mask } = dctPlusSparseMethod.build()(
 *   { shape: { kind: "dense", inFeatures: 10, outFeatures: 10 }, density: 0.05, activation: "relu" },
 *   (purpose) => stream(0, "doc", purpose),
 * );
 * equal(mask.reduce((a, b) => a + b, 0), 5);
 * equal(weights.every((w) => w === 0), true);
 * ```
 */
export const dctPlusSparseMethod: MethodEntry = {
  name: "dct-plus-sparse",
  description: "Sparse zero-initialised S of a DCT+S layer (frozen orthonormal DCT offset plus S)",
  paper: "Price & Tanner, ICML 2021",
  kinds: ["dense", "conv"],
  takesMask: true,
  scoredWith: "pruned-orthogonal",
  dctOffset: true,
  build: () => _dctPlusSparse,
};
