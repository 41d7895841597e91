/**
 * Returns a different malformed result for each `gain` (see `CASES` in the
 * test); `gain` 0 or none returns a valid one. Declares `takesMask` so the
 * given-mask check can be exercised.
 *
 * @module
 */

import type { InitRequest } from "../../init/mod.ts";

function valid(request: InitRequest): { weights: Float32Array; mask: Uint8Array } {
  const { shape } = request;
  const size = shape.kind === "dense" ? shape.inFeatures * shape.outFeatures : 0;
  const count = Math.min(size, Math.max(1, Math.round(request.density * size)));
  const mask = request.mask ? Uint8Array.from(request.mask) : new Uint8Array(size);
  if (!request.mask) { for (let i = 0; i < count; i++) mask[i] = 1; }
  const weights = new Float32Array(size);
  for (let i = 0; i < size; i++) if (mask[i] === 1) weights[i] = 0.5;
  return { weights, mask };
}

export default {
  name: "bad-results",
  description: "Malformed results on demand.",
  kinds: ["dense"],
  takesMask: true,
  initialize(request: InitRequest): unknown {
    const r = valid(request);
    const n = r.weights.length;
    switch (request.gain ?? 0) {
      case 1:
        return null;
      case 2:
        return undefined;
      case 3:
        return 42;
      case 4:
        return Promise.resolve(r);
      case 5:
        r.weights[n - 1] = NaN;
        r.mask[n - 1] = 1;
        return r;
      case 6:
        r.weights[0] = Infinity;
        return r;
      case 7:
        return { weights: r.weights.slice(1), mask: r.mask };
      case 8:
        return { weights: r.weights, mask: new Uint8Array(n + 1) };
      case 9:
        return { weights: Float64Array.from(r.weights), mask: r.mask };
      case 10:
        return { weights: r.weights, mask: Array.from(r.mask) };
      case 11:
        return { weights: r.weights, mask: new Uint8ClampedArray(r.mask) };
      case 12:
        r.mask[3] = 2;
        return r;
      case 13: {
        const i = r.mask.indexOf(0);
        r.weights[i] = 0.25; // a weight where the mask says pruned
        return r;
      }
      case 14:
        return { ...r, density: 1 };
      case 15:
        return { weights: r.weights };
      case 16:
        r.mask.fill(1);
        r.weights.fill(0.5);
        return r; // all kept: contradicts the requested density
      case 17:
        if (request.mask) r.mask[0] ^= 1;
        r.weights[0] = 0;
        return r; // differs from the given mask
      case 18:
        return { weights: r.weights, mask: r.mask, extra: new Uint8Array(1 << 20) };
      case 19: {
        const weights = r.weights;
        const mask = r.mask;
        return { weights, mask, ["x".repeat(500)]: 1 };
      }
      default:
        return r; // constant bytes: valid per call, but the same for every seed
    }
  },
};
