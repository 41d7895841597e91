/**
 * Computing a reproduction's verdict from stored rows, with the declarative
 * checks of `spec.ts`:
 *
 * - `best`: within each group, every config matching `best` beats every other
 *   config matching `among` (default: all others). Groups: rows sharing every
 *   config field except those named in `best`/`among`, or `groupBy` fields if
 *   given. `paired` pairs seeds (same data order, split and subset for every
 *   method) and takes the 95% Student-t interval of the paired differences:
 *   above 0 holds, below 0 fails, containing 0 is inconclusive (with the
 *   number of seeds that would decide it at the observed mean and spread).
 *   `paired-t` is the one-sided paired t-test at `alpha` (default 0.05):
 *   significant holds, significant the other way fails, else inconclusive.
 *   `mean-greater` compares means over seeds (for deterministic measures).
 *   With `distanceTo: t` the compared value is |metric − t|, lower better.
 * - `threshold`: within each group (default: each config), the mean/max/min
 *   over seeds (and configs) is above `above` and/or below `below`; for the
 *   mean, the 95% interval of the mean decides (wholly on the claimed side
 *   holds, wholly on the other fails, else inconclusive).
 * - `describe`: a table of mean ± std per group (default: per config); it
 *   never affects the verdict.
 * - `close`: each config matching `a` and its counterpart matching `b` (same
 *   config apart from the fields named in `a`/`b`) differ by at most
 *   `tolerance`: the 95% interval of the seed-paired differences inside
 *   ±tolerance holds, wholly outside fails, else inconclusive.
 *
 * Each comparison needs `minSeeds` (default 2) values per side, else it is
 * inconclusive. Checks are tagged `paper` (default) or `extension`; a
 * reproduction's verdict is made of its `paper` checks only: "holds" if every
 * comparison holds, "does not hold" if any fails, "inconclusive" if none
 * fails but some are inconclusive, "incomplete" whenever jobs of the grid
 * have no final row (not run, or failed) or a check found nothing to
 * compare, and "described" when it has no paper check that tests anything
 * (only tables). Extensions are reported beside it ({@linkcode extensionLines}).
 *
 * @module
 */

import { canonicalJson } from "../cell/mod.ts";
import type {
  BestCheck,
  Check,
  CloseCheck,
  DescribeCheck,
  Filter,
  ThresholdCheck,
} from "./spec.ts";
import type { CheckTag } from "./spec.ts";
import { mean, meanInterval, pairedTTest, sampleStd, seedsToDecide } from "./stats.ts";
import type { StoredRow } from "../store/mod.ts";

/**
 * A reproduction's overall verdict.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { evaluateVerdict, type Verdict } from "./verdict.ts";
 * const verdict: Verdict = evaluateVerdict([], [], 0).verdict;
 * equal(verdict, "described"); // no check tests anything
 * ```
 */
export type Verdict = "holds" | "does not hold" | "inconclusive" | "incomplete" | "described";

/**
 * Outcome of one comparison. */
export type Outcome = "holds" | "fails" | "inconclusive" | "info";

/**
 * A 95% interval of a mean (of paired differences `left − right`, or of
 * values minus a bound), in the metric's own units and direction.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import type { Interval } from "./verdict.ts";
 * const iv: Interval = { n: 6, mean: -0.27, low: -0.35, high: -0.19 };
 * ok(iv.high < 0); // decided: the right side is better
 * ```
 */
export interface Interval {
  /** Number of values (paired seeds). */
  readonly n: number;
  /** The mean. */
  readonly mean: number;
  /** Lower end. */
  readonly low: number;
  /** Upper end. */
  readonly high: number;
}

/**
 * Mean ± std of one config (or group) over seeds. */
export interface Summary {
  /** Which config or group (its distinguishing fields). */
  readonly label: string;
  /** Number of values (seeds). */
  readonly n: number;
  /** Mean over the values. */
  readonly mean: number;
  /** Sample standard deviation of the values. */
  readonly std: number;
}

/**
 * One comparison inside a check. */
