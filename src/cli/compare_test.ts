import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type Leaderboard, trackId, trackKey } from "../board/mod.ts";
import { jobKey, RESULTS_VERSION, runCell, trainConfigOf } from "../cell/mod.ts";
import type { CompareReport } from "../compare/mod.ts";
import { type MethodEntry, registerMethod } from "../init/mod.ts";
import { openStore } from "../store/mod.ts";
import { EXIT } from "./exit_codes.ts";
import { main } from "./main.ts";

const HERE = new URL("../compare/testdata/", import.meta.url).pathname;
const REPRO = join(HERE, "ranking/reproductions");
const EXAMPLE = new URL("../../examples/sparse_glorot.ts", import.meta.url).pathname;
const TMP = await Deno.makeTempDir({ prefix: "sparse-init-compare-cli-" });
globalThis.addEventListener("unload", () => Deno.removeSync(TMP, { recursive: true }));

/** `main` with captured output. */
async function cli(
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    dir: REPRO,
    ...(signal === undefined ? {} : { signal }),
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  });
  return { code, out: out.join(""), err: err.join("") };
}

/** The reference: the tiny reproduction run for real (wasm) into `<TMP>/reference/results.db`. */
let _reference: Promise<string> | undefined;
function reference(): Promise<string> {
  _reference ??= (async () => {
    const dir = join(TMP, "reference");
    await Deno.mkdir(dir);
    const r = await cli([
      "reproduce",
      "--reproductions",
      REPRO,
      "--store",
      join(dir, "results.db"),
      "--backend",
      "wasm",
      "--no-report",
      "--no-site",
      "--quiet",
    ]);
    equal(r.code, 0, r.err);
    return dir;
  })();
  return _reference;
}

function compareArgs(module: string, ref: string, out: string, ...extra: string[]): string[] {
  return [
    "compare",
    module,
    "--reproductions",
    REPRO,
    "--reference",
    ref,
    "--backend",
    "wasm",
    "--out",
    out,
    "--quiet",
    ...extra,
  ];
}

/** The README's example, compared once on every tiny track (shared by the tests below). */
let _ranked: Promise<{ out: string; run: Awaited<ReturnType<typeof cli>> }> | undefined;
function ranked() {
  _ranked ??= (async () => {
    const ref = await reference();
    const out = join(TMP, "ranked");
    return { out, run: await cli(compareArgs(EXAMPLE, ref, out)) };
  })();
  return _ranked;
}

async function readReport(out: string): Promise<CompareReport> {
  return JSON.parse(await Deno.readTextFile(join(out, "report.json")));
}

