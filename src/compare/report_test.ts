import { deepEqual, equal, ok } from "node:assert/strict";
import { buildLeaderboard } from "../board/mod.ts";
import { canonicalJson, type Job, RESULTS_VERSION } from "../cell/mod.ts";
import { loadReproductions } from "../grid/mod.ts";
import type { StoredRow } from "../store/mod.ts";
import { reportMarkdown } from "./markdown.ts";
import { type ComparisonPlan, planComparison } from "./plan.ts";
import { type CompareReport, compareReport } from "./report.ts";

const REPRO = new URL("./testdata/ranking/reproductions/", import.meta.url).pathname;
const SPECS = await loadReproductions([], REPRO);
const METHOD = {
  name: "mine",
  description: "A method of the test.",
  kinds: ["dense", "conv"],
  takesMask: true,
} as const;
const PROVENANCE = {
  backend: "wasm",
  tfjsVersion: "4.22.0",
  denoVersion: "2.9.6",
  v8Version: "15",
  os: "linux",
  arch: "x86_64",
};

function row(job: Job, testAccuracy: number): StoredRow {
  return {
    cellId: job.id,
    seed: job.seed,
    kind: "train",
    status: "ok",
    message: null,
    config: JSON.parse(canonicalJson(job.cell.config)),
    result: { status: "ok", testAccuracy, provenance: PROVENANCE },
    wallSeconds: 1,
    gitCommit: "test",
    machine: {},
    resultsVersion: RESULTS_VERSION,
    finishedAt: "2026-01-01T00:00:00.000Z",
  } as unknown as StoredRow;
}

/**
 * The fixture's three tracks with made-up accuracies: every baseline of a
 * track gets `baseline[method][seed]`, the user's method `user[track][seed]`.
 */
function build(
  user: readonly (readonly number[])[],
): { plan: ComparisonPlan; report: CompareReport } {
  const plan = planComparison({
    specs: SPECS,
    preset: "quick",
    method: METHOD,
    referenceRows: [],
    rerunBaselines: true,
  });
  equal(plan.tracks.length, 3);
  const baseline: Record<string, readonly number[]> = {
    "pruned-kaiming": [0.5, 0.5, 0.5],
    "eoi": [0.7, 0.7, 0.7],
    "fan-in-scaled": [0.8, 0.81, 0.8], // the best of track 0
    "pruned-orthogonal": [0.4, 0.45, 0.4], // below pruned-kaiming in track 1
  };
  const rows = plan.tracks.flatMap((t) =>
    t.baselineJobs.map((j) => {
      const m = (j.cell.config as { method: string }).method;
      return row(j, baseline[m][j.seed]);
    })
  );
  const userRows = plan.tracks.flatMap((t, k) => t.userJobs.map((j) => row(j, user[k][j.seed])));
  const board = buildLeaderboard({
    specs: SPECS,
    sources: [
      { name: "results.db", kind: "store", rows, corrupt: [] },
      {
        name: "compare/mine",
        kind: "submission",
        rows: userRows,
        corrupt: [],
        method: { name: "mine", description: "d", paper: null, url: null },
      },
    ],
  });
  const report = compareReport({
    board,
    plan,
    margin: 0.01,
    wallSeconds: 1,
    method: { ...METHOD, scoredWith: "pruned-kaiming", scoredWithDefault: true },
    module: { path: "mine.ts", digest: "ab".repeat(32) },
    isolation: { bwrap: true, reason: null },
    baselines: { source: "rerun", store: "baselines.db", provenance: board.provenance },
    baselineRows: rows,
    versions: { ...PROVENANCE, resultsVersion: RESULTS_VERSION },
  });
  return { plan, report };
}