export interface Comparison {
  /** The group compared in (its shared fields). */
  readonly group: string;
  /** The side under test (e.g. the `best` config). */
  readonly left: Summary;
  /** The side it is compared with, if any. */
  readonly right?: Summary;
  /** Whether the comparison holds. */
  readonly outcome: Outcome;
  /** What was tested, e.g. `mean 0.91 > 0.88` or `p=0.003 < 0.05`. */
  readonly detail: string;
  /**
   * For interval tests: the 95% interval of `left − right` (paired by seed;
   * thresholds: of `left − bound`), in the metric's own units and direction.
   */
  readonly interval?: Interval;
  /**
   * For inconclusive interval tests: the number of seeds that would decide
   * it at the observed mean and spread (`null`: none would, e.g. a zero
   * difference, or no spread could be estimated).
   */
  readonly seedsNeeded?: number | null;
}

/**
 * One check's outcome.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type CheckResult, evaluateCheck } from "./verdict.ts";
 * const row = (cellId: string, method: string, seed: number, acc: number) => ({
 *   cellId, seed, kind: "train", status: "ok", message: null, config: { method }, result: { testAccuracy: acc },
 *   wallSeconds: 0, gitCommit: "x", machine: {}, resultsVersion: 1, finishedAt: "",
 * }) as const;
 * const rows = [row("a", "eoi", 0, 0.9), row("a", "eoi", 1, 0.92), row("b", "sao", 0, 0.8), row("b", "sao", 1, 0.85)];
 * const r: CheckResult = evaluateCheck({ kind: "threshold", metric: "testAccuracy", aggregate: "min", above: 0.5 }, rows);
 * equal(r.verdict, "holds");
 * equal(r.comparisons.length, 2); // one per config
 * ```
 */
export interface CheckResult {
  /** The check as written in the spec. */
  readonly check: Check;
  /** `paper` (part of the verdict) or `extension` (reported beside it). */
  readonly tag: CheckTag;
  /** The check's verdict (`describe` checks are always `described`). */
  readonly verdict: Verdict;
  /** Every comparison the check made. */
  readonly comparisons: readonly Comparison[];
}

/**
 * A reproduction's verdict with its evidence.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { evaluateVerdict, type VerdictReport } from "./verdict.ts";
 * const row = (cellId: string, method: string, seed: number, acc: number) => ({
 *   cellId, seed, kind: "train", status: "ok", message: null, config: { method }, result: { testAccuracy: acc },
 *   wallSeconds: 0, gitCommit: "x", machine: {}, resultsVersion: 1, finishedAt: "",
 * }) as const;
 * const rows = [row("a", "eoi", 0, 0.9), row("a", "eoi", 1, 0.92), row("b", "sao", 0, 0.8), row("b", "sao", 1, 0.85)];
 * const report: VerdictReport = evaluateVerdict(
 *   [{ kind: "best", metric: "testAccuracy", best: { method: "eoi" }, test: "mean-greater" }], rows, 1,
 * );
 * equal(report.verdict, "incomplete"); // one job of the grid has no row
 * equal(report.checks[0].verdict, "holds");
 * ```
 */
export interface VerdictReport {
  /** The overall verdict, from the `paper` checks only. */
  readonly verdict: Verdict;
  /** Each check's result, in spec order. */
  readonly checks: readonly CheckResult[];
  /** Jobs of the grid without a final row. */
  readonly missing: number;
}

/**
 * True if `config` matches every entry of `filter` (a value or a list of accepted values).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { matchesFilter } from "./verdict.ts";
 * equal(matchesFilter({ method: "eoi", density: 0.1 }, { method: ["eoi", "sao"], density: 0.1 }), true);
 * equal(matchesFilter({ method: "eoi" }, { method: "sao" }), false);
 * ```
 */
export function matchesFilter(
  config: Readonly<Record<string, unknown>>,
  filter: Filter | undefined,
): boolean {
  if (filter === undefined) return true;
  for (const [k, want] of Object.entries(filter)) {
    const have = config[k];
    if (Array.isArray(want) ? !want.includes(have as never) : have !== want) return false;
  }
  return true;
}

