/**
 * Delta-orthogonal convolution initialization (Xiao et al., ICML 2018).
 *
 * @module
 */

import { haarOrthogonal } from "../linalg/mod.ts";
import { centreTapOffset, checkDensity, checkGain, writeKernel } from "./kernel_io.ts";
import { kernelSize, shapeLabel, validateShape } from "./shape.ts";
import type { InitRequest, LayerInit, MethodEntry, StreamFor } from "./types.ts";

function _deltaOrthogonal(request: InitRequest, streams: StreamFor): LayerInit {
  const { shape, density } = request;
  validateShape(shape, "delta-orthogonal");
  if (shape.kind !== "conv") {
    throw new TypeError(
      `delta-orthogonal: supports conv layers only; got ${shapeLabel(shape)} (use "orthogonal")`,
    );
  }
  checkDensity(density, shape, "delta-orthogonal");
  if (density < 1 - 1e-12) {
    throw new RangeError(
      `delta-orthogonal: is dense (density 1); got density ${density} for ${
        shapeLabel(shape)
      } — use "eoi" or "pruned-orthogonal" for a sparse kernel`,
    );
  }
  const gain = checkGain(request.gain, shape, "delta-orthogonal");
  const offset = centreTapOffset(shape, "delta-orthogonal");
  const { inChannels: cin, outChannels: cout } = shape;
  const size = kernelSize(shape);
  const weights = new Float32Array(size);
  // The centre tap is a cin × cout row-major block: a Haar cin × cout matrix is
  // distributed as the transpose of a Haar cout × cin one.
  writeKernel(haarOrthogonal(streams("weights"), cin, cout), weights, {
    inFeatures: cin,
    outFeatures: cout,
    gain,
    offset,
  });
  return { weights, mask: new Uint8Array(size).fill(1) };
}

/**
 * `"delta-orthogonal"`: conv only, odd kernels. A Haar-random orthogonal
 * `cin × cout` matrix (stream `"weights"`) at the centre tap times `gain`
 * (default 1), zeros at every other tap; mask all ones (dense, density must be 1).
 * With circular padding the layer is an exact isometry.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { orthogonalityError } from "./orthogonality.ts";
 * import { deltaOrthogonalMethod } from "./delta_orthogonal.ts";
 * const shape = { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 4, outChannels: 6 } as const;
 * const { weights } = deltaOrthogonalMethod.build()(
 *   { shape, density: 1, activation: "tanh" },
 *   (purpose) => stream(0, "doc", purpose),
 * );
 * ok(orthogonalityError(weights, shape) < 1e-6);
 * ```
 */
export const deltaOrthogonalMethod: MethodEntry = {
  name: "delta-orthogonal",
  description: "Haar orthogonal channel matrix at the centre tap of a conv kernel, zeros elsewhere",
  paper: "Xiao et al., ICML 2018",
  kinds: ["conv"],
  takesMask: false,
  scoredWith: "pruned-orthogonal",
  build: () => _deltaOrthogonal,
};
