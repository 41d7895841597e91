/**
 * Progress display for a grid run: cells done, current cell, ETA, and
 * per-step progress inside long cells. The ETA comes from the cost of each
 * kind of remaining job ({@linkcode estimateRemainingSeconds}). On a terminal one line is redrawn
 * with `\r`; otherwise (CI, pipes, files) plain lines are printed, one per
 * finished job, plus a step line every 30 s inside long jobs.
 *
 * @module
 */

import type { CellConfig, Job } from "../cell/mod.ts";

/**
 * What the runner reports to a progress display.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import type { ProgressSink } from "./progress.ts";
 * const lines: string[] = [];
 * const sink: ProgressSink = {
 *   start: (label, index) => lines.push(`start ${index} ${label}`),
 *   step: () => {},
 *   finish: (status, seconds) => lines.push(`${status} ${seconds}s`),
 *   close: () => {},
 * };
 * sink.start("cell a", 0);
 * sink.finish("ok", 2);
 * ok(lines.includes("ok 2s"));
 * ```
 */
export interface ProgressSink {
  /** A job starts (`index` counts jobs started, from 0; `job` lets the ETA know its kind). */
  start(label: string, index: number, job?: Job): void;
  /** A step inside the current job. */
  step(step: number, steps: number): void;
  /** The current job ended with `status` after `seconds`. */
  finish(status: string, seconds: number, message?: string): void;
  /** A job will not run here: another runner on the store finished it. */
  skip?(job: Job): void;
  /** The run is over (clears the live line). */
  close(): void;
}

/**
 * A job as the ETA estimator sees it: its kind keys, finest first (e.g. its
 * cell, then its method on its architecture, then its architecture and
 * budget, then train/measure, then `"*"`), and a relative cost.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CostedJob } from "./progress.ts";
 * const j: CostedJob = { keys: ["cell-a", "mlp", "*"], cost: 2 };
 * equal(j.keys.at(-1), "*");
 * ```
 */
export interface CostedJob {
  /** Kind keys, finest first; the estimate uses the finest one with finished jobs. */
  readonly keys: readonly string[];
  /** Relative cost (e.g. multiply-adds × steps); seconds per cost are learned per key. */
  readonly cost: number;
}

/**
 * Input of {@linkcode estimateRemainingSeconds}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EtaInput } from "./progress.ts";
 * const input: EtaInput = { finished: [], remaining: [] };
 * equal(input.finished.length, 0);
 * ```
 */
export interface EtaInput {
  /** Finished jobs with the seconds each took. */
  readonly finished: readonly (CostedJob & { readonly seconds: number })[];
  /** Jobs not started yet. */
  readonly remaining: readonly CostedJob[];
  /** Jobs running now, with seconds elapsed and their step fraction (0 when unknown). */
  readonly running?:
    readonly (CostedJob & { readonly elapsed: number; readonly fraction: number })[];
  /** Runners sharing the remaining jobs; default 1. */
  readonly workers?: number;
}

/**
 * Estimated seconds until every job is done, from the cost of each kind of
 * remaining job — never by extrapolating the job running now to the others.
 *
 * Each remaining job costs `cost × rate`, where `rate` is the mean seconds
 * per unit cost of the finished jobs sharing its finest key that has any
 * (its cell's other seeds, else its method and shape, …, else all finished
 * jobs), a mean of per-job rates so that a few costly jobs do not set the
 * rate of many cheap ones. A running job needs its own estimate minus its elapsed time, or,
 * past 10% of its steps, its elapsed time scaled by its fraction. Only when
 * nothing has finished yet do running jobs past 5% of their steps give a
 * rate. With `workers` runners the total is divided among them, but is never
 * shorter than the longest single job left. `undefined` when no rate is known.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { estimateRemainingSeconds } from "./progress.ts";
 * // One slow CNN cell finished (100 s); the 3 MLP cells left cost like the finished MLP cell (1 s).
 * const finished = [
 *   { keys: ["cnn", "*"], cost: 100, seconds: 100 },
 *   { keys: ["mlp", "*"], cost: 1, seconds: 1 },
 * ];
 * const remaining = Array.from({ length: 3 }, () => ({ keys: ["mlp", "*"], cost: 1 }));
 * equal(estimateRemainingSeconds({ finished, remaining }), 3);
 * ```
 */