/**
 * A row's metric: a dotted path into its result; failed rows and non-numbers
 * give `undefined`; diverged rows give `divergedAs` when set.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { metricOf } from "./verdict.ts";
 * const row = { status: "ok", result: { atInit: { logitsStd: 0.7 } } } as const;
 * equal(metricOf(row, "atInit.logitsStd"), 0.7);
 * equal(metricOf({ status: "diverged", result: {} }, "testAccuracy", 0.1), 0.1);
 * ```
 */
export function metricOf(
  row: Pick<StoredRow, "status" | "result">,
  path: string,
  divergedAs?: number,
): number | undefined {
  if (row.status === "failed") return undefined;
  if (row.status === "diverged" && divergedAs !== undefined) return divergedAs;
  let v: unknown = row.result;
  for (const part of path.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

interface _Point {
  readonly cellId: string;
  readonly seed: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly value: number;
}

function _fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toFixed(4);
}

function _show(v: unknown): string {
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    if (o.kind === "dense") return `${o.inFeatures}x${o.outFeatures}`;
    if (o.kind === "conv") {
      return `${o.kernelHeight}x${o.kernelWidth}x${o.inChannels}x${o.outChannels}`;
    }
    return canonicalJson(v);
  }
  return String(v);
}

/** Fields whose values differ among the points (for labels). */
function _varying(points: readonly _Point[]): string[] {
  const vals = new Map<string, Set<string>>();
  for (const p of points) {
    for (const [k, v] of Object.entries(p.config)) {
      if (!vals.has(k)) vals.set(k, new Set());
      vals.get(k)!.add(canonicalJson(v ?? null));
    }
  }
  return [...vals.entries()].filter(([, s]) => s.size > 1).map(([k]) => k).sort();
}

function _label(config: Readonly<Record<string, unknown>>, fields: readonly string[]): string {
  return fields.map((f) => `${f}=${_show(config[f])}`).join(" ") || "(all)";
}

function _summ(points: readonly _Point[], label: string): Summary {
  const xs = points.map((p) => p.value);
  return { label, n: xs.length, mean: mean(xs), std: sampleStd(xs) };
}

function _byCell(points: readonly _Point[]): Map<string, _Point[]> {
  const m = new Map<string, _Point[]>();
  for (const p of points) {
    if (!m.has(p.cellId)) m.set(p.cellId, []);
    m.get(p.cellId)!.push(p);
  }
  return m;
}

function _groupKey(
  config: Readonly<Record<string, unknown>>,
  exclude: ReadonlySet<string>,
  groupBy?: readonly string[],
) {
  const o: Record<string, unknown> = {};
  if (groupBy !== undefined) { for (const k of groupBy) o[k] = config[k] ?? null; }
  else for (const [k, v] of Object.entries(config)) if (!exclude.has(k)) o[k] = v;
  return canonicalJson(o);
}

function _points(rows: readonly StoredRow[], check: Check): _Point[] {
  const out: _Point[] = [];
  for (const r of rows) {
    if (!matchesFilter(r.config, check.where)) continue;
    const raw = metricOf(r, check.metric, check.divergedAs);
    if (raw === undefined) continue;
    const value = check.kind === "best" && check.distanceTo !== undefined
      ? Math.abs(raw - check.distanceTo)
      : raw;
    out.push({ cellId: r.cellId, seed: r.seed, config: r.config, value });
  }
  return out;
}

function _checkVerdict(comparisons: readonly Comparison[]): Verdict {
  if (comparisons.length === 0) return "incomplete";
  if (comparisons.some((c) => c.outcome === "fails")) return "does not hold";
  if (comparisons.some((c) => c.outcome === "inconclusive")) return "inconclusive";
  return "holds";
}

/** Signed, formatted as `_fmt`. */
function _signed(x: number): string {
  return `${x >= 0 ? "+" : ""}${_fmt(x)}`;
}

/**
 * Decides `d` (oriented: positive favours the claim) by its 95% interval;
 * the reported interval is `sign ·` it (the metric's own direction).
 */
