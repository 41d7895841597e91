/**
 * Speed figures for CI: `deno bench --json` output in, ratios to each
 * group's in-run baseline out, in github-action-benchmark's
 * `customSmallerIsBetter` format, and a gate against a committed baseline.
 *
 * Absolute times drift on a shared machine; a benchmark's time divided by
 * its group's baseline measured in the same run (the array fill, dense QR,
 * the tfjs step) drifts much less. One CI figure is a statistic of each
 * run's ratio (the per-run statistic: `min` or `avg` over the iterations)
 * aggregated over k runs (`median` or `min`). Pure functions; the commands
 * are in `bench_main.ts`.
 *
 * @module
 */

/** Iteration statistics of one benchmark, nanoseconds (Deno 2.x `results[].ok`). */
export interface BenchStats {
  /** Iterations timed. */
  readonly n: number;
  /** Fastest iteration. */
  readonly min: number;
  /** Slowest iteration. */
  readonly max: number;
  /** Mean iteration. */
  readonly avg: number;
  /** 75th percentile. */
  readonly p75: number;
}

/**
 * One benchmark of a `deno bench --json` run.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BenchEntry } from "./bench_figures.ts";
 * const e: BenchEntry = { group: "g", name: "x", baseline: true,
 *   stats: { n: 1, min: 1, max: 1, avg: 1, p75: 1 } };
 * equal(e.baseline, true);
 * ```
 */
export interface BenchEntry {
  /** The benchmark's group (`null` when it has none). */
  readonly group: string | null;
  /** The benchmark's name. */
  readonly name: string;
  /** Whether it is its group's baseline. */
  readonly baseline: boolean;
  /** Its timings. */
  readonly stats: BenchStats;
}

/**
 * Parses the JSON `deno bench --json` prints (Deno 2.x:
 * `{ benches: [{ group, name, baseline, results: [{ ok: {n, min, …} }] }] }`).
 *
 * @throws {TypeError} naming the benchmark when one failed or the text is not
 *   that format.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseBenchJson } from "./bench_figures.ts";
 * const text = JSON.stringify({ benches: [{ group: "g", name: "a", baseline: true,
 *   results: [{ ok: { n: 3, min: 1, max: 3, avg: 2, p75: 2 } }] }] });
 * equal(parseBenchJson(text)[0].stats.avg, 2);
 * ```
 */
export function parseBenchJson(text: string): BenchEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`deno bench --json: not JSON (${(e as Error).message})`);
  }
  const benches = (data as { benches?: unknown })?.benches;
  if (!Array.isArray(benches)) {
    throw new TypeError("deno bench --json: no `benches` array in the output");
  }
  return benches.map((b: Record<string, unknown>) => {
    const name = String(b.name);
    const results = b.results as { ok?: BenchStats; failed?: unknown }[] | undefined;
    const ok = results?.[0]?.ok;
    if (ok === undefined) {
      throw new TypeError(
        `deno bench --json: benchmark ${JSON.stringify(name)} has no ok result (${
          JSON.stringify(results?.[0] ?? null).slice(0, 200)
        })`,
      );
    }
    const { n, min, max, avg, p75 } = ok;
    return {
      group: typeof b.group === "string" ? b.group : null,
      name,
      baseline: b.baseline === true,
      stats: { n, min, max, avg, p75 },
    };
  });
}

/** Per-run statistic of the iteration times a ratio is taken of. */
export type RunStatistic = "min" | "avg";

/**
 * How a figure is aggregated over the k runs of one CI measurement: the
 * `median` or the `min` of the per-run ratios, or `pooled-min`: each
 * benchmark's smallest statistic over the k runs divided by its baseline's
 * smallest (each side at its least disturbed run).
 */
export type Aggregate = "median" | "min" | "pooled-min";

/**
 * One benchmark's ratio to its group's baseline in one run.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Ratio } from "./bench_figures.ts";
 * const r: Ratio = { name: "g: a", baseline: "b", ratio: 0.5 };
 * equal(r.ratio, 0.5);
 * ```
 */
export interface Ratio {
  /** Figure name: `"<group>: <benchmark>"`. */
  readonly name: string;
  /** Name of the group's baseline benchmark. */
  readonly baseline: string;
  /** The benchmark's statistic over the baseline's. */
  readonly ratio: number;
}

