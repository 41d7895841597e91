/**
 * Draws its mask from the suite's stream but its weights from `Math.random`:
 * every reply passes the per-call checks; only the same-seed-twice check can
 * catch it.
 *
 * @module
 */

import type { UserMethod } from "../contract.ts";

const method: UserMethod = {
  name: "math-random",
  description: "Weights from Math.random.",
  kinds: ["dense"],
  initialize(request, streams) {
    const { shape } = request;
    const size = shape.kind === "dense" ? shape.inFeatures * shape.outFeatures : 0;
    const count = Math.min(size, Math.max(1, Math.round(request.density * size)));
    const mask = new Uint8Array(size);
    for (const i of streams("mask").sample(count, size)) mask[i] = 1;
    const weights = new Float32Array(size);
    for (let i = 0; i < size; i++) if (mask[i] === 1) weights[i] = Math.random() - 0.5;
    return { weights, mask };
  },
};

export default method;
