/**
 * `deno task cluster:slurm`: run reproductions as a Slurm job array, one shard
 * per array task, then merge the shard stores and print the verdicts.
 *
 * ```sh
 * deno task cluster:slurm mlp-mnist --preset paper --shards 16 --partition cpu \
 *   --stores /shared/results/mlp-mnist --sbatch-arg=--time=24:00:00 --sbatch-arg=--mem=8G
 * ```
 *
 * 1. Plans: expands the grid, counts each shard's jobs and how many its store
 *    (`<stores>/shard-k.db`) already holds; shards with nothing left get no task.
 * 2. Submits `sbatch --array=<shards left>` of a generated batch script
 *    (`<stores>/reproduce.sbatch`): task k runs `reproduce … --shard k/N
 *    --store <stores>/shard-k.db --no-report --quiet` and writes the CLI's exit
 *    code to `<stores>/logs/shard-k.job-<id>.exit`; its output goes to the
 *    `.log` beside it.
 * 3. Waits, polling `squeue` (no accounting needed: `sacct` is never used),
 *    then reads each task's exit file; a task without one (killed, timed out,
 *    node failure) is described from `scontrol show job`.
 * 4. Resubmits the failed or killed tasks once, as a new array of just those
 *    shards (finished cells are skipped by the runner's resume).
 * 5. Merges every shard store into `--store` (default `<stores>/all.db`) with
 *    `cli merge`, and prints `cli report`.
 *
 * Exit codes are the CLI's: 0 ok, 1 a claim does not hold, 2 usage error
 * (including Slurm's commands missing or `sbatch` rejecting the job), 3 store
 * error, 4 some cells failed or a shard still failed after its resubmission,
 * 130 interrupted (the submitted jobs are cancelled; finished cells are kept).
 *
 * The stores directory must be on a file system the compute nodes share with
 * the submitting machine, as must the repository (with `node_modules/`) and
 * the deno binary (`--deno`).
 *
 * @module
 */

import { resolve } from "node:path";
import { Command, Option } from "commander";
import { EXIT, exitCodeOf, UsageError } from "../cli/mod.ts";
import { planShards, type ShardPlan } from "./plan.ts";
import { PRESET_NAMES, type PresetName } from "../grid/mod.ts";
import {
  combineExit,
  compactIndices,
  describeExit,
  isActive,
  parseScontrolJobs,
  parseSqueue,
  shardRan,
  SQUEUE_FORMAT,
  type TaskState,
} from "./slurm_parse.ts";
import {
  batchScript,
  exitFile,
  logFile,
  logPattern,
  shardStore,
  shellQuote,
} from "./slurm_script.ts";

/**
 * The `--help` text of the exit codes (the CLI's, with what they mean here).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { SLURM_EXIT_CODES_HELP } from "./slurm.ts";
 * ok(SLURM_EXIT_CODES_HELP.includes("4  "));
 * ```
 */
export const SLURM_EXIT_CODES_HELP = `
Exit codes (the CLI's):
  0  ok: every shard ran; no claim was found not to hold
  1  at least one claim does not hold
  2  usage error (bad option, unknown name; Slurm's commands missing; sbatch rejected the job)
  3  store error (a shard store or the merged store could not be opened or written)
  4  a shard task still failed after its one resubmission, or some cells are recorded as failed
     (re-run with --retry-failed)
  130 interrupted (the submitted jobs are cancelled; finished cells are kept: run again to resume)`;

/** The repository root (the CLI and `node_modules/` live there). */
const _REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const _CLI = `${_REPO}/src/cli/main.ts`;

/**
 * Injectable parts (tests capture output and point at other Slurm commands).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type SlurmDeps, slurmMain } from "./slurm.ts";
 * const out: string[] = [];
 * const deps: SlurmDeps = { stdout: (t) => out.push(t), stderr: (t) => out.push(t) };
 * equal(await slurmMain(["--help"], deps), 0);
 * ```
 */
export interface SlurmDeps {
  /** Where the report goes; default stdout. */
  readonly stdout?: (text: string) => void;
  /** Where progress and errors go; default stderr. */
  readonly stderr?: (text: string) => void;
  /** Aborting cancels the submitted jobs and returns 130. */
  readonly signal?: AbortSignal;
  /** Directory holding `sbatch`, `squeue`, `scontrol`, `scancel`; default: found on PATH. */
  readonly slurmBin?: string;
}