function _byInterval(
  d: readonly number[],
  sign: number,
  what: string,
): Pick<Comparison, "outcome" | "detail" | "interval" | "seedsNeeded"> {
  const ci = meanInterval(d);
  if (ci === null) {
    return {
      outcome: "inconclusive",
      detail: `${what}: ${d.length} paired seed(s); an interval needs at least 2`,
      seedsNeeded: null,
    };
  }
  const interval: Interval = sign > 0
    ? { n: ci.n, mean: ci.mean, low: ci.low, high: ci.high }
    : { n: ci.n, mean: -ci.mean, low: -ci.high, high: -ci.low };
  const text = `${what} ${_signed(interval.mean)} [${_fmt(interval.low)}, ${
    _fmt(interval.high)
  }] (95%, n=${ci.n})`;
  if (ci.low > 0) return { outcome: "holds", detail: text, interval };
  if (ci.high < 0) return { outcome: "fails", detail: text, interval };
  const need = seedsToDecide(ci.mean, ci.std);
  return {
    outcome: "inconclusive",
    detail: `${text} contains 0; ${
      need === null ? "no number of seeds decides it" : `≈${need} seeds would decide it`
    }`,
    interval,
    seedsNeeded: need,
  };
}

function _best(check: BestCheck, points: readonly _Point[]): Comparison[] {
  const contrast = new Set([...Object.keys(check.best), ...Object.keys(check.among ?? {})]);
  const minSeeds = check.minSeeds ?? 2;
  const sign = check.lowerIsBetter === true || check.distanceTo !== undefined ? -1 : 1;
  const alpha = check.alpha ?? 0.05;
  const relevant = points.filter((p) =>
    matchesFilter(p.config, check.best) || matchesFilter(p.config, check.among)
  );
  const labelFields = _varying(relevant);
  const groups = new Map<string, _Point[]>();
  for (const p of relevant) {
    const k = _groupKey(p.config, contrast, check.groupBy);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(p);
  }
  const out: Comparison[] = [];
  for (const gp of groups.values()) {
    const groupFields = check.groupBy ?? labelFields.filter((f) => !contrast.has(f));
    const gl = _label(gp[0].config, groupFields);
    const ownFields = labelFields.filter((f) => !groupFields.includes(f));
    const cells = _byCell(gp);
    const bests = [...cells.values()].filter((ps) => matchesFilter(ps[0].config, check.best));
    const others = [...cells.values()].filter((ps) =>
      !matchesFilter(ps[0].config, check.best) && matchesFilter(ps[0].config, check.among)
    );
    for (const b of bests) {
      for (const c of others) {
        const left = _summ(b, _label(b[0].config, ownFields));
        const right = _summ(c, _label(c[0].config, ownFields));
        const op = sign > 0 ? ">" : "<";
        if (check.test === "mean-greater") {
          if (left.n < minSeeds || right.n < minSeeds) {
            out.push({
              group: gl,
              left,
              right,
              outcome: "inconclusive",
              detail: `needs ${minSeeds} seeds per side; has ${left.n} and ${right.n}`,
            });
          } else {
            const ok = sign * (left.mean - right.mean) > 0;
            out.push({
              group: gl,
              left,
              right,
              outcome: ok ? "holds" : "fails",
              detail: `mean ${_fmt(left.mean)} ${op} ${_fmt(right.mean)}`,
            });
          }
        } else {
          const cv = new Map(c.map((p) => [p.seed, p.value]));
          const paired = b.filter((p) => cv.has(p.seed));
          const n = paired.length;
          if (n < Math.max(2, minSeeds)) {
            out.push({
              group: gl,
              left,
              right,
              outcome: "inconclusive",
              detail: `${check.test} needs ${
                Math.max(2, minSeeds)
              } paired seeds; has ${n} (seeds are paired across methods)`,
              seedsNeeded: null,
            });
          } else if (check.test === "paired") {
            const d = paired.map((p) => sign * (p.value - cv.get(p.seed)!));
            out.push({ group: gl, left, right, ..._byInterval(d, sign, "paired difference") });
          } else {
            const t = pairedTTest(
              paired.map((p) => sign * p.value),
              paired.map((p) => sign * cv.get(p.seed)!),
            );
            out.push({
              group: gl,
              left,
              right,
              outcome: t.p < alpha ? "holds" : 1 - t.p < alpha ? "fails" : "inconclusive",
              detail: `paired-t (${op}) n=${n} t=${_fmt(t.t)} p=${_fmt(t.p)} vs alpha=${alpha}`,
            });
          }
        }
      }
    }
  }
  return out;
}

