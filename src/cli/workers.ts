/**
 * `reproduce --workers N`: N worker processes on one store.
 *
 * The parent spawns N copies of the CLI (`reproduce … --worker-of <since>`,
 * an internal flag) on the same store and runs no cell itself. The workers
 * run the same job list, sharing it through the store's claims (a job is
 * claimed before it runs; see `src/store/claims.ts`); each prints its
 * `RunSummary` as JSON on stdout when done, so the parent's counts are the
 * rows the workers actually wrote. The parent polls the store (claims and
 * new rows) for one progress display.
 *
 * - Ctrl-C (the parent's abort signal): every worker gets SIGINT, abandons
 *   its cell and releases its claims; a worker still busy after the grace
 *   period gets SIGKILL (a result is one transaction, so nothing is
 *   half-written). Finished cells are kept.
 * - A worker that dies (a signal, a crash, an uncaught error) while holding a
 *   claim: that job is recorded as failed with the worker's exit status and
 *   last stderr line, and a new worker takes its place. Two workers in a row
 *   that die holding nothing stop the run (e.g. a bad install).
 * - A worker that sees its stdin close (the parent died, even by SIGKILL)
 *   stops as on Ctrl-C.
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
import { createPoolProgress, jobLabel, type RunSummary } from "../grid/mod.ts";
import type { ResultStore } from "../store/mod.ts";
import { EXIT } from "./exit_codes.ts";

/** The CLI entry a worker runs. */
const _MAIN = new URL("./main.ts", import.meta.url).pathname;
/** The repository's config (import map, unstable features), whatever the cwd. */
const _CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/**
 * Parses `--workers`: a positive integer, or `auto` (the number of logical
 * CPUs, `navigator.hardwareConcurrency`).
 *
 * @throws {RangeError} naming the text when it is neither.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { parseWorkers } from "./workers.ts";
 * equal(parseWorkers("2"), 2);
 * equal(parseWorkers("auto"), navigator.hardwareConcurrency);
 * throws(() => parseWorkers("0"), /--workers: expected a positive integer or "auto"; got "0"/);
 * ```
 */
export function parseWorkers(text: string): number {
  if (text === "auto") return Math.max(1, navigator.hardwareConcurrency || 1);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > 256) {
    throw new RangeError(`--workers: expected a positive integer or "auto"; got "${text}"`);
  }
  return n;
}

/**
 * What {@linkcode runPool} needs.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PoolOptions } from "./workers.ts";
 * const o: Partial<PoolOptions> = { workers: 2 };
 * equal(o.workers, 2);
 * ```
 */
export interface PoolOptions {
  /** Worker processes. */
  readonly workers: number;
  /** Arguments of `reproduce` each worker gets (names and grid options; no --workers). */
  readonly args: readonly string[];
  /** The jobs to run (not yet in the store). */
  readonly todo: readonly Job[];
  /** Jobs of the grid already in the store. */
  readonly skipped: number;
  /** The open store (the parent reads claims and rows; writes failed rows of dead workers). */
  readonly store: ResultStore;
  /** Provenance of rows the parent writes. */
  readonly provenance: RunProvenance;
  /** ISO time the run started (rows since then are this run's). */
  readonly since: string;
  /** Stop everything (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Progress output, or none. */
  readonly progress?: (text: string) => void;
  /** Errors and notes. */
  readonly stderr: (text: string) => void;
  /** How often the parent polls the store (ms); default 500. */
  readonly pollMs?: number;
  /** How long workers get to stop after SIGINT before SIGKILL (ms); default 3000. */
  readonly graceMs?: number;
}

/**
 * The result of {@linkcode runPool}: the summed summaries, and an exit code
 * when the pool itself could not finish (a store error in a worker, workers
 * that die at start).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PoolResult } from "./workers.ts";
 * const r: PoolResult = { summary: { total: 0, skipped: 0, ok: 0, diverged: 0, failed: 0, byOthers: 0, aborted: false }, crashed: 0 };
 * equal(r.crashed, 0);
 * ```
 */
