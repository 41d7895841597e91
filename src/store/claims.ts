/**
 * Claims: how concurrent runners on one store share its jobs.
 *
 * Before running a job a runner claims its key `(cell_id, seed)` in the
 * store's `claims` table, with its owner id (unique per runner), process id,
 * host name and a lease (an expiry time). It renews the lease while it runs
 * and removes the claim in the same transaction as the job's result
 * ({@linkcode ResultStore.put} with the owner). Another runner skips a job
 * that has a final row, and waits on a job whose claim is live.
 *
 * A claim is dead, and may be taken over, when its lease has expired, or at
 * once when it was made on this host by a process that no longer exists
 * (checked in `/proc`; elsewhere only the lease counts). So a killed runner
 * gives its job up; a runner that stops (Ctrl-C) releases its claims. One
 * exception: a worker of `reproduce --workers` leaves a dead sibling's claim
 * (same parent process, still alive) to that parent, which records the job
 * as failed (the worker crashed on it) and removes the claim.
 *
 * A runner whose lease expired while it was still running (its event loop
 * blocked longer than the lease) may compute a job a second time; the store
 * keeps the first final row written and `put` says whether a row was written,
 * so results and counts stay true either way.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { jobKey } from "../cell/mod.ts";

/** SQL creating the claims table (part of the store's schema). */
export const CLAIMS_SCHEMA = `
CREATE TABLE IF NOT EXISTS claims (
  cell_id TEXT NOT NULL,
  seed INTEGER NOT NULL,
  owner TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  step INTEGER NOT NULL DEFAULT 0,
  steps INTEGER NOT NULL DEFAULT 0,
  parent INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (cell_id, seed)
) WITHOUT ROWID;
`;

/**
 * Default lease of a claim (ms). A runner renews it every
 * `leaseMs / 6` while its job runs.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_LEASE_MS } from "./claims.ts";
 * equal(DEFAULT_LEASE_MS, 60_000);
 * ```
 */
export const DEFAULT_LEASE_MS = 60_000;

/**
 * Who claims: one runner.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { claimant, type Claimant } from "./claims.ts";
 * const me: Claimant = claimant({ leaseMs: 1000 });
 * equal(me.pid, Deno.pid);
 * ```
 */
export interface Claimant {
  /** Unique id of the runner (a random UUID by default). */
  readonly owner: string;
  /** The runner's process id. */
  readonly pid: number;
  /** The runner's host name. */
  readonly host: string;
  /** Lease length in ms. */
  readonly leaseMs: number;
  /** Take over failed rows finished before `since` (`--retry-failed`). */
  readonly retryFailed: boolean;
  /** ISO time the run started: with `retryFailed`, a failed row written since then is final. */
  readonly since: string;
  /** Clock in ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** The pid of the `reproduce --workers` parent this runner is a worker of; 0 (default) for none. */
  readonly parent?: number;
}

/**
 * A claimant for this process with defaults (random owner, this pid and host,
 * the default lease, no retry, `since` now).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { claimant } from "./claims.ts";
 * equal(claimant({ retryFailed: true }).retryFailed, true);
 * ```
 */
export function claimant(options: Partial<Claimant> = {}): Claimant {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  if (!Number.isInteger(leaseMs) || leaseMs <= 0) {
    throw new RangeError(`claimant: leaseMs must be a positive integer; got ${leaseMs}`);
  }
  return {
    owner: options.owner ?? crypto.randomUUID(),
    pid: options.pid ?? Deno.pid,
    host: options.host ?? _hostname(),
    leaseMs,
    retryFailed: options.retryFailed ?? false,
    since: options.since ?? new Date().toISOString(),
    now: options.now,
    parent: options.parent ?? 0,
  };
}

/**
 * A live claim, as {@linkcode ClaimTable.active} lists it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ClaimInfo } from "./claims.ts";
 * const c: ClaimInfo = { cellId: "a", seed: 0, owner: "o", pid: 1, host: "h", expiresAt: 0, label: "", step: 0, steps: 0, parent: 0 };
 * equal(c.seed, 0);
 * ```
 */