interface _Options {
  shards: string;
  partition?: string;
  preset: PresetName;
  seeds?: string;
  backend: string;
  stores: string;
  store?: string;
  sbatchArg: string[];
  cpusPerTask: string;
  jobName: string;
  reproductions?: string;
  retryFailed: boolean;
  poll: string;
  deno: string;
}

interface _Outcome {
  readonly ran: boolean;
  /** The CLI's exit code from the exit file, when the task wrote one. */
  readonly code?: number;
  readonly why: string;
}

interface _Ctx {
  readonly bin: (name: string) => string;
  readonly say: (text: string) => void;
  readonly signal?: AbortSignal;
}

function _positiveInt(text: string, what: string, max = 1_000_000): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new RangeError(`${what}: expected an integer from 1 to ${max}; got "${text}"`);
  }
  return n;
}

async function _run(
  cmd: string,
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const dec = new TextDecoder();
  try {
    const r = await new Deno.Command(cmd, { args: [...args], stdout: "piped", stderr: "piped" })
      .output();
    return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(
        /(^|\/)s(batch|queue|control|cancel)$/.test(cmd)
          ? `${cmd} not found: run this where Slurm's client commands are installed ` +
            `(Debian: apt-get install slurm-client) and on PATH`
          : `${cmd} not found`,
      );
    }
    throw e;
  }
}

