import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { canonicalJson, jobKey, RESULTS_VERSION } from "../cell/mod.ts";
import { trackId, trackKey } from "../board/mod.ts";
import { loadReproductions, validateReproduction } from "../grid/mod.ts";
import type { StoredRow } from "../store/mod.ts";
import { CompareInputError, planComparison } from "./plan.ts";

const REPRO = new URL("./testdata/ranking/reproductions/", import.meta.url).pathname;
const SPECS = await loadReproductions([], REPRO);
const BOTH = { name: "mine", description: "d", kinds: ["dense", "conv"], takesMask: true } as const;
const DENSE = { ...BOTH, kinds: ["dense"] } as const;

function spec(extra: Record<string, unknown>) {
  return validateReproduction({
    name: "t",
    title: "t",
    kind: "train",
    claim: { text: "c", source: "s" },
    axes: {
      datasets: ["synthetic"],
      architectures: ["mlp"],
      depths: [1],
      widths: [8],
      activations: ["tanh"],
      methods: ["fan-in-scaled"],
      allocations: ["snip"],
      densities: [0.5],
      ablations: ["shuffle-mask", "none"],
    },
    fixed: { weightVariance: 1.5, biasVariance: 0.01 },
    presets: {
      quick: { budget: { steps: 5, seeds: [0, 1] } },
      paper: { budget: { steps: 1, seeds: [0, 1, 2] } },
    },
    verdict: { checks: [{ kind: "describe", metric: "testAccuracy" }] },
    ...extra,
  }, "t.json");
}

Deno.test("planComparison: the user's cell copies the track's first un-ablated baseline, method replaced, with the preset's seeds", () => {
  const plan = planComparison({
    specs: [spec({})],
    preset: "quick",
    method: BOTH,
    referenceRows: [],
    rerunBaselines: true,
  });
  equal(plan.tracks.length, 1);
  const t = plan.tracks[0];
  equal(t.userConfig.method, "mine");
  equal(t.userConfig.ablation, "none");
  equal(t.userConfig.weightVariance, 1.5);
  equal(t.userConfig.biasVariance, 0.01);
  equal(t.userConfig.allocation, "snip");
  deepEqual(t.seeds, [0, 1]);
  deepEqual(t.userJobs.map((j) => j.seed), [0, 1]);
  equal(t.baselineJobs.length, 4); // two ablations × two seeds
  // The same track as the baselines: the board ranks the user's rows there.
  equal(trackKey(t.userConfig as never), t.key);
  equal(t.id, trackId("t", t.key));
  // --seeds replaces the preset's seeds for both.
  const other = planComparison({
    specs: [spec({})],
    preset: "quick",
    seeds: [4, 5, 6],
    method: BOTH,
    referenceRows: [],
    rerunBaselines: true,
  });
  deepEqual(other.tracks[0].userJobs.map((j) => j.seed), [4, 5, 6]);
});

Deno.test("planComparison leaves out init-only tracks, unsupported layer kinds and tracks the reference lacks, saying why", () => {
  const initOnly = planComparison({
    specs: [spec({})],
    preset: "paper",
    method: BOTH,
    referenceRows: [],
    rerunBaselines: true,
  });
  equal(initOnly.tracks.length, 0);
  ok(/init-only budget/.test(initOnly.skipped[0].reason));

  const dense = planComparison({
    specs: SPECS,
    preset: "quick",
    method: DENSE,
    referenceRows: [],
    rerunBaselines: true,
  });
  equal(dense.tracks.length, 2);
  equal(dense.skipped.length, 1);
  equal(dense.skipped[0].reason, "its cnn has conv layers; the method supports dense only");

  // Without re-running, only tracks with a reference row are kept, and their rows are found.
  const all = planComparison({
    specs: SPECS,
    preset: "quick",
    method: BOTH,
    referenceRows: [],
    rerunBaselines: true,
  });
  const job = all.tracks[1].baselineJobs[0];
  const row = {
    cellId: job.id,
    seed: job.seed,
    kind: "train",
    status: "ok",
    message: null,
    config: JSON.parse(canonicalJson(job.cell.config)),
    result: { testAccuracy: 0.5 },
    wallSeconds: 1,
    gitCommit: "x",
    machine: {},
    resultsVersion: RESULTS_VERSION,
    finishedAt: "2026-01-01T00:00:00.000Z",
  } as unknown as StoredRow;
  const some = planComparison({
    specs: SPECS,
    preset: "quick",
    method: BOTH,
    referenceRows: [row],
    rerunBaselines: false,
  });
  deepEqual(some.tracks.map((t) => t.id), [all.tracks[1].id]);
  deepEqual(some.tracks[0].referenceRows.map((r) => jobKey(r.cellId, r.seed)), [
    jobKey(job.id, job.seed),
  ]);
  equal(some.skipped.length, 2);
  ok(some.skipped.every((s) => /no baseline row of it .* --rerun-baselines/.test(s.reason)));
});

Deno.test("planComparison: --tracks keeps track ids or reproduction names; unknown names and presets are usage errors", () => {
  const base = {
    specs: SPECS,
    preset: "quick",
    method: BOTH,
    referenceRows: [],
    rerunBaselines: true,
  };
  const all = planComparison(base);
  const one = planComparison({ ...base, tracks: [all.tracks[2].id] });
  deepEqual(one.tracks.map((t) => t.id), [all.tracks[2].id]);
  equal(planComparison({ ...base, tracks: ["tiny-ranking"] }).tracks.length, 3);
  throws(
    () => planComparison({ ...base, tracks: ["nope"] }),
    (e: Error) =>
      e instanceof CompareInputError && /--tracks: "nope" is neither/.test(e.message) &&
      e.message.includes(all.tracks[0].id) && /reproductions: tiny-ranking/.test(e.message),
  );
  throws(
    () => planComparison({ ...base, preset: "standard" }),
    /--preset: reproduction "tiny-ranking" defines no preset "standard"; it defines quick, paper/,
  );
});