export function estimateRemainingSeconds(input: EtaInput): number | undefined {
  // Per key: the mean over its finished jobs of seconds per unit cost (a mean of
  // rates, so that a few costly jobs do not set the rate of many cheap ones).
  const rates = new Map<string, { sum: number; n: number }>();
  const add = (keys: readonly string[], cost: number, seconds: number) => {
    const rate = seconds / Math.max(cost, 1e-12);
    for (const k of keys) {
      const r = rates.get(k) ?? { sum: 0, n: 0 };
      r.sum += rate;
      r.n++;
      rates.set(k, r);
    }
  };
  for (const f of input.finished) add(f.keys, f.cost, f.seconds);
  if (input.finished.length === 0) {
    for (const r of input.running ?? []) {
      if (r.fraction >= 0.05) add(r.keys, r.cost, r.elapsed / r.fraction);
    }
  }
  const estimate = (j: CostedJob): number | undefined => {
    for (const k of j.keys) {
      const r = rates.get(k);
      if (r !== undefined && r.n > 0) return Math.max(j.cost, 1e-12) * r.sum / r.n;
    }
    return undefined;
  };
  const each: number[] = [];
  for (const r of input.running ?? []) {
    const own = r.fraction > 0.1 ? r.elapsed / r.fraction - r.elapsed : undefined;
    const e = estimate(r);
    const left = own ?? (e === undefined ? undefined : Math.max(0, e - r.elapsed));
    if (left === undefined) {
      if (r.fraction > 0) each.push(r.elapsed / r.fraction - r.elapsed);
      else return undefined;
    } else each.push(left);
  }
  for (const j of input.remaining) {
    const e = estimate(j);
    if (e === undefined) return undefined;
    each.push(e);
  }
  const workers = Math.max(1, input.workers ?? 1);
  const total = each.reduce((a, b) => a + b, 0);
  return Math.max(total / workers, each.reduce((a, b) => Math.max(a, b), 0));
}

/**
 * The ETA's view of a job: kind keys (its cell; then, for training cells,
 * method and allocation on its architecture, depth, width, budget and
 * engine; then architecture, depth, width, budget and engine; for measure
 * cells measure, method and shape, then measure; then `train` or `measure`;
 * then `"*"`) and its cost: multiply-adds per example × examples processed
 * (training steps × batch × 3 for forward and backward, plus evaluation) for
 * training cells, kernel entries for measure cells.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { costedJob } from "./progress.ts";
 * const job = { id: "abc", seed: 0, cell: { kind: "measure", config: { measure: "exactness", method: "eoi",
 *   shape: { kind: "dense", inFeatures: 4, outFeatures: 8 }, density: 0.5, activation: "tanh" } } } as const;
 * equal(costedJob(job).cost, 32);
 * equal(costedJob(job).keys[0], "abc");
 * ```
 */
export function costedJob(job: Job): CostedJob {
  const c = job.cell;
  if (c.kind === "measure") {
    const s = c.config.shape;
    const size = s.kind === "dense"
      ? s.inFeatures * s.outFeatures
      : s.kernelHeight * s.kernelWidth * s.inChannels * s.outChannels;
    return {
      keys: [
        job.id,
        `measure|${c.config.measure}|${c.config.method}|${JSON.stringify(s)}`,
        `measure|${c.config.measure}`,
        "measure",
        "*",
      ],
      cost: size,
    };
  }
  const k = c.config as Partial<CellConfig> & Record<string, unknown>;
  const depth = Number(k.depth ?? 1);
  const width = Number(k.width ?? 1);
  const batch = Number(k.batchSize ?? 128);
  const inputs = 784;
  const macs = k.architecture === "cnn"
    ? (depth * width * width * 9 + width) * inputs
    : inputs * width + Math.max(0, depth - 1) * width * width + width * 10;
  const trainExamples = Number(k.trainExamples ?? 54000);
  const steps = k.steps !== undefined
    ? Number(k.steps)
    : Number(k.epochs ?? 1) * Math.ceil(trainExamples / batch);
  const evaluated = 2 * Number(k.evaluationExamples ?? 10000);
  const shape = `train|${k.dataset}|${k.architecture}|${depth}x${width}|${
    k.steps ?? `${k.epochs}ep`
  }|${k.engine ?? "tfjs"}`;
  return {
    keys: [job.id, `${shape}|${k.method}|${k.allocation}`, shape, "train", "*"],
    cost: macs * (steps * batch * 3 + evaluated),
  };
}

