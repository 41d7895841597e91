/**
 * Parameter and multiply-add accounting of a masked network, from its config
 * and masks alone.
 *
 * - Trainable parameters: kept kernel entries + biases (one per output unit of
 *   every kernel layer) + DCT+S scalars α (one per layer).
 * - Multiply-adds per example: a dense layer costs `in·out` (dense) or its
 *   non-zeros (sparse); a conv costs the same per output position, times
 *   `H·W` positions (stride 1, circular padding: the output keeps the input's
 *   spatial size, e.g. 28×28). Biases, activations and global average pooling
 *   are not counted.
 * - DCT+S (Price & Tanner 2021): the frozen offsets `D` are counted apart,
 *   labelled `dctOffset*`: their entries (not trainable, not stored: they are
 *   generated) and their multiply-adds applied as dense matrices (a fast
 *   transform would need O(n log n)). `sparseMultiplyAdds` counts `S` only.
 *
 * @module
 */

import { kernelSize, shapeLabel } from "../init/mod.ts";
import { layerShapes, type ModelConfig } from "../nn/mod.ts";
import type { Accounting } from "./types.ts";

/**
 * Accounting of a network (see the module doc).
 *
 * @throws {TypeError} if the number or sizes of the masks do not match `layerShapes(config)`.
 * @throws {RangeError} as `layerShapes` for a bad depth, width or classes.
 * @example A 4 → 3 → 2 MLP at half density
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { accounting } from "./accounting.ts";
 * const config = { architecture: "mlp", inputShape: [2, 2, 1], depth: 1, width: 3, classes: 2, activation: "tanh" } as const;
 * const masks = [new Uint8Array(12).fill(1).fill(0, 6), new Uint8Array(6).fill(1).fill(0, 3)];
 * deepEqual(accounting(config, masks), {
 *   trainableParameters: 9 + 5, nonZeros: 9, denseMultiplyAdds: 18, sparseMultiplyAdds: 9,
 *   dctOffsetEntries: 0, dctOffsetMultiplyAdds: 0,
 * });
 * ```
 */
export function accounting(config: ModelConfig, masks: readonly ArrayLike<number>[]): Accounting {
  const shapes = layerShapes(config);
  if (masks.length !== shapes.length) {
    throw new TypeError(
      `accounting: got ${masks.length} masks for ${shapes.length} layers (${
        shapes.map(shapeLabel).join(", ")
      })`,
    );
  }
  const positions = config.inputShape[0] * config.inputShape[1];
  const dct = config.dctPlusSparse === true;
  let nonZeros = 0, biases = 0, dense = 0, sparse = 0;
  shapes.forEach((s, l) => {
    const size = kernelSize(s);
    const m = masks[l];
    if (m.length !== size) {
      throw new TypeError(
        `accounting: layer ${l} (${
          shapeLabel(s)
        }) needs a mask of ${size} entries; got ${m.length}`,
      );
    }
    let nz = 0;
    for (let i = 0; i < m.length; i++) if (m[i] !== 0) nz++;
    const times = s.kind === "conv" ? positions : 1;
    nonZeros += nz;
    biases += s.kind === "dense" ? s.outFeatures : s.outChannels;
    dense += size * times;
    sparse += nz * times;
  });
  let dctEntries = 0;
  if (dct) { for (const s of shapes) dctEntries += kernelSize(s); }
  return {
    trainableParameters: nonZeros + biases + (dct ? shapes.length : 0),
    nonZeros,
    denseMultiplyAdds: dense,
    sparseMultiplyAdds: sparse,
    dctOffsetEntries: dctEntries,
    dctOffsetMultiplyAdds: dct ? dense : 0,
  };
}
