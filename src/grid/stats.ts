/**
 * Small statistics for verdicts and the leaderboard: mean, sample standard
 * deviation, the one-sided paired t-test, Student-t quantiles and intervals,
 * and how many seeds a paired difference needs to be decided.
 *
 * @module
 */

/**
 * Arithmetic mean (NaN for an empty list).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { mean } from "./stats.ts";
 * equal(mean([1, 2, 3]), 2);
 * ```
 */
export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length === 0 ? NaN : s / xs.length;
}

/**
 * Sample standard deviation (n − 1); 0 for one value, NaN for none.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sampleStd } from "./stats.ts";
 * equal(sampleStd([1, 3]), Math.SQRT2);
 * ```
 */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  if (xs.length === 1) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

function _lgamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - _lgamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function _betacf(a: number, b: number, x: number): number {
  // Continued fraction for the incomplete beta (Numerical Recipes), bounded iterations.
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/**
 * Regularized incomplete beta function I_x(a, b).
 *
 * @throws {RangeError} if x ∉ [0, 1] or a, b ≤ 0.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { incompleteBeta } from "./stats.ts";
 * ok(Math.abs(incompleteBeta(0.5, 2, 2) - 0.5) < 1e-12);
 * ```
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0)) {
    throw new RangeError(
      `incompleteBeta: need x in [0, 1], a > 0, b > 0; got x=${x}, a=${a}, b=${b}`,
    );
  }
  if (x === 0 || x === 1) return x;
  const bt = Math.exp(
    _lgamma(a + b) - _lgamma(a) - _lgamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2) ? bt * _betacf(a, b, x) / a : 1 - bt * _betacf(b, a, 1 - x) / b;
}

/**
 * P(T > t) for Student's t with `df` degrees of freedom.
 *
 * @throws {RangeError} if df ≤ 0.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { studentTUpper } from "./stats.ts";
 * ok(Math.abs(studentTUpper(2.015048, 5) - 0.05) < 1e-5); // t_{0.95, 5}
 * ```
 */
export function studentTUpper(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTUpper: df must be > 0; got ${df}`);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/**
 * Result of {@linkcode pairedTTest}.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { pairedTTest, type TTest } from "./stats.ts";
 * const r: TTest = pairedTTest([0.9, 0.92, 0.91], [0.8, 0.83, 0.8]);
 * equal(r.n, 3);
 * ok(r.meanDifference > 0 && r.t > 0);
 * ```
 */
export interface TTest {
  /** Number of pairs. */
  readonly n: number;
  /** Mean of `a − b`. */
  readonly meanDifference: number;
  /** The t statistic (mean difference over its standard error). */
  readonly t: number;
  /** One-sided p-value for "mean difference > 0". */
  readonly p: number;
}

/**
 * One-sided paired t-test that `a − b` has a positive mean.
 * With zero variance of the differences, p is 0 if the mean difference is
 * positive and 1 otherwise.
 *
 * @throws {RangeError} if the lists differ in length or have fewer than 2 pairs.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { pairedTTest } from "./stats.ts";
 * ok(pairedTTest([0.9, 0.92, 0.91], [0.8, 0.83, 0.8]).p < 0.01);
 * ```
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): TTest {
  if (a.length !== b.length || a.length < 2) {
    throw new RangeError(
      `pairedTTest: need two lists of equal length >= 2; got ${a.length} and ${b.length}`,
    );
  }
  const d = a.map((x, i) => x - b[i]);
  const m = mean(d);
  const s = sampleStd(d);
  const n = d.length;
  if (s === 0) {
    return { n, meanDifference: m, t: m > 0 ? Infinity : m < 0 ? -Infinity : 0, p: m > 0 ? 0 : 1 };
  }
  const t = m / (s / Math.sqrt(n));
  return { n, meanDifference: m, t, p: studentTUpper(t, n - 1) };
}

/**
 * The `p`-quantile of Student's t with `df` degrees of freedom (bisection on
 * {@linkcode studentTUpper}, to about 1e-12).
 *
 * @throws {RangeError} if p ∉ (0, 1) or df ≤ 0.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { studentTQuantile } from "./stats.ts";
 * ok(Math.abs(studentTQuantile(0.975, 1) - 12.7062047) < 1e-6);
 * ok(Math.abs(studentTQuantile(0.975, 4) - 2.7764451) < 1e-6);
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1); got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0; got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // P(T > t) = 1 − p is decreasing in t: bracket, then bisect.
  const target = 1 - p;
  let lo = 0;
  let hi = 1;
  while (studentTUpper(hi, df) > target && hi < 1e12) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTUpper(mid, df) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A two-sided t confidence interval for a mean (or a mean paired difference).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { meanInterval, type MeanInterval } from "./stats.ts";
 * const ci: MeanInterval | null = meanInterval([1, 3]);
 * equal(ci?.n, 2);
 * ```
 */
export interface MeanInterval {
  /** Number of values. */
  readonly n: number;
  /** Their mean. */
  readonly mean: number;
  /** Their sample standard deviation. */
  readonly std: number;
  /** Half-width: t_{n−1, (1+level)/2} · std / √n. */
  readonly halfWidth: number;
  /** mean − halfWidth. */
  readonly low: number;
  /** mean + halfWidth. */
  readonly high: number;
}

/**
 * The `level` (default 0.95) two-sided Student-t interval of the mean of
 * `xs`; `null` for fewer than two values (no spread to estimate). Applied to
 * paired differences `a_i − b_i` it is the paired-t interval.
 *
 * @throws {RangeError} if level ∉ (0, 1).
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { meanInterval } from "./stats.ts";
 * const ci = meanInterval([0.02, 0.04, 0.03])!;
 * ok(Math.abs(ci.halfWidth - 4.302653 * 0.01 / Math.sqrt(3)) < 1e-6);
 * equal(meanInterval([0.5]), null);
 * ```
 */
export function meanInterval(xs: readonly number[], level = 0.95): MeanInterval | null {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`meanInterval: level must be in (0, 1); got ${level}`);
  }
  const n = xs.length;
  if (n < 2) return null;
  const m = mean(xs);
  const s = sampleStd(xs);
  const halfWidth = studentTQuantile((1 + level) / 2, n - 1) * s / Math.sqrt(n);
  return { n, mean: m, std: s, halfWidth, low: m - halfWidth, high: m + halfWidth };
}

