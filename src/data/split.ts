/**
 * Deterministic, class-stratified splits of a labelled set.
 *
 * Both functions take the labels and a seed (or generator) only, so a split
 * depends on nothing but the dataset and the seed: every method of an
 * experiment grid sees the same training and validation examples for the same
 * seed (paired comparisons).
 *
 * @module
 */

import { type Rng, stream } from "../rng/mod.ts";

/**
 * Indices into a labelled set: the part kept and the part held out.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type SplitIndices, splitValidation } from "./split.ts";
 * const split: SplitIndices = splitValidation(new Uint8Array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]), 0.2, 0);
 * equal(split.train.length + split.validation.length, 10);
 * ```
 */
export interface SplitIndices {
  /** Indices kept for training, increasing. */
  readonly train: Uint32Array;
  /** Indices held out for validation, increasing. */
  readonly validation: Uint32Array;
}

/**
 * Holds out a seeded, class-stratified fraction of a training set for
 * validation (the EOI recipe holds out 10%).
 *
 * Stratification: the number held out is `round(n·fraction)` in total,
 * shared between the classes in proportion to their sizes by the largest
 * remainder method (ties go to the lower class), so every class is held out
 * at the same rate up to one example. Within each class the held-out
 * examples are a uniformly random subset drawn from the stream
 * `stream(seed, "data/validation-split")`. Both index lists are increasing;
 * together they are a partition of `0..n-1`.
 *
 * @param labels class of each training example (classes are `0..max`).
 * @param fraction share held out, in [0, 1).
 * @param seed the cell's seed (a safe integer).
 * @throws {RangeError} if `fraction` is not in [0, 1), `labels` is empty or
 *   `seed` is not a safe integer.
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { splitValidation } from "./split.ts";
 * const labels = new Uint8Array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
 * const a = splitValidation(labels, 0.2, 7);
 * equal(a.train.length, 8);
 * equal(a.validation.length, 2);
 * // one validation example per class
 * deepEqual([...a.validation].map((i) => labels[i]), [0, 1]);
 * deepEqual(splitValidation(labels, 0.2, 7), a); // same seed, same split
 * ```
 */
export function splitValidation(
  labels: Uint8Array,
  fraction: number,
  seed: number,
): SplitIndices {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new RangeError(
      `splitValidation: fraction must be in [0, 1); got ${fraction} for ${labels.length} labels`,
    );
  }
  if (labels.length === 0) {
    throw new RangeError("splitValidation: labels are empty (shape [0])");
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`splitValidation: seed must be a safe integer; got ${seed}`);
  }
  const counts = _classCounts(labels);
  const holdout = _proportionalCounts(counts, Math.round(labels.length * fraction));
  const { keep, held } = stratifiedHoldout(
    labels,
    holdout,
    stream(seed, "data/validation-split"),
  );
  return { train: keep.sort(), validation: held.sort() };
}

/**
 * Splits a labelled set by holding out exactly `holdout[c]` uniformly random
 * examples of each class `c` (the generator's `sample` per class, classes in
 * increasing order). Returns index lists in increasing order.
 *
 * @param labels class of each example.
 * @param holdout how many examples of each class to hold out (indexed by class).
 * @param rng the generator to draw from (advanced in place).
 * @throws {RangeError} if a class has fewer examples than asked for, a count
 *   is not a non-negative integer, or a label has no entry in `holdout`.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { stratifiedHoldout } from "./split.ts";
 * import { stream } from "../rng/mod.ts";
 * const labels = new Uint8Array([1, 0, 1, 0, 1, 0]);
 * const { keep, held } = stratifiedHoldout(labels, [1, 2], stream(0, "doc"));
 * deepEqual([...held].map((i) => labels[i]).sort(), [0, 1, 1]);
 * deepEqual([...keep, ...held].sort(), [0, 1, 2, 3, 4, 5]);
 * ```
 */
export function stratifiedHoldout(
  labels: Uint8Array,
  holdout: readonly number[],
  rng: Rng,
): { keep: Uint32Array; held: Uint32Array } {
  const counts = _classCounts(labels);
  if (counts.length > holdout.length) {
    throw new RangeError(
      `stratifiedHoldout: label ${counts.length - 1} has no hold-out count ` +
        `(holdout has ${holdout.length} entries)`,
    );
  }
  let totalHeld = 0;
  for (let c = 0; c < holdout.length; c++) {
    const h = holdout[c];
    const have = counts[c] ?? 0;
    if (!Number.isInteger(h) || h < 0 || h > have) {
      throw new RangeError(
        `stratifiedHoldout: cannot hold out ${h} of the ${have} examples of class ${c}`,
      );
    }
    totalHeld += h;
  }
  // Indices of each class, in order.
  const byClass: Uint32Array[] = counts.map((n) => new Uint32Array(n));
  const fill = new Array<number>(counts.length).fill(0);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]][fill[labels[i]]++] = i;

  const isHeld = new Uint8Array(labels.length);
  for (let c = 0; c < counts.length; c++) {
    const members = byClass[c];
    for (const j of rng.sample(holdout[c], members.length)) isHeld[members[j]] = 1;
  }
  const keep = new Uint32Array(labels.length - totalHeld);
  const held = new Uint32Array(totalHeld);
  let k = 0, h = 0;
  for (let i = 0; i < labels.length; i++) {
    if (isHeld[i]) held[h++] = i;
    else keep[k++] = i;
  }
  return { keep, held };
}

/** Number of examples of each class `0..max(label)`. */
function _classCounts(labels: Uint8Array): number[] {
  let max = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  const counts = new Array<number>(max + 1).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** Shares `total` between classes ∝ `counts` (largest remainder, ties to the lower class). */
function _proportionalCounts(counts: readonly number[], total: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * total) / n);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, c) => ({ c, r: e - Math.floor(e) }))
    .sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of order) {
    if (left <= 0) break;
    if (out[c] < counts[c]) {
      out[c]++;
      left--;
    }
  }
  return out;
}
