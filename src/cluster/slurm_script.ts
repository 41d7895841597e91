/**
 * The batch script each Slurm array task runs: one shard of the grid into its
 * own store, then the CLI's exit code into an exit file (the tasks' outcome
 * without Slurm accounting).
 *
 * @module
 */

/**
 * Quotes a word for bash (single quotes; a `'` becomes `'\''`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { shellQuote } from "./slurm_script.ts";
 * equal(shellQuote("it's"), `'it'\\''s'`);
 * ```
 */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * What a shard task runs.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ShardScript } from "./slurm_script.ts";
 * const s: ShardScript = {
 *   deno: "/usr/bin/deno", cli: "/repo/src/cli/main.ts", shards: 4,
 *   stores: "/data/run", reproduceArgs: ["mlp-mnist", "--preset", "paper"],
 * };
 * equal(s.shards, 4);
 * ```
 */
export interface ShardScript {
  /** Absolute path of the deno binary on the compute nodes. */
  readonly deno: string;
  /** Absolute path of the CLI module (`src/cli/main.ts`). */
  readonly cli: string;
  /** N of `--shard k/N`. */
  readonly shards: number;
  /** Absolute directory of the shard stores (`shard-k.db`) and `logs/`. */
  readonly stores: string;
  /** Arguments after `reproduce`, without `--shard`, `--store`, `--no-report`, `--quiet`. */
  readonly reproduceArgs: readonly string[];
}

/**
 * Path of shard `k`'s store in `stores`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { shardStore } from "./slurm_script.ts";
 * equal(shardStore("/data/run", 3), "/data/run/shard-3.db");
 * ```
 */
export function shardStore(stores: string, k: number): string {
  return `${stores}/shard-${k}.db`;
}

/**
 * Path of the exit file shard `k` writes when run by array job `jobId`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { exitFile } from "./slurm_script.ts";
 * equal(exitFile("/data/run", 3, "812"), "/data/run/logs/shard-3.job-812.exit");
 * ```
 */
export function exitFile(stores: string, k: number, jobId: string): string {
  return `${stores}/logs/shard-${k}.job-${jobId}.exit`;
}

/**
 * The `sbatch --output` pattern of the task logs (`%a` array index, `%A` array job id);
 * {@linkcode logFile} names one of them.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { logPattern } from "./slurm_script.ts";
 * equal(logPattern("/data/run"), "/data/run/logs/shard-%a.job-%A.log");
 * ```
 */
export function logPattern(stores: string): string {
  return `${stores}/logs/shard-%a.job-%A.log`;
}

/**
 * Path of shard `k`'s log when run by array job `jobId` (see {@linkcode logPattern}).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { logFile } from "./slurm_script.ts";
 * equal(logFile("/data/run", 3, "812"), "/data/run/logs/shard-3.job-812.log");
 * ```
 */
export function logFile(stores: string, k: number, jobId: string): string {
  return `${stores}/logs/shard-${k}.job-${jobId}.log`;
}

/**
 * The bash batch script: runs shard `$SLURM_ARRAY_TASK_ID` of N with
 * `--no-report --quiet` into `shard-k.db`, then writes the CLI's exit code to
 * {@linkcode exitFile} (atomically: a temporary file, then `mv`). A task
 * killed by a signal dies with bash before writing it, so a missing exit
 * file means the task did not finish.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { batchScript } from "./slurm_script.ts";
 * const text = batchScript({ deno: "/bin/deno", cli: "/r/src/cli/main.ts", shards: 4,
 *   stores: "/d", reproduceArgs: ["exactness"] });
 * ok(text.startsWith("#!/bin/bash\n"));
 * ok(text.includes(`--shard "\${shard}/4"`));
 * ```
 */
export function batchScript(s: ShardScript): string {
  const args = ["run", "-A", s.cli, "reproduce", ...s.reproduceArgs, "--no-report", "--quiet"];
  return [
    "#!/bin/bash",
    "# Written by `deno task cluster:slurm`: one shard of the grid per Slurm array task.",
    "set -u",
    'shard="${SLURM_ARRAY_TASK_ID:?run this as a Slurm array task}"',
    `exit_file=${shellQuote(`${s.stores}/logs/shard-`)}"\${shard}.job-\${SLURM_ARRAY_JOB_ID}.exit"`,
    `${shellQuote(s.deno)} ${args.map(shellQuote).join(" ")} \\`,
    `  --shard "\${shard}/${s.shards}" --store ${shellQuote(`${s.stores}/shard-`)}"\${shard}.db"`,
    "code=$?",
    'printf "%s\\n" "$code" > "${exit_file}.tmp" && mv "${exit_file}.tmp" "$exit_file"',
    'exit "$code"',
    "",
  ].join("\n");
}