export interface ClaimInfo {
  /** The job's cell id. */
  readonly cellId: string;
  /** The job's seed. */
  readonly seed: number;
  /** The claiming runner's id. */
  readonly owner: string;
  /** Its process id. */
  readonly pid: number;
  /** Its host. */
  readonly host: string;
  /** Lease expiry, ms since the epoch. */
  readonly expiresAt: number;
  /** The job's label (for progress displays). */
  readonly label: string;
  /** Progress inside the job at the last renewal. */
  readonly step: number;
  /** Steps of the job (0 when unknown). */
  readonly steps: number;
  /** Pid of the `reproduce --workers` parent of the claiming runner (0 for none). */
  readonly parent: number;
}

/** The outcome of {@linkcode ClaimTable.claim}: run it, someone finished it, or someone runs it. */
export type ClaimOutcome = "claimed" | "done" | "busy";

function _info(r: Record<string, unknown>): ClaimInfo {
  return {
    cellId: String(r.cell_id),
    seed: Number(r.seed),
    owner: String(r.owner),
    pid: Number(r.pid),
    host: String(r.host),
    expiresAt: Number(r.expires_at),
    label: String(r.label),
    step: Number(r.step),
    steps: Number(r.steps),
    parent: Number(r.parent),
  };
}

function _hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/**
 * Whether process `pid` exists on this host (not a zombie). Where `/proc`
 * cannot tell (not Linux), true: then only the lease counts.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { processAlive } from "./claims.ts";
 * equal(processAlive(Deno.pid), true);
 * ```
 */
export function processAlive(pid: number): boolean {
  if (Deno.build.os !== "linux") return true;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // "pid (comm) S ...": the state follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    return true;
  }
}

/**
 * The claims of one store (get it as `store.claims`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { claimant, openStore } from "./mod.ts";
 * const store = openStore(":memory:");
 * const a = claimant(), b = claimant();
 * equal(store.claims.claim({ cellId: "c", seed: 0 }, a), "claimed");
 * equal(store.claims.claim({ cellId: "c", seed: 0 }, b), "busy");
 * store.claims.release(a);
 * equal(store.claims.claim({ cellId: "c", seed: 0 }, b), "claimed");
 * store.close();
 * ```
 */
export class ClaimTable {
  #db: DatabaseSync;
  #run: <T>(what: string, f: () => T) => T;
  #host = _hostname();

  /**
   * Wraps the store's connection (the store makes it; see `ResultStore.claims`).
   *
   * @example
   * ```ts
   * import { ok } from "node:assert/strict";
   * import { openStore } from "./mod.ts";
   * const store = openStore(":memory:");
   * ok(store.claims.active().length === 0);
   * store.close();
   * ```
   */
  constructor(db: DatabaseSync, run: <T>(what: string, f: () => T) => T) {
    this.#db = db;
    this.#run = run;
  }

  #live(row: Record<string, unknown>, now: number, who?: Claimant): boolean {
    if (Number(row.expires_at) <= now) return false;
    if (String(row.host) !== this.#host || processAlive(Number(row.pid))) return true;
    // Its process is gone: dead, unless a live common parent will record the crash.
    const parent = Number(row.parent ?? 0);
    return parent !== 0 && parent === (who?.parent ?? 0) && processAlive(parent);
  }