Deno.test("compare ranks the README's example on the tiny synthetic tracks, with the reference's paired seeds", async () => {
  const ref = await reference();
  const { out, run } = await ranked();
  equal(run.code, 0, run.err);
  ok(run.out.startsWith("# compare: sparse-glorot\n"), run.out.slice(0, 200));
  ok(run.err.includes(`report: ${join(out, "report.md")}`), run.err);
  const report = await readReport(out);
  equal(report.schema, "sparse-init-compare");
  equal(report.preset, "quick"); // the reference store's preset
  equal(report.baselines.source, "reference");
  equal(report.tracks.length, 3);
  equal(report.skipped.length, 0);
  equal(await Deno.readTextFile(join(out, "report.md")), run.out);

  // Baselines are the reference rows themselves, paired by seed.
  const refRows = openStore(join(ref, "results.db"), { readOnly: true });
  const byKey = new Map(refRows.rows().map((r) => [jobKey(r.cellId, r.seed), r]));
  refRows.close();
  for (const t of report.tracks) {
    deepEqual(t.user.seeds, [0, 1, 2]);
    ok(t.rank !== null && t.rank >= 1 && t.rank <= t.entries, `${t.id}: rank ${t.rank}`);
    equal(t.versus.length, t.entries - 1);
    for (const v of t.versus) {
      deepEqual(v.comparison.sharedSeeds, [0, 1, 2]);
      const c = v.comparison;
      const excludes = c.ci95 !== null && (c.ci95[0] > 0 || c.ci95[1] < 0);
      equal(c.outcome === "beats" || c.outcome === "loses", excludes, `${t.id} ${v.label}`);
      ok(c.pBeats !== null && c.pBeats >= 0 && c.pBeats <= 1);
    }
  }
  const [first] = report.tracks;
  const refValues = [...byKey.values()]
    .filter((r) => r.config.method === "fan-in-scaled")
    .sort((a, b) => a.seed - b.seed).map((r) => r.result.testAccuracy);
  const fan = first.versus.find((v) => v.method === "fan-in-scaled")!;
  const diffs = first.user.values.map((u, i) => u - (refValues[i] as number));
  ok(Math.abs(fan.comparison.meanDifference! - diffs.reduce((a, b) => a + b) / 3) < 1e-9);

  // The sandboxed run gives exactly what the same module gives in process.
  const mod = (await import(EXAMPLE)).default;
  const entry: MethodEntry = {
    name: "sparse-glorot-in-process",
    description: mod.description,
    paper: mod.paper,
    kinds: mod.kinds,
    takesMask: mod.takesMask,
    scoredWith: "pruned-kaiming",
    build: () => mod.initialize,
  };
  using _ = registerMethod(entry);
  for (const t of [report.tracks[0], report.tracks[1]]) { // uniform and SNIP
    const store = openStore(join(out, `runs-${report.module.digest.slice(0, 12)}.db`), {
      readOnly: true,
    });
    const row = store.rows().find((r) =>
      r.seed === 1 && trackId(t.reproduction, trackKey(r.config)) === t.id
    )!;
    store.close();
    const config = trainConfigOf({
      id: "x",
      seed: 1,
      cell: { kind: "train", config: { ...row.config, method: entry.name } as never },
    });
    const mine = await runCell(config, { backend: "wasm" });
    equal(mine.testAccuracy, t.user.values[1], t.title);
  }
});

Deno.test("compare resumes: a second run skips finished cells and gives the same report", async () => {
  const { out } = await ranked();
  const before = await readReport(out);
  const again = await cli(compareArgs(EXAMPLE, await reference(), out));
  equal(again.code, 0, again.err);
  ok(again.err.includes("sparse-glorot: 0 of 9 run(s) to do"), again.err);
  const after = await readReport(out);
  deepEqual(after.tracks, before.tracks);
});

Deno.test("compare --submit writes a submission; the next board ranks it, marked submitted", async () => {
  const ref = await reference();
  const { out } = await ranked();
  const submissions = join(TMP, "submissions");
  const r = await cli(compareArgs(EXAMPLE, ref, out, "--submit", "--submissions", submissions));
  equal(r.code, 0, r.err);
  const file = join(submissions, "sparse-glorot.json");
  ok(r.err.includes(`submitted: ${file}`), r.err);
  const sub = JSON.parse(await Deno.readTextFile(file));
  equal(sub.format, "sparse-init-submission");
  equal(sub.rows.length, 9);

  const site = join(TMP, "site");
  const b = await cli([
    "board",
    "--store",
    join(ref, "results.db"),
    "--submitted",
    submissions,
    "--out",
    site,
  ]);
  equal(b.code, 0, b.err);
  const board: Leaderboard = JSON.parse(await Deno.readTextFile(join(site, "leaderboard.json")));
  const mine = board.records.filter((x) => x.method === "sparse-glorot");
  equal(mine.length, 3);
  ok(mine.every((x) => x.submitted));
  ok(board.methods.some((m) => m.name === "sparse-glorot" && m.level === "submitted"));
  // Ranked in the same tracks as the compare report, with the same ranks.
  const report = await readReport(out);
  deepEqual(
    mine.map((x) => [x.track, x.rank]).sort(),
    report.tracks.map((t) => [t.id, t.rank]).sort(),
  );
  const index = await Deno.readTextFile(join(site, "index.html"));
  ok(index.includes("methods/submitted-sparse-glorot.html"), "index links the submitted method");
  ok(
    /sparse-glorot \(uniform\)<\/a>\s*<span class="badge submitted">submitted<\/span>/.test(index),
  );
  const page = await Deno.readTextFile(join(site, "methods/submitted-sparse-glorot.html"));
  ok(page.includes("submitted by a user (compare --submit)"));
});