/**
 * Smallest number of pairs `n ≥ 2` whose `level` t-interval would exclude 0
 * for a true mean difference `meanDifference` and paired std `std`, i.e.
 * `t_{n−1, (1+level)/2} · std / √n < |meanDifference|`; `null` when no
 * `n ≤ limit` does (including a zero difference).
 *
 * @throws {RangeError} if std < 0 or limit < 2.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { seedsToDecide } from "./stats.ts";
 * equal(seedsToDecide(0.01, 0.01), 7); // t_{6,0.975} = 2.447; 2.447/√7 = 0.925 < 1
 * equal(seedsToDecide(0, 0.01), null);
 * ```
 */
export function seedsToDecide(
  meanDifference: number,
  std: number,
  level = 0.95,
  limit = 1_000_000,
): number | null {
  if (!(std >= 0)) throw new RangeError(`seedsToDecide: std must be >= 0; got ${std}`);
  if (!(limit >= 2)) throw new RangeError(`seedsToDecide: limit must be >= 2; got ${limit}`);
  const d = Math.abs(meanDifference);
  if (!(d > 0)) return null;
  const ok = (n: number) => studentTQuantile((1 + level) / 2, n - 1) * std / Math.sqrt(n) < d;
  if (ok(2)) return 2;
  if (!ok(limit)) return null;
  // ok(n) is monotone in n: bisect between a failing lo and a passing hi.
  let lo = 2;
  let hi = limit;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
