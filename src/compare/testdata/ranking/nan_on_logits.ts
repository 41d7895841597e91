/**
 * A module for the compare tests that passes the checks before training (a
 * dense initializer with uniform weights on an exact-count random mask) but
 * returns a NaN on the network's last layer (10 outputs: the classifier), so
 * it fails during training, in its first cell. Dense layers only, so the
 * CNN track is left out.
 *
 * @module
 */

import type { InitRequest, StreamFor } from "../../../init/mod.ts";

export default {
  name: "nan-on-logits",
  description: "Uniform weights on a random mask, but NaN on the classifier layer.",
  kinds: ["dense"],
  takesMask: true,
  initialize(request: InitRequest, streams: StreamFor) {
    if (request.shape.kind !== "dense") throw new RangeError("dense only");
    const { inFeatures, outFeatures } = request.shape;
    const size = inFeatures * outFeatures;
    let mask: Uint8Array;
    if (request.mask !== undefined) mask = Uint8Array.from(request.mask);
    else {
      mask = new Uint8Array(size);
      const count = Math.min(size, Math.max(1, Math.round(request.density * size)));
      for (const i of streams("mask").sample(count, size)) mask[i] = 1;
    }
    const rng = streams("weights");
    const weights = new Float32Array(size);
    const bound = Math.sqrt(3 / inFeatures);
    for (let i = 0; i < size; i++) {
      const w = (2 * rng.uniform() - 1) * bound;
      if (mask[i] === 1) weights[i] = outFeatures === 10 ? NaN : w;
    }
    return { weights, mask };
  },
};
