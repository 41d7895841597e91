/**
 * Every command's bad inputs, table-driven, in process through `main`: the
 * exit code and the first line of what it prints on stderr. And exit codes
 * that must not depend on an output option.
 *
 * @module
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { RunFn } from "../grid/mod.ts";
import { captureCli, fakeRun, fakeSpec, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

/** One bad input: the arguments (`$D` is the test's directory), the exit code, stderr's first line. */
type _Case = readonly [args: readonly string[], code: number, first: RegExp];

const STORE = ["--store", "$D/good.db"];
/** A module `compare` accepts, with the test's reference leaderboard. */
const EXAMPLE = [
  new URL("../../examples/sparse_glorot.ts", import.meta.url).pathname,
  "--reference",
  "$D/ref",
  "--out",
  "$D/cmp",
  "--quiet",
];

const CASES: readonly _Case[] = [
  // No command at all: the help, as a usage error.
  [[], EXIT.USAGE, /^Usage: reproduce \[options\] \[command\]$/],
  [["frobnicate"], EXIT.USAGE, /^error: unknown command 'frobnicate'$/],
  // reproduce: every flag.
  [
    ["reproduce", "nope", ...STORE],
    EXIT.USAGE,
    /^error: reproduce: unknown reproduction "nope"; valid names: eoi-wins, sao-wins$/,
  ],
  [
    ["reproduce", "--preset", "huge", ...STORE],
    EXIT.USAGE,
    /^error: option '--preset <name>' argument 'huge' is invalid\. Allowed choices are quick, standard, paper\.$/,
  ],
  [
    ["reproduce", "--seeds", "x", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: expected e\.g\. "0,1,2" or "0-4"; bad part "x" in "x"$/,
  ],
  [
    ["reproduce", "--seeds", "", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: expected e\.g\. "0,1,2" or "0-4"; bad part "" in ""$/,
  ],
  [
    ["reproduce", "--seeds", "-1", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: expected .* bad part "-1" in "-1"$/,
  ],
  [
    ["reproduce", "--seeds", "9007199254740993", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: seed 9007199254740993 is above 4294967295 \(seeds are 32-bit unsigned integers\) in "9007199254740993"$/,
  ],
  [
    ["reproduce", "--seeds", "0-9007199254740993", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: seed 9007199254740993 is above 4294967295 .* in "0-9007199254740993"$/,
  ],
  [
    ["reproduce", "--seeds", "4294967296", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: seed 4294967296 is above 4294967295/,
  ],
  [
    ["reproduce", "--seeds", "5-2", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: range "5-2" ends below its start in "5-2"$/,
  ],
  [
    ["reproduce", "--seeds", "0-20000", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: range "0-20000" gives more than 10001 seeds$/,
  ],
  [
    ["reproduce", "--shard", "4/4", ...STORE],
    EXIT.USAGE,
    /^error: parseShard: need 0 <= k < N and N >= 1 \(k is 0-based\); got k=4, N=4 in "4\/4"$/,
  ],
  [
    ["reproduce", "--shard", "x", ...STORE],
    EXIT.USAGE,
    /^error: parseShard: expected "k\/N" .*; got "x"$/,
  ],
  [
    ["reproduce", "--busy-timeout", "soon", ...STORE],
    EXIT.USAGE,
    /^error: --busy-timeout: expected milliseconds >= 0; got "soon"$/,
  ],
  [
    ["reproduce", "--busy-timeout", "-1", ...STORE],
    EXIT.USAGE,
    /^error: --busy-timeout: expected milliseconds >= 0; got "-1"$/,
  ],
  [
    ["reproduce", "--reproductions", "$D/nope", ...STORE],
    EXIT.USAGE,
    /^error: reproductions directory \$D\/nope does not exist$/,
  ],
  [
    ["reproduce", "--reproductions", "$D/notes.txt", ...STORE],
    EXIT.USAGE,
    /^error: reproductions directory \$D\/notes\.txt is not a directory$/,
  ],
  [
    ["reproduce", "--reproductions", "$D/bad-lr", ...STORE],
    EXIT.USAGE,
    /^error: \$D\/bad-lr\/bad-lr\.json: field "fixed\.learningRate" must be finite and > 0; got 0$/,
  ],
  [
    ["reproduce", "--engine", "gpu", ...STORE],
    EXIT.USAGE,
    /^error: option '--engine <name>' argument 'gpu' is invalid\. Allowed choices are auto, tfjs, simd\.$/,
  ],
  [
    ["reproduce", "--backend", "tpu", ...STORE],
    EXIT.USAGE,
    /^error: option '--backend <name>' argument 'tpu' is invalid\. Allowed choices are auto, webgpu, wasm, cpu\.$/,
  ],
  [["reproduce", "--bogus", ...STORE], EXIT.USAGE, /^error: unknown option '--bogus'$/],
  [["reproduce", "--store"], EXIT.USAGE, /^error: option '--store <path>' argument missing$/],
  [
    ["reproduce", "--store", "$D"],
    EXIT.STORE_ERROR,
    /^error: store \$D: is a directory, not a results store file$/,
  ],
  [
    ["reproduce", "--store", "$D/foreign.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/foreign\.db: not a results store of this suite \(found table foo\(a\); a results store has exactly meta\(key, value\) and results\(cell_id, /,
  ],
  [
    ["reproduce", "--store", "$D/notes.txt"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/notes\.txt: not a SQLite database \(file is not a database\); refusing to use it$/,
  ],
  [
    ["reproduce", "eoi-wins", "--retry-failed", "--quiet", "--no-site", "--site", "$D/s", ...STORE],
    EXIT.OK,
    /^ran 0 job\(s\): 0 ok, 0 diverged, 0 failed; 12 already done$/,
  ],
  // status
  [["status", "nope", ...STORE], EXIT.USAGE, /^error: reproduce: unknown reproduction "nope"/],
  [
    ["status", "--store", "$D"],
    EXIT.STORE_ERROR,
    /^error: store \$D: is a directory, not a results store file$/,
  ],
  [
    ["status", "--store", "$D/missing.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/missing\.db does not exist$/,
  ],
  [
    ["status", "--store", "$D/foreign.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/foreign\.db: not a results store of this suite \(found table foo\(a\)/,
  ],
  [
    ["status", "--store", "$D/notes.txt"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/notes\.txt: not a SQLite database/,
  ],
  [
    ["status", "--seeds", "9007199254740993", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: seed 9007199254740993 is above 4294967295/,
  ],
  [
    ["status", "--shard", "0/0", ...STORE],
    EXIT.USAGE,
    /^error: parseShard: need 0 <= k < N and N >= 1/,
  ],
  [
    ["status", "--busy-timeout", "x", ...STORE],
    EXIT.USAGE,
    /^error: --busy-timeout: expected milliseconds >= 0; got "x"$/,
  ],
  [
    ["status", "--engine", "x", ...STORE],
    EXIT.USAGE,
    /^error: option '--engine <name>' argument 'x' is invalid/,
  ],
  [
    ["status", "--preset", "x", ...STORE],
    EXIT.USAGE,
    /^error: option '--preset <name>' argument 'x' is invalid/,
  ],
  [
    ["status", "--reproductions", "$D/notes.txt", ...STORE],
    EXIT.USAGE,
    /^error: reproductions directory \$D\/notes\.txt is not a directory$/,
  ],
  [["status", "--retry-failed", ...STORE], EXIT.USAGE, /^error: unknown option '--retry-failed'$/],
  // report
  [["report", "nope", ...STORE], EXIT.USAGE, /^error: reproduce: unknown reproduction "nope"/],
  [
    ["report", "--store", "$D"],
    EXIT.STORE_ERROR,
    /^error: store \$D: is a directory, not a results store file$/,
  ],
  [
    ["report", "--store", "$D/missing.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/missing\.db does not exist$/,
  ],
  [
    ["report", "--store", "$D/foreign.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/foreign\.db: not a results store of this suite/,
  ],
  [
    ["report", "--seeds", "1-0", ...STORE],
    EXIT.USAGE,
    /^error: --seeds: range "1-0" ends below its start/,
  ],
  [["report", "--shard", "1/1", ...STORE], EXIT.USAGE, /^error: parseShard: need 0 <= k < N/],
  [
    ["report", "--preset", "x", ...STORE],
    EXIT.USAGE,
    /^error: option '--preset <name>' argument 'x' is invalid/,
  ],
  [
    ["report", "--busy-timeout", "1.5", ...STORE],
    EXIT.USAGE,
    /^error: --busy-timeout: expected milliseconds >= 0; got "1\.5"$/,
  ],
  [
    ["report", "--reproductions", "$D/nope", ...STORE],
    EXIT.USAGE,
    /^error: reproductions directory \$D\/nope does not exist$/,
  ],
  [
    ["report", "--engine", "x", ...STORE],
    EXIT.USAGE,
    /^error: option '--engine <name>' argument 'x' is invalid/,
  ],
  // export
  [
    ["export", "--store", "$D"],
    EXIT.STORE_ERROR,
    /^error: store \$D: is a directory, not a results store file$/,
  ],
  [
    ["export", "--store", "$D/missing.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/missing\.db does not exist$/,
  ],
  [
    ["export", "--store", "$D/foreign.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/foreign\.db: not a results store of this suite/,
  ],
  [
    ["export", "--format", "xml", ...STORE],
    EXIT.USAGE,
    /^error: option '--format <format>' argument 'xml' is invalid\. Allowed choices are json, csv\.$/,
  ],
  [
    ["export", "--out", "$D", ...STORE],
    EXIT.STORE_ERROR,
    /^error: export --out \$D: is a directory; give a file path$/,
  ],
  [
    ["export", "--out", "$D/nodir/x.json", ...STORE],
    EXIT.STORE_ERROR,
    /^error: export --out \$D\/nodir\/x\.json: cannot write it \(its directory does not exist\)$/,
  ],
  [
    ["export", "--out", "$D/notes.txt/x.json", ...STORE],
    EXIT.STORE_ERROR,
    /^error: export --out \$D\/notes\.txt\/x\.json: cannot write it \(/,
  ],
  [
    ["export", "extra", ...STORE],
    EXIT.USAGE,
    /^error: too many arguments for 'export'\. Expected 0 arguments but got 1: extra\.$/,
  ],
  // merge
  [["merge", ...STORE], EXIT.USAGE, /^error: missing required argument 'sources'$/],
  [
    ["merge", "$D/missing.db", ...STORE],
    EXIT.USAGE,
    /^error: merge: source store "\$D\/missing\.db" does not exist$/,
  ],
  [
    ["merge", "$D/foreign.db", "--store", "$D/t.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/foreign\.db: not a results store of this suite/,
  ],
  [
    ["merge", "$D", "--store", "$D/t.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D: is a directory, not a results store file$/,
  ],
  [
    ["merge", "$D/good.db", "--store", "$D/foreign.db"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/foreign\.db: not a results store of this suite/,
  ],
  [
    ["merge", "$D/good.db", "--store", "$D"],
    EXIT.STORE_ERROR,
    /^error: store \$D: is a directory, not a results store file$/,
  ],
  [
    ["merge", "$D/good.db", "--busy-timeout", "x", "--store", "$D/t.db"],
    EXIT.USAGE,
    /^error: --busy-timeout: expected milliseconds >= 0; got "x"$/,
  ],
  // list
  [
    ["list", "extra"],
    EXIT.USAGE,
    /^error: too many arguments for 'list'\. Expected 0 arguments but got 1: extra\.$/,
  ],
  [["list", "--bogus"], EXIT.USAGE, /^error: unknown option '--bogus'$/],
  // board
  [
    ["board", "--store", "$D/missing.db", "--out", "$D/site"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/missing\.db does not exist$/,
  ],
  [
    ["board", "--store", "$D/foreign.db", "--out", "$D/site"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/foreign\.db: not a results store of this suite/,
  ],
  [
    ["board", "--store", "$D", "--out", "$D/site"],
    EXIT.STORE_ERROR,
    /^error: store \$D: is a directory, not a results store file$/,
  ],
  [
    ["board", ...STORE, "--out", "$D/notes.txt"],
    EXIT.STORE_ERROR,
    /^error: board --out \$D\/notes\.txt: is a file, not a directory$/,
  ],
  [
    ["board", ...STORE, "--out", "$D/site", "--submitted", "$D/notes.txt"],
    EXIT.USAGE,
    /^error: board --submitted \$D\/notes\.txt: is a file, not a directory$/,
  ],
  [
    ["board", ...STORE, "--out", "$D/site", "--submitted", "$D/bad-submissions"],
    EXIT.USAGE,
    /^error: \$D\/bad-submissions\/x\.json: not valid JSON/,
  ],
  [["board", "--bogus"], EXIT.USAGE, /^error: unknown option '--bogus'$/],
  // compare (the cases that fail before a sandbox starts)
  [["compare"], EXIT.USAGE, /^error: missing required argument 'module'$/],
  [
    ["compare", "$D/m.ts", "--tie-margin", "2"],
    EXIT.USAGE,
    /^error: --tie-margin: expected a test-accuracy difference in \[0, 1\); got "2"$/,
  ],
  [
    ["compare", "$D/m.ts", "--tie-margin", ""],
    EXIT.USAGE,
    /^error: --tie-margin: expected .*; got ""$/,
  ],
  [
    ["compare", "$D/m.ts", "--seeds", "9007199254740993"],
    EXIT.USAGE,
    /^error: --seeds: seed 9007199254740993 is above 4294967295/,
  ],
  [
    ["compare", "$D/m.ts", "--backend", "tpu"],
    EXIT.USAGE,
    /^error: option '--backend <name>' argument 'tpu' is invalid/,
  ],
  [
    ["compare", "$D/m.ts", "--reproductions", "$D/nope"],
    EXIT.USAGE,
    /^error: reproductions directory \$D\/nope does not exist$/,
  ],
  [
    ["compare", "$D/m.ts", "--reference", "$D/nope"],
    EXIT.STORE_ERROR,
    /^error: store \$D\/nope\/results\.db does not exist$/,
  ],
  [
    ["compare", ...EXAMPLE, "--tracks", "nope"],
    EXIT.USAGE,
    /^error: --tracks: "nope" is neither a track id nor a reproduction with tracks; reproductions: eoi-wins, sao-wins; /,
  ],
  [
    ["compare", ...EXAMPLE, "--preset", "huge"],
    EXIT.USAGE,
    /^error: --preset: reproduction "eoi-wins" defines no preset "huge"; it defines quick, paper$/,
  ],
  [
    ["compare", ...EXAMPLE, "--url", "ftp://x", "--submit"],
    EXIT.USAGE,
    /^error: --url: expected an https:\/\/ link without spaces or quotes; got "ftp:\/\/x"$/,
  ],
  [
    ["compare", ...EXAMPLE, "--seeds", "3-1"],
    EXIT.USAGE,
    /^error: --seeds: range "3-1" ends below its start in "3-1"$/,
  ],
  [
    ["compare", ...EXAMPLE],
    EXIT.USAGE,
    /^error: nothing to compare under preset "quick": eoi-wins-[0-9a-f]+: init-only budget/,
  ],
  [
    ["compare", "$D/missing.ts", "--reference", "$D/ref"],
    EXIT.MODULE_REJECTED,
    /^error: module \$D\/missing\.ts was refused: \[import\] /,
  ],
];

/** A store, a foreign database, a text file and a bad reproduction, in `dir`. */
async function _fixtures(dir: string): Promise<void> {
  const c = captureCli(dir);
  equal(await c.call(["reproduce", "eoi-wins", "--store", `${dir}/good.db`, "--quiet"]), 0);
  await Deno.mkdir(`${dir}/ref`);
  await Deno.copyFile(`${dir}/good.db`, `${dir}/ref/results.db`);
  const foreign = new DatabaseSync(`${dir}/foreign.db`);
  foreign.exec("CREATE TABLE foo(a)");
  foreign.close();
  await Deno.writeTextFile(`${dir}/notes.txt`, "hello\n");
  await Deno.mkdir(`${dir}/bad-lr`);
  await Deno.writeTextFile(
    `${dir}/bad-lr/bad-lr.json`,
    JSON.stringify({ ...fakeSpec("bad-lr", "eoi"), fixed: { learningRate: 0 } }),
  );
  await Deno.mkdir(`${dir}/bad-submissions`);
  await Deno.writeTextFile(`${dir}/bad-submissions/x.json`, "{ not json");
  await Deno.writeTextFile(`${dir}/m.ts`, "export default {};\n");
}

Deno.test("every command's bad inputs give the documented exit code and a clear first line", () =>
  withFakeReproductions(async (dir) => {
    await _fixtures(dir);
    const files = (p: string) => Deno.readFileSync(p);
    const guarded = ["foreign.db", "notes.txt"].map((f) => [f, files(`${dir}/${f}`)] as const);
    const wrong: string[] = [];
    for (const [args, code, first] of CASES) {
      const c = captureCli(dir);
      const real = args.map((a) => a.replaceAll("$D", dir));
      let got: number | string;
      try {
        got = await c.call(real);
      } catch (e) {
        got = `an uncaught ${(e as Error).name}`; // main rethrows what it has no exit code for
      }
      const line = (c.err.join("").split("\n").find((l) => l.trim() !== "") ?? "")
        .replaceAll(dir, "$D");
      if (got !== code || !first.test(line)) {
        wrong.push(`${JSON.stringify(args)}: exit ${got} (want ${code}), first line: ${line}`);
      }
      ok(!c.err.join("").includes("    at "), `${JSON.stringify(args)}: a stack trace`);
    }
    ok(wrong.length === 0, `${wrong.length} case(s) wrong:\n${wrong.join("\n")}`);
    for (const [f, bytes] of guarded) deepEqual(files(`${dir}/${f}`), bytes, `${f} was changed`);
  }));

Deno.test("reproduce exits 4 when the store holds failed cells, with or without --no-report", () =>
  withFakeReproductions(async (dir) => {
    const store = `${dir}/r.db`;
    const broken: RunFn = (job, ctx) =>
      (job.cell.config as { method: string }).method === "sao"
        ? Promise.reject(new Error("boom"))
        : fakeRun(job, ctx);
    const first = captureCli(dir, broken);
    const args = ["reproduce", "eoi-wins", "--store", store, "--quiet", "--no-site"];
    equal(await first.call([...args, "--no-report"]), EXIT.CELLS_FAILED);
    // The failed rows are kept (not retried): this run runs nothing, and still exits 4.
    const again = captureCli(dir);
    equal(await again.call([...args, "--no-report"]), EXIT.CELLS_FAILED);
    ok(again.err.join("").includes("0 failed; 12 already done"), again.err.join(""));
    equal(await again.call(args), EXIT.CELLS_FAILED);
    equal(await again.call([...args, "--no-report", "--retry-failed"]), EXIT.OK);
  }));
