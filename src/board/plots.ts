/**
 * The leaderboard's plots, rendered to static SVG when the site is built
 * (Observable Plot on a linkedom document; no JavaScript in the page). Every
 * plot has axis labels with units, a legend and a caption saying what the
 * marks are. Text reaches the SVG through DOM text nodes, so linkedom's
 * serializer escapes it.
 *
 * Each function returns the HTML of one `<figure>` (legend swatches, the
 * `<svg>` with the `xmlns` linkedom leaves out, and a caption), or `null`
 * when there is nothing to draw.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import type { BoardRecord, MeasureRecord } from "./schema.ts";

const _SVG_NS = "http://www.w3.org/2000/svg";

/** What this module needs of a DOM node: its serialization. */
interface _Node {
  readonly outerHTML: string;
}

function _document(): unknown {
  const win = parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown as {
    document: unknown;
  };
  return win.document;
}

function _serialize(node: _Node): string {
  const html = node.outerHTML;
  // linkedom drops the SVG namespace attribute; standalone viewers need it.
  return html.replace(/<svg(?![^>]*\bxmlns=)/g, `<svg xmlns="${_SVG_NS}"`);
}

function _render(options: Plot.PlotOptions): string {
  const node = Plot.plot({
    ...options,
    document: _document() as Plot.PlotOptions["document"],
    style: { fontSize: "12px", background: "white", color: "#222" },
  }) as unknown as _Node;
  return _serialize(node);
}

/** Left margin wide enough for the longest label (≈ 6.6 px per character at 12 px). */
function _marginFor(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  return Math.min(360, Math.max(80, Math.ceil(longest * 6.6) + 16));
}

/** Log-axis tick labels: plain decimals in [0.001, 10⁴), else 1e−7 style. */
function _logTick(d: number): string {
  const a = Math.abs(d);
  if (a === 0) return "0";
  if (a >= 1e-3 && a < 1e4) return String(Number(d.toPrecision(3)));
  return d.toExponential(0).replace("e-", "e−").replace("e+", "e");
}

const _clip01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * The ranking plot of one track: each record's mean test accuracy with its
 * 95% interval (clipped to [0, 1]) and every seed's value.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { trackAccuracyPlot } from "./plots.ts";
 * const rec = { label: "eoi (uniform)", testAccuracy: { n: 2, mean: 0.8, std: 0.01, ci95: [0.7, 0.9] },
 *   seeds: [0, 1], values: [0.79, 0.81], divergedSeeds: [] } as never;
 * ok(trackAccuracyPlot([rec], 0.1)!.includes("<svg xmlns="));
 * equal(trackAccuracyPlot([], 0.1), null);
 * ```
 */
export function trackAccuracyPlot(
  records: readonly Pick<
    BoardRecord,
    "label" | "testAccuracy" | "seeds" | "values" | "divergedSeeds"
  >[],
  divergedAs: number,
): string | null {
  const withValues = records.filter((r) => r.testAccuracy.mean !== null);
  if (withValues.length === 0) return null;
  const kMean = "mean ± 95% CI";
  const kSeed = "one seed";
  const kDiv = `diverged seed (counted as ${divergedAs})`;
  const means = withValues.map((r) => ({
    label: r.label,
    x: r.testAccuracy.mean!,
    lo: r.testAccuracy.ci95 === null ? null : _clip01(r.testAccuracy.ci95[0]),
    hi: r.testAccuracy.ci95 === null ? null : _clip01(r.testAccuracy.ci95[1]),
    kind: kMean,
  }));
  const seeds = withValues.flatMap((r) =>
    r.seeds.map((s, i) => ({
      label: r.label,
      x: r.values[i],
      kind: r.divergedSeeds.includes(s) ? kDiv : kSeed,
    }))
  );
  const xs = [
    ...seeds.map((p) => p.x),
    ...means.flatMap((m) => [m.lo ?? m.x, m.hi ?? m.x]),
  ];
  const pad = 0.02;
  const domain = [Math.max(0, Math.min(...xs) - pad), Math.min(1, Math.max(...xs) + pad)];
  const labels = withValues.map((r) => r.label);
  const hasDiverged = seeds.some((p) => p.kind === kDiv);
  return _render({
    width: 600,
    height: 44 + 26 * labels.length + 56,
    marginLeft: _marginFor(labels),
    marginRight: 24,
    marginBottom: 48,
    x: {
      domain,
      label: "test accuracy (fraction correct) →",
      labelAnchor: "center",
      labelOffset: 38,
      grid: true,
    },
    y: { domain: labels, label: null },
    color: {
      legend: true,
      domain: hasDiverged ? [kMean, kSeed, kDiv] : [kMean, kSeed],
      range: hasDiverged ? ["#1f4e99", "#7a7a7a", "#c0392b"] : ["#1f4e99", "#7a7a7a"],
    },
    marks: [
      Plot.ruleY(means.filter((m) => m.lo !== null), {
        y: "label",
        x1: "lo",
        x2: "hi",
        stroke: "kind",
        strokeWidth: 2,
      }),
      Plot.dot(seeds, { x: "x", y: "label", stroke: "kind", r: 3.5, strokeWidth: 1.2 }),
      Plot.dot(means, {
        x: "x",
        y: "label",
        fill: "kind",
        r: 5,
        title: (d) => `${d.label}: ${d.x}`,
      }),
    ],
    caption:
      "Filled dot: mean over seeds; bar: its 95% Student-t interval (clipped to [0, 1]; none with one seed); circles: the seeds.",
  });
}

/**
 * One point of an accuracy-vs-x line: a record's mean and interval at x.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TrendPoint } from "./plots.ts";
 * const p: TrendPoint = { series: "eoi", x: 0.1, y: 0.8, lo: 0.7, hi: 0.9 };
 * equal(p.series, "eoi");
 * ```
 */
