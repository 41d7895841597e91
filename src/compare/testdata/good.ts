/**
 * A well-behaved user module: an exact-count random mask from
 * `streams("mask")` and N(0, 1/fan_in) weights from `streams("weights")`. It
 * logs at load time (the sandbox sends console output to stderr).
 *
 * @module
 */

import type { UserMethod } from "../contract.ts";
import { fanIn, kernelEntries } from "./lib/sizes.ts";

console.log("good.ts: loading");

const good: UserMethod = {
  name: "good",
  description: "Exact-count random mask, N(0, 1/fan_in) weights.",
  kinds: ["dense", "conv"],
  initialize(request, streams) {
    const size = kernelEntries(request.shape);
    const count = Math.min(size, Math.max(1, Math.round(request.density * size)));
    const mask = new Uint8Array(size);
    for (const i of streams("mask").sample(count, size)) mask[i] = 1;
    const rng = streams("weights");
    const sd = 1 / Math.sqrt(fanIn(request.shape));
    const weights = new Float32Array(size);
    for (let i = 0; i < size; i++) if (mask[i] === 1) weights[i] = sd * rng.normal();
    return { weights, mask };
  },
};

export default good;
