/**
 * The comparison report: where a user's method ranks in each track, its
 * paired difference to every entry, and Holm-corrected counts over tracks,
 * as data (`report.json`, schema `sparse-init-compare` version 1) and as
 * Markdown (`report.md`, also printed).
 *
 * The data comes from the board's aggregation (`buildLeaderboard`: records,
 * competition ranks, per-seed values with a diverged run counted as chance)
 * and the decisions from `outcomes.ts`:
 *
 * - per track and entry: the paired difference `user − entry`, its 95%
 *   paired-t interval, P(beats) (posterior under the paired-t model) and the
 *   count of seeds where the user's method is higher, and the outcome
 *   (`beats` / `loses` only when the interval excludes 0; `tied` within
 *   ±margin; else `inconclusive` with the seeds a decision would need);
 * - over tracks: in each track the user's method against the track's best
 *   other entry, two-sided paired-t p-values Holm-corrected over the tracks
 *   (family-wise α = 0.05): a **win** or **loss** where the corrected test
 *   rejects, a **tie** where it does not and the pair is tied, otherwise
 *   **inconclusive**; and the same per baseline method over the tracks it
 *   appears in.
 *
 * @module
 */

import type { BoardRecord, Leaderboard, RowProvenance } from "../board/mod.ts";
import { jobKey } from "../cell/mod.ts";
import type { StoredRow } from "../store/mod.ts";
import type { MethodDescription } from "./contract.ts";
import { comparePair, holm, type PairComparison, type PairOutcome } from "./outcomes.ts";
import type { ComparisonPlan, SkippedTrack } from "./plan.ts";
import type { RunVersions } from "./versions.ts";

/**
 * The `schema` field of report.json.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { COMPARE_SCHEMA } from "./report.ts";
 * equal(COMPARE_SCHEMA, "sparse-init-compare");
 * ```
 */
export const COMPARE_SCHEMA = "sparse-init-compare";

/**
 * The version of report.json this code writes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { COMPARE_SCHEMA_VERSION } from "./report.ts";
 * equal(COMPARE_SCHEMA_VERSION, 1);
 * ```
 */
export const COMPARE_SCHEMA_VERSION = 1;

/** Family-wise error rate of the Holm-corrected counts. */
const _ALPHA = 0.05;

/**
 * A Holm-corrected outcome over tracks.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TrackOutcome } from "./report.ts";
 * const o: TrackOutcome = "tie";
 * equal(o, "tie");
 * ```
 */
export type TrackOutcome = "win" | "tie" | "inconclusive" | "loss";

/**
 * The user's method against one entry of a track.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EntryComparison } from "./report.ts";
 * const label = (e: Pick<EntryComparison, "label">) => e.label;
 * equal(label({ label: "eoi (uniform)" }), "eoi (uniform)");
 * ```
 */
export interface EntryComparison {
  /** The entry's board label (method, allocation, varying settings). */
  readonly label: string;
  /** The entry's method. */
  readonly method: string;
  /** The entry's board record id. */
  readonly record: string;
  /** The entry's rank in the track (with the user's method in it). */
  readonly rank: number | null;
  /** The entry's mean test accuracy. */
  readonly mean: number | null;
  /** The entry's seeds. */
  readonly seeds: readonly number[];
  /** The paired comparison (user − entry). */
  readonly comparison: PairComparison;
}

/**
 * One compared track.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TrackReport } from "./report.ts";
 * const of = (t: Pick<TrackReport, "rank" | "entries">) => `${t.rank} of ${t.entries}`;
 * equal(of({ rank: 2, entries: 5 }), "2 of 5");
 * ```
 */
