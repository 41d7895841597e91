/**
 * Shape arithmetic for `good.ts`: a relative import of the user's own, copied
 * into the bundle with it.
 *
 * @module
 */

import type { LayerShape } from "../../../init/mod.ts";

/** Number of kernel entries. */
export function kernelEntries(shape: LayerShape): number {
  return shape.kind === "dense"
    ? shape.inFeatures * shape.outFeatures
    : shape.kernelHeight * shape.kernelWidth * shape.inChannels * shape.outChannels;
}

/** Dense fan-in (receptive field times input channels for a conv). */
export function fanIn(shape: LayerShape): number {
  return shape.kind === "dense"
    ? shape.inFeatures
    : shape.kernelHeight * shape.kernelWidth * shape.inChannels;
}