/** Points grouped by the `groupBy` fields, or one group per cell when absent. */
function _groupPoints(
  points: readonly _Point[],
  groupBy: readonly string[] | undefined,
): Map<string, _Point[]> {
  const groups = new Map<string, _Point[]>();
  for (const p of points) {
    const k = groupBy === undefined ? p.cellId : _groupKey(p.config, new Set(), groupBy);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(p);
  }
  return groups;
}

function _threshold(check: ThresholdCheck, points: readonly _Point[]): Comparison[] {
  const minSeeds = check.minSeeds ?? 2;
  const labelFields = _varying(points);
  const groups = _groupPoints(points, check.groupBy);
  const out: Comparison[] = [];
  for (const gp of groups.values()) {
    const fields = check.groupBy ?? labelFields;
    const left = _summ(gp, _label(gp[0].config, fields));
    const xs = gp.map((p) => p.value);
    const agg = check.aggregate === "mean"
      ? left.mean
      : check.aggregate === "max"
      ? Math.max(...xs)
      : Math.min(...xs);
    const bounds = [
      check.above !== undefined ? `> ${check.above}` : "",
      check.below !== undefined ? `< ${check.below}` : "",
    ].filter((s) => s !== "").join(" and ");
    if (gp.length < minSeeds) {
      out.push({
        group: left.label,
        left,
        outcome: "inconclusive",
        detail: `needs ${minSeeds} values; has ${gp.length}`,
      });
      continue;
    }
    if (check.aggregate === "mean" && gp.length >= 2) {
      // The 95% interval of the mean against each bound: the worse side decides.
      const sides = [
        ...(check.above === undefined ? [] : [{ bound: check.above, sign: 1 }]),
        ...(check.below === undefined ? [] : [{ bound: check.below, sign: -1 }]),
      ].map((s) => ({
        ...s,
        r: _byInterval(xs.map((x) => s.sign * (x - s.bound)), s.sign, `mean − ${s.bound}`),
      }));
      const worst = sides.find((s) => s.r.outcome === "fails") ??
        sides.find((s) => s.r.outcome === "inconclusive") ?? sides[0];
      out.push({
        group: left.label,
        left,
        ...worst.r,
        detail: `mean ${_fmt(agg)} ${bounds}: ${worst.r.detail}`,
      });
      continue;
    }
    const ok = (check.above === undefined || agg > check.above) &&
      (check.below === undefined || agg < check.below);
    out.push({
      group: left.label,
      left,
      outcome: ok ? "holds" : "fails",
      detail: `${check.aggregate} ${_fmt(agg)} ${bounds}`,
    });
  }
  return out;
}

function _describe(check: DescribeCheck, points: readonly _Point[]): Comparison[] {
  const labelFields = _varying(points);
  const groups = _groupPoints(points, check.groupBy);
  return [...groups.values()].map((gp) => {
    const left = _summ(gp, _label(gp[0].config, check.groupBy ?? labelFields));
    return { group: left.label, left, outcome: "info" as const, detail: "reported, not tested" };
  });
}