export interface TrackReport {
  /** The board's track id. */
  readonly id: string;
  /** The reproduction. */
  readonly reproduction: string;
  /** The board's title. */
  readonly title: string;
  /** The user's record id on the board. */
  readonly record: string | null;
  /** The user's competition rank (1 = best mean); `null` without a value. */
  readonly rank: number | null;
  /** Records in the track with a value, the user's included. */
  readonly entries: number;
  /** The user's test accuracy over seeds. */
  readonly user: {
    readonly n: number;
    readonly mean: number | null;
    readonly std: number | null;
    readonly ci95: readonly [number, number] | null;
    readonly seeds: readonly number[];
    readonly values: readonly number[];
    readonly divergedSeeds: readonly number[];
    readonly failedSeeds: readonly number[];
  };
  /** The user's cell config's variant (the baseline fields it copied). */
  readonly variant: Readonly<Record<string, unknown>>;
  /** Against every other entry, in the track's rank order. */
  readonly versus: readonly EntryComparison[];
  /** The track's best other entry (the headline comparison), or `null`. */
  readonly best: string | null;
  /** The headline comparison, Holm-corrected over tracks. */
  readonly holm: {
    readonly p: number | null;
    readonly adjusted: number | null;
    readonly outcome: TrackOutcome;
  } | null;
  /** Baseline runs the baselines' source lacks (or holds as failed): method and seeds. */
  readonly missingBaselines: readonly {
    readonly method: string;
    readonly seeds: readonly number[];
  }[];
}

/**
 * Win/tie/inconclusive/loss counts of a Holm family.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Counts } from "./report.ts";
 * const c: Counts = { tests: 2, win: 1, tie: 0, inconclusive: 1, loss: 0 };
 * equal(c.win + c.tie + c.inconclusive + c.loss, 2);
 * ```
 */
export interface Counts {
  /** Comparisons with a p-value (the family size of the correction). */
  readonly tests: number;
  /** Holm-rejected with the user's method higher. */
  readonly win: number;
  /** Not rejected, and tied within the margin. */
  readonly tie: number;
  /** Neither (comparisons without a p-value included). */
  readonly inconclusive: number;
  /** Holm-rejected with the user's method lower. */
  readonly loss: number;
}

/**
 * The whole report (report.json).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CompareReport } from "./report.ts";
 * const schema = (r: Pick<CompareReport, "schema">) => r.schema;
 * equal(schema({ schema: "sparse-init-compare" }), "sparse-init-compare");
 * ```
 */
export interface CompareReport {
  /** `"sparse-init-compare"`. */
  readonly schema: string;
  /** 1. */
  readonly version: number;
  /** The user's method as described, with the defaults applied. */
  readonly method: MethodDescription & {
    readonly scoredWith: string;
    readonly scoredWithDefault: boolean;
  };
  /** The module: its path and the digest of its bundled files. */
  readonly module: { readonly path: string; readonly digest: string };
  /** How the module ran. */
  readonly isolation: { readonly bwrap: boolean; readonly reason: string | null };
  /** The preset whose tracks were compared. */
  readonly preset: string;
  /** Where the baselines came from. */
  readonly baselines: {
    readonly source: "reference" | "rerun";
    readonly store: string;
    readonly provenance: RowProvenance;
  };
  /** The versions this run used. */
  readonly versions: RunVersions;
  /** What the statistics are. */
  readonly statistics: {
    readonly confidenceLevel: number;
    readonly tieMargin: number;
    readonly holmAlpha: number;
    readonly pBeats: string;
    readonly divergedAs: number;
  };
  /** Compared tracks. */
  readonly tracks: readonly TrackReport[];
  /** Tracks not compared, with the reason. */
  readonly skipped: readonly SkippedTrack[];
  /** Over tracks, against each track's best other entry. */
  readonly overTracks: Counts;
  /** Per baseline method, over the tracks it appears in. */
  readonly byMethod: readonly ({ readonly method: string } & Counts)[];
  /** Pairs the user's method beats (95% interval above 0), largest difference first. */
  readonly wins: readonly {
    readonly track: string;
    readonly entry: string;
    readonly difference: number;
  }[];
  /** Pairs it loses (95% interval below 0), largest difference first. */
  readonly losses: readonly {
    readonly track: string;
    readonly entry: string;
    readonly difference: number;
  }[];
  /** Wall-clock seconds of the whole comparison. */
  readonly wallSeconds: number;
}

/**
 * What {@linkcode compareReport} is built from.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ReportInput } from "./report.ts";
 * const margin = (i: Pick<ReportInput, "margin">) => i.margin;
 * equal(margin({ margin: 0.01 }), 0.01);
 * ```
 */