export interface PoolResult {
  /** Summed over workers (plus jobs recorded as failed when their worker died). */
  readonly summary: RunSummary;
  /** Workers that died. */
  readonly crashed: number;
  /** Set when the run could not finish for a reason other than its cells. */
  readonly exitCode?: number;
}

interface _Worker {
  readonly child: Deno.ChildProcess;
  readonly stdout: Promise<string>;
  readonly stderr: Promise<string>;
  readonly status: Promise<Deno.CommandStatus>;
  readonly stdin: WritableStreamDefaultWriter<Uint8Array>;
}

async function _drain(stream: ReadableStream<Uint8Array>): Promise<string> {
  const chunks: string[] = [];
  const dec = new TextDecoder();
  try {
    for await (const c of stream) chunks.push(dec.decode(c, { stream: true }));
  } catch {
    // the stream broke with the process
  }
  return chunks.join("");
}

function _spawn(o: PoolOptions): _Worker {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      _CONFIG,
      _MAIN,
      "reproduce",
      ...o.args,
      "--worker-of",
      o.since,
      "--quiet",
      "--no-report",
      "--no-site",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return {
    child,
    stdout: _drain(child.stdout),
    stderr: _drain(child.stderr),
    status: child.status,
    stdin: child.stdin.getWriter(),
  };
}

function _lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  return (lines.at(-1) ?? "").slice(0, 300);
}

function _describe(s: Deno.CommandStatus): string {
  return s.signal !== null ? `was killed by ${s.signal}` : `exited with code ${s.code}`;
}

/**
 * Runs `todo` on `workers` worker processes (see module doc).
 *
 * @throws {StoreError} if the parent cannot read the store.
 * @example
 * ```ts ignore
 * const result = await runPool({ workers: 2, args, todo, skipped, store, provenance, since, stderr });
 * ```
 */
