/**
 * Dense Haar orthogonal initialization (Saxe et al. 2014), the dense reference
 * of the exact orthogonal family.
 *
 * @module
 */

import { haarOrthogonal } from "../linalg/mod.ts";
import { checkDensity, checkGain, writeKernel } from "./kernel_io.ts";
import { fans, kernelSize, shapeLabel, validateShape } from "./shape.ts";
import type { InitRequest, LayerInit, MethodEntry, StreamFor } from "./types.ts";

/** Densities this close to 1 count as 1 (rounding of computed densities). */
const _ONE = 1 - 1e-12;

function _orthogonal(request: InitRequest, streams: StreamFor): LayerInit {
  const { shape, density } = request;
  validateShape(shape, "orthogonal");
  checkDensity(density, shape, "orthogonal");
  if (density < _ONE) {
    throw new RangeError(
      `orthogonal: is dense (density 1); got density ${density} for ${
        shapeLabel(shape)
      } — use "pruned-orthogonal" for a masked orthogonal kernel`,
    );
  }
  const gain = checkGain(request.gain, shape, "orthogonal");
  // tfjs layout viewed as a (fanIn × out) row-major matrix: for a conv that is
  // (kh·kw·cin) × cout, what tf.keras's Orthogonal initializer orthogonalises.
  const rows = fans(shape).fanIn;
  const cols = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
  const q = haarOrthogonal(streams("weights"), rows, cols);
  const size = kernelSize(shape);
  const weights = new Float32Array(size);
  writeKernel(q, weights, { inFeatures: rows, outFeatures: cols, gain });
  return { weights, mask: new Uint8Array(size).fill(1) };
}

/**
 * `"orthogonal"`: a dense Haar-random orthogonal kernel times `gain` (default 1).
 * Dense: the `in × out` matrix is orthonormal along its smaller side. Conv:
 * the `(kh·kw·cin) × cout` map (the tfjs kernel flattened, like tf.keras's
 * `Orthogonal`). Draws from stream `"weights"` ({@linkcode haarOrthogonal}).
 * Density must be 1 (RangeError pointing to `"pruned-orthogonal"` otherwise);
 * mask all ones; `request.mask` is ignored.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { orthogonalityError } from "./orthogonality.ts";
 * import { orthogonalMethod } from "./orthogonal.ts";
 * const shape = { kind: "dense", inFeatures: 20, outFeatures: 10 } as const;
 * const { weights } = orthogonalMethod.build()(
 *   { shape, density: 1, activation: "tanh" },
 *   (purpose) => stream(0, "doc", purpose),
 * );
 * ok(orthogonalityError(weights, shape) < 1e-6);
 * ```
 */
export const orthogonalMethod: MethodEntry = {
  name: "orthogonal",
  description: "Dense Haar-random orthogonal kernel (Householder QR of a Gaussian, sign-fixed)",
  paper: "Saxe et al., ICLR 2014",
  kinds: ["dense", "conv"],
  takesMask: false,
  scoredWith: "pruned-orthogonal",
  build: () => _orthogonal,
};