/**
 * Each non-baseline benchmark's `statistic` divided by its group's
 * baseline's, in one run. Every benchmark must be in a group with exactly
 * one baseline (a group without one has nothing to be gated against).
 *
 * @throws {RangeError} naming the group or benchmark otherwise.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { type BenchEntry, groupRatios } from "./bench_figures.ts";
 * const s = (t: number) => ({ n: 1, min: t, max: t, avg: t, p75: t });
 * const run: BenchEntry[] = [
 *   { group: "g", name: "fill", baseline: true, stats: s(10) },
 *   { group: "g", name: "eoi", baseline: false, stats: s(5) },
 * ];
 * deepEqual(groupRatios(run, "min"), [{ name: "g: eoi", baseline: "fill", ratio: 0.5 }]);
 * ```
 */
export function groupRatios(run: readonly BenchEntry[], statistic: RunStatistic): Ratio[] {
  const byGroup = new Map<string, BenchEntry[]>();
  for (const e of run) {
    if (e.group === null) {
      throw new RangeError(
        `benchmark ${JSON.stringify(e.name)} has no group: put it in a group with a baseline`,
      );
    }
    byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), e]);
  }
  const out: Ratio[] = [];
  for (const [group, entries] of byGroup) {
    const baselines = entries.filter((e) => e.baseline);
    if (baselines.length !== 1) {
      throw new RangeError(
        `bench group ${JSON.stringify(group)} has ${baselines.length} baselines; it needs one ` +
          "(`baseline: true` on the benchmark the others are divided by)",
      );
    }
    const base = baselines[0];
    for (const e of entries) {
      if (e === base) continue;
      out.push({
        name: `${group}: ${e.name}`,
        baseline: base.name,
        ratio: e.stats[statistic] / base.stats[statistic],
      });
    }
  }
  return out;
}

/**
 * A CI figure: one benchmark's ratio aggregated over k runs.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Figure } from "./bench_figures.ts";
 * const f: Figure = { name: "g: a", baseline: "b", value: 0.5, runs: [0.5, 0.6, 0.4] };
 * equal(f.runs.length, 3);
 * ```
 */
export interface Figure {
  /** Figure name (see {@linkcode Ratio}). */
  readonly name: string;
  /** The group's baseline benchmark. */
  readonly baseline: string;
  /** The aggregated ratio (the gated value). */
  readonly value: number;
  /** The per-run ratios it was aggregated from. */
  readonly runs: readonly number[];
}

/**
 * Median of a non-empty list (mean of the two middle values for even length).
 *
 * @throws {RangeError} for an empty list.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { median } from "./bench_figures.ts";
 * equal(median([3, 1, 2]), 2);
 * equal(median([4, 1, 2, 3]), 2.5);
 * ```
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median of an empty list");
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Aggregates the ratios of k runs into one figure per benchmark, in the
 * first run's order.
 *
 * @throws {RangeError} if there are no runs, or a figure is missing from a run.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { aggregateRatios } from "./bench_figures.ts";
 * const r = (ratio: number) => [{ name: "g: a", baseline: "b", ratio }];
 * equal(aggregateRatios([r(3), r(1), r(2)], "median")[0].value, 2);
 * equal(aggregateRatios([r(3), r(1), r(2)], "min")[0].value, 1);
 * ```
 */
export function aggregateRatios(runs: readonly (readonly Ratio[])[], how: Aggregate): Figure[] {
  if (runs.length === 0) throw new RangeError("aggregateRatios: no runs");
  return runs[0].map((first) => {
    const values = runs.map((run, i) => {
      const r = run.find((x) => x.name === first.name);
      if (r === undefined) {
        throw new RangeError(`aggregateRatios: run ${i + 1} has no figure ${first.name}`);
      }
      return r.ratio;
    });
    const value = how === "median" ? median(values) : Math.min(...values);
    return { name: first.name, baseline: first.baseline, value, runs: values };
  });
}

/**
 * The CI figures of k raw runs under `method` (its `runs` is not used: every
 * run given is aggregated). `runs` of each figure holds the per-run ratios.
 *
 * @throws {RangeError} as {@linkcode groupRatios} and {@linkcode aggregateRatios}.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type BenchEntry, figuresOf } from "./bench_figures.ts";
 * const s = (t: number) => ({ n: 1, min: t, max: t, avg: t, p75: t });
 * const run = (b: number, a: number): BenchEntry[] => [
 *   { group: "g", name: "b", baseline: true, stats: s(b) },
 *   { group: "g", name: "a", baseline: false, stats: s(a) },
 * ];
 * const raw = [run(10, 10), run(20, 5)];
 * equal(figuresOf(raw, { statistic: "min", aggregate: "min", runs: 2 })[0].value, 0.25);
 * equal(figuresOf(raw, { statistic: "min", aggregate: "pooled-min", runs: 2 })[0].value, 0.5);
 * ```
 */
