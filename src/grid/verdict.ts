/**
 * Computing a reproduction's verdict from stored rows, with the declarative
 * checks of `spec.ts`:
 *
 * - `best`: within each group, every config matching `best` beats every other
 *   config matching `among` (default: all others). Groups: rows sharing every
 *   config field except those named in `best`/`among`, or `groupBy` fields if
 *   given. `mean-greater` compares means over seeds; `paired-t` pairs seeds
 *   (same data order) and needs a one-sided p < `alpha` (default 0.05).
 *   With `distanceTo: t` the compared value is |metric − t|, lower better.
 * - `threshold`: within each group (default: each config), the mean/max/min
 *   over seeds (and configs) is above `above` and/or below `below`.
 * - `describe`: a table of mean ± std per group (default: per config); it
 *   never affects the verdict.
 * - `close`: each config matching `a` and its counterpart matching `b` (same
 *   config apart from the fields named in `a`/`b`) have means within `tolerance`.
 *
 * Each comparison needs `minSeeds` (default 2) values per side, else it is
 * "not enough seeds". A verdict is "holds" if every comparison holds, "does
 * not hold" if any comparison with enough seeds fails, "not enough seeds" if
 * none fails but some lack seeds, and "incomplete" whenever jobs of the grid
 * have no final row (not run, or failed) or a check found nothing to compare.
 * A reproduction whose checks are all `describe` tables tests nothing: its
 * verdict is "described".
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
import { mean, pairedTTest, sampleStd } from "./stats.ts";
import type { StoredRow } from "../store/mod.ts";

/**
 * A reproduction's overall verdict.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { evaluateVerdict, type Verdict } from "./verdict.ts";
 * const verdict: Verdict = evaluateVerdict([], [], 0).verdict;
 * equal(verdict, "holds"); // no checks, nothing missing
 * ```
 */
export type Verdict = "holds" | "does not hold" | "not enough seeds" | "incomplete" | "described";

/**
 * Outcome of one comparison. */
export type Outcome = "holds" | "fails" | "not enough seeds" | "info";

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
  /** The check's verdict (`describe` checks always hold). */
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
  /** The overall verdict. */
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
  if (comparisons.some((c) => c.outcome === "not enough seeds")) return "not enough seeds";
  return "holds";
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
              outcome: "not enough seeds",
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
              outcome: "not enough seeds",
              detail: `paired-t needs ${Math.max(2, minSeeds)} paired seeds; has ${n}`,
            });
          } else {
            const t = pairedTTest(
              paired.map((p) => sign * p.value),
              paired.map((p) => sign * cv.get(p.seed)!),
            );
            out.push({
              group: gl,
              left,
              right,
              outcome: t.p < alpha ? "holds" : "fails",
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
        outcome: "not enough seeds",
        detail: `needs ${minSeeds} values; has ${gp.length}`,
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
    if (left.n < minSeeds || right.n < minSeeds) {
      out.push({
        group,
        left,
        right,
        outcome: "not enough seeds",
        detail: `needs ${minSeeds} seeds per side; has ${left.n} and ${right.n}`,
      });
      continue;
    }
    const diff = Math.abs(left.mean - right.mean);
    out.push({
      group,
      left,
      right,
      outcome: diff <= check.tolerance ? "holds" : "fails",
      detail: `|diff| ${_fmt(diff)} <= ${check.tolerance}`,
    });
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
    verdict: check.kind === "describe" ? "holds" : _checkVerdict(comparisons),
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
  const vs = results.filter((r) => r.check.kind !== "describe").map((r) => r.verdict);
  const verdict: Verdict = missing > 0 || vs.includes("incomplete")
    ? "incomplete"
    : vs.includes("does not hold")
    ? "does not hold"
    : vs.includes("not enough seeds")
    ? "not enough seeds"
    : vs.length === 0 && results.length > 0
    ? "described"
    : "holds";
  return { verdict, checks: results, missing };
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
