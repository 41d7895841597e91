/**
 * Running jobs into a store: skip finished jobs, run the rest one at a time
 * with an injected `run`, write each result last, in one transaction.
 *
 * With `claims`, each job is claimed in the store before it runs (see the
 * store's `claims.ts`), so several runners on one store (processes of
 * `reproduce --workers N`, or separate `reproduce` commands) share the work:
 * a job another runner finished is skipped, a job another live runner holds
 * is put back and tried again after the others, and a dead runner's job is
 * taken over. Counts are of rows this runner actually wrote.
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
import type { Claimant, ResultStore, RowStatus } from "../store/mod.ts";

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
  /**
   * Claim each job before running it, as this runner (see module doc);
   * default: no claims (the only runner on the store).
   */
  readonly claims?: Claimant;
  /** With `claims`: how long to wait before trying jobs other runners hold again (ms); default 500. */
  readonly pollMs?: number;
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
 * deepEqual(summary, { total: 2, skipped: 0, ok: 1, diverged: 0, failed: 1, byOthers: 0, aborted: false });
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
  /**
   * Jobs another runner finished first: skipped when claimed, or run here
   * too but not written (the store kept the other runner's row).
   */
  readonly byOthers: number;
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

function _sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
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
  const who = options.claims;
  const counts = { ok: 0, diverged: 0, failed: 0 };
  let byOthers = 0;
  let aborted = false;
  let started = 0;
  let pending = todo;
  // Lease renewal while a job runs: a timer, and progress callbacks (a job
  // that never yields to the event loop still reports steps).
  let current: Job | undefined;
  let lastRenew = 0;
  let progressNow: { step: number; steps: number } | undefined;
  const renew = () => {
    if (who === undefined) return;
    lastRenew = Date.now();
    store.claims.renew(
      who,
      current === undefined || progressNow === undefined
        ? undefined
        : { cellId: current.id, seed: current.seed, ...progressNow },
    );
  };
  const renewEvery = who === undefined ? 0 : Math.max(10, Math.floor(who.leaseMs / 6));
  const timer = who === undefined ? undefined : setInterval(() => {
    try {
      renew();
    } catch {
      // a locked store: the next renewal or the result's write will tell
    }
  }, renewEvery);
  try {
    while (pending.length > 0) {
      const busy: Job[] = [];
      for (const job of pending) {
        if (_aborted(options.signal)) {
          aborted = true;
          break;
        }
        const label = jobLabel(job);
        if (who !== undefined) {
          const claimed = store.claims.claim({ cellId: job.id, seed: job.seed, label }, who);
          if (claimed === "busy") {
            busy.push(job);
            continue;
          }
          if (claimed === "done") {
            byOthers++;
            progress.skip?.(job);
            continue;
          }
        }
        progress.start(label, started++, job);
        current = job;
        progressNow = undefined;
        const t0 = performance.now();
        let outcome: RunOutcome;
        try {
          outcome = await run(job, {
            onProgress: (s, n) => {
              progressNow = { step: s, steps: n };
              if (who !== undefined && Date.now() - lastRenew >= renewEvery) {
                try {
                  renew();
                } catch {
                  // a busy store must not fail the cell: the result's write will tell
                }
              }
              progress.step(s, n);
            },
            signal: options.signal,
          });
        } catch (e) {
          outcome = {
            status: "failed",
            message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
          };
        }
        current = undefined;
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
        const written = store.put({
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
        }, who?.owner);
        if (written) counts[status]++;
        else byOthers++;
        progress.finish(written ? status : "done elsewhere", wallSeconds, message ?? undefined);
      }
      if (aborted) break;
      if (busy.length > 0 && busy.length === pending.length) {
        // Every job left is held by another live runner: wait for them.
        await _sleep(options.pollMs ?? 500, options.signal);
      }
      pending = busy;
    }
    if (_aborted(options.signal)) aborted = true;
  } finally {
    if (timer !== undefined) clearInterval(timer);
    if (who !== undefined) {
      try {
        store.claims.release(who);
      } catch {
        // the store is gone or locked: the claims expire with their lease
      }
    }
    progress.close();
  }
  return { total: seen.size, skipped, ...counts, byOthers, aborted };
}
