/**
 * The recipes of docs/shards.md that cannot run here (GitHub Actions,
 * Kubernetes): their YAML parses, their shard counts agree, and every
 * `deno task …` command in the document names a task of deno.json and a CLI
 * command that accepts the options it passes.
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { parseDocument } from "yaml";
import { main } from "../cli/mod.ts";
import { parseShard } from "../grid/mod.ts";
import { slurmMain } from "./slurm.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DOC = Deno.readTextFileSync(`${ROOT}docs/shards.md`);
const TASKS = Object.keys(JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks);

function _blocks(lang: string): string[] {
  return [...DOC.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)]
    .filter((m) => m[1] === lang)
    .map((m) => m[2]);
}

function _yaml(text: string): Record<string, unknown> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  deepEqual(doc.errors.map(String), []);
  deepEqual(doc.warnings.map(String), []);
  return doc.toJS() as Record<string, unknown>;
}

// deno-lint-ignore no-explicit-any
type _Any = any;

/** Every `deno task …` command in `text`, line continuations joined, `&&`/`|` split. */
function _denoTasks(text: string): string[] {
  const joined = text.replace(/\\\n\s*/g, " ").replace(/\n\s+--/g, " --");
  return [...joined.matchAll(/deno task [^\n&|'`]+/g)].map((m) => m[0].trim());
}

/** Substitutes the schedulers' variables with a sample value. */
function _sample(command: string): string {
  return command
    .replace(/\$\{\{\s*matrix\.shard\s*\}\}/g, "0")
    .replace(/\$\{?JOB_COMPLETION_INDEX\}?/g, "0")
    .replace(/\$\{?SLURM_ARRAY_TASK_ID\}?/g, "0");
}

const _helps = new Map<string, string>();
async function _help(task: string, sub: string | undefined): Promise<string> {
  const key = `${task} ${sub ?? ""}`;
  if (!_helps.has(key)) {
    const out: string[] = [];
    const deps = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    const code = task === "cluster:slurm"
      ? await slurmMain(["--help"], deps)
      : await main([...(task === "reproduce" ? ["reproduce"] : [sub!]), "--help"], deps);
    equal(code, 0, `${key} --help: ${out.join("")}`);
    const usage = task === "cluster:slurm"
      ? "cluster:slurm"
      : `reproduce ${sub ?? "reproduce|run"}`;
    ok(out.join("").startsWith(`Usage: ${usage} `), `no CLI command "${sub}" (in "${key}")`);
    _helps.set(key, out.join(""));
  }
  return _helps.get(key)!;
}

async function _checkCommand(command: string) {
  const words = _sample(command).split(/\s+/).filter((w) => w !== "" && w !== ">");
  const task = words[2];
  ok(TASKS.includes(task), `"${command}": no deno task "${task}" (tasks: ${TASKS.join(", ")})`);
  if (!["reproduce", "cli", "cluster:slurm"].includes(task)) return;
  const sub = task === "cli" ? words[3] : undefined;
  const help = await _help(task, sub);
  for (const w of words.slice(3)) {
    if (!w.startsWith("--")) continue;
    const option = w.split("=")[0];
    ok(new RegExp(`(^|[\\s,])${option}(\\s|$|,)`, "m").test(help), `"${command}": ${option}?`);
  }
  const shard = words.indexOf("--shard");
  if (shard >= 0) parseShard(words[shard + 1]); // a valid k/N once the variables are filled in
}

function _shardCount(command: string): number {
  const m = /--shard \S+\/(\d+)/.exec(_sample(command));
  ok(m !== null, `no --shard k/N in "${command}"`);
  return Number(m[1]);
}

Deno.test("the GitHub Actions recipe parses, its matrix matches --shard, its commands exist", async () => {
  const blocks = _blocks("yaml").filter((b) => b.includes("runs-on:"));
  equal(blocks.length, 1);
  const wf: _Any = _yaml(blocks[0]);
  const shards: number[] = wf.jobs.shard.strategy.matrix.shard;
  deepEqual(shards, shards.map((_, i) => i), "the matrix is 0 … N-1");
  const runs: string[] = [...wf.jobs.shard.steps, ...wf.jobs.merge.steps]
    .filter((s: _Any) => typeof s.run === "string").map((s: _Any) => s.run);
  const commands = runs.flatMap(_denoTasks);
  ok(commands.length >= 3, commands.join("\n"));
  for (const c of commands) await _checkCommand(c);
  equal(_shardCount(commands.find((c) => c.includes("--shard"))!), shards.length);
  deepEqual(wf.jobs.merge.needs, "shard");
});

Deno.test("the Kubernetes recipe parses, completions match --shard, its commands exist", async () => {
  const blocks = _blocks("yaml").filter((b) => b.includes("kind: Job"));
  equal(blocks.length, 1);
  const job: _Any = _yaml(blocks[0]);
  equal(job.spec.completionMode, "Indexed");
  const container = job.spec.template.spec.containers[0];
  const commands = container.args.flatMap((a: string) => _denoTasks(a));
  ok(commands.length >= 1);
  for (const c of commands) await _checkCommand(c);
  equal(_shardCount(commands[0]), job.spec.completions);
  const mounts = container.volumeMounts.map((m: _Any) => m.name).sort();
  deepEqual(mounts, job.spec.template.spec.volumes.map((v: _Any) => v.name).sort());
});

Deno.test("every deno task command in docs/shards.md exists with the options it passes", async () => {
  const commands = [..._blocks("sh"), ..._blocks("yaml")].flatMap(_denoTasks);
  ok(commands.some((c) => c.startsWith("deno task cluster:slurm")), commands.join("\n"));
  for (const c of commands) await _checkCommand(c);
});