function _sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((done) => {
    if (signal?.aborted) return done(false);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      done(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      done(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function _seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function _lines(text: string): string[] {
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
}

function _readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** Submits the array; returns its job id. */
async function _submit(
  ctx: _Ctx,
  o: { shards: readonly number[]; sbatchArgs: readonly string[]; script: string },
): Promise<string> {
  const args = ["--parsable", `--array=${compactIndices(o.shards)}`, ...o.sbatchArgs, o.script];
  const r = await _run(ctx.bin("sbatch"), args);
  const id = r.out.trim().split(";")[0];
  if (r.code !== 0 || !/^\d+$/.test(id)) {
    throw new UsageError(
      `sbatch ${args.map(shellQuote).join(" ")} failed (exit ${r.code}): ${
        (r.err.trim() || r.out.trim()) || "no output"
      }`,
    );
  }
  return id;
}

/**
 * Polls squeue until no task of `jobId` is active. Returns "aborted" if the
 * signal fired, "lost" if squeue kept failing for `giveUpMs`.
 */
async function _wait(
  ctx: _Ctx,
  jobId: string,
  o: { shards: readonly number[]; pollMs: number; giveUpMs: number },
): Promise<"done" | "aborted" | "lost"> {
  const last = new Map<number, string>();
  let failingSince: number | undefined;
  let warned = 0;
  while (true) {
    const r = await _run(ctx.bin("squeue"), ["-h", "-r", "-j", jobId, "-o", SQUEUE_FORMAT]);
    if (r.code === 0) {
      failingSince = undefined;
      const states = parseSqueue(r.out, jobId);
      for (const k of o.shards) {
        const s = states.get(k);
        if (s === undefined) continue;
        const text = s.reason === "None" ? s.state : `${s.state} (${s.reason})`;
        if (text !== last.get(k)) ctx.say(`shard ${k} (task ${jobId}_${k}): ${text}\n`);
        last.set(k, text);
      }
      if (![...states.values()].some((s) => isActive(s.state))) return "done";
    } else if (/invalid job id/i.test(r.err)) {
      return "done"; // the controller has already purged the finished job's records
    } else {
      const now = performance.now();
      failingSince ??= now;
      if (now - warned > 60_000) {
        ctx.say(`warning: squeue failed (exit ${r.code}): ${r.err.trim()}; retrying\n`);
        warned = now;
      }
      if (now - failingSince > o.giveUpMs) return "lost";
    }
    if (!await _sleep(o.pollMs, ctx.signal)) return "aborted";
  }
}

/** Reads each shard's exit file; describes the ones without from scontrol. */
async function _outcomes(
  ctx: _Ctx,
  jobId: string,
  o: { shards: readonly number[]; stores: string },
): Promise<Map<number, _Outcome>> {
  const out = new Map<number, _Outcome>();
  let slurm: Map<number, TaskState> | undefined;
  for (const k of o.shards) {
    const text = _readText(exitFile(o.stores, k, jobId));
    const code = text === undefined ? undefined : Number(text.trim());
    if (code !== undefined && Number.isInteger(code) && shardRan(code)) {
      out.set(k, { ran: true, code, why: describeExit(code) });
      continue;
    }
    if (slurm === undefined) {
      const r = await _run(ctx.bin("scontrol"), ["show", "job", "-o", jobId]);
      slurm = r.code === 0 ? parseScontrolJobs(r.out, jobId) : new Map();
    }
    const s = slurm.get(k);
    const said = s === undefined
      ? "Slurm has no record of the task left"
      : `Slurm: ${s.state}, reason ${s.reason}, ExitCode ${s.exitCode ?? "?"}`;
    const what = code === undefined
      ? "no exit file (the task did not finish)"
      : Number.isInteger(code)
      ? describeExit(code)
      : `unreadable exit file "${text}"`;
    out.set(k, {
      ran: false,
      code: Number.isInteger(code) ? code : undefined,
      why: `${what}; ${said}`,
    });
  }
  return out;
}

/** The last line of a shard log saying what ran, or its last lines for a failure. */
function _logSummary(path: string, ran: boolean): string[] {
  const lines = _lines(_readText(path) ?? "");
  if (ran) {
    const ranLine = lines.findLast((l) => /^ran \d+ job/.test(l));
    return ranLine === undefined ? [] : [ranLine];
  }
  return lines.slice(-3);
}

async function _cliStep(
  deno: string,
  args: readonly string[],
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  const r = await _run(deno, ["run", "-A", _CLI, ...args]);
  if (r.out !== "") out(r.out);
  if (r.err !== "") err(r.err);
  return r.code;
}

/**
 * Runs `cluster:slurm` with `args` (without the program name) and returns the
 * exit code; never calls `Deno.exit` itself.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { slurmMain } from "./slurm.ts";
 * const quiet = { stdout: () => {}, stderr: () => {} };
 * equal(await slurmMain(["--shards", "0"], quiet), 2);
 * ```
 */
export async function slurmMain(args: readonly string[], deps: SlurmDeps = {}): Promise<number> {
  const enc = new TextEncoder();
  const stdout = deps.stdout ?? ((t: string) => Deno.stdout.writeSync(enc.encode(t)));
  const stderr = deps.stderr ?? ((t: string) => Deno.stderr.writeSync(enc.encode(t)));
  const ctx: _Ctx = {
    bin: (name) => deps.slurmBin === undefined ? name : `${deps.slurmBin}/${name}`,
    say: (t) => stderr(`[slurm] ${t}`),
    signal: deps.signal,
  };
  let code: number = EXIT.OK;

  const program = new Command()
    .name("cluster:slurm")
    .description(
      "Run reproductions as a Slurm job array (one shard per task), resubmit failed tasks once, " +
        "merge the shard stores and print the verdicts.",
    )
    .argument("[names...]", "reproduction names (all when none are given; see `cli list`)")
    .option("--shards <N>", "number of shards = array tasks", "4")
    .option("--partition <name>", "Slurm partition (default: the cluster's default)")
    .addOption(
      new Option("--preset <name>", "budget preset").choices(PRESET_NAMES).default("quick"),
    )
    .option("--seeds <list>", 'seeds overriding the preset\'s, e.g. "0-4"')
    .addOption(
      new Option("--backend <name>", "tfjs backend of the tasks")
        .choices(["auto", "webgpu", "wasm", "cpu"]).default("wasm"),
    )
    .option(
      "--stores <dir>",
      "shard stores, logs and the batch script (shared file system)",
      "results/slurm",
    )
    .option("--store <path>", "merged store (default: <stores>/all.db)")
    .option(
      "--sbatch-arg <arg>",
      "extra sbatch argument, repeatable (e.g. --sbatch-arg=--time=24:00:00)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option("--cpus-per-task <n>", "sbatch --cpus-per-task", "1")
    .option("--job-name <name>", "sbatch --job-name", "reproduce")
    .option("--reproductions <dir>", "directory of reproduction files (default: the repository's)")
    .option("--retry-failed", "re-run cells recorded as failed", false)
    .option("--poll <seconds>", "how often to poll squeue", "10")
    .option("--deno <path>", "deno binary the tasks run (same path on every node)", Deno.execPath())
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr })
    .showHelpAfterError()
    .addHelpText("after", SLURM_EXIT_CODES_HELP)
    .action(async (names: string[], o: _Options) => {
      code = await _slurm(ctx, names, o, { stdout, stderr });
    });

  try {
    await program.parseAsync([...args], { from: "user" });
    return code;
  } catch (e) {
    return exitCodeOf(e, stderr);
  }
}

async function _slurm(
  ctx: _Ctx,
  names: string[],
  o: _Options,
  io: { stdout: (t: string) => void; stderr: (t: string) => void },
): Promise<number> {
  const started = performance.now();
  const shards = _positiveInt(o.shards, "--shards", 100_000);
  const cpus = _positiveInt(o.cpusPerTask, "--cpus-per-task", 4096);
  const pollSeconds = Number(o.poll);
  if (!(pollSeconds > 0 && pollSeconds <= 3600)) {
    throw new RangeError(`--poll: expected seconds in (0, 3600]; got "${o.poll}"`);
  }
  if (o.jobName.trim() === "" || /[\s'"]/.test(o.jobName)) {
    throw new RangeError(
      `--job-name: expected a name without spaces or quotes; got "${o.jobName}"`,
    );
  }
  if (!_readable(o.deno)) {
    throw new UsageError(`--deno: "${o.deno}" is not a file (the deno binary the tasks run)`);
  }
  const stores = resolve(o.stores);
  const merged = resolve(o.store ?? `${stores}/all.db`);
  const reproductions = o.reproductions === undefined ? undefined : resolve(o.reproductions);
  const selection = [
    ...names,
    "--preset",
    o.preset,
    ...(o.seeds === undefined ? [] : ["--seeds", o.seeds]),
    ...(reproductions === undefined ? [] : ["--reproductions", reproductions]),
  ];

  const plan = await planShards(
    { names, preset: o.preset, seeds: o.seeds, shards, reproductions, retryFailed: o.retryFailed },
    (k) => shardStore(stores, k),
  );
  _sayPlan(ctx, plan, names);
  const todo = plan.filter((p) => p.left > 0).map((p) => p.index);

  const attempts: { jobId: string; shards: number[]; outcomes: Map<number, _Outcome> }[] = [];
  let stillFailed: { shard: number; code?: number }[] = [];
  const waitStart = performance.now();
  if (todo.length === 0) {
    ctx.say("nothing to run: every shard's store holds all its jobs; not submitting\n");
  } else {
    Deno.mkdirSync(`${stores}/logs`, { recursive: true });
    const script = `${stores}/reproduce.sbatch`;
    Deno.writeTextFileSync(
      script,
      batchScript({
        deno: o.deno,
        cli: _CLI,
        shards,
        stores,
        reproduceArgs: [
          ...selection,
          "--backend",
          o.backend,
          ...(o.retryFailed ? ["--retry-failed"] : []),
        ],
      }),
      { mode: 0o755 },
    );
    const sbatchArgs = [
      `--job-name=${o.jobName}`,
      `--output=${logPattern(stores)}`,
      `--cpus-per-task=${cpus}`,
      `--chdir=${_REPO}`,
      ...(o.partition === undefined ? [] : [`--partition=${o.partition}`]),
      ...o.sbatchArg,
    ];
    let run = todo;
    for (let attempt = 1; attempt <= 2 && run.length > 0; attempt++) {
      let jobId: string;
      try {
        jobId = await _submit(ctx, { shards: run, sbatchArgs, script });
      } catch (e) {
        if (attempt === 1 || !(e instanceof UsageError)) throw e;
        ctx.say(`resubmission failed: ${e.message}\n`);
        break;
      }
      ctx.say(
        `attempt ${attempt}: submitted job ${jobId}, array ${compactIndices(run)} ` +
          `(${run.length} task(s)); logs in ${stores}/logs/\n`,
      );
      const waited = await _wait(ctx, jobId, {
        shards: run,
        pollMs: pollSeconds * 1000,
        giveUpMs: Math.max(300_000, 10 * pollSeconds * 1000),
      });
      if (waited === "aborted") {
        await _run(ctx.bin("scancel"), [jobId]);
        ctx.say(
          `interrupted: cancelled job ${jobId}; finished cells are kept in the shard stores, ` +
            `run again to resume\n`,
        );
        return EXIT.INTERRUPTED;
      }
      if (waited === "lost") {
        ctx.say(
          `lost contact with slurmctld while waiting for job ${jobId}; judging by exit files\n`,
        );
      }
      const outcomes = await _outcomes(ctx, jobId, { shards: run, stores });
      attempts.push({ jobId, shards: run, outcomes });
      for (const k of run) {
        const r = outcomes.get(k)!;
        ctx.say(`shard ${k} (job ${jobId}_${k}): ${r.ran ? "ran" : "FAILED"}, ${r.why}\n`);
        for (const l of _logSummary(logFile(stores, k, jobId), r.ran)) ctx.say(`  | ${l}\n`);
      }
      run = run.filter((k) => !outcomes.get(k)!.ran);
      if (run.length > 0 && attempt === 1) {
        ctx.say(`resubmitting ${run.length} failed task(s) once: shard(s) ${run.join(", ")}\n`);
      }
    }
    stillFailed = run.map((k) => ({ shard: k, code: attempts.at(-1)?.outcomes.get(k)?.code }));
  }
  const waitMs = performance.now() - waitStart;

  const mergeStart = performance.now();
  const sources = plan.map((p) => shardStore(stores, p.index)).filter((p) => _readable(p));
  let mergeCode: number = EXIT.OK;
  if (sources.length > 0) {
    mergeCode = await _cliStep(
      o.deno,
      ["merge", ...sources, "--store", merged],
      io.stdout,
      (t) => _lines(t).forEach((l) => ctx.say(`${l}\n`)),
    );
  } else ctx.say("no shard store to merge\n");
  const mergeMs = performance.now() - mergeStart;

  const reportStart = performance.now();
  let reportCode: number = EXIT.OK;
  if (mergeCode === EXIT.OK && sources.length > 0) {
    reportCode = await _cliStep(
      o.deno,
      ["report", ...selection, "--store", merged],
      io.stdout,
      io.stderr,
    );
  }
  const reportMs = performance.now() - reportStart;

  const recovered = attempts.length > 1
    ? attempts[0].shards.filter((k) =>
      !attempts[0].outcomes.get(k)!.ran && attempts[1].outcomes.get(k)?.ran
    )
    : [];
  if (recovered.length > 0) {
    ctx.say(`recovered by resubmission: shard(s) ${recovered.join(", ")}\n`);
  }
  if (stillFailed.length > 0) {
    ctx.say(
      `FAILED after one resubmission: shard(s) ${stillFailed.map((f) => f.shard).join(", ")}\n`,
    );
    for (const f of stillFailed) {
      const why = attempts.map((a) =>
        a.outcomes.has(f.shard) ? `job ${a.jobId}: ${a.outcomes.get(f.shard)!.why}` : undefined
      )
        .filter((w) => w !== undefined);
      ctx.say(`  shard ${f.shard}: ${why.join(" | ")}\n`);
    }
  }
  ctx.say(
    `${shards} shard(s), ${attempts.reduce((a, t) => a + t.shards.length, 0)} task(s) in ` +
      `${attempts.length} job(s); waiting for Slurm ${_seconds(waitMs)}, merge ${
        _seconds(mergeMs)
      }, ` +
      `report ${_seconds(reportMs)}, total ${
        _seconds(performance.now() - started)
      }; merged store ${merged}\n`,
  );
  const shardCodes = stillFailed.map((f) =>
    f.code === EXIT.STORE_ERROR || f.code === EXIT.USAGE ? f.code : EXIT.CELLS_FAILED
  );
  return combineExit([...shardCodes, mergeCode, reportCode]);
}

function _readable(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function _sayPlan(ctx: _Ctx, plan: readonly ShardPlan[], names: readonly string[]): void {
  const jobs = plan.reduce((a, p) => a + p.jobs, 0);
  const left = plan.reduce((a, p) => a + p.left, 0);
  ctx.say(
    `${
      names.length === 0 ? "all reproductions" : names.join(", ")
    }: ${jobs} job(s), ${left} left, ` +
      `in ${plan.length} shard(s)\n`,
  );
  ctx.say(`  jobs per shard: ${plan.map((p) => p.jobs).join(" ")}\n`);
  ctx.say(`  left per shard: ${plan.map((p) => p.left).join(" ")}\n`);
}

if (import.meta.main) {
  const controller = new AbortController();
  let interrupts = 0;
  Deno.addSignalListener("SIGINT", () => {
    interrupts++;
    if (interrupts > 1) Deno.exit(EXIT.INTERRUPTED);
    Deno.stderr.writeSync(
      new TextEncoder().encode("\n[slurm] interrupt: cancelling the submitted job(s)\n"),
    );
    controller.abort(new Error("interrupted"));
  });
  Deno.exit(await slurmMain(Deno.args, { signal: controller.signal }));
}
