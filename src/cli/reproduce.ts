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
  realRun,
  type RunFn,
  runJobs,
  silentProgress,
} from "../grid/mod.ts";
import type { BackendName } from "../nn/mod.ts";
import { openStore } from "../store/mod.ts";
import { siteAfterRun } from "./board.ts";
import {
  busyTimeoutOf,
  type CliContext,
  type GridOptions,
  gridsOf,
  jobsOf,
  shardOption,
  specsOf,
  withGridOptions,
} from "./context.ts";
import { EXIT } from "./exit_codes.ts";
import { printVerdicts, verdictExitCode } from "./verdicts.ts";

/** The options of `reproduce`. */
interface _Options extends GridOptions {
  readonly backend: BackendName;
  readonly retryFailed: boolean;
  readonly report: boolean;
  readonly quiet: boolean;
  readonly site: string | boolean;
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
    .action(async (names: string[], o: _Options) => {
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
          : await (ctx.deps.makeRun ?? realRun)(o.backend);
        const progress = o.quiet
          ? silentProgress
          : createProgress({ total: left, skipped: jobs.length - left, write: ctx.stderr });
        const summary = await runJobs(jobs, store, run, {
          retryFailed: o.retryFailed,
          provenance: await runProvenance(),
          progress,
          signal: ctx.deps.signal,
        });
        ctx.stderr(
          `ran ${
            summary.ok + summary.diverged + summary.failed
          } job(s): ${summary.ok} ok, ${summary.diverged} diverged, ${summary.failed} failed; ${summary.skipped} already done${
            shard === undefined ? "" : ` (shard ${shard.index}/${shard.count})`
          }\n`,
        );
        if (summary.aborted) return ctx.exit(EXIT.INTERRUPTED);
        if (o.report) {
          const r = printVerdicts({ specs, grids, store, preset: o.preset, print: ctx.stdout });
          ctx.exit(verdictExitCode(r.reports, r.failed));
        } else ctx.exit(summary.failed > 0 ? EXIT.CELLS_FAILED : EXIT.OK);
      } finally {
        store.close();
      }
      if (o.site !== false) {
        const site = typeof o.site === "string" ? o.site : undefined;
        await siteAfterRun(o.store, site, { ...ctx, dir: o.reproductions ?? ctx.dir });
      }
    });
}
