/**
 * What every command shares: the injectable parts of the CLI (output, the
 * reproductions directory, the job runner, an abort signal), the exit code a
 * command sets, the common options of the grid commands and their parsing.
 *
 * @module
 */

import { type Command, Option } from "commander";
import { type Job, jobKey } from "../cell/mod.ts";
import {
  ENGINE_CHOICES,
  type EngineChoice,
  type ExpandedGrid,
  expandGrid,
  inShard,
  loadReproductions,
  parseShard,
  PRESET_NAMES,
  type PresetName,
  type ReproductionSpec,
  type RunFn,
  type Shard,
} from "../grid/mod.ts";
import type { SizeLimits } from "../init/mod.ts";
import type { BackendName } from "../nn/mod.ts";
import { EXIT_CODES_HELP } from "./exit_codes.ts";

/**
 * Default store path (under `results/`, which fmt/lint/test ignore).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_STORE } from "./context.ts";
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
 * import type { CliDeps } from "./context.ts";
 * import { main } from "./main.ts";
 * const out: string[] = [];
 * const deps: CliDeps = { stdout: (t) => out.push(t), stderr: (t) => out.push(t) };
 * equal(await main(["--help"], deps), 0);
 * ok(out.join("").includes("reproduce"));
 * ```
 */
export interface CliDeps {
  /** Builds the job runner for a backend and size bounds; default: the real runner (runCell / runMeasure). */
  readonly makeRun?: (
    backend: BackendName,
    limits?: Partial<SizeLimits>,
  ) => RunFn | Promise<RunFn>;
  /** Where normal output goes; default stdout. */
  readonly stdout?: (text: string) => void;
  /** Where errors and progress go; default stderr. */
  readonly stderr?: (text: string) => void;
  /** Reproductions directory; default the repository's `reproductions/`. */
  readonly dir?: string;
  /** Aborting stops a run (the job in progress is not recorded). */
  readonly signal?: AbortSignal;
}

/**
 * What a command's action gets: resolved output functions and directory, the
 * deps, and `exit(code)` to set the process's exit code.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CliContext } from "./context.ts";
 * let code = -1;
 * const ctx: CliContext = {
 *   stdout: () => {}, stderr: () => {}, dir: "reproductions", deps: {}, exit: (c) => code = c,
 * };
 * ctx.exit(4);
 * equal(code, 4);
 * ```
 */
export interface CliContext {
  /** Normal output. */
  readonly stdout: (text: string) => void;
  /** Errors and progress. */
  readonly stderr: (text: string) => void;
  /** The reproductions directory. */
  readonly dir: string;
  /** The injectable parts as given. */
  readonly deps: CliDeps;
  /** Sets the exit code `main` returns. */
  readonly exit: (code: number) => void;
}

/**
 * A usage error: `main` prints its message and exits 2.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { UsageError } from "./context.ts";
 * equal(new UsageError("bad").name, "UsageError");
 * ```
 */
