/**
 * The `reproduce` command line: run reproductions into a results store,
 * resume, shard, merge, export, report.
 *
 * ```sh
 * deno task reproduce                       # all reproductions, quick preset
 * deno task reproduce mlp-mnist --preset paper --seeds 0-4
 * deno task reproduce --shard 0/4 --store results/shard-0.db
 * deno task cli merge results/shard-*.db --store results/all.db
 * deno task cli report --store results/all.db
 * deno task cli status | list | export --format csv
 * ```
 *
 * Exit codes: see `exit_codes.ts` (and `--help`).
 *
 * @module
 */

import { Command, CommanderError, Option } from "commander";
import {
  createProgress,
  evaluateVerdict,
  type ExpandedGrid,
  expandGrid,
  inShard,
  loadReproductions,
  NETWORK_METHODS,
  parseShard,
  type PresetName,
  REPRODUCTIONS_DIR,
  type ReproductionSpec,
  type RunFn,
  runJobs,
  type Shard,
  silentProgress,
  SpecError,
  type VerdictReport,
} from "../grid/mod.ts";
import { type Job, runProvenance } from "../cell/mod.ts";
import {
  mergeStore,
  openStore,
  type ResultStore,
  rowsToCsv,
  rowsToJson,
  type StoredRow,
  StoreError,
} from "../store/mod.ts";
import { methods } from "../init/mod.ts";
import { EXIT, EXIT_CODES_HELP } from "./exit_codes.ts";
import { renderReport } from "./report.ts";
import { addBoardCommand, siteAfterRun } from "./board.ts";
import type { BackendName } from "../nn/mod.ts";

/**
 * Default store path (under `results/`, which fmt/lint/test ignore).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_STORE } from "./main.ts";
 * equal(DEFAULT_STORE, "results/results.db");
 * ```
 */
export const DEFAULT_STORE = "results/results.db";

/**
 * Injectable parts of the CLI (tests pass a fake runner and capture output).
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { type CliDeps, main } from "./main.ts";
 * const out: string[] = [];
 * const deps: CliDeps = { stdout: (t) => out.push(t), stderr: (t) => out.push(t) };
 * equal(await main(["--help"], deps), 0);
 * ok(out.join("").includes("reproduce"));
 * ```
 */
export interface CliDeps {
  /** Builds the job runner for a backend; default: the real runner (runCell / runMeasure). */
  readonly makeRun?: (backend: BackendName) => RunFn | Promise<RunFn>;
  /** Where normal output goes; default stdout. */
  readonly stdout?: (text: string) => void;
  /** Where errors and progress go; default stderr. */
  readonly stderr?: (text: string) => void;
  /** Reproductions directory; default the repository's `reproductions/`. */
  readonly dir?: string;
  /** Aborting stops a run (the job in progress is not recorded). */
  readonly signal?: AbortSignal;
}

/** A usage error (exit 2). */
class _UsageError extends Error {}

/**
 * Parses a seed list: `"0,1,2"`, `"0-4"` or a mix (`"0-2,7"`).
 *
 * @throws {RangeError} naming the text and the bad part.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseSeeds } from "./main.ts";
 * deepEqual(parseSeeds("0-2,7"), [0, 1, 2, 7]);
 * ```
 */
export function parseSeeds(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(",").map((s) => s.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) {
      throw new RangeError(
        `--seeds: expected e.g. "0,1,2" or "0-4"; bad part "${part}" in "${text}"`,
      );
    }
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 10000) throw new RangeError(`--seeds: bad range "${part}" in "${text}"`);
    for (let s = a; s <= b; s++) if (!out.includes(s)) out.push(s);
  }
  return out;
}

interface _Common {
  preset: PresetName;
  store: string;
  seeds?: string;
  shard?: string;
  busyTimeout: string;
}

function _grids(specs: readonly ReproductionSpec[], o: _Common): ExpandedGrid[] {
  const seeds = o.seeds === undefined ? undefined : parseSeeds(o.seeds);
  return specs.map((s) => expandGrid(s, o.preset, seeds));
}

function _shard(o: _Common): Shard | undefined {
  return o.shard === undefined ? undefined : parseShard(o.shard);
}