export function figuresOf(
  raw: readonly (readonly BenchEntry[])[],
  method: FigureMethod,
): Figure[] {
  const perRun = raw.map((r) => groupRatios(r, method.statistic));
  if (method.aggregate !== "pooled-min") return aggregateRatios(perRun, method.aggregate);
  const perRunFigures = aggregateRatios(perRun, "median");
  const pooled: BenchEntry[] = raw[0].map((e) => {
    const values = raw.map((r, i) => {
      const x = r.find((y) => y.group === e.group && y.name === e.name);
      if (x === undefined) {
        throw new RangeError(`figuresOf: run ${i + 1} has no benchmark ${e.group}: ${e.name}`);
      }
      return x.stats[method.statistic];
    });
    const v = Math.min(...values);
    return { ...e, stats: { ...e.stats, [method.statistic]: v } };
  });
  return groupRatios(pooled, method.statistic).map((r) => ({
    name: r.name,
    baseline: r.baseline,
    value: r.ratio,
    runs: perRunFigures.find((f) => f.name === r.name)!.runs,
  }));
}

/**
 * One entry of github-action-benchmark's `customSmallerIsBetter` file.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ActionEntry } from "./bench_figures.ts";
 * const e: ActionEntry = { name: "g: a", unit: "x baseline", value: 0.5 };
 * equal(e.unit, "x baseline");
 * ```
 */
export interface ActionEntry {
  /** Figure name. */
  readonly name: string;
  /** Always `"x baseline"`: the value is a ratio to the group's baseline. */
  readonly unit: string;
  /** The gated ratio. */
  readonly value: number;
  /** Spread of the per-run ratios, `"± x"` (half of max − min). */
  readonly range?: string;
  /** What the ratio is relative to and how it was aggregated. */
  readonly extra?: string;
}

/** How the CI figures are measured (recorded in the baseline file). */
export interface FigureMethod {
  /** Per-run statistic. */
  readonly statistic: RunStatistic;
  /** Aggregate over runs. */
  readonly aggregate: Aggregate;
  /** Runs per measurement (k). */
  readonly runs: number;
}

/**
 * The figures in `customSmallerIsBetter` format (`[{name, unit, value, range, extra}]`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { actionEntries } from "./bench_figures.ts";
 * const [e] = actionEntries([{ name: "g: a", baseline: "b", value: 0.5, runs: [0.4, 0.5, 0.6] }],
 *   { statistic: "min", aggregate: "median", runs: 3 });
 * equal(e.range, "± 0.1");
 * equal(e.unit, "x baseline");
 * ```
 */
export function actionEntries(figures: readonly Figure[], method: FigureMethod): ActionEntry[] {
  return figures.map((f) => ({
    name: f.name,
    unit: "x baseline",
    value: _round(f.value),
    range: `± ${_round((Math.max(...f.runs) - Math.min(...f.runs)) / 2)}`,
    extra: `ratio to "${f.baseline}" in the same run; ${method.statistic} per run, ` +
      `${method.aggregate} of ${f.runs.length} runs: ${f.runs.map(_round).join(", ")}`,
  }));
}

function _round(x: number): number {
  return Number(x.toPrecision(4));
}

/**
 * The committed baseline (`bench/baseline.json`): how the figures are
 * measured, the gate's thresholds (chosen from measured noise) and the
 * baseline value of every figure.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BaselineFile } from "./bench_figures.ts";
 * const b: BaselineFile = { version: 1, method: { statistic: "min", aggregate: "median", runs: 3 },
 *   sizes: [256], threshold: 0.25, thresholds: {}, figures: { "g: a": 0.5 }, measured: "" };
 * equal(b.threshold, 0.25);
 * ```
 */