Deno.test("compare refuses a module that throws, has a syntax error or returns NaN (exit 6, the check named); the host lives on", async () => {
  const ref = await reference();
  const dir = join(TMP, "hostile");
  await Deno.mkdir(dir, { recursive: true });
  const syntax = join(dir, "syntax_error.ts");
  await Deno.copyFile(join(HERE, "syntax_error.ts.txt"), syntax);
  const cases: [string, RegExp][] = [
    [
      join(HERE, "throws.ts"),
      /^error: module .*throws\.ts failed the checks before any training: \[threw\] method "throws" .*RangeError: density is not supported here/m,
    ],
    [
      syntax,
      /^error: module .*syntax_error\.ts was refused: \[syntax\] .*syntax_error\.ts: does not parse: SyntaxError: Expected ','[^]*4 \| {3}name: "syntax-error" description/m,
    ],
    [
      join(HERE, "ranking/nan_weights.ts"),
      /^error: module .*nan_weights\.ts failed the checks before any training: \[weights-finite\] .*weight NaN at index 0/m,
    ],
  ];
  for (const [module, message] of cases) {
    const out = join(dir, "out");
    const r = await cli(compareArgs(module, ref, out));
    equal(r.code, EXIT.MODULE_REJECTED, `${module}: ${r.err}`);
    ok(message.test(r.err), r.err);
    equal(r.out, "");
  }
  // Passes the checks, fails in its first cell (NaN on the classifier): nothing is recorded.
  const out = join(dir, "later");
  const r = await cli(compareArgs(join(HERE, "ranking/nan_on_logits.ts"), ref, out));
  equal(r.code, EXIT.MODULE_REJECTED, r.err);
  ok(
    /^error: module .*nan_on_logits\.ts failed during training \(that cell is not recorded\): \[weights-finite\]/m
      .test(r.err),
    r.err,
  );
  ok(/dense 16x10/.test(r.err), r.err);
  const stores = [...Deno.readDirSync(out)].filter((e) => e.name.startsWith("runs-"));
  equal(stores.length, 1);
  const store = openStore(join(out, stores[0].name), { readOnly: true });
  equal(store.rows().length, 0);
  store.close();
});

Deno.test("compare names mismatched versions and requires --rerun-baselines, which re-runs them", async () => {
  const ref = await reference();
  // Another backend than the reference's.
  const cpu = await cli([...compareArgs(EXAMPLE, ref, join(TMP, "cpu")), "--backend", "cpu"]);
  equal(cpu.code, 2, cpu.err);
  ok(/backend: wasm in 18 of 18 rows, cpu here/.test(cpu.err), cpu.err);
  ok(cpu.err.includes("--rerun-baselines"), cpu.err);

  // A reference whose rows say another tfjs version and another RESULTS_VERSION.
  const other = join(TMP, "other-reference");
  await Deno.mkdir(other);
  await Deno.copyFile(join(ref, "results.db"), join(other, "results.db"));
  const db = new DatabaseSync(join(other, "results.db"));
  db.exec(`UPDATE results SET result = json_set(result, '$.provenance.tfjsVersion', '4.21.0')
           WHERE seed = 1`);
  db.exec("UPDATE results SET results_version = 0 WHERE seed = 2");
  db.close();
  const r = await cli(compareArgs(EXAMPLE, other, join(TMP, "other")));
  equal(r.code, 2, r.err);
  ok(/tfjs: 4\.21\.0 in 6 of 18 rows, 4\.22\.0 here/.test(r.err), r.err);
  ok(new RegExp(`RESULTS_VERSION: 0 in 6 of 18 rows, ${RESULTS_VERSION} here`).test(r.err), r.err);

  // --rerun-baselines runs them here (one track to keep it short) and compares with those.
  const report = await readReport((await ranked()).out);
  const track = report.tracks[0].id;
  const out = join(TMP, "rerun");
  const rerun = await cli(
    compareArgs(EXAMPLE, other, out, "--rerun-baselines", "--tracks", track),
  );
  equal(rerun.code, 0, rerun.err);
  ok(rerun.err.includes(`baselines: 9 of 9 run(s) to do into ${join(out, "baselines.db")}`));
  const mine = await readReport(out);
  equal(mine.baselines.source, "rerun");
  deepEqual(mine.tracks.map((t) => t.id), [track]);
  // Same code, same backend: the re-run baselines equal the reference's, so the report agrees.
  deepEqual(mine.tracks[0].versus, report.tracks[0].versus);
});