function _allJobs(grids: readonly ExpandedGrid[], shard: Shard | undefined): Job[] {
  const seen = new Set<string>();
  const jobs: Job[] = [];
  for (const g of grids) {
    for (const j of shard === undefined ? g.jobs : inShard(g.jobs, shard)) {
      const k = `${j.id}:${j.seed}`;
      if (!seen.has(k)) {
        seen.add(k);
        jobs.push(j);
      }
    }
  }
  return jobs;
}

function _busy(o: _Common): number {
  const n = Number(o.busyTimeout);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`--busy-timeout: expected milliseconds >= 0; got "${o.busyTimeout}"`);
  }
  return n;
}

/** Rows of one grid's jobs, and how many of its jobs lack a final row. */
function _gridRows(grid: ExpandedGrid, byKey: ReadonlyMap<string, StoredRow>) {
  const rows: StoredRow[] = [];
  let missing = 0;
  let failed = 0;
  for (const j of grid.jobs) {
    const r = byKey.get(`${j.id}:${j.seed}`);
    if (r === undefined) missing++;
    else if (r.status === "failed") {
      failed++;
      missing++;
    } else rows.push(r);
  }
  return { rows, missing, failed };
}

function _report(
  specs: readonly ReproductionSpec[],
  grids: readonly ExpandedGrid[],
  store: ResultStore,
  preset: string,
  print: (t: string) => void,
): { reports: VerdictReport[]; failed: number } {
  const ids = new Set(grids.flatMap((g) => g.cells.map((c) => c.id)));
  const byKey = new Map(store.rows(ids).map((r) => [`${r.cellId}:${r.seed}`, r]));
  const reports: VerdictReport[] = [];
  let failed = 0;
  specs.forEach((spec, i) => {
    const g = _gridRows(grids[i], byKey);
    failed += g.failed;
    const report = evaluateVerdict(spec.verdict.checks, g.rows, g.missing);
    reports.push(report);
    print(renderReport(spec, preset, report) + "\n\n");
  });
  const summary = specs.map((s, i) => `  ${s.name.padEnd(28)} ${reports[i].verdict}`).join("\n");
  print(`Summary (${preset}):\n${summary}\n`);
  return { reports, failed };
}