export class UsageError extends Error {
  /** @param message what was wrong, naming the value. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * An output file or directory that cannot be written (`export --out`,
 * `board --out`): `main` prints its message and exits 3, as for a store
 * that cannot be written.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OutputError } from "./context.ts";
 * equal(new OutputError("export --out x: is a directory").name, "OutputError");
 * ```
 */
export class OutputError extends Error {
  /** @param message what could not be written, naming the path and why. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OutputError";
  }
}

/**
 * Writes `text` to the file `path` for the option `flag` (e.g. `export --out`).
 *
 * @throws {OutputError} naming the flag and path when the path is a
 * directory, its directory does not exist, or it cannot be written.
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { writeOutputFile } from "./context.ts";
 * const dir = await Deno.makeTempDir();
 * await rejects(() => writeOutputFile("export --out", dir, "x"), /is a directory/);
 * await Deno.remove(dir);
 * ```
 */
export async function writeOutputFile(flag: string, path: string, text: string): Promise<void> {
  try {
    if ((await Deno.stat(path)).isDirectory) {
      throw new OutputError(`${flag} ${path}: is a directory; give a file path`);
    }
  } catch (e) {
    if (e instanceof OutputError) throw e;
    // missing: written below
  }
  try {
    await Deno.writeTextFile(path, text);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "its directory does not exist"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    throw new OutputError(`${flag} ${path}: cannot write it (${why})`, { cause: e });
  }
}

/**
 * The largest seed: seeds are 32-bit unsigned integers (a bound, so that a
 * range cannot run past the integers a double counts exactly).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_SEED } from "./context.ts";
 * equal(MAX_SEED, 4294967295);
 * ```
 */
export const MAX_SEED = 0xffff_ffff;

/** The most seeds one `--seeds` list may give. */
const _MAX_SEEDS = 10_001;

/**
 * Parses a seed list: `"0,1,2"`, `"0-4"` or a mix (`"0-2,7"`). Seeds are
 * integers from 0 to {@linkcode MAX_SEED}; a list gives at most 10001 seeds.
 *
 * @throws {RangeError} naming the text and the bad part.
 * @example
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseSeeds } from "./context.ts";
 * deepEqual(parseSeeds("0-2,7"), [0, 1, 2, 7]);
 * throws(() => parseSeeds("9007199254740993"), /seed 9007199254740993 is above 4294967295/);
 * ```
 */
export function parseSeeds(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(",").map((s) => s.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) {
      throw new RangeError(
        `--seeds: expected e.g. "0,1,2" or "0-4"; bad part "${part}" in "${text}"`,
      );
    }
    for (const digits of [m[1], m[2]]) {
      if (digits !== undefined && BigInt(digits) > BigInt(MAX_SEED)) {
        throw new RangeError(
          `--seeds: seed ${digits} is above ${MAX_SEED} (seeds are 32-bit unsigned integers) in "${text}"`,
        );
      }
    }
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) {
      throw new RangeError(`--seeds: range "${part}" ends below its start in "${text}"`);
    }
    if (b - a + 1 > _MAX_SEEDS) {
      throw new RangeError(`--seeds: range "${part}" gives more than ${_MAX_SEEDS} seeds`);
    }
    for (let s = a; s <= b; s++) out.add(s);
    if (out.size > _MAX_SEEDS) {
      throw new RangeError(`--seeds: "${text}" gives more than ${_MAX_SEEDS} seeds`);
    }
  }
  return [...out];
}

/**
 * The options every grid command takes (`--preset`, `--store`, `--seeds`,
 * `--shard`, `--busy-timeout`), as commander parses them. */
export interface GridOptions {
  /** The budget preset. */
  readonly preset: PresetName;
  /** The results store's path. */
  readonly store: string;
  /** Seeds overriding the preset's, as typed. */
  readonly seeds?: string;
  /** `k/N`, as typed. */
  readonly shard?: string;
  /** Milliseconds to wait for another process's write lock, as typed. */
  readonly busyTimeout: string;
  /** A directory of reproduction files replacing the repository's. */
  readonly reproductions?: string;
  /** Step engine of the training cells (part of their ids): auto (default), tfjs or simd. */
  readonly engine?: EngineChoice;
}

/**
 * Adds the {@linkcode GridOptions} (and the exit-code help) to a command.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { withGridOptions } from "./context.ts";
 * const c = withGridOptions(new Command("x"));
 * ok(c.options.some((o) => o.long === "--shard"));
 * ```
 */