Deno.test("compareReport: ranks, every entry compared, Holm over tracks: a clear win, an uncorrected-significant but corrected-inconclusive track, a tie", () => {
  // Track 0 vs fan-in-scaled [0.8, 0.81, 0.8]: d = [0.1, 0.11, 0.11] (s ≈ 0.0058): p ≈ 0.001.
  // Track 1 vs pruned-kaiming 0.5: d = [0.1, 0.15, 0.2]: t = 5.196 (df 2), p = 2·(1 − t/√(t² + 2))/2
  //   = 0.0351 < 0.05 (its interval excludes 0) but 3 · 0.0351 > 0.05 would fail first place;
  //   it is second: 2 · 0.0351 = 0.0702 > 0.05, so Holm does not reject it.
  // Track 2 (CNN) vs pruned-kaiming 0.5: equal values → tied.
  const { report } = build([[0.9, 0.92, 0.91], [0.6, 0.65, 0.7], [0.5, 0.5, 0.5]]);
  const [a, b, c] = report.tracks;
  equal(a.rank, 1);
  equal(a.entries, 4);
  deepEqual(a.versus.map((v) => v.method), ["fan-in-scaled", "eoi", "pruned-kaiming"]);
  ok(a.versus.every((v) => v.comparison.outcome === "beats"));
  equal(a.holm?.outcome, "win");
  ok(a.holm!.adjusted! < 0.05 && a.holm!.adjusted === Number((3 * a.holm!.p!).toPrecision(12)));

  equal(b.rank, 1);
  equal(b.best, "pruned-kaiming (snip)");
  const t = 0.15 / (0.05 / Math.sqrt(3));
  const p = 1 - t / Math.sqrt(t * t + 2);
  ok(Math.abs(b.holm!.p! - p) < 1e-9, `${b.holm!.p} vs ${p}`);
  equal(b.versus[0].comparison.outcome, "beats"); // uncorrected: the interval excludes 0
  ok(Math.abs(b.holm!.adjusted! - 2 * p) < 1e-9);
  equal(b.holm?.outcome, "inconclusive"); // corrected: not rejected, and not within ±0.01

  equal(c.rank, 1); // shares rank 1 with pruned-kaiming
  equal(c.entries, 2);
  equal(c.holm?.outcome, "tie");
  equal(c.holm?.adjusted, 1);

  deepEqual(report.overTracks, { tests: 3, win: 1, tie: 1, inconclusive: 1, loss: 0 });
  const pk = report.byMethod.find((m) => m.method === "pruned-kaiming")!;
  // pruned-kaiming in three tracks: p ≈ 0 (track 0), 0.0351, 1 → Holm: 3·p0, 2·0.0351 > 0.05, 1.
  deepEqual(pk, { method: "pruned-kaiming", tests: 3, win: 1, tie: 1, inconclusive: 1, loss: 0 });
  equal(report.losses.length, 0);
  equal(report.wins[0].entry, "pruned-kaiming (uniform)"); // the largest difference first
  equal(report.wins.length, 5); // 3 in track 0, 2 in track 1 (both baselines), none in track 2
});

Deno.test("compareReport: losses are named, with the largest difference first, and the Markdown says so", () => {
  const { report } = build([[0.3, 0.31, 0.3], [0.5, 0.5, 0.5], [0.2, 0.21, 0.2]]);
  equal(report.tracks[0].rank, 4);
  equal(report.tracks[0].holm?.outcome, "loss");
  equal(report.tracks[2].holm?.outcome, "loss");
  equal(report.tracks[1].holm?.outcome, "tie"); // equal to pruned-kaiming on every seed
  deepEqual(report.overTracks, { tests: 3, win: 0, tie: 1, inconclusive: 0, loss: 2 });
  equal(report.losses[0].entry, "fan-in-scaled (uniform)");
  const md = reportMarkdown(report);
  ok(md.includes("**0 wins, 1 tie, 0 inconclusive, 2 losses**"), md);
  ok(md.includes("Loses to (95% paired interval below 0, not corrected): fan-in-scaled (uniform)"));
  ok(md.includes("| fan-in-scaled (uniform) | 1 | 0.803 | −0.500 |"), md);
});

Deno.test("compareReport: a track where the method has one seed is inconclusive and not in the Holm family", () => {
  const { plan } = build([[0.9, 0.9, 0.9], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]);
  // Keep only seed 0 of the user's method in track 0.
  const rows = plan.tracks.flatMap((t) => t.baselineJobs.map((j) => row(j, 0.5)));
  const userRows = plan.tracks.flatMap((t, k) =>
    t.userJobs.filter((j) => k !== 0 || j.seed === 0).map((j) => row(j, 0.6))
  );
  const board = buildLeaderboard({
    specs: SPECS,
    sources: [
      { name: "results.db", kind: "store", rows, corrupt: [] },
      {
        name: "compare/mine",
        kind: "submission",
        rows: userRows,
        corrupt: [],
        method: { name: "mine", description: "d", paper: null, url: null },
      },
    ],
  });
  const report = compareReport({
    board,
    plan,
    margin: 0.01,
    wallSeconds: 1,
    method: { ...METHOD, scoredWith: "pruned-kaiming", scoredWithDefault: true },
    module: { path: "mine.ts", digest: "ab" },
    isolation: { bwrap: false, reason: "off" },
    baselines: { source: "rerun", store: "baselines.db", provenance: board.provenance },
    baselineRows: rows.filter((r) => r.seed !== 2 || r.config.method !== "eoi"),
    versions: { ...PROVENANCE, resultsVersion: RESULTS_VERSION },
  });
  deepEqual(report.tracks[0].missingBaselines, [{ method: "eoi", seeds: [2] }]);
  equal(report.tracks[1].missingBaselines.length, 0);
  equal(report.tracks[0].user.n, 1);
  equal(report.tracks[0].holm?.p, null);
  equal(report.tracks[0].holm?.outcome, "inconclusive");
  ok(/one shared seed/.test(report.tracks[0].versus[0].comparison.note));
  // Tracks 1 and 2: +0.1 on every seed (zero spread): p = 0 → wins; the family has 2 tests.
  equal(report.overTracks.tests, 2);
  equal(report.overTracks.win, 2);
});
