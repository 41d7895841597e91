/**
 * Sparse Glorot: a complete initializer module that `compare` accepts (see
 * the README's "Bring your own initializer").
 *
 * Mask: the request's mask when one is given, otherwise exactly
 * `max(1, round(density · size))` kept entries at uniformly random positions
 * drawn from `streams("mask")`. Weights: `N(0, gain² / fan_avg)` per entry,
 * where `fan_avg` is the mean of the entry's output unit's kept fan-in and its
 * input unit's kept fan-out (Glorot & Bengio's fan average, counted on the
 * sparse mask as Evci et al. count fans); `gain` defaults to 1. One normal
 * draw per kernel entry, kept or not, from `streams("weights")`.
 *
 * The module imports nothing at run time (the type import is erased).
 *
 * @module
 */

import type { UserMethod } from "../src/compare/mod.ts";

const sparseGlorot: UserMethod = {
  name: "sparse-glorot",
  description: "Glorot normal on a random exact-count mask, with each entry's sparse fan average.",
  paper: "Glorot & Bengio, AISTATS 2010; sparse fans as in Evci et al., AAAI 2022",
  kinds: ["dense", "conv"],
  takesMask: true,
  initialize(request, streams) {
    const { shape } = request;
    // tfjs layout: dense [in, out], conv [kh, kw, cin, cout]; entry e is at row floor(e / out).
    const out = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
    const inUnits = shape.kind === "dense" ? shape.inFeatures : shape.inChannels;
    const rows = shape.kind === "dense"
      ? shape.inFeatures
      : shape.kernelHeight * shape.kernelWidth * shape.inChannels;
    const size = rows * out;

    let mask: Uint8Array;
    if (request.mask !== undefined) {
      mask = Uint8Array.from(request.mask);
    } else {
      const count = Math.min(size, Math.max(1, Math.round(request.density * size)));
      mask = new Uint8Array(size);
      if (count === size) mask.fill(1);
      else for (const i of streams("mask").sample(count, size)) mask[i] = 1;
    }

    const fanIn = new Float64Array(out); // kept inputs of each output unit
    const fanOut = new Float64Array(inUnits); // kept outputs of each input unit
    for (let e = 0; e < size; e++) {
      if (mask[e] === 1) {
        const row = Math.floor(e / out);
        fanIn[e - row * out] += 1;
        fanOut[row % inUnits] += 1;
      }
    }

    const gain2 = request.gain === undefined ? 1 : request.gain * request.gain;
    const rng = streams("weights");
    const weights = new Float32Array(size);
    for (let e = 0; e < size; e++) {
      const z = rng.normal();
      if (mask[e] === 0) continue;
      const row = Math.floor(e / out);
      const fanAvg = (fanIn[e - row * out] + fanOut[row % inUnits]) / 2;
      weights[e] = z * Math.sqrt(gain2 / Math.max(1, fanAvg));
    }
    return { weights, mask };
  },
};

export default sparseGlorot;
