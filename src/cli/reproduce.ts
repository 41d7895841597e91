/**
 * `reproduce` (alias `run`): runs reproductions into a results store, skipping
 * finished cells, then prints the verdicts.
 *
 * @module
 */

import { type Command, Option } from "commander";
import { jobKey, runProvenance } from "../cell/mod.ts";
import {
  createProgress,
  estimateSeconds,
  formatDuration,
  longestFirst,
  realRun,
  type RunFn,
  runJobs,
  silentProgress,
} from "../grid/mod.ts";
import { type SizeLimits, sizeLimits } from "../init/mod.ts";
import type { BackendName } from "../nn/mod.ts";
import { claimant, openStore } from "../store/mod.ts";
import { siteAfterRun } from "./board.ts";
import {
  busyTimeoutOf,
  type CliContext,
  type GridOptions,
  gridsOf,
  jobsOf,
  shardOption,
  specsOf,
  UsageError,
  withGridOptions,
} from "./context.ts";
import { EXIT } from "./exit_codes.ts";
import { failedJobs, printVerdicts, verdictExitCode } from "./verdicts.ts";
import { parseWorkers, runPool } from "./workers.ts";

/** The options of `reproduce`. */
interface _Options extends GridOptions {
  readonly backend: BackendName;
  readonly retryFailed: boolean;
  readonly report: boolean;
  readonly quiet: boolean;
  readonly site: string | boolean;
  readonly workers: string;
  readonly maxLayerElements?: string;
  readonly maxParameters?: string;
  readonly maxDepth?: string;
  /** Internal: this process is a worker of `reproduce --workers`, started at this ISO time. */
  readonly workerOf?: string;
}

/** The arguments a worker of `--workers` gets: the same grid, as parsed. */
function _workerArgs(names: readonly string[], o: _Options, dir: string): string[] {
  const args = [...names, "--preset", o.preset, "--store", o.store];
  if (o.seeds !== undefined) args.push("--seeds", o.seeds);
  if (o.shard !== undefined) args.push("--shard", o.shard);
  args.push("--busy-timeout", o.busyTimeout, "--reproductions", o.reproductions ?? dir);
  args.push("--engine", o.engine ?? "auto", "--backend", o.backend);
  if (o.retryFailed) args.push("--retry-failed");
  if (o.maxLayerElements !== undefined) args.push("--max-layer-elements", o.maxLayerElements);
  if (o.maxParameters !== undefined) args.push("--max-parameters", o.maxParameters);
  if (o.maxDepth !== undefined) args.push("--max-depth", o.maxDepth);
  return args;
}

/** The size bounds given as flags (each a positive integer), checked. */
function _limits(o: _Options): Partial<SizeLimits> | undefined {
  const out: Record<string, number> = {};
  for (
    const [key, flag, text] of [
      ["maxLayerElements", "--max-layer-elements", o.maxLayerElements],
      ["maxParameters", "--max-parameters", o.maxParameters],
      ["maxDepth", "--max-depth", o.maxDepth],
    ] as const
  ) {
    if (text === undefined) continue;
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
      throw new RangeError(`${flag}: expected a positive integer; got "${text}"`);
    }
    out[key] = n;
  }
  return Object.keys(out).length === 0 ? undefined : sizeLimits(out);
}

/** Aborted when stdin closes: a worker's parent is gone. */
function _stdinClosed(): AbortSignal {
  const c = new AbortController();
  (async () => {
    try {
      for await (const _ of Deno.stdin.readable) { /* the parent never writes */ }
    } catch {
      // closed
    }
    c.abort(new Error("parent gone"));
  })();
  return c.signal;
}

/**
 * Adds `reproduce` to the program.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { reproduceCommand } from "./reproduce.ts";
 * const program = new Command();
 * reproduceCommand(program, {
 *   stdout: () => {}, stderr: () => {}, dir: "reproductions", deps: {}, exit: () => {},
 * });
 * ok(program.commands.some((c) => c.name() === "reproduce" && c.aliases().includes("run")));
 * ```
 */
