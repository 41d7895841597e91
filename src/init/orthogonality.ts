/**
 * Orthogonality error of a layer's kernel in tfjs layout: the defining
 * property of the orthogonal initializers, measured in float64 on the matrix
 * the kernel holds (see {@linkcode orthogonalityError}).
 *
 * @module
 */

import { matrixOrthogonalityError } from "../linalg/mod.ts";
import { kernelSize, type LayerShape, shapeLabel, validateShape } from "./shape.ts";

/**
 * Options of {@linkcode orthogonalityError}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { orthogonalityError, type OrthogonalityErrorOptions } from "./orthogonality.ts";
 * const options: OrthogonalityErrorOptions = { gain: 2 };
 * equal(orthogonalityError([2, 0, 0, 2], { kind: "dense", inFeatures: 2, outFeatures: 2 }, options), 0);
 * ```
 */
export interface OrthogonalityErrorOptions {
  /** The gain the kernel was scaled by; the Gram matrix is divided by `gain²`. Default 1. */
  readonly gain?: number;
}

/**
 * The orthogonality error of a layer's kernel in tfjs layout (see
 * {@linkcode matrixOrthogonalityError}).
 *
 * - dense `[in, out]`: the `in × out` matrix;
 * - conv `[kh, kw, cin, cout]` with odd `kh` and `kw` whose every non-centre tap
 *   is exactly zero (a delta-style kernel): the centre tap's `cin × cout` matrix;
 * - any other conv: the whole `(kh·kw·cin) × cout` map (tfjs layout flattened,
 *   the transpose of the `cout × cin·kh·kw` map).
 *
 * @throws {TypeError} if the shape is invalid.
 * @throws {RangeError} if `weights.length` is not the kernel size or the gain is not positive.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { orthogonalityError } from "./orthogonality.ts";
 * equal(orthogonalityError([0, 3, 3, 0], { kind: "dense", inFeatures: 2, outFeatures: 2 }, { gain: 3 }), 0);
 * ```
 */
export function orthogonalityError(
  weights: ArrayLike<number>,
  shape: LayerShape,
  options: OrthogonalityErrorOptions = {},
): number {
  validateShape(shape, "orthogonalityError");
  const size = kernelSize(shape);
  if (weights.length !== size) {
    throw new RangeError(
      `orthogonalityError: ${shapeLabel(shape)} needs ${size} weights; got ${weights.length}`,
    );
  }
  const gain = options.gain ?? 1;
  if (shape.kind === "dense") {
    return matrixOrthogonalityError(weights, shape.inFeatures, shape.outFeatures, gain);
  }
  const { kernelHeight: kh, kernelWidth: kw, inChannels: cin, outChannels: cout } = shape;
  const tap = cin * cout;
  if (kh % 2 === 1 && kw % 2 === 1) {
    const centre = (((kh - 1) / 2) * kw + (kw - 1) / 2) * tap;
    let delta = true;
    for (let i = 0; i < size && delta; i++) {
      if ((i < centre || i >= centre + tap) && weights[i] !== 0) delta = false;
    }
    if (delta) {
      const c = new Float64Array(tap);
      for (let i = 0; i < tap; i++) c[i] = weights[centre + i];
      return matrixOrthogonalityError(c, cin, cout, gain);
    }
  }
  return matrixOrthogonalityError(weights, kh * kw * cin, cout, gain);
}