export interface BaselineFile {
  /** Format version (1). */
  readonly version: 1;
  /** How the figures are measured. */
  readonly method: FigureMethod;
  /** `SPARSE_INIT_BENCH_SIZES` of the CI set. */
  readonly sizes: readonly number[];
  /** Default allowed relative increase of a ratio (0.25 = 25%). */
  readonly threshold: number;
  /** Per-figure thresholds overriding the default (figures measured noisier). */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Baseline value of every gated figure. */
  readonly figures: Readonly<Record<string, number>>;
  /** When, where and under which load the baseline was measured. */
  readonly measured: string;
  /** Where the thresholds come from (`bench:noise --write`: runs, measurements, load). */
  readonly thresholdsFrom?: string;
}

/**
 * Checks a parsed `bench/baseline.json`.
 *
 * @throws {TypeError} naming the field that is wrong.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { validateBaseline } from "./bench_figures.ts";
 * throws(() => validateBaseline({ version: 2 }), /version/);
 * ```
 */
export function validateBaseline(data: unknown): BaselineFile {
  const b = data as Partial<BaselineFile> | null;
  if (b === null || typeof b !== "object" || b.version !== 1) {
    throw new TypeError(`baseline: expected {"version": 1, …}; got version ${b?.version}`);
  }
  const m = b.method;
  if (
    m === undefined || !["min", "avg"].includes(m.statistic) ||
    !["median", "min", "pooled-min"].includes(m.aggregate) ||
    !(Number.isInteger(m.runs) && m.runs >= 1)
  ) {
    throw new TypeError(
      `baseline: method must be {statistic, aggregate, runs}; got ${JSON.stringify(m)}`,
    );
  }
  if (!(typeof b.threshold === "number" && b.threshold > 0)) {
    throw new TypeError(`baseline: threshold must be a positive number; got ${b.threshold}`);
  }
  for (const [k, v] of Object.entries({ ...b.figures, ...b.thresholds })) {
    if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new TypeError(`baseline: ${JSON.stringify(k)} must be a positive number; got ${v}`);
    }
  }
  if (b.figures === undefined || !Array.isArray(b.sizes)) {
    throw new TypeError("baseline: figures and sizes are required");
  }
  return { thresholds: {}, measured: "", ...b } as BaselineFile;
}

/**
 * A figure that got slower than its baseline allows.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Regression } from "./bench_figures.ts";
 * const r: Regression = { name: "g: a", baseline: 1, current: 1.5, change: 0.5, threshold: 0.25 };
 * equal(r.change, 0.5);
 * ```
 */
export interface Regression {
  /** Figure name. */
  readonly name: string;
  /** Baseline ratio. */
  readonly baseline: number;
  /** Measured ratio. */
  readonly current: number;
  /** current / baseline − 1. */
  readonly change: number;
  /** The allowed change. */
  readonly threshold: number;
}

/**
 * The gate's verdict.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GateReport } from "./bench_figures.ts";
 * const r: GateReport = { ok: true, rows: [], regressions: [], missing: [], added: [] };
 * equal(r.ok, true);
 * ```
 */
export interface GateReport {
  /** No regression and no baseline figure missing. */
  readonly ok: boolean;
  /** Every figure compared (name, baseline, current, change, threshold). */
  readonly rows: readonly Regression[];
  /** Figures above `baseline × (1 + threshold)`. */
  readonly regressions: readonly Regression[];
  /** Baseline figures the run did not produce (renamed or removed benchmarks). */
  readonly missing: readonly string[];
  /** Figures with no baseline yet (not gated until the baseline is updated). */
  readonly added: readonly string[];
}

/**
 * Compares measured figures with the baseline: a figure regresses when
 * `current > baseline × (1 + threshold)`; a baseline figure that was not
 * measured fails the gate too (update the baseline deliberately when a
 * benchmark is renamed or removed).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { gate } from "./bench_figures.ts";
 * const baseline = { version: 1, method: { statistic: "min", aggregate: "median", runs: 3 },
 *   sizes: [], threshold: 0.25, thresholds: {}, figures: { "g: a": 1 }, measured: "" } as const;
 * const fig = (value: number) => [{ name: "g: a", baseline: "b", value, runs: [value] }];
 * equal(gate(baseline, fig(1.2)).ok, true);
 * equal(gate(baseline, fig(1.3)).regressions[0].current, 1.3);
 * ```
 */
