import { deepEqual, equal, ok } from "node:assert/strict";
import { meanInterval, seedsToDecide } from "../grid/mod.ts";
import { cellId, RESULTS_VERSION } from "../cell/mod.ts";
import { buildLeaderboard, DIVERGED_AS } from "./aggregate.ts";
import type { BoardSource } from "./rows.ts";
import { leaderboardJson } from "./site.ts";
import { fixtureRows, fixtureSpecs, KNOWN_VALUES } from "./testdata/fixture.ts";
import type { BoardRecord, Leaderboard } from "./schema.ts";

const specs = fixtureSpecs();
const store = (rows = fixtureRows(specs), name = "results.db"): BoardSource => ({
  name,
  kind: "store",
  rows,
  corrupt: [],
});

function _track(board: Leaderboard, depth: number, density: number) {
  const t = board.tracks.find((x) => x.config.depth === depth && x.config.density === density)!;
  const recs = t.records.map((id) => board.records.find((r) => r.id === id)!);
  const by = (m: string) => recs.find((r) => r.method === m)!;
  return { t, recs, by };
}

Deno.test("tracks: one per depth x density of the train reproduction, three records each", () => {
  const board = buildLeaderboard({ specs, sources: [store()] });
  equal(board.tracks.length, 4);
  for (const t of board.tracks) {
    equal(t.reproduction, "tiny-train");
    equal(t.records.length, 3);
    equal(t.budget.steps, 10);
  }
  equal(board.records.length, 12);
  equal(board.measures.length, 4);
});

Deno.test("ranking: means, t-intervals and the paired difference to the best are the textbook ones", () => {
  const { t, recs, by } = _track(buildLeaderboard({ specs, sources: [store()] }), 1, 0.5);
  // pruned-orthogonal mean 0.91 = eoi mean 0.91; tie broken by label: eoi first.
  deepEqual(recs.map((r) => r.rank), [1, 1, 3]);
  equal(t.best, by("eoi").id);
  const eoi = by("eoi");
  const ci = meanInterval(KNOWN_VALUES.eoi)!;
  equal(eoi.testAccuracy.n, 3);
  ok(Math.abs(eoi.testAccuracy.mean! - 0.91) < 1e-12);
  ok(Math.abs(eoi.testAccuracy.ci95![0] - ci.low) < 1e-9);
  ok(Math.abs(eoi.testAccuracy.ci95![1] - ci.high) < 1e-9);
  equal(eoi.versusBest!.isBest, true);

  const po = by("pruned-orthogonal").versusBest!;
  const d = KNOWN_VALUES["pruned-orthogonal"].map((v, i) => v - KNOWN_VALUES.eoi[i]);
  const dci = meanInterval(d)!;
  deepEqual(po.sharedSeeds, [0, 1, 2]);
  ok(Math.abs(po.ci95![0] - dci.low) < 1e-9 && Math.abs(po.ci95![1] - dci.high) < 1e-9);
  equal(po.tied, true);
  equal(po.decided, false);
  // Mean difference 0: no number of seeds separates them, and the note says so.
  equal(po.seedsToDecide, null);
  ok(/same value|cannot decide|undecidable/.test(po.note));

  const k = by("kaiming").versusBest!;
  equal(k.tied, false);
  equal(k.decided, true);
  ok(k.note.includes("excludes 0"));
});

Deno.test("ranking: a tie with a non-zero difference says how many seeds would decide it", () => {
  const rows = fixtureRows(specs).map((r) => {
    if (
      r.config.method !== "pruned-orthogonal" || r.config.depth !== 1 || r.config.density !== 0.5
    ) {
      return r;
    }
    return { ...r, result: { ...r.result, testAccuracy: [0.90, 0.905, 0.915][r.seed] } };
  });
  const { by } = _track(buildLeaderboard({ specs, sources: [store(rows)] }), 1, 0.5);
  const v = by("pruned-orthogonal").versusBest!;
  const d = [0.90 - 0.90, 0.905 - 0.92, 0.915 - 0.91];
  const m = d.reduce((a, b) => a + b) / 3;
  const sd = Math.sqrt(d.reduce((a, x) => a + (x - m) ** 2, 0) / 2);
  equal(v.tied, true);
  equal(v.seedsToDecide, seedsToDecide(m, sd));
  ok(v.seedsToDecide! > 3);
  ok(v.note.includes(`about ${v.seedsToDecide} shared seeds`), v.note);
});

Deno.test("diverged runs count as chance, failed runs are no result and are counted", () => {
  const { by } = _track(buildLeaderboard({ specs, sources: [store()] }), 2, 1);
  const k = by("kaiming");
  deepEqual(k.divergedSeeds, [2]);
  equal(k.values[k.seeds.indexOf(2)], DIVERGED_AS);
  equal(k.testAccuracy.n, 3);
  const po = by("pruned-orthogonal");
  deepEqual(po.failedSeeds, [1]);
  deepEqual(po.seeds, [0, 2]);
  equal(po.testAccuracy.n, 2);
  ok(po.messages.some((m) => m.seed === 1 && m.message.includes("fixture failure")));
});

