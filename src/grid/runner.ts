/**
 * Running jobs into a store: skip finished jobs, run the rest one at a time
 * with an injected `run`, write each result last, in one transaction.
 *
 * A job that throws, or returns `failed`, is recorded as failed with its
 * message and the grid goes on; `diverged` is a result. Store errors (locked,
 * full disk) stop the run: they are not the cell's fault.
 *
 * @module
 */

import {
  canonicalJson,
  type Job,
  jobKey,
  RESULTS_VERSION,
  type RunProvenance,
} from "../cell/mod.ts";
import { type ProgressSink, silentProgress } from "./progress.ts";
import type { ResultStore, RowStatus } from "../store/mod.ts";

/**
 * What a run function returns: a CellResult, a MeasureResult, or a fake's. */
export interface RunOutcome {
  /** `ok`, `diverged` or `failed` (other values are stored as `failed`). */
  readonly status: RowStatus | string;
  /** What happened, for `failed` and `diverged` outcomes. */
  readonly message?: string;
  /** Everything else the run produced (stored as the row's result JSON). */
  readonly [key: string]: unknown;
}

/**
 * Context handed to a run function.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RunContext } from "./runner.ts";
 * const seen: number[] = [];
 * const context: RunContext = { onProgress: (step) => seen.push(step) };
 * context.onProgress(1, 10);
 * equal(seen[0], 1);
 * ```
 */
export interface RunContext {
  /** Report progress inside the job (e.g. optimiser steps). */
  readonly onProgress: (step: number, steps: number) => void;
  /** Aborted when the run is stopped. */
  readonly signal?: AbortSignal;
}

/**
 * The injected job runner (real: `runCell` for train cells, `runMeasure` for measure cells).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobsFor } from "../cell/mod.ts";
 * import type { RunFn } from "./runner.ts";
 * const run: RunFn = (job, context) => {
 *   context.onProgress(1, 1);
 *   return Promise.resolve({ status: "ok", seed: job.seed });
 * };
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const [job] = jobsFor({ kind: "measure", config: { measure: "timing", method: "sao", shape, density: 1, activation: "tanh" } }, [4]);
 * equal((await run(job, { onProgress: () => {} })).seed, 4);
 * ```
 */
export type RunFn = (job: Job, context: RunContext) => Promise<RunOutcome>;

/**
 * Options of {@linkcode runJobs}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobsFor } from "../cell/mod.ts";
 * import { runJobs, type RunJobsOptions } from "./runner.ts";
 * import { openStore } from "../store/mod.ts";
 * const store = openStore(":memory:");
 * const provenance = { gitCommit: "unknown", machine: { os: "linux", arch: "x86_64", cpuModel: "?", cores: 1, hostname: "h", denoVersion: "2", v8Version: "1" } };
 * const options: RunJobsOptions = { provenance, retryFailed: true, clock: () => new Date(0) };
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const jobs = jobsFor({ kind: "measure", config: { measure: "timing", method: "sao", shape, density: 1, activation: "tanh" } }, [0]);
 * await runJobs(jobs, store, () => Promise.resolve({ status: "ok" }), options);
 * equal(store.rows()[0].finishedAt, "1970-01-01T00:00:00.000Z");
 * store.close();
 * ```
 */
export interface RunJobsOptions {
  /** Re-run jobs whose stored row is `failed`. */
  readonly retryFailed?: boolean;
  /** Git commit and machine recorded with every row. */
  readonly provenance: RunProvenance;
  /** Progress display; default none. */
  readonly progress?: ProgressSink;
  /** Aborting stops the run; the job in progress is not recorded (it runs again next time). */
  readonly signal?: AbortSignal;
  /** Clock for ISO timestamps (provenance only); default `new Date()`. */
  readonly clock?: () => Date;
}

/**
 * What {@linkcode runJobs} did.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { jobsFor } from "../cell/mod.ts";
 * import { runJobs, type RunSummary } from "./runner.ts";
 * import { openStore } from "../store/mod.ts";
 * const store = openStore(":memory:");
 * const provenance = { gitCommit: "unknown", machine: { os: "linux", arch: "x86_64", cpuModel: "?", cores: 1, hostname: "h", denoVersion: "2", v8Version: "1" } };
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const jobs = jobsFor({ kind: "measure", config: { measure: "timing", method: "sao", shape, density: 1, activation: "tanh" } }, [0, 1]);
 * const summary: RunSummary = await runJobs(jobs, store, (job) => Promise.resolve({ status: job.seed === 0 ? "ok" : "failed" }), { provenance });
 * deepEqual(summary, { total: 2, skipped: 0, ok: 1, diverged: 0, failed: 1, aborted: false });
 * store.close();
 * ```
 */
export interface RunSummary {
  /** Jobs given (duplicates counted once). */
  readonly total: number;
  /** Jobs skipped because the store already held them. */
  readonly skipped: number;
  /** Jobs that finished `ok`. */
  readonly ok: number;
  /** Jobs that finished `diverged`. */
  readonly diverged: number;
  /** Jobs that finished `failed`. */
  readonly failed: number;
  /** True if the run stopped early (signal). */
  readonly aborted: boolean;
}