export function reproduceCommand(program: Command, ctx: CliContext): void {
  withGridOptions(
    program.command("reproduce").alias("run")
      .description(
        "run reproductions (all when no names are given), skipping finished cells, then report verdicts",
      )
      .argument("[names...]", "reproduction names (see `list`)"),
  )
    .addOption(
      new Option("--backend <name>", "tfjs backend for training cells")
        .choices(["auto", "webgpu", "wasm", "cpu"])
        .default("auto"),
    )
    .option(
      "--retry-failed",
      "re-run cells recorded as failed (diverged cells are results and are kept)",
      false,
    )
    .option("--no-report", "skip the verdict tables at the end")
    .option("--site <dir>", "where the leaderboard site goes (default: site/ beside the store)")
    .option("--no-site", "do not build the leaderboard site at the end")
    .option("--quiet", "no progress output", false)
    .option(
      "--workers <n>",
      'worker processes sharing the store through claims (a number, or "auto" = CPUs); results do not depend on it',
      "1",
    )
    .addOption(new Option("--worker-of <since>", "internal: run as a worker").hideHelp())
    .option(
      "--max-layer-elements <n>",
      "refuse a kernel with more entries than this (default 67108864 = 8192²)",
    )
    .option("--max-parameters <n>", "refuse a network with more kernel entries (default 268435456)")
    .option("--max-depth <n>", "refuse a network with more layers (default 10000)")
    .action(async (names: string[], o: _Options) => {
      // "auto" (what `deno task reproduce` passes) means one process for an in-memory store,
      // which worker processes cannot share; an explicit number > 1 there is a usage error.
      const workers = o.workers === "auto" && o.store === ":memory:" ? 1 : parseWorkers(o.workers);
      if (workers > 1 && o.store === ":memory:") {
        throw new UsageError(
          "--workers: worker processes cannot share an in-memory store (:memory:)",
        );
      }
      const limits = _limits(o);
      if (o.workerOf !== undefined && Number.isNaN(Date.parse(o.workerOf))) {
        throw new RangeError(`--worker-of: expected an ISO time; got "${o.workerOf}"`);
      }
      const specs = await specsOf(names, o, ctx);
      const grids = gridsOf(specs, o);
      for (const g of grids) {
        for (const reason of new Set(g.onTfjs?.map((c) => c.reason))) {
          const n = g.onTfjs!.filter((c) => c.reason === reason).length;
          ctx.stderr(`${g.reproduction}: ${n} cell(s) run on the tfjs engine: ${reason}\n`);
        }
      }
      const shard = shardOption(o);
      const jobs = jobsOf(grids, shard);
      const store = openStore(o.store, { busyTimeoutMs: busyTimeoutOf(o) });
      try {
        const done = store.doneKeys(o.retryFailed);
        const todo = jobs.filter((j) => !done.has(jobKey(j.id, j.seed)));
        const left = todo.length;
        if (left > 0) {
          ctx.stderr(
            `estimate: ${left} job(s) to run, about ${
              formatDuration(estimateSeconds(todo))
            } in this process (cost model: multiply-adds × steps, calibrated on a 2-core machine; ±50%)\n`,
          );
        }
        const run: RunFn = left === 0
          ? (() => Promise.reject(new Error("unreachable")))
          : await (ctx.deps.makeRun ?? realRun)(o.backend, limits);
        const since = o.workerOf ?? new Date().toISOString();
        const provenance = await runProvenance();
        if (o.workerOf !== undefined) {
          // A worker: claim and run jobs until none is left; the summary goes to the parent.
          const stop = _stdinClosed();
          const signal = ctx.deps.signal === undefined
            ? stop
            : AbortSignal.any([ctx.deps.signal, stop]);
          // Longest first: with several workers the long cells start at once (same order in
          // every worker; results do not depend on it).
          const summary = await runJobs(longestFirst(jobs), store, run, {
            retryFailed: o.retryFailed,
            provenance,
            signal,
            claims: claimant({ retryFailed: o.retryFailed, since, parent: Deno.ppid }),
          });
          ctx.stdout(`${JSON.stringify(summary)}\n`);
          return ctx.exit(summary.aborted ? EXIT.INTERRUPTED : EXIT.OK);
        }
        let summary;
        if (left > 0 && workers > 1) {
          const todo = jobs.filter((j) => !done.has(jobKey(j.id, j.seed)));
          const pool = await runPool({
            workers: Math.min(workers, left),
            args: _workerArgs(names, o, ctx.dir),
            todo,
            skipped: jobs.length - left,
            store,
            provenance,
            since,
            signal: ctx.deps.signal,
            progress: o.quiet ? undefined : ctx.stderr,
            stderr: ctx.stderr,
          });
          if (pool.exitCode !== undefined) return ctx.exit(pool.exitCode);
          summary = pool.summary;
        } else {
          const progress = o.quiet ? silentProgress : createProgress({
            total: left,
            skipped: jobs.length - left,
            write: ctx.stderr,
            jobs: jobs.filter((j) => !done.has(jobKey(j.id, j.seed))),
          });
          summary = await runJobs(jobs, store, run, {
            retryFailed: o.retryFailed,
            provenance,
            progress,
            signal: ctx.deps.signal,
            claims: claimant({ retryFailed: o.retryFailed, since }),
          });
        }
        ctx.stderr(
          `ran ${
            summary.ok + summary.diverged + summary.failed
          } job(s): ${summary.ok} ok, ${summary.diverged} diverged, ${summary.failed} failed; ${summary.skipped} already done${
            summary.byOthers > 0 ? `; ${summary.byOthers} finished by another runner` : ""
          }${shard === undefined ? "" : ` (shard ${shard.index}/${shard.count})`}${
            workers > 1 ? ` on ${workers} workers` : ""
          }\n`,
        );
        if (summary.aborted) return ctx.exit(EXIT.INTERRUPTED);
        if (o.report) {
          const r = printVerdicts({ specs, grids, store, preset: o.preset, print: ctx.stdout });
          ctx.exit(verdictExitCode(r.reports, r.failed));
        } else ctx.exit(failedJobs(grids, store) > 0 ? EXIT.CELLS_FAILED : EXIT.OK);
      } finally {
        store.close();
      }
      if (o.site !== false) {
        const site = typeof o.site === "string" ? o.site : undefined;
        await siteAfterRun(o.store, site, { ...ctx, dir: o.reproductions ?? ctx.dir });
      }
    });
}
