/**
 * Which plots a track or a reproduction gets, from the leaderboard data:
 *
 * - per track: test accuracy per record (mean, interval, seeds) and the
 *   at-init Jacobian singular values per record;
 * - per reproduction, over tracks that differ only in density: accuracy vs
 *   density, gradient norm and logits std at init vs density;
 * - over tracks that differ only in depth: accuracy vs depth and the Jacobian
 *   singular values per depth;
 * - measure cells: generation time vs kernel size (log–log).
 *
 * A cross-track plot is drawn only when its x axis has at least two values.
 *
 * @module
 */

import { canonicalJson } from "../cell/mod.ts";
import {
  initTimePlot,
  jacobianPlot,
  trackAccuracyPlot,
  trendPlot,
  type TrendPoint,
} from "./plots.ts";
import type { BoardRecord, Leaderboard, TrackInfo } from "./schema.ts";

/**
 * A rendered figure with its heading.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Figure } from "./figures.ts";
 * const f: Figure = { title: "accuracy vs density", svg: "<figure></figure>" };
 * equal(f.title.length > 0, true);
 * ```
 */
export interface Figure {
  /** Heading shown above the plot. */
  readonly title: string;
  /** The figure's HTML (from plots.ts). */
  readonly svg: string;
}

function _recordsOf(board: Leaderboard, track: TrackInfo): BoardRecord[] {
  const byId = new Map(board.records.map((r) => [r.id, r]));
  return track.records.map((id) => byId.get(id)).filter((r): r is BoardRecord => r !== undefined);
}

function _label(r: BoardRecord): string {
  return r.submitted ? `${r.label} [submitted]` : r.label;
}

/**
 * The plots of one track.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLeaderboard } from "./aggregate.ts";
 * import { trackFigures } from "./figures.ts";
 * const board = buildLeaderboard({ specs: [], sources: [] });
 * equal(board.tracks.length, 0);
 * equal(typeof trackFigures, "function");
 * ```
 */
export function trackFigures(board: Leaderboard, track: TrackInfo): Figure[] {
  const recs = _recordsOf(board, track).map((r) => ({ ...r, label: _label(r) }));
  const out: Figure[] = [];
  const acc = trackAccuracyPlot(recs, board.metric.divergedAs);
  if (acc !== null && !track.initOnly) out.push({ title: "Test accuracy per method", svg: acc });
  const jac = jacobianPlot(recs.map((r) => ({
    label: r.label,
    depth: track.config.depth,
    min: r.atInit.jacobianMin,
    mean: r.atInit.jacobianMean,
    max: r.atInit.jacobianMax,
  })));
  if (jac !== null) out.push({ title: "Jacobian singular values at initialization", svg: jac });
  if (acc !== null && track.initOnly) {
    out.push({ title: "Test accuracy per method (after at most one step)", svg: acc });
  }
  return out;
}

function _groups(
  tracks: readonly TrackInfo[],
  without: "density" | "depth",
): { title: string; tracks: TrackInfo[] }[] {
  const m = new Map<string, { title: string; tracks: TrackInfo[] }>();
  for (const t of tracks) {
    const { [without]: _drop, ...config } = t.config;
    const key = canonicalJson({ config, budget: t.budget });
    if (!m.has(key)) {
      const title = t.title.split(" · ").filter((p) =>
        without === "density" ? !p.startsWith("density ") : !/^(mlp|cnn) /.test(p)
      ).join(" · ");
      m.set(key, {
        title: without === "depth"
          ? `${t.config.architecture} ×${t.config.width} · ${title}`
          : title,
        tracks: [],
      });
    }
    m.get(key)!.tracks.push(t);
  }
  return [...m.values()].filter((g) => new Set(g.tracks.map((t) => t.config[without])).size > 1);
}

function _points(
  board: Leaderboard,
  tracks: readonly TrackInfo[],
  x: (t: TrackInfo) => number,
  y: (r: BoardRecord) => { y: number | null; lo: number | null; hi: number | null },
): TrendPoint[] {
  const out: TrendPoint[] = [];
  for (const t of tracks) {
    for (const r of _recordsOf(board, t)) {
      const v = y(r);
      if (v.y === null) continue;
      out.push({ series: _label(r), x: x(t), y: v.y, lo: v.lo, hi: v.hi });
    }
  }
  return out;
}

