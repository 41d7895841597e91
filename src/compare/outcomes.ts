/**
 * Deciding a paired comparison between a user's method and one entry of a
 * track, and correcting a family of them for multiplicity (Holm).
 *
 * A comparison pairs the two methods' test accuracies seed by seed over the
 * seeds both have (a seed fixes the data order, split and subset, so the
 * pairs share everything but the method) and works on the differences
 * `d_i = user_i − entry_i`, with the statistics of `src/grid/stats.ts`:
 *
 * - **95% paired-t interval** of the mean difference (`meanInterval`).
 * - **Outcome**: `beats` when the interval's low end is above 0, `loses` when
 *   its high end is below 0; otherwise `tied` when the whole interval lies
 *   within ±`margin` (default {@linkcode TIE_MARGIN}: equal for practical
 *   purposes, an equivalence statement), else `inconclusive` with
 *   `seedsToDecide`: the number of shared seeds that would make the interval
 *   exclude 0 at the observed mean difference and spread. With fewer than two
 *   shared seeds there is no interval: `inconclusive`.
 * - **P(beats)**: the posterior probability that the mean difference is
 *   positive under the paired-t model with the standard non-informative prior
 *   (flat in the mean, flat in log σ), i.e. `P(T_{n−1} < m·√n / s)` =
 *   1 − the one-sided paired-t p-value. With zero spread it is 1, 0 or ½ by
 *   the sign of `m`. Beside it, the plain count of seeds where the user's
 *   method is higher.
 * - **Holm**: two-sided paired-t p-values of a family (e.g. one comparison per
 *   track) are adjusted by Holm's step-down method, which controls the
 *   family-wise error rate at `alpha` (default 0.05) for any dependence;
 *   comparisons with fewer than two shared seeds are not tests and are not in
 *   the family.
 *
 * @module
 */

import { mean, meanInterval, pairedTTest, sampleStd, seedsToDecide } from "../grid/mod.ts";

/**
 * Half-width (test accuracy) of the band inside which a 95% interval that
 * contains 0 counts as `tied` rather than `inconclusive`: one accuracy point.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TIE_MARGIN } from "./outcomes.ts";
 * equal(TIE_MARGIN, 0.01);
 * ```
 */
export const TIE_MARGIN = 0.01;

/** Confidence level of every interval of a comparison. */
const _LEVEL = 0.95;

/**
 * A comparison's outcome for the user's method (see the module doc).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PairOutcome } from "./outcomes.ts";
 * const o: PairOutcome = "inconclusive";
 * equal(o, "inconclusive");
 * ```
 */
export type PairOutcome = "beats" | "loses" | "tied" | "inconclusive";

/**
 * Per-seed values of one method in one track.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PairedValues } from "./outcomes.ts";
 * const v: PairedValues = { seeds: [0, 1], values: [0.8, 0.9] };
 * equal(v.values[v.seeds.indexOf(1)], 0.9);
 * ```
 */
export interface PairedValues {
  /** Seeds with a value. */
  readonly seeds: readonly number[];
  /** The value of each seed (same order). */
  readonly values: readonly number[];
}

/**
 * The user's method against one entry over their shared seeds.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { comparePair, type PairComparison } from "./outcomes.ts";
 * const c: PairComparison = comparePair({ seeds: [0], values: [0.9] }, { seeds: [0], values: [0.8] });
 * equal(c.outcome, "inconclusive");
 * ```
 */
export interface PairComparison {
  /** Seeds both have, ascending. */
  readonly sharedSeeds: readonly number[];
  /** Number of shared seeds. */
  readonly n: number;
  /** Mean of user − entry; `null` without shared seeds. */
  readonly meanDifference: number | null;
  /** Sample std of the differences; `null` for fewer than 2 pairs. */
  readonly std: number | null;
  /** 95% paired-t interval of the mean difference; `null` for fewer than 2 pairs. */
  readonly ci95: readonly [number, number] | null;
  /** Two-sided paired-t p-value for "no difference"; `null` for fewer than 2 pairs. */
  readonly pTwoSided: number | null;
  /** Posterior P(mean difference > 0) under the paired-t model; `null` for fewer than 2 pairs. */
  readonly pBeats: number | null;
  /** Shared seeds where the user's method is higher. */
  readonly seedsHigher: number;
  /** Shared seeds where both are equal. */
  readonly seedsEqual: number;
  /** Shared seeds where the entry is higher. */
  readonly seedsLower: number;
  /** The decision (see the module doc). */
  readonly outcome: PairOutcome;
  /** For `inconclusive` with an interval: shared seeds that would decide it (`null`: none would). */
  readonly seedsToDecide: number | null;
  /** One sentence saying what was decided and why. */
  readonly note: string;
}