/**
 * Options of {@linkcode createProgress}.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { createProgress, type ProgressOptions } from "./progress.ts";
 * const out: string[] = [];
 * const options: ProgressOptions = { total: 1, skipped: 3, tty: false, write: (t) => out.push(t), now: () => 0 };
 * const p = createProgress(options);
 * p.start("cell a", 0);
 * p.finish("ok", 1);
 * p.close();
 * ok(out.join("").includes("ok"));
 * ```
 */
export interface ProgressOptions {
  /** Jobs that will run (after skipping finished ones). */
  readonly total: number;
  /** Jobs skipped because they were already in the store. */
  readonly skipped: number;
  /** Redraw one line (true) or print plain lines (false); default `Deno.stderr.isTerminal()`. */
  readonly tty?: boolean;
  /** Where text goes; default stderr. */
  readonly write?: (text: string) => void;
  /** Off a terminal: print a step line inside a long job at most this often (ms); default 30000. */
  readonly heartbeatMs?: number;
  /** Clock in ms; default `performance.now`. */
  readonly now?: () => number;
  /** The jobs that will run, for an ETA by kind of job; without them every job counts alike. */
  readonly jobs?: readonly Job[];
  /** Runners sharing the jobs (the ETA divides the work among them); default 1. */
  readonly workers?: number;
}

/**
 * Formats seconds as `1h02m`, `3m05s` or `42s`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatDuration } from "./progress.ts";
 * equal(formatDuration(185), "3m05s");
 * equal(formatDuration(3720), "1h02m");
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  }
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** Shared state of the displays: what finished, what runs, what is left. */
class _Display {
  readonly #o: ProgressOptions;
  readonly #tty: boolean;
  readonly #write: (t: string) => void;
  readonly now: () => number;
  readonly #remaining = new Map<string, CostedJob>();
  #anonymous: number;
  readonly #finished: (CostedJob & { seconds: number })[] = [];
  readonly running = new Map<
    string,
    { label: string; costed: CostedJob; startedAt: number; fraction: number }
  >();
  done = 0;
  #lastDraw = -Infinity;

  constructor(o: ProgressOptions) {
    this.#o = o;
    this.#tty = o.tty ?? Deno.stderr.isTerminal();
    const enc = new TextEncoder();
    this.#write = o.write ?? ((t: string) => Deno.stderr.writeSync(enc.encode(t)));
    this.now = o.now ?? (() => performance.now());
    for (const j of o.jobs ?? []) this.#remaining.set(`${j.id}:${j.seed}`, costedJob(j));
    this.#anonymous = o.jobs === undefined ? o.total : 0;
  }

  get tty(): boolean {
    return this.#tty;
  }

  write(text: string): void {
    try {
      this.#write(text);
    } catch {
      // progress to a closed pipe must not stop the grid
    }
  }