Deno.test("bad rows are skipped with their cell id and reason; the rest is unaffected", () => {
  const rows = fixtureRows(specs);
  const good = buildLeaderboard({ specs, sources: [store(rows)] });
  const r = rows[0];
  const bad: BoardSource = {
    name: "results.db",
    kind: "store",
    rows: [
      ...rows,
      { ...r, cellId: "a".repeat(64), resultsVersion: RESULTS_VERSION + 1 },
      { ...r, cellId: "b".repeat(64) },
      { ...r, cellId: "d".repeat(64), result: { testAccuracy: "high" } },
    ],
    corrupt: [{ cellId: "c".repeat(64), seed: 0, reason: "column result is not valid JSON" }],
  };
  const board = buildLeaderboard({ specs, sources: [bad] });
  deepEqual(board.skipped.map((s) => s.cellId), ["a", "b", "c", "d"].map((x) => x.repeat(64)));
  ok(board.skipped[0].reason.includes(`results version ${RESULTS_VERSION + 1}`));
  ok(board.skipped[1].reason.includes("does not match its config"));
  ok(board.skipped[2].reason.includes("not valid JSON"));
  ok(board.skipped[3].reason.includes("testAccuracy") || board.skipped[3].reason.includes("match"));
  deepEqual(board.records, good.records);
  equal(board.sources[0].skipped, 4);
});

Deno.test("duplicates across stores: the first final row wins; a failed row gives way", () => {
  const rows = fixtureRows(specs);
  const failed = rows.find((r) => r.status === "failed")!;
  const fixed = {
    ...failed,
    status: "ok" as const,
    message: null,
    result: { ...failed.result, testAccuracy: 0.7 },
  };
  const board = buildLeaderboard({
    specs,
    sources: [store(rows, "a.db"), store([fixed, rows[0]], "b.db")],
  });
  const { by } = _track(board, 2, 1);
  deepEqual(by("pruned-orthogonal").failedSeeds, []);
  equal(board.sources[1].duplicates, 1);
  equal(board.sources[1].rows, 1);
});

Deno.test("verdicts: the reproduction's checks on its rows, per preset present", () => {
  const board = buildLeaderboard({ specs, sources: [store()] });
  const r = board.reproductions.find((x) => x.name === "tiny-train")!;
  deepEqual(r.verdicts.map((v) => v.preset), ["quick"]);
  const v = r.verdicts[0];
  equal(v.jobs, 36);
  equal(v.failed, 1);
  equal(v.verdict, "incomplete"); // one job failed
  equal(v.checks[0].label, "EOI beats kaiming");
  equal(v.checks[0].tag, "paper"); // the default tag
  equal(v.checks[0].comparisons.length, 4);
  ok(
    v.checks[0].comparisons.every((c) => c.against !== null && c.against.label.includes("kaiming")),
  );
  const none = buildLeaderboard({ specs, sources: [] });
  deepEqual(none.reproductions.map((x) => x.verdicts.length), [0, 0]);
});

Deno.test("submitted rows join the track with their config and are marked", () => {
  const rows = fixtureRows(specs);
  const base = buildLeaderboard({ specs, sources: [store(rows)] });
  const { t } = _track(base, 1, 0.5);
  const template = rows.filter((r) =>
    r.config.method === "eoi" && r.config.depth === 1 && r.config.density === 0.5
  );
  // A submitted method's rows: same config but its own method name (and so its own cell id).
  const sub = template.map((r) => {
    const config = { ...r.config, method: "my-init" };
    return { ...r, config, cellId: "", result: { ...r.result, testAccuracy: 0.95 } };
  });
  const withIds = sub.map((r) => ({ ...r, cellId: _id(r.config) }));
  const board = buildLeaderboard({
    specs,
    sources: [store(rows), {
      name: "submissions/my-init.json",
      kind: "submission",
      rows: withIds,
      corrupt: [],
      method: { name: "my-init", description: "mine", paper: null, url: "javascript:alert(1)" },
    }],
  });
  const again = board.tracks.find((x) => x.id === t.id)!;
  const top: BoardRecord = board.records.find((r) => r.id === again.best)!;
  equal(top.method, "my-init");
  equal(top.submitted, true);
  const m = board.methods.find((x) => x.name === "my-init")!;
  equal(m.level, "submitted");
  equal(m.url, null); // not an https link
  // Rows naming another method than the submission's are skipped.
  const wrong = buildLeaderboard({
    specs,
    sources: [{
      name: "s.json",
      kind: "submission",
      rows: [rows[0]],
      corrupt: [],
      method: { name: "my-init", description: "d", paper: null, url: null },
    }],
  });
  ok(wrong.skipped[0].reason.includes("is not the submission's method"));
});

Deno.test("the leaderboard is deterministic: same rows, same bytes, whatever the row order", () => {
  const rows = fixtureRows(specs);
  const a = leaderboardJson(buildLeaderboard({ specs, sources: [store(rows)] }));
  const b = leaderboardJson(buildLeaderboard({ specs, sources: [store([...rows].reverse())] }));
  equal(a, b);
});

function _id(config: Record<string, unknown>): string {
  return cellId({ kind: "train", config } as never);
}