  /**
   * Claims a job for `who`, in one transaction: `"done"` if the store holds
   * its final row (a failed row counts unless `who.retryFailed`, and then
   * only if it was written before `who.since`), `"busy"` if another runner's
   * claim on it is live, else `"claimed"` (a dead claim is taken over).
   *
   * @throws {StoreError} if the store is locked beyond its busy timeout or unwritable.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { claimant, openStore } from "./mod.ts";
   * const store = openStore(":memory:");
   * let t = 0;
   * const a = claimant({ leaseMs: 100, now: () => t }), b = claimant({ now: () => t });
   * equal(store.claims.claim({ cellId: "c", seed: 0 }, a), "claimed");
   * t = 101; // a's lease expired
   * equal(store.claims.claim({ cellId: "c", seed: 0 }, b), "claimed");
   * store.close();
   * ```
   */
  claim(job: { cellId: string; seed: number; label?: string }, who: Claimant): ClaimOutcome {
    const now = (who.now ?? Date.now)();
    return this.#run(`claiming (${job.cellId}, ${job.seed})`, () => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const out = this.#claim(job, who, now);
        this.#db.exec("COMMIT");
        return out;
      } catch (e) {
        this.#db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  #claim(job: { cellId: string; seed: number; label?: string }, who: Claimant, now: number) {
    const row = this.#db.prepare(
      "SELECT status, finished_at FROM results WHERE cell_id = ? AND seed = ?",
    ).get(job.cellId, job.seed);
    if (row !== undefined) {
      const failed = String(row.status) === "failed";
      if (!failed || !who.retryFailed || String(row.finished_at) >= who.since) return "done";
    }
    const claim = this.#db.prepare("SELECT * FROM claims WHERE cell_id = ? AND seed = ?")
      .get(job.cellId, job.seed);
    if (claim !== undefined && String(claim.owner) !== who.owner && this.#live(claim, now, who)) {
      return "busy";
    }
    this.#db.prepare(
      `INSERT INTO claims (cell_id, seed, owner, pid, host, expires_at, label, step, steps, parent)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)
       ON CONFLICT (cell_id, seed) DO UPDATE SET owner = excluded.owner, pid = excluded.pid,
         host = excluded.host, expires_at = excluded.expires_at, label = excluded.label,
         step = 0, steps = 0, parent = excluded.parent`,
    ).run(
      job.cellId,
      job.seed,
      who.owner,
      who.pid,
      who.host,
      now + who.leaseMs,
      job.label ?? "",
      who.parent ?? 0,
    );
    return "claimed";
  }

  /**
   * Extends the lease of every claim of `who` (and records the progress of
   * one job, if given). Returns how many claims were renewed.
   *
   * @throws {StoreError} if the store is locked beyond its busy timeout or unwritable.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { claimant, openStore } from "./mod.ts";
   * const store = openStore(":memory:");
   * const a = claimant();
   * store.claims.claim({ cellId: "c", seed: 0 }, a);
   * equal(store.claims.renew(a, { cellId: "c", seed: 0, step: 3, steps: 10 }), 1);
   * equal(store.claims.active()[0].step, 3);
   * store.close();
   * ```
   */
  renew(
    who: Claimant,
    progress?: { cellId: string; seed: number; step: number; steps: number },
  ): number {
    const now = (who.now ?? Date.now)();
    return this.#run("renewing claims", () => {
      if (progress !== undefined) {
        this.#db.prepare(
          "UPDATE claims SET step = ?, steps = ? WHERE cell_id = ? AND seed = ? AND owner = ?",
        ).run(progress.step, progress.steps, progress.cellId, progress.seed, who.owner);
      }
      const r = this.#db.prepare("UPDATE claims SET expires_at = ? WHERE owner = ?")
        .run(now + who.leaseMs, who.owner);
      return Number(r.changes);
    });
  }

  /**
   * Removes the claims of `who` (one job's, or all of them).
   *
   * @throws {StoreError} if the store is locked beyond its busy timeout or unwritable.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { claimant, openStore } from "./mod.ts";
   * const store = openStore(":memory:");
   * const a = claimant();
   * store.claims.claim({ cellId: "c", seed: 0 }, a);
   * store.claims.release(a, { cellId: "c", seed: 0 });
   * equal(store.claims.active().length, 0);
   * store.close();
   * ```
   */
  release(who: Pick<Claimant, "owner">, job?: { cellId: string; seed: number }): void {
    this.#run("releasing claims", () => {
      if (job === undefined) {
        this.#db.prepare("DELETE FROM claims WHERE owner = ?").run(who.owner);
      } else {
        this.#db.prepare("DELETE FROM claims WHERE cell_id = ? AND seed = ? AND owner = ?")
          .run(job.cellId, job.seed, who.owner);
      }
    });
  }

  /**
   * The live claims (lease not expired, process alive when on this host),
   * ordered by key.
   *
   * @throws {StoreError} if the store cannot be read.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { claimant, openStore } from "./mod.ts";
   * const store = openStore(":memory:");
   * store.claims.claim({ cellId: "c", seed: 1, label: "cell c" }, claimant());
   * equal(store.claims.active()[0].label, "cell c");
   * store.close();
   * ```
   */
  active(now: number = Date.now()): ClaimInfo[] {
    return this.#run("reading claims", () => {
      const out: ClaimInfo[] = [];
      for (const r of this.#db.prepare("SELECT * FROM claims ORDER BY cell_id, seed").all()) {
        if (!this.#live(r, now)) continue;
        out.push(_info(r));
      }
      return out;
    });
  }

  /**
   * Every claim (live or not) made by process `pid` on this host: what a
   * worker held when it died.
   *
   * @throws {StoreError} if the store cannot be read.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { claimant, openStore } from "./mod.ts";
   * const store = openStore(":memory:");
   * store.claims.claim({ cellId: "c", seed: 1 }, claimant({ pid: 4242 }));
   * equal(store.claims.heldBy(4242)[0].cellId, "c");
   * store.close();
   * ```
   */
  heldBy(pid: number): ClaimInfo[] {
    return this.#run(
      "reading claims",
      () =>
        this.#db.prepare("SELECT * FROM claims WHERE pid = ? AND host = ? ORDER BY cell_id, seed")
          .all(pid, this.#host).map(_info),
    );
  }

  /**
   * The rows of `keys` (`{ cellId, seed }`) written at or after `since` (ISO
   * time), by key `"<cellId>:<seed>"`, with their status, wall seconds and
   * message: what a run's runners finished (read by the parent of
   * `reproduce --workers`). One primary-key lookup per key: pass only the
   * keys that may have changed (see {@linkcode ResultStore.doneKeys} for a
   * cheap scan of the keys present).
   *
   * @throws {StoreError} if the store cannot be read.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./mod.ts";
   * const store = openStore(":memory:");
   * equal(store.claims.finishedSince("1970-01-01T00:00:00.000Z", [{ cellId: "c", seed: 0 }]).size, 0);
   * store.close();
   * ```
   */
  finishedSince(
    since: string,
    keys: Iterable<{ readonly cellId: string; readonly seed: number }>,
  ): Map<string, { status: string; wallSeconds: number; message: string | null }> {
    return this.#run("reading finished rows", () => {
      const out = new Map<
        string,
        { status: string; wallSeconds: number; message: string | null }
      >();
      const q = this.#db.prepare(
        `SELECT status, wall_seconds, message FROM results
         WHERE cell_id = ? AND seed = ? AND finished_at >= ?`,
      );
      for (const k of keys) {
        const r = q.get(k.cellId, k.seed, since);
        if (r === undefined) continue;
        out.set(jobKey(k.cellId, k.seed), {
          status: String(r.status),
          wallSeconds: Number(r.wall_seconds),
          message: r.message === null ? null : String(r.message),
        });
      }
      return out;
    });
  }

  /**
   * Deletes one claim of `owner` inside the caller's transaction (used by
   * `ResultStore.put`, so a result and the removal of its claim are one
   * transaction). Throws raw SQLite errors.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { claimant, openStore } from "./mod.ts";
   * const store = openStore(":memory:");
   * const a = claimant();
   * store.claims.claim({ cellId: "c", seed: 0 }, a);
   * store.claims.deleteInTransaction("c", 0, a.owner);
   * equal(store.claims.active().length, 0);
   * store.close();
   * ```
   */
  deleteInTransaction(cellId: string, seed: number, owner: string): void {
    this.#db.prepare("DELETE FROM claims WHERE cell_id = ? AND seed = ? AND owner = ?")
      .run(cellId, seed, owner);
  }
}