export function gate(baseline: BaselineFile, current: readonly Figure[]): GateReport {
  const rows: Regression[] = [];
  const missing: string[] = [];
  for (const [name, base] of Object.entries(baseline.figures)) {
    const f = current.find((x) => x.name === name);
    if (f === undefined) {
      missing.push(name);
      continue;
    }
    const threshold = baseline.thresholds[name] ?? baseline.threshold;
    rows.push({ name, baseline: base, current: f.value, change: f.value / base - 1, threshold });
  }
  const regressions = rows.filter((r) => r.change > r.threshold);
  const added = current.filter((f) => !(f.name in baseline.figures)).map((f) => f.name);
  return {
    ok: regressions.length === 0 && missing.length === 0,
    rows,
    regressions,
    missing,
    added,
  };
}

/**
 * The gate's report as text: every regression with its baseline figure,
 * new figure, change and threshold, then missing and new figures, then a
 * one-line verdict.
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { formatGateReport } from "./bench_figures.ts";
 * const r = { name: "g: a", baseline: 1, current: 1.5, change: 0.5, threshold: 0.25 };
 * match(formatGateReport({ ok: false, rows: [r], regressions: [r], missing: [], added: [] }),
 *   /REGRESSION g: a: baseline 1 x baseline, now 1.5 x baseline \(\+50\.0%; threshold \+25\.0%\)/);
 * ```
 */
export function formatGateReport(report: GateReport): string {
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%`;
  const lines: string[] = [];
  for (const r of report.regressions) {
    lines.push(
      `REGRESSION ${r.name}: baseline ${_round(r.baseline)} x baseline, now ${
        _round(r.current)
      } x baseline (${pct(r.change)}; threshold ${pct(r.threshold)})`,
    );
  }
  for (const m of report.missing) {
    lines.push(
      `MISSING ${m}: in bench/baseline.json but not measured (renamed or removed? ` +
        "update the baseline with `deno task bench:baseline`)",
    );
  }
  for (const a of report.added) {
    lines.push(`new ${a}: no baseline yet, not gated (\`deno task bench:baseline\` adds it)`);
  }
  const worst = [...report.rows].sort((a, b) => b.change - a.change)[0];
  lines.push(
    report.ok
      ? `speed gate: ok, ${report.rows.length} figures within their thresholds${
        worst === undefined
          ? ""
          : ` (largest change ${pct(worst.change)}: ${worst.name}, threshold ${
            pct(worst.threshold)
          })`
      }`
      : `speed gate: FAILED, ${report.regressions.length} of ${report.rows.length} figures regressed` +
        (report.missing.length > 0 ? `, ${report.missing.length} missing` : ""),
  );
  return lines.join("\n");
}

/**
 * Run-to-run noise of one figure under one measurement method.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FigureNoise } from "./bench_figures.ts";
 * const n: FigureNoise = { name: "g: a", samples: 10, median: 1, cv: 0.05, maxOverMin: 1.2 };
 * equal(n.samples, 10);
 * ```
 */
export interface FigureNoise {
  /** Figure name. */
  readonly name: string;
  /** How many CI measurements (groups of k runs) it is computed from. */
  readonly samples: number;
  /** Median figure over the measurements. */
  readonly median: number;
  /** Coefficient of variation (sample sd / mean). */
  readonly cv: number;
  /** Largest / smallest measurement: the worst change between two measurements. */
  readonly maxOverMin: number;
}

/**
 * Noise of every figure when one CI measurement is `method.runs`
 * consecutive raw runs: the raw runs are cut into disjoint groups of k,
 * each group gives one measurement, and the spread is taken over the
 * measurements.
 *
 * @throws {RangeError} if there are fewer than 2 groups.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type BenchEntry, figureNoise } from "./bench_figures.ts";
 * const s = (t: number) => ({ n: 1, min: t, max: t, avg: t, p75: t });
 * const run = (t: number): BenchEntry[] => [
 *   { group: "g", name: "b", baseline: true, stats: s(10) },
 *   { group: "g", name: "a", baseline: false, stats: s(t) },
 * ];
 * const [n] = figureNoise([run(5), run(10)], { statistic: "min", aggregate: "median", runs: 1 });
 * equal(n.maxOverMin, 2);
 * ```
 */
export function figureNoise(
  raw: readonly (readonly BenchEntry[])[],
  method: FigureMethod,
): FigureNoise[] {
  const k = method.runs;
  const groups = Math.floor(raw.length / k);
  if (groups < 2) {
    throw new RangeError(
      `figureNoise: ${raw.length} raw runs make ${groups} measurements of ${k}; need at least 2`,
    );
  }
  const measurements: Figure[][] = [];
  for (let g = 0; g < groups; g++) {
    measurements.push(figuresOf(raw.slice(g * k, (g + 1) * k), method));
  }
  return measurements[0].map((f) => {
    const xs = measurements.map((m) => m.find((x) => x.name === f.name)!.value);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    return {
      name: f.name,
      samples: xs.length,
      median: median(xs),
      cv: sd / mean,
      maxOverMin: Math.max(...xs) / Math.min(...xs),
    };
  });
}