export interface TrendPoint {
  /** Legend entry (the record's label). */
  readonly series: string;
  /** x value (density, depth, …). */
  readonly x: number;
  /** Mean. */
  readonly y: number;
  /** Lower end of the 95% interval, if any. */
  readonly lo: number | null;
  /** Upper end, if any. */
  readonly hi: number | null;
}

/**
 * Options of {@linkcode trendPlot}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TrendOptions } from "./plots.ts";
 * const o: TrendOptions = { xLabel: "density", yLabel: "accuracy", xLog: true, yLog: false, caption: "c" };
 * equal(o.xLog, true);
 * ```
 */
export interface TrendOptions {
  /** x-axis label with its unit. */
  readonly xLabel: string;
  /** y-axis label with its unit. */
  readonly yLabel: string;
  /** Logarithmic x axis. */
  readonly xLog: boolean;
  /** Logarithmic y axis (non-positive values are dropped and counted in the caption). */
  readonly yLog: boolean;
  /** What the marks are. */
  readonly caption: string;
  /** Clip intervals to [0, 1] (accuracies). */
  readonly clip01?: boolean;
}

/**
 * A line per series of means against x, with interval bars.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { trendPlot } from "./plots.ts";
 * const o = { xLabel: "density", yLabel: "accuracy", xLog: true, yLog: false, caption: "c" };
 * ok(trendPlot([{ series: "eoi", x: 0.1, y: 0.8, lo: null, hi: null }], o)!.includes("density"));
 * equal(trendPlot([], o), null);
 * ```
 */
export function trendPlot(points: readonly TrendPoint[], options: TrendOptions): string | null {
  const kept = options.yLog ? points.filter((p) => p.y > 0) : [...points];
  if (kept.length === 0) return null;
  const dropped = points.length - kept.length;
  const clip = (v: number | null) =>
    v === null ? null : options.clip01 === true ? _clip01(v) : options.yLog && v <= 0 ? null : v;
  const bars = kept.map((p) => ({ ...p, lo: clip(p.lo), hi: clip(p.hi) }))
    .filter((p) => p.lo !== null && p.hi !== null);
  const series = [...new Set(kept.map((p) => p.series))].sort();
  const sorted = [...kept].sort((a, b) =>
    a.series < b.series ? -1 : a.series > b.series ? 1 : a.x - b.x
  );
  const caption = dropped > 0
    ? `${options.caption} ${dropped} point(s) ≤ 0 are not drawn on the log scale.`
    : options.caption;
  return _render({
    width: 600,
    height: 360,
    marginLeft: 64,
    marginRight: 28,
    marginBottom: 48,
    x: {
      type: options.xLog ? "log" : "linear",
      label: `${options.xLabel} →`,
      labelAnchor: "center",
      labelOffset: 38,
      grid: true,
      ...(options.xLog ? { tickFormat: _logTick, ticks: 6 } : {}),
    },
    y: {
      type: options.yLog ? "log" : "linear",
      label: `↑ ${options.yLabel}`,
      grid: true,
      ...(options.yLog ? { tickFormat: _logTick, ticks: 6 } : {}),
    },
    color: { legend: true, domain: series },
    marks: [
      Plot.line(sorted, { x: "x", y: "y", stroke: "series", z: "series", strokeOpacity: 0.8 }),
      Plot.ruleX(bars, { x: "x", y1: "lo", y2: "hi", stroke: "series", strokeWidth: 1.5 }),
      Plot.dot(sorted, {
        x: "x",
        y: "y",
        fill: "series",
        r: 4,
        title: (d: TrendPoint) => `${d.series}: ${d.y} at ${d.x}`,
      }),
    ],
    caption,
  });
}