export interface ReportInput {
  /** The board built from the baselines and the user's rows (as a submission). */
  readonly board: Leaderboard;
  /** The plan that was run. */
  readonly plan: ComparisonPlan;
  /** The user's method. */
  readonly method: CompareReport["method"];
  /** The module. */
  readonly module: CompareReport["module"];
  /** The isolation. */
  readonly isolation: CompareReport["isolation"];
  /** Where the baselines came from. */
  readonly baselines: CompareReport["baselines"];
  /** The baseline rows the board was built from (to name the runs they lack). */
  readonly baselineRows: readonly StoredRow[];
  /** The versions of this run. */
  readonly versions: RunVersions;
  /** The tie margin of `comparePair`. */
  readonly margin: number;
  /** Wall-clock seconds. */
  readonly wallSeconds: number;
}

/** The rank-ordered entry label for a method + ablation, as families group them. */
function _family(r: BoardRecord): string {
  const ablation = r.variant.ablation;
  return ablation === undefined || ablation === "none" ? r.method : `${r.method} (${ablation})`;
}

function _outcome(c: PairComparison, rejected: boolean): TrackOutcome {
  if (rejected) return (c.meanDifference ?? 0) > 0 ? "win" : "loss";
  return c.outcome === "tied" ? "tie" : "inconclusive";
}

function _count(items: readonly { c: PairComparison }[]): {
  counts: Counts;
  outcomes: TrackOutcome[];
  p: (number | null)[];
  adjusted: (number | null)[];
} {
  const p = items.map((i) => i.c.pTwoSided);
  const h = holm(p, _ALPHA);
  const outcomes = items.map((i, k) => _outcome(i.c, h.rejected[k]));
  const n = (o: TrackOutcome) => outcomes.filter((x) => x === o).length;
  return {
    counts: {
      tests: h.tests,
      win: n("win"),
      tie: n("tie"),
      inconclusive: n("inconclusive"),
      loss: n("loss"),
    },
    outcomes,
    p,
    adjusted: [...h.adjusted],
  };
}

/**
 * Builds the report (see the module doc for every rule).
 *
 * @throws {RangeError} if a planned track is missing from the board.
 * @example An empty comparison
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLeaderboard } from "../board/mod.ts";
 * import { compareReport } from "./report.ts";
 * const board = buildLeaderboard({ specs: [], sources: [] });
 * const report = compareReport({
 *   board, plan: { preset: "quick", tracks: [], skipped: [] }, margin: 0.01, wallSeconds: 0,
 *   method: { name: "m", description: "d", kinds: ["dense"], takesMask: true,
 *     scoredWith: "pruned-kaiming", scoredWithDefault: true },
 *   module: { path: "m.ts", digest: "0" }, isolation: { bwrap: false, reason: "off" },
 *   baselines: { source: "reference", store: "leaderboard/results.db", provenance: board.provenance },
 *   baselineRows: [],
 *   versions: { backend: "cpu", tfjsVersion: "4.22.0", denoVersion: "2", v8Version: "1", resultsVersion: 1 },
 * });
 * equal(report.overTracks.tests, 0);
 * ```
 */
