/**
 * Reading what Slurm says about a job array: `squeue` lines, `scontrol show
 * job -o` records, and what an array task's exit code means. Pure functions
 * over text; the commands themselves are run by `slurm.ts`.
 *
 * Works without Slurm accounting (`AccountingStorageType=accounting_storage/none`):
 * only the controller's live records (`squeue`, `scontrol`) and the exit
 * files the tasks write are used, never `sacct`.
 *
 * @module
 */

import { EXIT } from "../cli/mod.ts";

/**
 * What Slurm reports for one array task.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TaskState } from "./slurm_parse.ts";
 * const t: TaskState = { state: "RUNNING", reason: "None" };
 * equal(t.exitCode, undefined);
 * ```
 */
export interface TaskState {
  /** Slurm job state: PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, TIMEOUT, … */
  readonly state: string;
  /** Slurm's reason field (why pending, or why it ended); "None" when there is none. */
  readonly reason: string;
  /** `scontrol`'s `ExitCode=code:signal`, when known. */
  readonly exitCode?: string;
}

/**
 * The `squeue` output format {@linkcode parseSqueue} reads (`-h -r -o` this).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SQUEUE_FORMAT } from "./slurm_parse.ts";
 * equal(SQUEUE_FORMAT.split("|").length, 3);
 * ```
 */
export const SQUEUE_FORMAT = "%i|%T|%r";

/**
 * Expands an array index list as Slurm prints it (`"3"`, `"0-3"`, `"[0-2,5]"`,
 * `"1-7%2"` with a throttle) into the indices.
 *
 * @throws {RangeError} naming the text when it is not an index list.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { expandIndices } from "./slurm_parse.ts";
 * deepEqual(expandIndices("[0-2,5%2]"), [0, 1, 2, 5]);
 * ```
 */
export function expandIndices(text: string): number[] {
  const body = text.trim().replace(/^\[/, "").replace(/\]$/, "").replace(/%\d+$/, "");
  const out: number[] = [];
  for (const part of body.split(",")) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (m === null) throw new RangeError(`expandIndices: not a Slurm index list: "${text}"`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (b < a || step < 1) throw new RangeError(`expandIndices: bad range "${part}" in "${text}"`);
    for (let i = a; i <= b; i += step) out.push(i);
  }
  return out;
}

/**
 * Parses `squeue -h -r -j <job> -o "%i|%T|%r"` output into the states of the
 * array's tasks still known to the queue, by array index. Lines of other jobs
 * are ignored; a not yet split pending record (`12_[3-5]`) gives each index.
 *
 * @throws {RangeError} for a line that is not in {@linkcode SQUEUE_FORMAT}.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseSqueue } from "./slurm_parse.ts";
 * const m = parseSqueue("12_0|RUNNING|None\n12_[1-2]|PENDING|Resources\n", "12");
 * deepEqual([...m.keys()], [0, 1, 2]);
 * deepEqual(m.get(2), { state: "PENDING", reason: "Resources" });
 * ```
 */
export function parseSqueue(text: string, jobId: string): Map<number, TaskState> {
  const out = new Map<number, TaskState>();
  for (const line of text.split("\n").map((l) => l.trim()).filter((l) => l !== "")) {
    const [id, state, reason] = line.split("|");
    if (state === undefined || reason === undefined) {
      throw new RangeError(`parseSqueue: expected "jobid_index|state|reason"; got "${line}"`);
    }
    const m = /^(\d+)_(.+)$/.exec(id);
    if (m === null || m[1] !== jobId) continue;
    for (const i of expandIndices(m[2])) out.set(i, { state, reason });
  }
  return out;
}

/**
 * Parses `scontrol show job -o <job>` output (one record per line, `Key=Value`
 * fields) into the states of the array's tasks, by array index. Records of
 * other jobs are ignored.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseScontrolJobs } from "./slurm_parse.ts";
 * const line = "JobId=14 ArrayJobId=12 ArrayTaskId=2 JobState=CANCELLED Reason=None ExitCode=0:15";
 * deepEqual(parseScontrolJobs(line, "12").get(2), {
 *   state: "CANCELLED", reason: "None", exitCode: "0:15",
 * });
 * ```
 */
export function parseScontrolJobs(text: string, jobId: string): Map<number, TaskState> {
  const out = new Map<number, TaskState>();
  for (const line of text.split("\n").map((l) => l.trim()).filter((l) => l !== "")) {
    const f = new Map<string, string>();
    for (const m of line.matchAll(/(?:^|\s)([A-Za-z:/]+)=(\S*)/g)) {
      if (!f.has(m[1])) f.set(m[1], m[2]);
    }
    const array = f.get("ArrayJobId");
    const task = f.get("ArrayTaskId");
    const state = f.get("JobState");
    if (array !== jobId || task === undefined || state === undefined) continue;
    for (const i of expandIndices(task)) {
      out.set(i, { state, reason: f.get("Reason") ?? "None", exitCode: f.get("ExitCode") });
    }
  }
  return out;
}