export async function runPool(o: PoolOptions): Promise<PoolResult> {
  const keys = new Map(o.todo.map((j) => [jobKey(j.id, j.seed), j]));
  if (o.signal?.aborted) {
    const summary = { total: o.todo.length + o.skipped, skipped: o.skipped, ok: 0, diverged: 0 };
    return { summary: { ...summary, failed: 0, byOthers: 0, aborted: true }, crashed: 0 };
  }
  const progress = o.progress === undefined ? undefined : createPoolProgress({
    total: o.todo.length,
    skipped: o.skipped,
    write: o.progress,
    jobs: o.todo,
    workers: o.workers,
  });
  const live = new Set<_Worker>();
  const sum = { ok: 0, diverged: 0, failed: 0 };
  let crashed = 0;
  let idleDeaths = 0;
  let exitCode: number | undefined;
  let stopping = false;
  let interrupted = false;
  const seen = new Set<string>();
  const stopAll = (signal: Deno.Signal) => {
    for (const w of live) {
      try {
        w.child.kill(signal);
      } catch {
        // already gone
      }
    }
  };
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stopAll("SIGINT");
    killTimer = setTimeout(() => stopAll("SIGKILL"), o.graceMs ?? 3000);
  };
  const onAbort = () => stop();
  o.signal?.addEventListener("abort", onAbort, { once: true });

  const exits = new Map<_Worker, Promise<[_Worker, Deno.CommandStatus]>>();
  const start = () => {
    const w = _spawn(o);
    live.add(w);
    exits.set(w, w.status.then((s) => [w, s]));
  };
  for (let i = 0; i < o.workers; i++) start();

  // Rows present at the start that this run may rewrite (failed rows, with --retry-failed).
  const before = o.store.doneKeys(false);
  const rewritable = o.todo.filter((j) => before.has(jobKey(j.id, j.seed)));
  const poll = () => {
    if (progress === undefined) return;
    const running = o.store.claims.active()
      .map((c) => ({ key: jobKey(c.cellId, c.seed), label: c.label, step: c.step, steps: c.steps }))
      .filter((c) => keys.has(c.key));
    // New keys come from a scan of the primary key only (no large columns read); rows that
    // existed before are looked up one by one.
    const present = o.store.doneKeys(false);
    const candidates = [
      ...o.todo.filter((j) => {
        const k = jobKey(j.id, j.seed);
        return !seen.has(k) && present.has(k) && !before.has(k);
      }),
      ...rewritable.filter((j) => !seen.has(jobKey(j.id, j.seed))),
    ].map((j) => ({ cellId: j.id, seed: j.seed }));
    const finished = [];
    for (const [key, r] of o.store.claims.finishedSince(o.since, candidates)) {
      seen.add(key);
      finished.push({
        key,
        status: r.status,
        seconds: r.wallSeconds,
        message: r.message,
        label: jobLabel(keys.get(key)!),
      });
    }
    progress.update(running, finished);
  };

  try {
    while (live.size > 0) {
      const tick = new Promise<"tick">((r) => setTimeout(() => r("tick"), o.pollMs ?? 500));
      const next = await Promise.race([...exits.values(), tick]);
      try {
        poll();
      } catch {
        // a busy store: draw next time
      }
      if (next === "tick") continue;
      const [w, status] = next;
      live.delete(w);
      exits.delete(w);
      w.stdin.close().catch(() => {});
      const [out, err] = await Promise.all([w.stdout, w.stderr]);
      const last = out.trim().split("\n").at(-1) ?? "";
      let summary: RunSummary | undefined;
      try {
        summary = JSON.parse(last) as RunSummary;
      } catch {
        summary = undefined;
      }
      if (summary !== undefined) {
        sum.ok += summary.ok;
        sum.diverged += summary.diverged;
        sum.failed += summary.failed;
      }
      if (status.success || stopping) continue;
      if (status.code === EXIT.INTERRUPTED && summary !== undefined) {
        interrupted = true; // someone interrupted this worker alone: the run is incomplete
        continue;
      }
      if (status.code === EXIT.STORE_ERROR || status.code === EXIT.USAGE) {
        // Not a cell's fault: stop the pool with the worker's code and message.
        o.stderr(`worker ${w.child.pid}: ${_lastLine(err)}\n`);
        exitCode = status.code;
        stop();
        continue;
      }
      crashed++;
      // The jobs the dead worker held are recorded as failed.
      const held = o.store.claims.heldBy(w.child.pid).filter((c) =>
        c.parent === Deno.pid && keys.has(jobKey(c.cellId, c.seed))
      );
      const why = `worker process ${w.child.pid} ${_describe(status)}${
        _lastLine(err) === "" ? "" : `: ${_lastLine(err)}`
      }`;
      for (const c of held) {
        const job = keys.get(jobKey(c.cellId, c.seed))!;
        const written = o.store.put({
          cellId: job.id,
          seed: job.seed,
          kind: job.cell.kind,
          status: "failed",
          message: why,
          config: JSON.parse(canonicalJson(job.cell.config)),
          result: { status: "failed", message: why },
          wallSeconds: 0,
          gitCommit: o.provenance.gitCommit,
          machine: o.provenance.machine,
          resultsVersion: RESULTS_VERSION,
          finishedAt: new Date().toISOString(),
        }, c.owner);
        if (written) sum.failed++;
      }
      o.stderr(`${why}${held.length > 0 ? `; recorded ${held.length} job(s) as failed` : ""}\n`);
      idleDeaths = held.length > 0 ? 0 : idleDeaths + 1;
      if (idleDeaths >= 2) {
        o.stderr("two workers in a row died without running a job: stopping\n");
        exitCode = EXIT.CELLS_FAILED;
        stop();
        continue;
      }
      start();
    }
    try {
      poll();
    } catch {
      // nothing more to draw
    }
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    if (killTimer !== undefined) clearTimeout(killTimer);
    progress?.close();
  }
  const aborted = (o.signal?.aborted ?? false) || interrupted;
  return {
    summary: {
      total: o.todo.length + o.skipped,
      skipped: o.skipped,
      ...sum,
      byOthers: 0,
      aborted,
    },
    crashed,
    exitCode,
  };
}