function _exitFor(reports: readonly VerdictReport[], failed: number): number {
  if (failed > 0) return EXIT.CELLS_FAILED;
  if (reports.some((r) => r.verdict === "does not hold")) return EXIT.CLAIM_DOES_NOT_HOLD;
  return EXIT.OK;
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit
 * code; never calls `Deno.exit` itself.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { main } from "./main.ts";
 * const out: string[] = [];
 * equal(await main(["--help"], { stdout: (t) => out.push(t) }), 0);
 * equal(await main(["no-such-command"], { stdout: () => {}, stderr: () => {} }), 2);
 * ```
 */
export async function main(args: readonly string[], deps: CliDeps = {}): Promise<number> {
  const enc = new TextEncoder();
  const stdout = deps.stdout ?? ((t: string) => Deno.stdout.writeSync(enc.encode(t)));
  const stderr = deps.stderr ?? ((t: string) => Deno.stderr.writeSync(enc.encode(t)));
  const dir = deps.dir ?? REPRODUCTIONS_DIR;
  let code: number = EXIT.OK;

  const program = new Command()
    .name("reproduce")
    .description(
      "Run the sparse-initialization reproductions into a resumable SQLite results store.",
    )
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr })
    .showHelpAfterError()
    .addHelpText("after", EXIT_CODES_HELP);

  const common = (c: Command) =>
    c
      .addOption(
        new Option("--preset <name>", "budget preset").choices(["quick", "paper"]).default("quick"),
      )
      .option("--store <path>", "results store (SQLite file)", DEFAULT_STORE)
      .option("--seeds <list>", 'seeds overriding the preset\'s, e.g. "0,1" or "0-4"')
      .option("--shard <k/N>", "only shard k of N (0-based, by cell id hash)")
      .option("--busy-timeout <ms>", "wait this long for another process's write lock", "5000")
      .addHelpText("after", EXIT_CODES_HELP);

  common(
    program.command("reproduce").alias("run")
      .description(
        "run reproductions (all when no names are given), skipping finished cells, then report verdicts",
      )
      .argument("[names...]", "reproduction names (see `list`)"),
  )
    .addOption(
      new Option("--backend <name>", "tfjs backend for training cells").choices([
        "auto",
        "webgpu",
        "wasm",
        "cpu",
      ])
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
    .action(
      async (
        names: string[],
        o: _Common & {
          backend: BackendName;
          retryFailed: boolean;
          report: boolean;
          quiet: boolean;
          site: string | boolean;
        },
      ) => {
        const specs = await loadReproductions(names, dir);
        const grids = _grids(specs, o);
        const shard = _shard(o);
        const jobs = _allJobs(grids, shard);
        const store = openStore(o.store, { busyTimeoutMs: _busy(o) });
        try {
          const done = store.doneKeys(o.retryFailed);
          const left = jobs.filter((j) => !done.has(`${j.id}:${j.seed}`)).length;
          const run = left === 0
            ? (() => Promise.reject(new Error("unreachable")))
            : await (deps.makeRun ?? _realRun)(o.backend);
          const progress = o.quiet
            ? silentProgress
            : createProgress({ total: left, skipped: jobs.length - left, write: stderr });
          const provenance = await runProvenance();
          const summary = await runJobs(jobs, store, run, {
            retryFailed: o.retryFailed,
            provenance,
            progress,
            signal: deps.signal,
          });
          stderr(
            `ran ${
              summary.ok + summary.diverged + summary.failed
            } job(s): ${summary.ok} ok, ${summary.diverged} diverged, ${summary.failed} failed; ${summary.skipped} already done${
              shard === undefined ? "" : ` (shard ${shard.index}/${shard.count})`
            }\n`,
          );
          if (summary.aborted) {
            code = EXIT.INTERRUPTED;
            return;
          }
          if (o.report) {
            const r = _report(specs, grids, store, o.preset, stdout);
            code = _exitFor(r.reports, r.failed);
          } else code = summary.failed > 0 ? EXIT.CELLS_FAILED : EXIT.OK;
        } finally {
          store.close();
        }
        if (o.site !== false) {
          const site = typeof o.site === "string" ? o.site : undefined;
          await siteAfterRun(o.store, site, { stdout, stderr, dir, defaultStore: o.store });
        }
      },
    );

  common(
    program.command("report")
      .description("print claim vs measured and verdicts from a store, without running anything")
      .argument("[names...]", "reproduction names (see `list`)"),
  ).action(async (names: string[], o: _Common) => {
    const specs = await loadReproductions(names, dir);
    const grids = _grids(specs, o);
    const store = openStore(o.store, { busyTimeoutMs: _busy(o), readOnly: true });
    try {
      const r = _report(specs, grids, store, o.preset, stdout);
      code = _exitFor(r.reports, r.failed);
    } finally {
      store.close();
    }
  });

  common(
    program.command("status")
      .description("cells done, failed and left per reproduction")
      .argument("[names...]", "reproduction names (see `list`)"),
  ).action(async (names: string[], o: _Common) => {
    const specs = await loadReproductions(names, dir);
    const grids = _grids(specs, o);
    const shard = _shard(o);
    const store = openStore(o.store, { busyTimeoutMs: _busy(o), readOnly: true });
    try {
      const byKey = new Map(store.rows().map((r) => [`${r.cellId}:${r.seed}`, r.status]));
      const rows = grids.map((g) => {
        const jobs = shard === undefined ? g.jobs : inShard(g.jobs, shard);
        const c = { ok: 0, diverged: 0, failed: 0, left: 0 };
        for (const j of jobs) {
          const s = byKey.get(`${j.id}:${j.seed}`);
          if (s === undefined) c.left++;
          else c[s]++;
        }
        return [
          g.reproduction,
          String(jobs.length),
          String(c.ok),
          String(c.diverged),
          String(c.failed),
          String(c.left),
        ];
      });
      const w = [28, 6, 6, 9, 7, 6];
      const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i])).join(" ").trimEnd();
      stdout(
        [line(["reproduction", "jobs", "ok", "diverged", "failed", "left"]), ...rows.map(line)]
          .join("\n") + "\n",
      );
      code = rows.some((r) => r[4] !== "0") ? EXIT.CELLS_FAILED : EXIT.OK;
    } finally {
      store.close();
    }
  });

  program.command("list")
    .description("list reproductions and initialization methods")
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async () => {
      const specs = await loadReproductions([], dir);
      stdout("Reproductions:\n");
      for (const s of specs) {
        const q = expandGrid(s, "quick").jobs.length;
        const p = expandGrid(s, "paper").jobs.length;
        stdout(
          `  ${s.name.padEnd(26)} ${s.kind.padEnd(8)} quick ${String(q).padStart(4)} jobs, paper ${
            String(p).padStart(5)
          } jobs  ${s.title}\n`,
        );
      }
      stdout("\nMethods:\n");
      for (const m of methods()) stdout(`  ${m.name.padEnd(26)} ${m.description}\n`);
      for (const n of NETWORK_METHODS) {
        stdout(`  ${n.padEnd(26)} (network-level, see initializeNetwork)\n`);
      }
    });

  program.command("export")
    .description("export a store's rows as JSON or CSV")
    .option("--store <path>", "results store", DEFAULT_STORE)
    .addOption(
      new Option("--format <format>", "output format").choices(["json", "csv"]).default("json"),
    )
    .option("--out <path>", "write to a file instead of stdout")
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (o: { store: string; format: "json" | "csv"; out?: string }) => {
      const store = openStore(o.store, { readOnly: true });
      try {
        const rows = store.rows();
        const text = o.format === "json" ? rowsToJson(rows) : rowsToCsv(rows);
        if (o.out === undefined) stdout(text);
        else await Deno.writeTextFile(o.out, text);
      } finally {
        store.close();
      }
    });

  program.command("merge")
    .description("merge stores into --store, idempotently (keyed by cell id and seed)")
    .argument("<sources...>", "stores to merge in")
    .option("--store <path>", "target store (created if missing)", DEFAULT_STORE)
    .option("--busy-timeout <ms>", "wait this long for another process's write lock", "5000")
    .addHelpText("after", EXIT_CODES_HELP)
    .action((sources: string[], o: _Common) => {
      for (const s of sources) {
        try {
          Deno.statSync(s);
        } catch {
          throw new _UsageError(`merge: source store "${s}" does not exist`);
        }
      }
      const store = openStore(o.store, { busyTimeoutMs: _busy(o) });
      try {
        for (const s of sources) {
          const r = mergeStore(store, s);
          stderr(`merged ${s}: ${r.read} row(s) read, ${r.written} written\n`);
        }
      } finally {
        store.close();
      }
    });

  addBoardCommand(program, { stdout, stderr, dir, defaultStore: DEFAULT_STORE });

  try {
    await program.parseAsync([...args], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" || e.code === "commander.help" ||
        e.code === "commander.version"
      ) {
        return EXIT.OK;
      }
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof StoreError) {
      stderr(`error: ${e.message}\n`);
      return EXIT.STORE_ERROR;
    }
    if (
      e instanceof SpecError || e instanceof RangeError || e instanceof TypeError ||
      e instanceof _UsageError
    ) {
      stderr(`error: ${e.message}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof Deno.errors.NotFound) {
      stderr(`error: ${e.message}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
}

async function _realRun(backend: BackendName): Promise<RunFn> {
  const { realRun } = await import("./real_run.ts");
  return realRun(backend);
}

if (import.meta.main) {
  const controller = new AbortController();
  let interrupts = 0;
  Deno.addSignalListener("SIGINT", () => {
    interrupts++;
    if (interrupts > 1) Deno.exit(EXIT.INTERRUPTED);
    Deno.stderr.writeSync(
      new TextEncoder().encode(
        "\ninterrupt: abandoning the current cell (it runs again next time); Ctrl-C again to quit now\n",
      ),
    );
    controller.abort(new Error("interrupted"));
  });
  Deno.exit(await main(Deno.args, { signal: controller.signal }));
}