export function compareReport(input: ReportInput): CompareReport {
  const { board, plan, method } = input;
  const recordsByTrack = new Map<string, BoardRecord[]>();
  for (const r of board.records) {
    const list = recordsByTrack.get(r.track) ?? [];
    list.push(r);
    recordsByTrack.set(r.track, list);
  }
  const have = new Set(
    input.baselineRows.filter((r) => r.status !== "failed").map((r) => jobKey(r.cellId, r.seed)),
  );
  const drafts = plan.tracks.map((t) => {
    const info = board.tracks.find((x) => x.id === t.id);
    if (info === undefined) {
      throw new RangeError(`compareReport: planned track ${t.id} is not on the board`);
    }
    const records = recordsByTrack.get(t.id) ?? [];
    const user = records.find((r) => r.submitted && r.method === method.name);
    const others = records.filter((r) => r !== user && r.testAccuracy.mean !== null);
    const versus: EntryComparison[] = user === undefined || user.testAccuracy.mean === null
      ? []
      : others.map((r) => ({
        label: r.label,
        method: r.method,
        record: r.id,
        rank: r.rank,
        mean: r.testAccuracy.mean,
        seeds: r.seeds,
        comparison: comparePair(user, r, input.margin),
      }));
    const missing = new Map<string, number[]>();
    for (const j of t.baselineJobs.filter((j) => !have.has(jobKey(j.id, j.seed)))) {
      const c = j.cell.config as unknown as Record<string, unknown>;
      const label = c.ablation === undefined || c.ablation === "none"
        ? String(c.method)
        : `${c.method} (${c.ablation})`;
      missing.set(label, [...(missing.get(label) ?? []), j.seed]);
    }
    return { t, info, user, versus, missing };
  });

  const headline = drafts.filter((d) => d.versus.length > 0);
  const over = _count(headline.map((d) => ({ c: d.versus[0].comparison })));
  const holmOf = new Map(headline.map((d, k) => [d.t.id, k]));

  const families = new Map<string, { c: PairComparison }[]>();
  for (const d of drafts) {
    for (const v of d.versus) {
      const rec = board.records.find((r) => r.id === v.record)!;
      const f = _family(rec);
      families.set(f, [...(families.get(f) ?? []), { c: v.comparison }]);
    }
  }
  const byMethod = [...families.entries()].sort((a, b) => a[0] < b[0] ? -1 : 1)
    .map(([m, items]) => ({ method: m, ...(_count(items).counts) }));

  const pairs = (want: PairOutcome) =>
    drafts.flatMap((d) =>
      d.versus.filter((v) => v.comparison.outcome === want).map((v) => ({
        track: d.t.id,
        entry: v.label,
        difference: v.comparison.meanDifference!,
      }))
    ).sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference));

  const tracks: TrackReport[] = drafts.map((d) => {
    const u = d.user;
    const k = holmOf.get(d.t.id);
    return {
      id: d.t.id,
      reproduction: d.t.reproduction,
      title: d.info.title,
      record: u?.id ?? null,
      rank: u?.rank ?? null,
      entries: (recordsByTrack.get(d.t.id) ?? []).filter((r) => r.testAccuracy.mean !== null)
        .length,
      user: {
        n: u?.testAccuracy.n ?? 0,
        mean: u?.testAccuracy.mean ?? null,
        std: u?.testAccuracy.std ?? null,
        ci95: u?.testAccuracy.ci95 ?? null,
        seeds: u?.seeds ?? [],
        values: u?.values ?? [],
        divergedSeeds: u?.divergedSeeds ?? [],
        failedSeeds: u?.failedSeeds ?? [],
      },
      variant: u?.variant ?? {},
      versus: d.versus,
      best: d.versus[0]?.label ?? null,
      holm: k === undefined
        ? null
        : { p: over.p[k], adjusted: over.adjusted[k], outcome: over.outcomes[k] },
      missingBaselines: [...d.missing.entries()].map(([m, seeds]) => ({ method: m, seeds })),
    };
  });

  return {
    schema: COMPARE_SCHEMA,
    version: COMPARE_SCHEMA_VERSION,
    method,
    module: input.module,
    isolation: input.isolation,
    preset: plan.preset,
    baselines: input.baselines,
    versions: input.versions,
    statistics: {
      confidenceLevel: 0.95,
      tieMargin: input.margin,
      holmAlpha: _ALPHA,
      pBeats:
        "posterior probability that the mean paired difference (user − entry) is positive under " +
        "the paired-t model with a flat prior on the mean and on log σ: P(T_{n−1} < m·√n/s) = 1 − " +
        "the one-sided paired-t p-value (1, 0 or 0.5 by the sign of m when s = 0)",
      divergedAs: board.metric.divergedAs,
    },
    tracks,
    skipped: plan.skipped,
    overTracks: over.counts,
    byMethod,
    wins: pairs("beats"),
    losses: pairs("loses"),
    wallSeconds: input.wallSeconds,
  };
}
