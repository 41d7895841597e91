/**
 * The GitHub workflows cannot run here (no runners): every file under
 * `.github/workflows/` parses (`npm:yaml`, duplicate keys refused), every
 * `deno task …` they or `.ci/run` run is a task of deno.json taking the
 * options passed, tests run on every push and pull request, the benchmark
 * job publishes with the alert settings and never pushes from a pull
 * request, and the shard matrix, merge and Pages steps agree.
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { parseDocument } from "yaml";
import { main } from "../cli/mod.ts";
import { parseShard } from "../grid/mod.ts";
import { BENCH_OPTIONS, FIGURES_DIR } from "./bench_main.ts";
import { validateBaseline } from "./bench_figures.ts";
import { SMOKE_OPTIONS } from "./smoke_main.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DIR = `${ROOT}.github/workflows/`;
const TASKS: Record<string, string> = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;

// deno-lint-ignore no-explicit-any
type _Any = any;

function _workflows(): [string, _Any][] {
  return [...Deno.readDirSync(DIR)]
    .filter((e) => e.isFile && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const doc = parseDocument(Deno.readTextFileSync(DIR + name), {
        prettyErrors: true,
        uniqueKeys: true,
      });
      deepEqual(doc.errors.map(String), [], name);
      deepEqual(doc.warnings.map(String), [], name);
      return [name, doc.toJS()];
    });
}

/** Every `deno task …` command in `text` (folded lines joined; `&&`, `|`, `>` and `||` end one). */
function _denoTasks(text: string): string[] {
  const joined = text.replace(/\\\n\s*/g, " ").replace(/\n\s+--/g, " --");
  return [...joined.matchAll(/deno task [^\n&|'`">;]+/g)].map((m) => m[0].trim());
}

function _runs(wf: _Any): string[] {
  return Object.values(wf.jobs as Record<string, _Any>).flatMap((job) =>
    (job.steps ?? []).filter((s: _Any) => typeof s.run === "string").map((s: _Any) => s.run)
  );
}

const _helps = new Map<string, string>();
async function _cliHelp(sub: string): Promise<string> {
  if (!_helps.has(sub)) {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    equal(await main([sub, "--help"], io), 0, `${sub} --help: ${out.join("")}`);
    _helps.set(sub, out.join(""));
  }
  return _helps.get(sub)!;
}

/** Checks that the task exists and takes the options the command passes. */
async function _checkCommand(command: string): Promise<void> {
  const words = command.replace(/\$\{\{\s*matrix\.shard\s*\}\}/g, "0").split(/\s+/);
  const task = words[2];
  ok(
    task in TASKS,
    `"${command}": no deno task "${task}" (tasks: ${Object.keys(TASKS).join(", ")})`,
  );
  const options = words.slice(3).filter((w) => w.startsWith("--")).map((w) => w.split("=")[0]);
  let known: readonly string[] | undefined;
  if (task.startsWith("bench:") && task !== "bench:peers") known = BENCH_OPTIONS;
  else if (task === "smoke") known = SMOKE_OPTIONS;
  if (known !== undefined) {
    for (const o of options) ok(known.includes(o), `"${command}": ${task} takes no ${o}`);
    return;
  }
  const sub = task === "cli"
    ? words[3]
    : ["reproduce", "board", "compare"].includes(task)
    ? task
    : undefined;
  if (sub === undefined) return;
  const help = await _cliHelp(sub);
  for (const o of options) {
    ok(
      new RegExp(`(^|[\\s,])${o}(\\s|$|,|\\[|<)`, "m").test(help),
      `"${command}": ${sub} takes no ${o}`,
    );
  }
  const shard = words.indexOf("--shard");
  if (shard >= 0) parseShard(words[shard + 1]);
}

Deno.test("every workflow parses and every deno task it or .ci/run runs exists with its options", async () => {
  const workflows = _workflows();
  ok(workflows.length >= 1, `no workflow in ${DIR}`);
  const commands = [
    ...workflows.flatMap(([, wf]) => _runs(wf)).flatMap(_denoTasks),
    ..._denoTasks(Deno.readTextFileSync(`${ROOT}.ci/run`)),
  ];
  for (const must of ["bench:ci", "smoke", "test", "reproduce", "board", "cli"]) {
    ok(
      commands.some((c) => c.split(/\s+/)[2] === must),
      `no "deno task ${must}" in:\n${commands.join("\n")}`,
    );
  }
  for (const c of commands) await _checkCommand(c);
});

function _ci(): _Any {
  const found = _workflows().find(([, wf]) => wf.jobs?.bench !== undefined);
  ok(found !== undefined, "no workflow has a bench job");
  return found[1];
}

Deno.test("tests run on every push and pull request, through .ci/run", () => {
  const wf = _ci();
  ok("push" in wf.on && "pull_request" in wf.on, JSON.stringify(wf.on));
  ok(
    wf.on.push === null || wf.on.push.branches === undefined,
    "tests run on pushes to every branch",
  );
  const test = wf.jobs.test;
  equal(test.if, undefined, "the test job runs on every event");
  ok(test.steps.some((s: _Any) => s.run === ".ci/run"));
});

Deno.test("the benchmark job publishes bench:ci's file with the alert settings, never pushing from a PR", () => {
  const wf = _ci();
  const bench = wf.jobs.bench;
  equal(bench.if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
  const runs: string[] = bench.steps.filter((s: _Any) => s.run).map((s: _Any) => s.run);
  ok(runs.some((r) => r.startsWith("deno task bench:ci")), runs.join("\n"));
  const action = bench.steps.find((s: _Any) =>
    String(s.uses).startsWith("benchmark-action/github-action-benchmark@")
  );
  ok(action !== undefined, "no benchmark-action/github-action-benchmark step");
  const w = action.with;
  equal(w.tool, "customSmallerIsBetter");
  equal(w["output-file-path"], `${FIGURES_DIR}/benchmark.json`);
  equal(w["fail-on-alert"], true);
  equal(w["comment-on-alert"], true);
  // the alert fires at a ratio change no smaller than the local gate's default threshold
  const m = /^(\d+)%$/.exec(String(w["alert-threshold"]));
  ok(m !== null, `alert-threshold ${w["alert-threshold"]} is not "N%"`);
  const baseline = validateBaseline(
    JSON.parse(Deno.readTextFileSync(`${ROOT}bench/baseline.json`)),
  );
  ok(
    Number(m[1]) >= Math.round(100 * (1 + baseline.threshold)),
    `alert-threshold ${m[0]} is below the gate's default threshold +${100 * baseline.threshold}%`,
  );
  // auto-push only on a push to main: never literally true, never from a pull request
  const push = String(w["auto-push"]);
  ok(
    push === "false" || /github\.event_name == 'push'/.test(push) && /refs\/heads\/main/.test(push),
    push,
  );
  for (const [name, job] of Object.entries(wf.jobs as Record<string, _Any>)) {
    for (const s of job.steps ?? []) {
      if (s.with?.["auto-push"] === true) {
        ok(/event_name == 'push'/.test(String(job.if)), `${name} auto-pushes on pull requests`);
      }
    }
  }
});

Deno.test("the shard matrix matches --shard, the board job merges every shard and deploys to Pages", () => {
  const wf = _ci();
  const shards: number[] = wf.jobs.shard.strategy.matrix.shard;
  deepEqual(shards, shards.map((_, i) => i), "the matrix is 0 … N-1");
  const reproduce = _runs({ jobs: { s: wf.jobs.shard } }).flatMap(_denoTasks)
    .find((c) => c.includes("reproduce"))!.replace(/\$\{\{\s*matrix\.shard\s*\}\}/g, "0");
  ok(reproduce.includes("--preset quick"), reproduce);
  const n = /--shard \S+\/(\d+)/.exec(reproduce);
  equal(Number(n?.[1]), shards.length);
  const upload = wf.jobs.shard.steps.find((s: _Any) =>
    String(s.uses).startsWith("actions/upload-artifact@")
  );
  equal(upload.if, "always()");

  const board = wf.jobs.board;
  equal(board.needs, "shard");
  const runs = _runs({ jobs: { b: board } }).flatMap(_denoTasks);
  ok(
    runs.some((c) => /^deno task cli merge shards\/shard-\*\.db --store \S+/.test(c)),
    runs.join("\n"),
  );
  const site = runs.find((c) => c.startsWith("deno task board"));
  const out = /--out (\S+)/.exec(site ?? "");
  ok(out !== null, `no deno task board --out … in ${runs.join("\n")}`);
  const pages = board.steps.find((s: _Any) =>
    String(s.uses).startsWith("actions/upload-pages-artifact@")
  );
  equal(pages.with.path, out[1]);
  const deploy = wf.jobs.deploy;
  equal(deploy.needs, "board");
  ok(deploy.steps.some((s: _Any) => String(s.uses).startsWith("actions/deploy-pages@")));
  deepEqual(deploy.permissions, { pages: "write", "id-token": "write" });
});

Deno.test(".ci/run: install, the test task, the speed gate, the smoke check, then the counts line", () => {
  const run = Deno.readTextFileSync(`${ROOT}.ci/run`);
  const at = (needle: string) => {
    const i = run.indexOf(needle);
    ok(i >= 0, `.ci/run has no ${needle}`);
    return i;
  };
  const order = [
    "deno install --frozen",
    "deno task test",
    "deno task bench:ci",
    "deno task smoke",
    'echo "${passed} passed, ${failed} failed"',
  ].map(at);
  deepEqual(order, [...order].sort((a, b) => a - b));
  ok(TASKS.test.startsWith("deno fmt --check && deno lint && deno check"), TASKS.test);
  // a failing gate or smoke check makes the exit status non-zero
  ok(/bench:ci; then gate="ok"; else gate="FAILED"; status=1; fi/.test(run));
  ok(/smoke [^\n]*; then smoke="ok"; else smoke="FAILED"; status=1; fi/.test(run));
  ok(run.trimEnd().endsWith('exit "$status"'));
});