Deno.test("compare: bad options and nothing to compare are usage errors; a missing reference store is a store error", async () => {
  const ref = await reference();
  const out = join(TMP, "usage");
  const cases: [string[], number, RegExp][] = [
    [["--tracks", "nope"], 2, /--tracks: "nope" is neither a track id nor a reproduction/],
    [["--preset", "standard"], 2, /defines no preset "standard"; it defines quick, paper/],
    [
      ["--tie-margin", "-1"],
      2,
      /--tie-margin: expected a test-accuracy difference in \[0, 1\); got "-1"/,
    ],
    [["--seeds", "x"], 2, /--seeds: expected/],
    [["--preset", "paper"], 2, /nothing to compare under preset "paper": .*no baseline row of it/],
  ];
  for (const [extra, code, message] of cases) {
    const r = await cli([...compareArgs(EXAMPLE, ref, out), ...extra]);
    equal(r.code, code, `${extra.join(" ")}: ${r.err}`);
    ok(message.test(r.err), r.err);
  }
  const missing = await cli(compareArgs(EXAMPLE, join(TMP, "no-such-dir"), out));
  equal(missing.code, 3, missing.err);
  ok(/store .*no-such-dir\/results\.db does not exist/.test(missing.err), missing.err);

  // A dense-only module on the CNN track alone: left out with the reason, so nothing to compare.
  const denseOnly = join(TMP, "dense_glorot.ts");
  await Deno.writeTextFile(
    denseOnly,
    (await Deno.readTextFile(EXAMPLE)).replace('kinds: ["dense", "conv"]', 'kinds: ["dense"]')
      .replace('name: "sparse-glorot"', 'name: "dense-glorot"'),
  );
  const report = await readReport((await ranked()).out);
  const cnn = report.tracks.find((t) => t.title.includes("cnn"))!.id;
  const r = await cli([...compareArgs(denseOnly, ref, out), "--tracks", cnn]);
  equal(r.code, 2, r.err);
  ok(r.err.includes(`${cnn}: its cnn has conv layers; the method supports dense only`), r.err);
  // A module named like a method of the suite is refused.
  const named = join(TMP, "named_eoi.ts");
  await Deno.writeTextFile(
    named,
    (await Deno.readTextFile(EXAMPLE)).replace('name: "sparse-glorot"', 'name: "eoi"'),
  );
  const n = await cli(compareArgs(named, ref, out));
  equal(n.code, EXIT.MODULE_REJECTED, n.err);
  ok(/\[describe\] .*its name "eoi" is a method of the suite/.test(n.err), n.err);
});

Deno.test("compare stopped by an interrupt exits 130 and keeps what finished", async () => {
  const stop = new AbortController();
  stop.abort(new Error("interrupted"));
  const out = join(TMP, "interrupted");
  const r = await cli(compareArgs(EXAMPLE, await reference(), out), stop.signal);
  equal(r.code, 130, r.err);
  ok(r.err.includes("interrupted: finished cells are kept"), r.err);
  equal(r.out, "");
});
