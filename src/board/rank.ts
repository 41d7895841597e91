/**
 * Ranking one track: per-record estimates over seeds and the paired
 * comparison of every record with the track's best.
 *
 * - A record's estimate is the mean, sample std and 95% Student-t interval of
 *   its per-seed values.
 * - The best is the record with the highest mean (ties: the first label).
 * - Every other record is compared with the best over the seeds both have
 *   (seeds are paired: the data order depends on the seed only). The paired
 *   differences `record − best` give a 95% paired-t interval; the record is
 *   "tied with the best" when it contains 0. An undecided difference says how
 *   many shared seeds would decide it at the observed mean and paired std
 *   (`seedsToDecide`); with fewer than two shared seeds nothing can be decided
 *   and the note says so.
 *
 * @module
 */

import { mean, meanInterval, sampleStd, seedsToDecide } from "../grid/mod.ts";
import type { Estimate, VersusBest } from "./schema.ts";

/** Confidence level of every interval on the board. */
export const CONFIDENCE_LEVEL = 0.95;

/**
 * Rounds a derived statistic to 12 significant digits (last-bit noise of
 * `Math` functions must not change the committed leaderboard).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { roundStat } from "./rank.ts";
 * equal(roundStat(0.1 + 0.2), 0.3);
 * equal(roundStat(NaN), null);
 * ```
 */
export function roundStat(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  return Number(x.toPrecision(12));
}

/**
 * Mean, std and 95% t-interval of per-seed values.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { estimate } from "./rank.ts";
 * equal(estimate([]).mean, null);
 * deepEqual(estimate([0.5]), { n: 1, mean: 0.5, std: 0, ci95: null });
 * equal(estimate([0.8, 0.9]).n, 2);
 * ```
 */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) return { n, mean: null, std: null, ci95: null };
  const ci = meanInterval(values, CONFIDENCE_LEVEL);
  return {
    n,
    mean: roundStat(mean(values)),
    std: roundStat(sampleStd(values)),
    ci95: ci === null ? null : [roundStat(ci.low)!, roundStat(ci.high)!],
  };
}

/**
 * Per-seed values of one record: `seeds[i]` has value `values[i]`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SeedValues } from "./rank.ts";
 * const s: SeedValues = { seeds: [0, 1], values: [0.8, 0.9] };
 * equal(s.values[s.seeds.indexOf(1)], 0.9);
 * ```
 */
export interface SeedValues {
  /** Seeds with a value. */
  readonly seeds: readonly number[];
  /** The value of each seed. */
  readonly values: readonly number[];
}

function _fmt(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && a < 1e-3) return x.toExponential(1);
  return x.toFixed(3);
}

/**
 * Compares `record` with `best` over their shared seeds (paired t, 95%).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { versusBest } from "./rank.ts";
 * const best = { seeds: [0, 1, 2], values: [0.90, 0.91, 0.92] };
 * const worse = versusBest({ seeds: [0, 1, 2], values: [0.70, 0.72, 0.71] }, best);
 * equal(worse.tied, false);
 * equal(worse.decided, true);
 * const close = versusBest({ seeds: [0, 1], values: [0.91, 0.89] }, best);
 * equal(close.tied, true);
 * equal(close.n, 2);
 * ```
 */
export function versusBest(record: SeedValues, best: SeedValues): VersusBest {
  const bestBySeed = new Map(best.seeds.map((s, i) => [s, best.values[i]]));
  const shared: number[] = [];
  const diffs: number[] = [];
  record.seeds.forEach((s, i) => {
    const b = bestBySeed.get(s);
    if (b !== undefined) {
      shared.push(s);
      diffs.push(record.values[i] - b);
    }
  });
  const order = shared.map((s, i) => [s, diffs[i]] as const).sort((a, b) => a[0] - b[0]);
  const sharedSeeds = order.map((p) => p[0]);
  const d = order.map((p) => p[1]);
  const n = d.length;
  const base = { isBest: false, sharedSeeds, n };
  if (n === 0) {
    return {
      ...base,
      meanDifference: null,
      std: null,
      ci95: null,
      tied: null,
      decided: false,
      seedsToDecide: null,
      note: "no seed shared with the best: no paired comparison is possible",
    };
  }
  const m = mean(d);
  if (n === 1) {
    return {
      ...base,
      meanDifference: roundStat(m),
      std: null,
      ci95: null,
      tied: null,
      decided: false,
      seedsToDecide: null,
      note: `one shared seed: the difference (${
        _fmt(m)
      }) is undecidable; a paired interval needs at least 2 seeds`,
    };
  }
  const ci = meanInterval(d, CONFIDENCE_LEVEL)!;
  const sd = sampleStd(d);
  const tied = ci.low <= 0 && 0 <= ci.high;
  const interval = `[${_fmt(ci.low)}, ${_fmt(ci.high)}]`;
  if (!tied) {
    return {
      ...base,
      meanDifference: roundStat(m),
      std: roundStat(sd),
      ci95: [roundStat(ci.low)!, roundStat(ci.high)!],
      tied: false,
      decided: true,
      seedsToDecide: null,
      note: `worse than the best by ${
        _fmt(-m)
      }: the 95% paired interval ${interval} excludes 0 (${n} shared seeds)`,
    };
  }
  const needed = seedsToDecide(m, sd, CONFIDENCE_LEVEL);
  const note = m === 0
    ? `same value as the best on all ${n} shared seeds: no number of seeds separates them at this precision`
    : needed === null
    ? `tied with the best: the 95% paired interval ${interval} contains 0; the difference ${
      _fmt(m)
    } is undecidable even with a million seeds at the observed paired std ${_fmt(sd)}`
    : `tied with the best: the 95% paired interval ${interval} contains 0, so ${n} seeds cannot decide the difference ${
      _fmt(m)
    }; about ${needed} shared seeds would (observed paired std ${_fmt(sd)})`;
  return {
    ...base,
    meanDifference: roundStat(m),
    std: roundStat(sd),
    ci95: [roundStat(ci.low)!, roundStat(ci.high)!],
    tied: true,
    decided: false,
    seedsToDecide: needed,
    note,
  };
}

/**
 * The record every other one is compared with.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BEST } from "./rank.ts";
 * equal(BEST.isBest, true);
 * ```
 */
export const BEST: VersusBest = Object.freeze({
  isBest: true,
  sharedSeeds: [],
  n: 0,
  meanDifference: 0,
  std: null,
  ci95: null,
  tied: null,
  decided: false,
  seedsToDecide: null,
  note: "best mean in this track",
});

/**
 * Competition ranks (1, 2, 2, 4) of means, highest first; `null` means get
 * `null` ranks. `means` must already be sorted descending with nulls last.
 *
 * @throws {RangeError} if `means` is not sorted that way.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { competitionRanks } from "./rank.ts";
 * deepEqual(competitionRanks([0.9, 0.8, 0.8, 0.7, null]), [1, 2, 2, 4, null]);
 * ```
 */
export function competitionRanks(means: readonly (number | null)[]): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < means.length; i++) {
    const m = means[i];
    const prev = i === 0 ? undefined : means[i - 1];
    if (prev !== undefined && (prev === null ? m !== null : m !== null && m > prev)) {
      throw new RangeError(
        `competitionRanks: means must be sorted descending with nulls last; got ${
          JSON.stringify(means)
        }`,
      );
    }
    if (m === null) out.push(null);
    else if (i > 0 && means[i - 1] === m) out.push(out[i - 1]);
    else out.push(i + 1);
  }
  return out;
}