/** Slurm states of a task that has not ended yet. */
const _ACTIVE = new Set([
  "PENDING",
  "CONFIGURING",
  "RUNNING",
  "COMPLETING",
  "SUSPENDED",
  "REQUEUED",
  "REQUEUE_HOLD",
  "REQUEUE_FED",
  "RESIZING",
  "SIGNALING",
  "STAGE_OUT",
  "STOPPED",
  "RESV_DEL_HOLD",
]);

/**
 * True when a Slurm job state means the task has not ended.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isActive } from "./slurm_parse.ts";
 * equal(isActive("PENDING"), true);
 * equal(isActive("CANCELLED"), false);
 * ```
 */
export function isActive(state: string): boolean {
  return _ACTIVE.has(state.replace(/\+$/, ""));
}

/**
 * True when a shard task's exit code means the shard ran (0, or 4: some cells
 * failed and are recorded as failed). Any other code (usage, store error,
 * interrupted, killed by a signal) is a failed task.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { shardRan } from "./slurm_parse.ts";
 * equal(shardRan(4), true);
 * equal(shardRan(143), false);
 * ```
 */
export function shardRan(code: number): boolean {
  return code === EXIT.OK || code === EXIT.CELLS_FAILED;
}

const _SIGNALS: Readonly<Record<number, string>> = {
  1: "SIGHUP",
  2: "SIGINT",
  6: "SIGABRT",
  9: "SIGKILL (out of memory, or Slurm's kill after KillWait)",
  11: "SIGSEGV",
  15: "SIGTERM (scancel, time limit or preemption)",
};

/**
 * Words for a shard task's exit code.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { describeExit } from "./slurm_parse.ts";
 * equal(describeExit(3), "exit 3: store error");
 * equal(describeExit(137).startsWith("exit 137: killed by SIGKILL"), true);
 * ```
 */
export function describeExit(code: number): string {
  const words: Record<number, string> = {
    [EXIT.OK]: "ok",
    [EXIT.CLAIM_DOES_NOT_HOLD]: "a claim does not hold (not expected with --no-report)",
    [EXIT.INCONCLUSIVE]: "a claim is inconclusive (not expected with --no-report)",
    [EXIT.USAGE]: "usage error",
    [EXIT.STORE_ERROR]: "store error",
    [EXIT.CELLS_FAILED]: "some cells failed (recorded)",
    [EXIT.INTERRUPTED]: "interrupted",
  };
  if (words[code] !== undefined) return `exit ${code}: ${words[code]}`;
  if (code > 128 && code < 160) {
    const s = code - 128;
    return `exit ${code}: killed by ${_SIGNALS[s] ?? `signal ${s}`}`;
  }
  return `exit ${code}`;
}

/**
 * The exit code of several outcomes, by the CLI's precedence: store error >
 * usage > module refused > cells failed > claim does not hold >
 * inconclusive > ok (130 wins over all: the run was interrupted).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { combineExit } from "./slurm_parse.ts";
 * equal(combineExit([0, 1, 4]), 4);
 * equal(combineExit([4, 3, 2]), 3);
 * equal(combineExit([5, 0]), 5);
 * equal(combineExit([5, 1]), 1);
 * equal(combineExit([]), 0);
 * ```
 */
export function combineExit(codes: readonly number[]): number {
  const order = [
    EXIT.INTERRUPTED,
    EXIT.STORE_ERROR,
    EXIT.USAGE,
    EXIT.MODULE_REJECTED,
    EXIT.CELLS_FAILED,
    EXIT.CLAIM_DOES_NOT_HOLD,
    EXIT.INCONCLUSIVE,
  ];
  for (const c of order) if (codes.includes(c)) return c;
  return codes.find((c) => c !== EXIT.OK) === undefined ? EXIT.OK : EXIT.CELLS_FAILED;
}

/**
 * Writes indices as a Slurm `--array` list, ranges collapsed (`[0, 1, 2, 5]` → `"0-2,5"`).
 *
 * @throws {RangeError} for an empty list or an index that is not a non-negative integer.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { compactIndices } from "./slurm_parse.ts";
 * equal(compactIndices([5, 0, 1, 2]), "0-2,5");
 * ```
 */
export function compactIndices(indices: readonly number[]): string {
  if (indices.length === 0) throw new RangeError("compactIndices: no indices");
  for (const i of indices) {
    if (!Number.isSafeInteger(i) || i < 0) {
      throw new RangeError(`compactIndices: expected non-negative integers; got ${i}`);
    }
  }
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  let prev = start;
  for (const i of [...sorted.slice(1), Number.NaN]) {
    if (i === prev + 1) {
      prev = i;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = prev = i;
  }
  return parts.join(",");
}