/**
 * The at-init Jacobian singular values per record (and depth, faceted when
 * there are several): min–max bar, mean dot, on a log scale.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { jacobianPlot } from "./plots.ts";
 * const rec = { label: "eoi", depth: 6, min: 0.5, mean: 1, max: 1.5 };
 * ok(jacobianPlot([rec])!.includes("singular value"));
 * equal(jacobianPlot([{ ...rec, min: null, mean: null, max: null }]), null);
 * ```
 */
export function jacobianPlot(
  rows: readonly {
    readonly label: string;
    readonly depth: number;
    readonly min: number | null;
    readonly mean: number | null;
    readonly max: number | null;
  }[],
): string | null {
  const pts: { label: string; depth: number; stat: string; v: number }[] = [];
  let dropped = 0;
  for (const r of rows) {
    for (const [stat, v] of [["min", r.min], ["mean", r.mean], ["max", r.max]] as const) {
      if (v === null) continue;
      if (v > 0) pts.push({ label: r.label, depth: r.depth, stat, v });
      else dropped++;
    }
  }
  if (pts.length === 0) return null;
  const labels = [...new Set(rows.map((r) => r.label))];
  const depths = [...new Set(rows.map((r) => r.depth))].sort((a, b) => a - b);
  const ranges = rows.filter((r) => r.min !== null && r.max !== null && r.min > 0 && r.max > 0)
    .map((r) => ({ label: r.label, depth: r.depth, lo: r.min!, hi: r.max! }));
  const statDomain = ["min", "mean", "max"];
  const caption = "Mean over seeds of the smallest, mean and largest singular value of the " +
    "input–output Jacobian at initialization (1 = isometry); bar from min to max." +
    (dropped > 0
      ? ` ${dropped} value(s) ≤ 0 (no signal path) are not drawn on the log scale.`
      : "");
  return _render({
    width: 600,
    height: 44 + 26 * labels.length * Math.max(1, depths.length) + 64,
    marginLeft: _marginFor(labels),
    marginRight: 24,
    marginBottom: 48,
    x: {
      type: "log",
      label: "singular value of the Jacobian at init (log scale) →",
      labelAnchor: "center",
      labelOffset: 38,
      grid: true,
      tickFormat: _logTick,
      ticks: 6,
    },
    y: { domain: labels, label: null },
    fy: depths.length > 1 ? { label: "depth (hidden layers)", domain: depths } : undefined,
    color: { legend: true, domain: statDomain, range: ["#2e86c1", "#111111", "#c0392b"] },
    marks: [
      Plot.ruleY(ranges, {
        y: "label",
        x1: "lo",
        x2: "hi",
        fy: depths.length > 1 ? "depth" : undefined,
        stroke: "#999",
      }),
      Plot.dot(pts, {
        x: "v",
        y: "label",
        fy: depths.length > 1 ? "depth" : undefined,
        fill: "stat",
        r: 4,
        title: (d: { label: string; stat: string; v: number }) => `${d.label} ${d.stat}: ${d.v}`,
      }),
    ],
    caption,
  });
}

/**
 * Generation time against kernel size, log–log, one line per method and
 * density (measure cells of kind `timing`).
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { initTimePlot } from "./plots.ts";
 * const m = { measure: "timing", method: "eoi", density: 0.1, entries: 65536,
 *   seconds: { n: 1, mean: 0.001, std: 0, ci95: null } } as never;
 * ok(initTimePlot([m])!.includes("seconds"));
 * equal(initTimePlot([]), null);
 * ```
 */
export function initTimePlot(
  measures: readonly Pick<
    MeasureRecord,
    "measure" | "method" | "density" | "entries" | "seconds"
  >[],
): string | null {
  const pts: TrendPoint[] = [];
  for (const m of measures) {
    if (m.measure !== "timing" || m.seconds === null || m.seconds.mean === null) continue;
    pts.push({
      series: `${m.method} at density ${m.density}`,
      x: m.entries,
      y: m.seconds.mean,
      lo: m.seconds.ci95?.[0] ?? null,
      hi: m.seconds.ci95?.[1] ?? null,
    });
  }
  return trendPlot(pts, {
    xLabel: "kernel entries (in × out, log scale)",
    yLabel: "seconds per generation (median of repeats, log scale)",
    xLog: true,
    yLog: true,
    caption:
      "Each dot: the mean over seeds of the median generation time of one kernel; bars: 95% interval when there are 2+ seeds.",
  });
}