/**
 * Threshold for one figure from its measured noise: `margin ×` the worst
 * change seen between two measurements (`maxOverMin − 1`), at least
 * `floor`, rounded up to a multiple of 5%.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { thresholdFromNoise } from "./bench_figures.ts";
 * equal(thresholdFromNoise(1.12, { margin: 1.5, floor: 0.1 }), 0.2);
 * equal(thresholdFromNoise(1.01, { margin: 1.5, floor: 0.1 }), 0.1);
 * ```
 */
export function thresholdFromNoise(
  maxOverMin: number,
  options: { readonly margin: number; readonly floor: number },
): number {
  const raw = Math.max(options.floor, options.margin * (maxOverMin - 1));
  return Math.ceil(raw * 20 - 1e-9) / 20;
}

/**
 * Baseline values from raw runs: the raw runs are cut into disjoint
 * measurements of `method.runs` (as CI takes them) and each figure's
 * baseline is its median over the measurements, so a baseline is not one
 * lucky or unlucky measurement.
 *
 * @throws {RangeError} if the runs make no full measurement.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { baselineFigures, type BenchEntry } from "./bench_figures.ts";
 * const s = (t: number) => ({ n: 1, min: t, max: t, avg: t, p75: t });
 * const run = (a: number): BenchEntry[] => [
 *   { group: "g", name: "b", baseline: true, stats: s(10) },
 *   { group: "g", name: "a", baseline: false, stats: s(a) },
 * ];
 * const raw = [run(10), run(30), run(20)];
 * deepEqual(baselineFigures(raw, { statistic: "min", aggregate: "median", runs: 1 }), { "g: a": 2 });
 * ```
 */
export function baselineFigures(
  raw: readonly (readonly BenchEntry[])[],
  method: FigureMethod,
): Record<string, number> {
  const k = method.runs;
  const groups = Math.floor(raw.length / k);
  if (groups < 1) {
    throw new RangeError(`baselineFigures: ${raw.length} raw runs make no measurement of ${k}`);
  }
  const measurements: Figure[][] = [];
  for (let g = 0; g < groups; g++) {
    measurements.push(figuresOf(raw.slice(g * k, (g + 1) * k), method));
  }
  return Object.fromEntries(
    measurements[0].map((f) => [
      f.name,
      Number(
        median(measurements.map((m) => m.find((x) => x.name === f.name)!.value)).toPrecision(4),
      ),
    ]),
  );
}

/**
 * Combines the gate's report on a first measurement with its report on a
 * second, independent one taken because the first flagged regressions: a
 * figure regresses only if it regressed in both (figures on a shared
 * machine swing by up to 2× between minutes; a real slowdown shows twice).
 * Missing baseline figures fail either way. Rows and values are the
 * second measurement's.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { confirmGate, gate } from "./bench_figures.ts";
 * const baseline = { version: 1, method: { statistic: "min", aggregate: "median", runs: 3 },
 *   sizes: [], threshold: 0.25, thresholds: {}, figures: { "g: a": 1, "g: b": 1 }, measured: "" } as const;
 * const fig = (a: number, b: number) => [
 *   { name: "g: a", baseline: "x", value: a, runs: [a] },
 *   { name: "g: b", baseline: "x", value: b, runs: [b] },
 * ];
 * const both = confirmGate(gate(baseline, fig(2, 2)), gate(baseline, fig(1.1, 1.9)));
 * equal(both.ok, false);
 * equal(both.regressions.map((r) => r.name).join(), "g: b");
 * equal(confirmGate(gate(baseline, fig(2, 1)), gate(baseline, fig(1, 2))).ok, true);
 * ```
 */
export function confirmGate(first: GateReport, second: GateReport): GateReport {
  const flagged = new Set(first.regressions.map((r) => r.name));
  const regressions = second.regressions.filter((r) => flagged.has(r.name));
  const missing = [...new Set([...first.missing, ...second.missing])];
  return {
    ok: regressions.length === 0 && missing.length === 0,
    rows: second.rows,
    regressions,
    missing,
    added: second.added,
  };
}
