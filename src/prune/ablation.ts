/**
 * Sanity ablations of Frankle et al. ("Pruning Neural Networks at
 * Initialization: Why Are We Missing the Mark?", ICLR 2021): shuffle a mask
 * within each layer (same count, new positions), or keep a mask and draw new
 * weights. Random positions come from the caller's stream, by convention
 * `stream(seed, "layer/" + l, "ablation/shuffle")`.
 *
 * @module
 */

import type { Rng } from "../rng/mod.ts";
import { countNonZeros } from "../init/mod.ts";

/**
 * Sanity ablations (Frankle et al. 2021).
 */
export type Ablation = "none" | "shuffle-mask" | "resample-weights";

/**
 * Every {@linkcode Ablation}, `"none"` first.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ABLATIONS } from "./ablation.ts";
 * equal(ABLATIONS[0], "none");
 * ```
 */
export const ABLATIONS: readonly Ablation[] = ["none", "shuffle-mask", "resample-weights"];

/**
 * What each {@linkcode Ablation} does, and its source.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ABLATION_ENTRIES } from "./ablation.ts";
 * equal(ABLATION_ENTRIES["shuffle-mask"].paper, "Frankle et al., ICLR 2021");
 * ```
 */
export const ABLATION_ENTRIES: Readonly<
  Record<Ablation, { readonly description: string; readonly paper: string }>
> = {
  "none": { description: "No ablation", paper: "" },
  "shuffle-mask": {
    description: "Randomly permute each layer's mask (same per-layer density) before training",
    paper: "Frankle et al., ICLR 2021",
  },
  "resample-weights": {
    description: "Keep the masks, draw the kept weights afresh from the method's distribution",
    paper: "Frankle et al., ICLR 2021",
  },
};

/**
 * Stream name for mask shuffling (used with `stream(seed, "layer/l", SHUFFLE_STREAM)`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { SHUFFLE_STREAM, shuffleMask } from "./ablation.ts";
 * equal(SHUFFLE_STREAM, "ablation/shuffle");
 * const m = shuffleMask(new Uint8Array([1, 1, 0, 0]), stream(0, "layer/0", SHUFFLE_STREAM));
 * equal(m.reduce((a, b) => a + b, 0), 2);
 * ```
 */
export const SHUFFLE_STREAM = "ablation/shuffle";

/**
 * Path element appended to a layer's stream path to draw *different* weights
 * on the same mask ("resample-weights"): `["layer/l", RESAMPLE_STREAM]`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RESAMPLE_STREAM } from "./ablation.ts";
 * equal(RESAMPLE_STREAM, "ablation/resample");
 * const path = ["layer/3", RESAMPLE_STREAM];
 * equal(path.join(" "), "layer/3 ablation/resample");
 * ```
 */
export const RESAMPLE_STREAM = "ablation/resample";

/**
 * The same number of non-zeros at uniformly random new positions within the
 * layer (an exact-count uniform mask at the layer's density).
 *
 * @param mask a 0/1 mask (any non-zero counts as kept).
 * @param rng the shuffle stream.
 * @returns a new mask with the same count.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { shuffleMask } from "./ablation.ts";
 * const m = shuffleMask(new Uint8Array([1, 1, 1, 0, 0, 0, 0, 0]), stream(0, "layer/0", "ablation/shuffle"));
 * equal(m.reduce((s, v) => s + v, 0), 3);
 * ```
 */
export function shuffleMask(mask: ArrayLike<number>, rng: Rng): Uint8Array {
  const k = countNonZeros(mask);
  const out = new Uint8Array(mask.length);
  for (const p of rng.sample(k, mask.length)) out[p] = 1;
  return out;
}

/**
 * Moves a layer's kept *values* to random new positions: the mask is shuffled
 * as in {@linkcode shuffleMask} and the kept values are assigned to the new
 * positions in a random order. Used for methods that place their own values
 * (EOI, SAO), whose structure is exactly what the ablation destroys.
 *
 * @param weights kernel values (zero outside the mask).
 * @param mask the kernel's mask, same length.
 * @param rng the shuffle stream.
 * @throws {TypeError} if the lengths differ.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { shuffleValues } from "./ablation.ts";
 * const r = shuffleValues(new Float32Array([3, 0, 0, 5]), new Uint8Array([1, 0, 0, 1]), stream(0, "doc"));
 * deepEqual([...r.weights].filter((v) => v !== 0).sort(), [3, 5]);
 * ```
 */
export function shuffleValues(
  weights: ArrayLike<number>,
  mask: ArrayLike<number>,
  rng: Rng,
): { weights: Float32Array; mask: Uint8Array } {
  if (weights.length !== mask.length) {
    throw new TypeError(
      `shuffleValues: weights (${weights.length}) and mask (${mask.length}) lengths differ`,
    );
  }
  const kept: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) kept.push(weights[i]);
  const positions = rng.sample(kept.length, mask.length);
  const order = rng.permutation(kept.length);
  const w = new Float32Array(mask.length);
  const m = new Uint8Array(mask.length);
  for (let j = 0; j < positions.length; j++) {
    m[positions[j]] = 1;
    w[positions[j]] = kept[order[j]];
  }
  return { weights: w, mask: m };
}