function _close(check: CloseCheck, points: readonly _Point[]): Comparison[] {
  const minSeeds = check.minSeeds ?? 2;
  const contrast = new Set([...Object.keys(check.a), ...Object.keys(check.b)]);
  const labelFields = _varying(points);
  const cells = _byCell(points);
  const bs = new Map<string, _Point[]>();
  for (const ps of cells.values()) {
    if (matchesFilter(ps[0].config, check.b)) bs.set(_groupKey(ps[0].config, contrast), ps);
  }
  const out: Comparison[] = [];
  for (const ps of cells.values()) {
    if (!matchesFilter(ps[0].config, check.a)) continue;
    const key = _groupKey(ps[0].config, contrast);
    const other = bs.get(key);
    if (other === undefined) continue;
    const groupFields = labelFields.filter((f) => !contrast.has(f));
    const ownFields = labelFields.filter((f) => contrast.has(f));
    const left = _summ(ps, _label(ps[0].config, ownFields));
    const right = _summ(other, _label(other[0].config, ownFields));
    const group = _label(ps[0].config, groupFields);
    const ov = new Map(other.map((p) => [p.seed, p.value]));
    const d = ps.filter((p) => ov.has(p.seed)).map((p) => p.value - ov.get(p.seed)!);
    if (left.n < minSeeds || right.n < minSeeds || d.length < 2) {
      out.push({
        group,
        left,
        right,
        outcome: "inconclusive",
        detail: `needs ${
          Math.max(2, minSeeds)
        } paired seeds; has ${left.n} and ${right.n} (${d.length} paired)`,
        seedsNeeded: null,
      });
      continue;
    }
    const ci = meanInterval(d)!;
    const tol = check.tolerance;
    const interval: Interval = { n: ci.n, mean: ci.mean, low: ci.low, high: ci.high };
    const text = `paired difference ${_signed(ci.mean)} [${_fmt(ci.low)}, ${
      _fmt(ci.high)
    }] (95%, n=${ci.n}) within ±${tol}`;
    if (ci.low >= -tol && ci.high <= tol) {
      out.push({ group, left, right, outcome: "holds", detail: text, interval });
    } else if (ci.low > tol || ci.high < -tol) {
      out.push({ group, left, right, outcome: "fails", detail: text, interval });
    } else {
      const margin = Math.abs(ci.mean) < tol ? tol - Math.abs(ci.mean) : Math.abs(ci.mean) - tol;
      const need = seedsToDecide(margin, ci.std);
      out.push({
        group,
        left,
        right,
        outcome: "inconclusive",
        detail: `${text}: undecided; ${
          need === null ? "no number of seeds decides it" : `≈${need} seeds would decide it`
        }`,
        interval,
        seedsNeeded: need,
      });
    }
  }
  return out;
}

/**
 * Evaluates one check on rows.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { evaluateCheck } from "./verdict.ts";
 * const row = (cellId: string, method: string, seed: number, acc: number) => ({
 *   cellId, seed, kind: "train", status: "ok", message: null, config: { method }, result: { testAccuracy: acc },
 *   wallSeconds: 0, gitCommit: "x", machine: {}, resultsVersion: 1, finishedAt: "",
 * }) as const;
 * const rows = [row("a", "eoi", 0, 0.9), row("a", "eoi", 1, 0.92), row("b", "sao", 0, 0.8), row("b", "sao", 1, 0.85)];
 * const r = evaluateCheck({ kind: "best", metric: "testAccuracy", best: { method: "eoi" }, test: "mean-greater" }, rows);
 * equal(r.verdict, "holds");
 * ```
 */
export function evaluateCheck(check: Check, rows: readonly StoredRow[]): CheckResult {
  const points = _points(rows, check);
  const comparisons = check.kind === "best"
    ? _best(check, points)
    : check.kind === "threshold"
    ? _threshold(check, points)
    : check.kind === "describe"
    ? _describe(check, points)
    : _close(check, points);
  return {
    check,
    tag: check.tag ?? "paper",
    verdict: check.kind === "describe" ? "described" : _checkVerdict(comparisons),
    comparisons,
  };
}

/**
 * Evaluates every check; `missing` = jobs of the grid without a final row.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { evaluateVerdict } from "./verdict.ts";
 * const check = { kind: "threshold", metric: "x", aggregate: "max", below: 1 } as const;
 * equal(evaluateVerdict([check], [], 0).verdict, "incomplete");
 * ```
 */
export function evaluateVerdict(
  checks: readonly Check[],
  rows: readonly StoredRow[],
  missing: number,
): VerdictReport {
  const results = checks.map((c) => evaluateCheck(c, rows));
  const vs = results.filter((r) => r.check.kind !== "describe" && r.tag === "paper").map((r) =>
    r.verdict
  );
  const verdict: Verdict = missing > 0 || vs.includes("incomplete")
    ? "incomplete"
    : vs.length === 0
    ? "described"
    : vs.includes("does not hold")
    ? "does not hold"
    : vs.includes("inconclusive")
    ? "inconclusive"
    : "holds";
  return { verdict, checks: results, missing };
}