  /** A job starts under `slot` (a runner's id). */
  start(slot: string, label: string, job: Job | undefined, at = this.now()): void {
    let costed: CostedJob = { keys: ["*"], cost: 1 };
    if (job !== undefined) {
      const key = `${job.id}:${job.seed}`;
      costed = this.#remaining.get(key) ?? costedJob(job);
      this.#remaining.delete(key);
    } else if (this.#anonymous > 0) this.#anonymous--;
    this.running.set(slot, { label, costed, startedAt: at, fraction: 0 });
  }

  /** A running job that stopped without a result (its runner died): back to the queue. */
  unstart(slot: string): void {
    const r = this.running.get(slot);
    if (r === undefined) return;
    this.running.delete(slot);
    this.#remaining.set(slot, r.costed);
  }

  /** A job that will not run here (done by another runner). */
  drop(job: Job): void {
    if (this.#remaining.delete(`${job.id}:${job.seed}`)) this.done++;
  }

  finish(slot: string, seconds: number): string {
    const r = this.running.get(slot);
    this.running.delete(slot);
    this.done++;
    if (r !== undefined) this.#finished.push({ ...r.costed, seconds });
    return r?.label ?? "";
  }

  eta(): string {
    const t = this.now();
    const remaining = [...this.#remaining.values()];
    for (let i = 0; i < this.#anonymous; i++) remaining.push({ keys: ["*"], cost: 1 });
    const s = estimateRemainingSeconds({
      finished: this.#finished,
      remaining,
      running: [...this.running.values()].map((r) => ({
        ...r.costed,
        elapsed: (t - r.startedAt) / 1000,
        fraction: r.fraction,
      })),
      workers: this.#o.workers,
    });
    return s === undefined ? "?" : formatDuration(s);
  }

  line(text: string): void {
    if (this.#tty) this.write(`\r\x1b[2K${text}\n`);
    else this.write(text + "\n");
  }

  draw(force: boolean): void {
    if (!this.#tty) return;
    const t = this.now();
    if (!force && t - this.#lastDraw < 100) return;
    this.#lastDraw = t;
    const width = 20;
    const fracs = [...this.running.values()].reduce((a, r) => a + r.fraction, 0);
    const total = Math.max(1, this.#o.total);
    const filled = Math.min(width, Math.round(width * (this.done + fracs) / total));
    const bar = "=".repeat(filled) + " ".repeat(width - filled);
    const cols = (() => {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return 120;
      }
    })();
    const jobs = [...this.running.values()].map((r) =>
      `${r.label}${r.fraction > 0 ? ` ${Math.round(r.fraction * 100)}%` : ""}`
    );
    const line = `[${bar}] ${this.done}/${this.#o.total} ETA ${this.eta()} | ${jobs.join(" · ")}`;
    this.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
  }

  close(): void {
    if (this.#tty) this.write("\r\x1b[2K");
  }
}

function _finishLine(
  d: _Display,
  label: string,
  status: string,
  seconds: number,
  message: string | undefined,
  total: number,
): string {
  const msg = message === undefined ? "" : ` — ${message.split("\n")[0].slice(0, 200)}`;
  return `[${d.done}/${total}] ${status} ${seconds.toFixed(1)}s ${label}${msg} (ETA ${d.eta()})`;
}

/**
 * A progress display (see module doc) for one runner. The ETA is
 * {@linkcode estimateRemainingSeconds} over the jobs given as `jobs`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { createProgress } from "./progress.ts";
 * const out: string[] = [];
 * const p = createProgress({ total: 2, skipped: 0, tty: false, write: (t) => out.push(t) });
 * p.start("cell a", 0);
 * p.finish("ok", 1.5);
 * p.close();
 * ok(out.join("").includes("[1/2] ok"));
 * ```
 */
export function createProgress(options: ProgressOptions): ProgressSink {
  const d = new _Display(options);
  let lastPlain = d.now();
  if (!d.tty && options.skipped > 0) {
    d.write(`skipping ${options.skipped} finished job(s) already in the store\n`);
  }
  let announced = false;
  return {
    start(l, _index, job) {
      d.start("", l, job);
      lastPlain = d.now();
      if (!d.tty && !announced) d.write(`running ${options.total} job(s)\n`);
      announced = true;
      d.draw(true);
    },
    step(step, steps) {
      const r = d.running.get("");
      if (r !== undefined) r.fraction = steps > 0 ? Math.min(1, step / steps) : 0;
      if (!d.tty && d.now() - lastPlain >= (options.heartbeatMs ?? 30000)) {
        lastPlain = d.now();
        d.write(`  ... step ${step}/${steps} of ${r?.label ?? ""} (ETA ${d.eta()})\n`);
      }
      d.draw(false);
    },
    finish(status, seconds, message) {
      const label = d.finish("", seconds);
      const line = _finishLine(d, label, status, seconds, message, options.total);
      if (!d.tty || status !== "ok") d.line(line);
      d.draw(true);
    },
    skip(job) {
      d.drop(job);
      d.draw(false);
    },
    close() {
      d.close();
    },
  };
}

/**
 * One job's state as a pool display is told it (from the store).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PoolJob } from "./progress.ts";
 * const j: PoolJob = { key: "a:0", label: "cell a", step: 1, steps: 4 };
 * equal(j.steps, 4);
 * ```
 */
export interface PoolJob {
  /** `"<cellId>:<seed>"`. */
  readonly key: string;
  /** A label for the line. */
  readonly label: string;
  /** Progress inside the job (running jobs). */
  readonly step?: number;
  /** Its steps (0 or absent when unknown). */
  readonly steps?: number;
}

/**
 * A progress display for several runners sharing one store (the parent of
 * `reproduce --workers N`): told what runs and what finished, it draws one
 * bar over all of them, with an ETA that divides the work among the workers.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { jobsFor } from "../cell/mod.ts";
 * import { createPoolProgress } from "./progress.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const jobs = jobsFor({ kind: "measure", config: { measure: "timing", method: "sao", shape, density: 1, activation: "tanh" } }, [0, 1]);
 * const out: string[] = [];
 * const p = createPoolProgress({ total: 2, skipped: 0, tty: false, write: (t) => out.push(t), jobs, workers: 2 });
 * const key = `${jobs[0].id}:0`;
 * p.update([{ key, label: "a" }], []);
 * p.update([], [{ key, status: "ok", seconds: 1, message: null }]);
 * p.close();
 * ok(out.join("").includes("[1/2] ok 1.0s a"));
 * ```
 */
export function createPoolProgress(options: ProgressOptions & { readonly jobs: readonly Job[] }): {
  /** The jobs running now, and those finished since the last update. */
  update(
    running: readonly PoolJob[],
    finished: readonly {
      key: string;
      status: string;
      seconds: number;
      message: string | null;
      label?: string;
    }[],
  ): void;
  /** Clears the live line. */
  close(): void;
} {
  const d = new _Display(options);
  const byKey = new Map(options.jobs.map((j) => [`${j.id}:${j.seed}`, j]));
  const labels = new Map<string, string>();
  if (!d.tty) {
    if (options.skipped > 0) {
      d.write(`skipping ${options.skipped} finished job(s) already in the store\n`);
    }
    d.write(`running ${options.total} job(s) on ${options.workers ?? 1} worker(s)\n`);
  }
  return {
    update(running, finished) {
      const now = new Set(running.map((r) => r.key));
      const ended = new Set(finished.map((f) => f.key));
      for (const slot of [...d.running.keys()]) {
        if (!now.has(slot) && !ended.has(slot)) d.unstart(slot);
      }
      for (const r of running) {
        if (!d.running.has(r.key)) d.start(r.key, r.label, byKey.get(r.key));
        const state = d.running.get(r.key)!;
        state.fraction = (r.steps ?? 0) > 0 ? Math.min(1, (r.step ?? 0) / r.steps!) : 0;
        labels.set(r.key, r.label);
      }
      for (const f of finished) {
        if (!d.running.has(f.key)) {
          const job = byKey.get(f.key);
          const label = f.label ?? labels.get(f.key) ?? f.key.slice(0, 8);
          d.start(f.key, label, job, d.now() - f.seconds * 1000);
        }
        const label = d.finish(f.key, f.seconds);
        const line = _finishLine(
          d,
          label,
          f.status,
          f.seconds,
          f.message ?? undefined,
          options.total,
        );
        if (!d.tty || f.status !== "ok") d.line(line);
      }
      d.draw(true);
    },
    close() {
      d.close();
    },
  };
}

/**
 * A progress sink that prints nothing (tests, `--quiet`).
 *
 * @example
 * ```ts
 * import { silentProgress } from "./progress.ts";
 * silentProgress.start("x", 0);
 * silentProgress.close();
 * ```
 */
export const silentProgress: ProgressSink = {
  start() {},
  step() {},
  finish() {},
  close() {},
};