function _fmt(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && a < 1e-3) return x.toExponential(1);
  return x.toFixed(3);
}

/**
 * The two-sided paired-t p-value of `a − b` (1 or 0 for zero spread, by
 * whether the mean difference is 0).
 *
 * @throws {RangeError} for fewer than 2 pairs or lists of different lengths.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { twoSidedP } from "./outcomes.ts";
 * // d = [0.1, 0.2, 0.3]: t = 0.2 / (0.1/√3) = 3.464, df 2 → p = 0.0742
 * ok(Math.abs(twoSidedP([0.6, 0.7, 0.8], [0.5, 0.5, 0.5]) - 0.0742) < 1e-4);
 * ```
 */
export function twoSidedP(a: readonly number[], b: readonly number[]): number {
  const t = pairedTTest(a, b);
  if (!Number.isFinite(t.t)) return t.t === 0 ? 1 : 0;
  if (t.t === 0) return 1;
  return Math.min(1, 2 * Math.min(t.p, 1 - t.p));
}

/**
 * Compares the user's values with an entry's over their shared seeds (see the
 * module doc for every rule).
 *
 * @throws {RangeError} if `margin` is negative or not a number.
 * @example A clear win, a tie within one point, and an undecided difference
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { comparePair } from "./outcomes.ts";
 * const entry = { seeds: [0, 1, 2], values: [0.80, 0.82, 0.81] };
 * equal(comparePair({ seeds: [0, 1, 2], values: [0.90, 0.93, 0.91] }, entry).outcome, "beats");
 * equal(comparePair({ seeds: [0, 1, 2], values: [0.801, 0.821, 0.809] }, entry).outcome, "tied");
 * const close = comparePair({ seeds: [0, 1, 2], values: [0.85, 0.80, 0.83] }, entry);
 * equal(close.outcome, "inconclusive");
 * equal(close.seedsToDecide, 20);
 * ```
 */