/**
 * One line per comparison of the report's `extension` checks, for printing
 * beside the verdict: which side is better and by how much, ± the 95%
 * paired interval's half-width, e.g. `EOI vs fan-in scaling
 * [activation=relu]: method=fan-in-scaled better by 0.2700 ± 0.0800 (95%
 * paired, n=6)`; an interval containing 0 is shown as the signed difference
 * with "inconclusive" and the seeds a decision would need.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { evaluateVerdict, extensionLines } from "./verdict.ts";
 * const row = (cellId: string, method: string, seed: number, acc: number) => ({
 *   cellId, seed, kind: "train", status: "ok", message: null, config: { method }, result: { testAccuracy: acc },
 *   wallSeconds: 0, gitCommit: "x", machine: {}, resultsVersion: 1, finishedAt: "",
 * }) as const;
 * const rows = [0, 1, 2].flatMap((s) => [row("a", "eoi", s, 0.6 + s / 100), row("b", "fis", s, 0.9 + s / 90)]);
 * const report = evaluateVerdict([{ kind: "best", tag: "extension", label: "EOI vs FIS", metric: "testAccuracy",
 *   best: { method: "eoi" }, among: { method: "fis" }, test: "paired" }], rows, 0);
 * equal(report.verdict, "described"); // no paper check
 * ok(extensionLines(report)[0].startsWith("EOI vs FIS: method=fis better by 0.30"));
 * ```
 */
export function extensionLines(report: VerdictReport): string[] {
  const out: string[] = [];
  for (const c of report.checks) {
    if (c.tag !== "extension" || c.check.kind === "describe") continue;
    const label = c.check.label ?? describeCheck(c.check);
    if (c.comparisons.length === 0) out.push(`${label}: no rows to compare`);
    for (const m of c.comparisons) {
      const where = m.group === "" || m.group === "(all)" || m.group === m.left.label
        ? ""
        : ` [${m.group}]`;
      const iv = m.interval;
      if (iv === undefined) {
        out.push(`${label}${where}: ${m.outcome} (${m.detail})`);
        continue;
      }
      const half = (iv.high - iv.low) / 2;
      const center = (iv.high + iv.low) / 2;
      const paired = `95% paired, n=${iv.n}`;
      if (m.outcome === "inconclusive" || m.right === undefined || c.check.kind === "close") {
        const need = m.seedsNeeded === undefined || m.seedsNeeded === null
          ? ""
          : `; ≈${m.seedsNeeded} seeds would decide`;
        const vs = m.right === undefined ? "" : ` ${m.left.label} − ${m.right.label}`;
        out.push(
          `${label}${where}:${vs} ${_signed(center)} ± ${
            _fmt(half)
          } (${paired}) → ${m.outcome}${need}`,
        );
        continue;
      }
      const lower = c.check.kind === "best" &&
        (c.check.lowerIsBetter === true || c.check.distanceTo !== undefined);
      const leftBetter = lower ? center < 0 : center > 0;
      out.push(
        `${label}${where}: ${leftBetter ? m.left.label : m.right.label} better by ${
          _fmt(Math.abs(center))
        } ± ${_fmt(half)} (${paired})`,
      );
    }
  }
  return out;
}

/**
 * What a check tests, in one line (used by the text report and the leaderboard).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { describeCheck } from "./verdict.ts";
 * equal(
 *   describeCheck({ kind: "threshold", metric: "orthogonalityError", aggregate: "max", below: 1e-5 }),
 *   "max orthogonalityError < 0.00001",
 * );
 * ```
 */
export function describeCheck(check: Check): string {
  const ck = check;
  return ck.kind === "best"
    ? `best ${JSON.stringify(ck.best)} by ${
      ck.distanceTo !== undefined
        ? `|${ck.metric} - ${ck.distanceTo}| (lower`
        : `${ck.metric} (${ck.lowerIsBetter === true ? "lower" : "higher"}`
    } is better, ${ck.test})`
    : ck.kind === "describe"
    ? `${ck.metric} (reported, not tested)`
    : ck.kind === "threshold"
    ? `${ck.aggregate} ${ck.metric}${ck.above !== undefined ? ` > ${ck.above}` : ""}${
      ck.below !== undefined ? ` < ${ck.below}` : ""
    }`
    : `${ck.metric}: ${JSON.stringify(ck.a)} ≈ ${JSON.stringify(ck.b)} within ${ck.tolerance}`;
}