/**
 * A short human label of a job for progress lines.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobLabel } from "./runner.ts";
 * const job = { id: "abcdef0123456789", seed: 1, cell: { kind: "measure", config: { measure: "exactness",
 *   method: "eoi", shape: { kind: "dense", inFeatures: 4, outFeatures: 4 }, density: 0.5, activation: "tanh" } } } as const;
 * equal(jobLabel(job), "exactness eoi dense 4x4 d=0.5 tanh seed=1 [abcdef01]");
 * ```
 */
export function jobLabel(job: Job): string {
  const c = job.cell;
  if (c.kind === "measure") {
    const s = c.config.shape;
    const dims = s.kind === "dense"
      ? `dense ${s.inFeatures}x${s.outFeatures}`
      : `conv ${s.kernelHeight}x${s.kernelWidth}x${s.inChannels}x${s.outChannels}`;
    return `${c.config.measure} ${c.config.method} ${dims} d=${c.config.density} ${c.config.activation} seed=${job.seed} [${
      job.id.slice(0, 8)
    }]`;
  }
  const k = c.config;
  const abl = k.ablation === "none" ? "" : ` ${k.ablation}`;
  return `${k.dataset} ${k.architecture}${k.depth}x${k.width} ${k.activation} ${k.allocation}+${k.method} d=${k.density}${abl} seed=${job.seed} [${
    job.id.slice(0, 8)
  }]`;
}

function _aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted ?? false;
}

function _jsonSafe(v: unknown): Record<string, unknown> {
  // Typed arrays become plain arrays; non-finite numbers become null (JSON has no NaN).
  return JSON.parse(JSON.stringify(v, (_k, x) => {
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      return Array.from(x as unknown as ArrayLike<number>);
    }
    if (typeof x === "number" && !Number.isFinite(x)) return null;
    return x;
  }));
}

/**
 * Runs every job of `jobs` that the store does not hold yet (one at a time),
 * writing each result as it finishes.
 *
 * @throws {StoreError} if the store cannot be read or written (the run stops;
 * finished rows stay).
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobsFor } from "../cell/mod.ts";
 * import { runJobs } from "./runner.ts";
 * import { openStore } from "../store/mod.ts";
 * const store = openStore(":memory:");
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const jobs = jobsFor({ kind: "measure", config: { measure: "timing", method: "sao", shape, density: 1, activation: "tanh" } }, [0, 1]);
 * const provenance = { gitCommit: "unknown", machine: { os: "linux", arch: "x86_64", cpuModel: "?", cores: 1, hostname: "h", denoVersion: "2", v8Version: "1" } };
 * const run = () => Promise.resolve({ status: "ok", value: 1 });
 * equal((await runJobs(jobs, store, run, { provenance })).ok, 2);
 * equal((await runJobs(jobs, store, run, { provenance })).skipped, 2);
 * store.close();
 * ```
 */
export async function runJobs(
  jobs: readonly Job[],
  store: ResultStore,
  run: RunFn,
  options: RunJobsOptions,
): Promise<RunSummary> {
  const done = store.doneKeys(options.retryFailed ?? false);
  const seen = new Set<string>();
  const todo: Job[] = [];
  let skipped = 0;
  for (const j of jobs) {
    const key = jobKey(j.id, j.seed);
    if (seen.has(key)) continue;
    seen.add(key);
    if (done.has(key)) skipped++;
    else todo.push(j);
  }
  const progress = options.progress ?? silentProgress;
  const clock = options.clock ?? (() => new Date());
  const counts = { ok: 0, diverged: 0, failed: 0 };
  let aborted = false;
  try {
    for (let i = 0; i < todo.length; i++) {
      if (_aborted(options.signal)) {
        aborted = true;
        break;
      }
      const job = todo[i];
      progress.start(jobLabel(job), i);
      const t0 = performance.now();
      let outcome: RunOutcome;
      try {
        outcome = await run(job, {
          onProgress: (s, n) => progress.step(s, n),
          signal: options.signal,
        });
      } catch (e) {
        outcome = {
          status: "failed",
          message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        };
      }
      const wallSeconds = (performance.now() - t0) / 1000;
      if (_aborted(options.signal)) {
        // Interrupted mid-job: record nothing, so the job runs again next time.
        aborted = true;
        break;
      }
      let status = outcome.status as RowStatus;
      let message = typeof outcome.message === "string" ? outcome.message : null;
      if (!["ok", "diverged", "failed"].includes(status)) {
        message = `run returned unknown status ${JSON.stringify(outcome.status)}${
          message === null ? "" : `: ${message}`
        }`;
        status = "failed";
      }
      let result: Record<string, unknown>;
      try {
        result = _jsonSafe(outcome);
      } catch (e) {
        status = "failed";
        message = `result is not serialisable: ${(e as Error).message}`;
        result = { status: "failed", message };
      }
      store.put({
        cellId: job.id,
        seed: job.seed,
        kind: job.cell.kind,
        status,
        message,
        config: JSON.parse(canonicalJson(job.cell.config)),
        result,
        wallSeconds,
        gitCommit: options.provenance.gitCommit,
        machine: options.provenance.machine,
        resultsVersion: RESULTS_VERSION,
        finishedAt: clock().toISOString(),
      });
      counts[status]++;
      progress.finish(status, wallSeconds, message ?? undefined);
    }
  } finally {
    progress.close();
  }
  return { total: seen.size, skipped, ...counts, aborted };
}