export function withGridOptions(c: Command): Command {
  return c
    .addOption(
      new Option("--preset <name>", "budget preset").choices(PRESET_NAMES).default("quick"),
    )
    .option("--store <path>", "results store (SQLite file)", DEFAULT_STORE)
    .option("--seeds <list>", 'seeds overriding the preset\'s, e.g. "0,1" or "0-4"')
    .option("--shard <k/N>", "only shard k of N (0-based, by cell id hash)")
    .option("--busy-timeout <ms>", "wait this long for another process's write lock", "5000")
    .option("--reproductions <dir>", "directory of reproduction files (default: the repository's)")
    .addOption(
      new Option(
        "--engine <name>",
        "step engine of training cells (part of their ids): simd where it can run the cell (auto), or all tfjs / all simd",
      ).choices([...ENGINE_CHOICES]).default("auto"),
    )
    .addHelpText("after", EXIT_CODES_HELP);
}

/**
 * The reproductions a grid command names, from `--reproductions` or the
 * context's directory.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { REPRODUCTIONS_DIR } from "../grid/mod.ts";
 * import { specsOf } from "./context.ts";
 * const ctx = { stdout: () => {}, stderr: () => {}, dir: REPRODUCTIONS_DIR, deps: {}, exit: () => {} };
 * const [spec] = await specsOf(["exactness"], { preset: "quick", store: "x", busyTimeout: "0" }, ctx);
 * equal(spec.name, "exactness");
 * ```
 */
export function specsOf(
  names: readonly string[],
  o: GridOptions,
  ctx: CliContext,
): Promise<ReproductionSpec[]> {
  return loadReproductions(names, o.reproductions ?? ctx.dir);
}

/**
 * The grids of `specs` under the options' preset, seeds and engine choice.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadReproductions } from "../grid/mod.ts";
 * import { gridsOf } from "./context.ts";
 * const specs = await loadReproductions(["exactness"]);
 * const [grid] = gridsOf(specs, { preset: "quick", store: "x", busyTimeout: "0", seeds: "0" });
 * equal(grid.jobs.every((j) => j.seed === 0), true);
 * ```
 */
export function gridsOf(specs: readonly ReproductionSpec[], o: GridOptions): ExpandedGrid[] {
  const seeds = o.seeds === undefined ? undefined : parseSeeds(o.seeds);
  return specs.map((s) => expandGrid(s, o.preset, { seeds, engine: o.engine }));
}

/**
 * The options' shard, if any.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { shardOption } from "./context.ts";
 * equal(shardOption({ preset: "quick", store: "x", busyTimeout: "0", shard: "1/4" })?.count, 4);
 * ```
 */
export function shardOption(o: GridOptions): Shard | undefined {
  return o.shard === undefined ? undefined : parseShard(o.shard);
}

/**
 * Every job of the grids (in the shard, if any), each (id, seed) once: grids
 * of different reproductions may share cells.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadReproductions } from "../grid/mod.ts";
 * import { gridsOf, jobsOf } from "./context.ts";
 * const specs = await loadReproductions(["exactness"]);
 * const grids = gridsOf([...specs, ...specs], { preset: "quick", store: "x", busyTimeout: "0" });
 * equal(jobsOf(grids, undefined).length, grids[0].jobs.length);
 * ```
 */
export function jobsOf(grids: readonly ExpandedGrid[], shard: Shard | undefined): Job[] {
  const seen = new Set<string>();
  const jobs: Job[] = [];
  for (const g of grids) {
    for (const j of shard === undefined ? g.jobs : inShard(g.jobs, shard)) {
      const k = jobKey(j.id, j.seed);
      if (!seen.has(k)) {
        seen.add(k);
        jobs.push(j);
      }
    }
  }
  return jobs;
}

/**
 * `--busy-timeout` in milliseconds.
 *
 * @throws {RangeError} naming the text when it is not an integer ≥ 0.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { busyTimeoutOf } from "./context.ts";
 * equal(busyTimeoutOf({ busyTimeout: "250" }), 250);
 * throws(() => busyTimeoutOf({ busyTimeout: "soon" }), /got "soon"/);
 * ```
 */
export function busyTimeoutOf(o: Pick<GridOptions, "busyTimeout">): number {
  const n = Number(o.busyTimeout);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`--busy-timeout: expected milliseconds >= 0; got "${o.busyTimeout}"`);
  }
  return n;
}