const _acc = (r: BoardRecord) => ({
  y: r.testAccuracy.mean,
  lo: r.testAccuracy.ci95?.[0] ?? null,
  hi: r.testAccuracy.ci95?.[1] ?? null,
});

/**
 * The cross-track plots of one reproduction (see the module doc).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { buildLeaderboard } from "./aggregate.ts";
 * import { reproductionFigures } from "./figures.ts";
 * deepEqual(reproductionFigures(buildLeaderboard({ specs: [], sources: [] }), "none"), []);
 * ```
 */
export function reproductionFigures(board: Leaderboard, reproduction: string | null): Figure[] {
  const tracks = board.tracks.filter((t) => t.reproduction === reproduction);
  const out: Figure[] = [];
  for (const g of _groups(tracks, "density")) {
    const trained = g.tracks.filter((t) => !t.initOnly);
    const acc = trendPlot(_points(board, trained, (t) => t.config.density, _acc), {
      xLabel: "requested density (fraction of weights kept, log scale)",
      yLabel: "test accuracy (fraction correct)",
      xLog: true,
      yLog: false,
      clip01: true,
      caption: "Dots: mean over seeds; bars: 95% Student-t interval (clipped to [0, 1]).",
    });
    if (acc !== null) out.push({ title: `Accuracy vs density — ${g.title}`, svg: acc });
    const grad = trendPlot(
      _points(board, g.tracks, (t) => t.config.density, (r) => ({
        y: r.atInit.gradientNorm,
        lo: null,
        hi: null,
      })),
      {
        xLabel: "requested density (fraction of weights kept, log scale)",
        yLabel: "gradient norm at init (‖∂L/∂W‖₂, log scale)",
        xLog: true,
        yLog: true,
        caption: "Mean over seeds of the norm of the masked loss gradient before training.",
      },
    );
    if (grad !== null) {
      out.push({ title: `Gradient norm at init vs density — ${g.title}`, svg: grad });
    }
    const logits = trendPlot(
      _points(board, g.tracks, (t) => t.config.density, (r) => ({
        y: r.atInit.logitsStd,
        lo: null,
        hi: null,
      })),
      {
        xLabel: "requested density (fraction of weights kept, log scale)",
        yLabel: "std of the logits at init (log scale)",
        xLog: true,
        yLog: true,
        caption:
          "Mean over seeds of the standard deviation of all logits of a batch before training.",
      },
    );
    if (logits !== null) {
      out.push({ title: `Logits std at init vs density — ${g.title}`, svg: logits });
    }
  }
  for (const g of _groups(tracks, "depth")) {
    const trained = g.tracks.filter((t) => !t.initOnly);
    const acc = trendPlot(_points(board, trained, (t) => t.config.depth, _acc), {
      xLabel: "depth (hidden layers)",
      yLabel: "test accuracy (fraction correct)",
      xLog: false,
      yLog: false,
      clip01: true,
      caption: "Dots: mean over seeds; bars: 95% Student-t interval (clipped to [0, 1]).",
    });
    if (acc !== null) out.push({ title: `Accuracy vs depth — ${g.title}`, svg: acc });
    const rows = g.tracks.flatMap((t) =>
      _recordsOf(board, t).map((r) => ({
        label: _label(r),
        depth: t.config.depth,
        min: r.atInit.jacobianMin,
        mean: r.atInit.jacobianMean,
        max: r.atInit.jacobianMax,
      }))
    );
    const jac = jacobianPlot(rows);
    if (jac !== null) {
      out.push({ title: `Jacobian singular values at init per depth — ${g.title}`, svg: jac });
    }
  }
  const time = initTimePlot(board.measures.filter((m) => m.reproduction === reproduction));
  if (time !== null) out.push({ title: "Initialization time vs kernel size", svg: time });
  return out;
}