export function comparePair(
  user: PairedValues,
  entry: PairedValues,
  margin: number = TIE_MARGIN,
): PairComparison {
  if (!(typeof margin === "number" && margin >= 0)) {
    throw new RangeError(`comparePair: margin must be a number >= 0; got ${margin}`);
  }
  const entryBySeed = new Map(entry.seeds.map((s, i) => [s, entry.values[i]]));
  const pairs = user.seeds.map((s, i) => [s, user.values[i], entryBySeed.get(s)] as const)
    .filter((p): p is readonly [number, number, number] => p[2] !== undefined)
    .sort((a, b) => a[0] - b[0]);
  const sharedSeeds = pairs.map((p) => p[0]);
  const u = pairs.map((p) => p[1]);
  const e = pairs.map((p) => p[2]);
  const d = pairs.map((p) => p[1] - p[2]);
  const n = d.length;
  const counts = {
    seedsHigher: d.filter((x) => x > 0).length,
    seedsEqual: d.filter((x) => x === 0).length,
    seedsLower: d.filter((x) => x < 0).length,
  };
  const base = { sharedSeeds, n, ...counts };
  if (n < 2) {
    return {
      ...base,
      meanDifference: n === 0 ? null : d[0],
      std: null,
      ci95: null,
      pTwoSided: null,
      pBeats: null,
      outcome: "inconclusive",
      seedsToDecide: null,
      note: n === 0
        ? "no shared seed: no paired comparison is possible"
        : `one shared seed (difference ${_fmt(d[0])}): a paired interval needs at least 2 seeds`,
    };
  }
  const m = mean(d);
  const s = sampleStd(d);
  const ci = meanInterval(d, _LEVEL)!;
  const p = twoSidedP(u, e);
  const oneSided = pairedTTest(u, e).p;
  const pBeats = s === 0 ? (m > 0 ? 1 : m < 0 ? 0 : 0.5) : 1 - oneSided;
  const stats = {
    ...base,
    meanDifference: m,
    std: s,
    ci95: [ci.low, ci.high] as const,
    pTwoSided: p,
    pBeats,
  };
  const interval = `[${_fmt(ci.low)}, ${_fmt(ci.high)}]`;
  if (ci.low > 0 || ci.high < 0) {
    const beats = ci.low > 0;
    return {
      ...stats,
      outcome: beats ? "beats" : "loses",
      seedsToDecide: null,
      note: `${beats ? "higher" : "lower"} by ${
        _fmt(Math.abs(m))
      }: the 95% paired interval ${interval} excludes 0 (${n} seeds)`,
    };
  }
  if (-margin <= ci.low && ci.high <= margin) {
    return {
      ...stats,
      outcome: "tied",
      seedsToDecide: null,
      note: `tied: the 95% paired interval ${interval} lies within ±${margin} (${n} seeds)`,
    };
  }
  const needed = seedsToDecide(m, s, _LEVEL);
  return {
    ...stats,
    outcome: "inconclusive",
    seedsToDecide: needed,
    note: needed === null
      ? `inconclusive: the 95% paired interval ${interval} contains 0 and is wider than ±${margin}; no number of seeds decides a mean difference of ${
        _fmt(m)
      }`
      : `inconclusive: the 95% paired interval ${interval} contains 0 and is wider than ±${margin}; about ${needed} shared seeds would decide the difference ${
        _fmt(m)
      } at the observed paired std ${_fmt(s)}`,
  };
}

/**
 * Holm's step-down adjustment of a family of p-values.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { holm, type HolmResult } from "./outcomes.ts";
 * const r: HolmResult = holm([0.01, null]);
 * deepEqual(r.rejected, [true, false]);
 * ```
 */
export interface HolmResult {
  /** Holm-adjusted p-values (`null` where the input is `null`: not a test). */
  readonly adjusted: readonly (number | null)[];
  /** Whether each hypothesis is rejected at `alpha` (adjusted p ≤ alpha). */
  readonly rejected: readonly boolean[];
  /** Number of tests in the family (non-null p-values). */
  readonly tests: number;
}

/**
 * Holm's method: sort the `m` p-values ascending, `p_(1) ≤ … ≤ p_(m)`; the
 * adjusted `p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j))`; reject where
 * `p̃ ≤ alpha`. `null` entries are not tests: they are left out of `m` and
 * never rejected.
 *
 * @throws {RangeError} for a p-value outside [0, 1] or an alpha outside (0, 1).
 * @example Four tests at 0.05: thresholds 0.0125, 0.0167, 0.025, 0.05
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { holm } from "./outcomes.ts";
 * const r = holm([0.01, 0.04, 0.03, 0.005]);
 * deepEqual(r.adjusted, [0.03, 0.06, 0.06, 0.02]);
 * deepEqual(r.rejected, [true, false, false, true]);
 * ```
 */
export function holm(pValues: readonly (number | null)[], alpha = 0.05): HolmResult {
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`holm: alpha must be in (0, 1); got ${alpha}`);
  }
  const tests: { i: number; p: number }[] = [];
  pValues.forEach((p, i) => {
    if (p === null) return;
    if (!(typeof p === "number" && p >= 0 && p <= 1)) {
      throw new RangeError(`holm: p-values must be in [0, 1] or null; got ${p} at index ${i}`);
    }
    tests.push({ i, p });
  });
  tests.sort((a, b) => a.p - b.p || a.i - b.i);
  const m = tests.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tests.forEach((t, j) => {
    running = Math.max(running, Math.min(1, (m - j) * t.p));
    adjusted[t.i] = Number(running.toPrecision(12));
  });
  return {
    adjusted,
    rejected: adjusted.map((p) => p !== null && p <= alpha),
    tests: m,
  };
}
