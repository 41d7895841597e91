/**
 * The results store: one SQLite file (WAL, busy_timeout) through
 * `node:sqlite`, one row per finished job keyed by `(cell_id, seed)`.
 *
 * - A result is written last, in one statement (one transaction): a process
 *   killed at any moment leaves either the whole row or none.
 * - An `ok` or `diverged` row is final: writing the same key again changes
 *   nothing. A `failed` row is replaced by a later write of the same key
 *   (that is how `--retry-failed` re-runs it).
 * - Locks and I/O errors surface as {@linkcode StoreError} naming the file;
 *   SQLite's journal keeps the file consistent.
 *
 * @module
 */

import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { dirname } from "node:path";
import { mkdirSync } from "node:fs";
import { jobKey, type Machine } from "../cell/mod.ts";
import { CLAIMS_SCHEMA, ClaimTable } from "./claims.ts";

/**
 * Outcome of a job. `failed` rows are retried on request; `diverged` rows are results. */
export type RowStatus = "ok" | "diverged" | "failed";

/**
 * One stored row (a finished job).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openStore, type StoredRow } from "./store.ts";
 * const row: StoredRow = {
 *   cellId: "a".repeat(64), seed: 0, kind: "train", status: "failed", message: "Error: boom",
 *   config: {}, result: {}, wallSeconds: 0.5, gitCommit: "unknown", machine: {},
 *   resultsVersion: 1, finishedAt: "2024-01-01T00:00:00.000Z",
 * };
 * const store = openStore(":memory:");
 * store.put(row);
 * equal(store.rows()[0].message, "Error: boom");
 * store.close();
 * ```
 */
export interface StoredRow {
  /** The cell's id (see `cellId`). */
  readonly cellId: string;
  /** The seed the job ran with. */
  readonly seed: number;
  /** `train` (a `CellResult`) or `measure` (a `MeasureResult`). */
  readonly kind: "train" | "measure";
  /** The job's outcome. */
  readonly status: RowStatus;
  /** What went wrong (failed and diverged rows); `null` otherwise. */
  readonly message: string | null;
  /** The cell's full config (without seed). */
  readonly config: Record<string, unknown>;
  /** The runner's result object (CellResult or MeasureResult), as JSON. */
  readonly result: Record<string, unknown>;
  /** Wall-clock seconds the job took. */
  readonly wallSeconds: number;
  /** Commit of the code that produced the row (`-dirty` if uncommitted changes; `unknown` without git). */
  readonly gitCommit: string;
  /** The machine that produced the row. */
  readonly machine: Machine | Record<string, unknown>;
  /** `RESULTS_VERSION` of the code that wrote the row. */
  readonly resultsVersion: number;
  /** ISO-8601 time the row was written (provenance only, never an id). */
  readonly finishedAt: string;
}

/**
 * Counts of rows by status.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { openStore, type StoreCounts } from "./store.ts";
 * const store = openStore(":memory:");
 * const counts: StoreCounts = store.counts();
 * deepEqual(counts, { ok: 0, diverged: 0, failed: 0 });
 * store.close();
 * ```
 */
export interface StoreCounts {
  /** Rows with status `ok`. */
  readonly ok: number;
  /** Rows with status `diverged`. */
  readonly diverged: number;
  /** Rows with status `failed`. */
  readonly failed: number;
}

/**
 * A row {@linkcode ResultStore.scanRows} could not decode.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CorruptRow } from "./store.ts";
 * const row: CorruptRow = { cellId: "a".repeat(64), seed: 0, reason: "column result is not valid JSON" };
 * equal(row.seed, 0);
 * ```
 */
export interface CorruptRow {
  /** The row's cell id. */
  readonly cellId: string;
  /** The row's seed. */
  readonly seed: number;
  /** What is wrong with it. */
  readonly reason: string;
}

/**
 * A store failure (locked, unreadable, full disk, not a results store…).
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { openStore, StoreError } from "./store.ts";
 * const dir = Deno.makeTempDirSync();
 * throws(() => openStore(`${dir}/missing.db`, { readOnly: true }), StoreError);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class StoreError extends Error {
  /**
   * Creates a store error; pass the underlying error as `options.cause`.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StoreError } from "./store.ts";
   * equal(new StoreError("x").name, "StoreError");
   * ```
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
  }
}

/**
 * Options of {@linkcode openStore}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openStore, type OpenStoreOptions } from "./store.ts";
 * const options: OpenStoreOptions = { busyTimeoutMs: 250 };
 * const store = openStore(":memory:", options);
 * equal(store.busyTimeoutMs, 250);
 * store.close();
 * ```
 */
export interface OpenStoreOptions {
  /** How long a write waits for another connection's lock (ms); default 5000. */
  readonly busyTimeoutMs?: number;
  /** Open read-only (the file must exist). */
  readonly readOnly?: boolean;
}

const SCHEMA_VERSION = "1";

const _SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
  cell_id TEXT NOT NULL,
  seed INTEGER NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'diverged', 'failed')),
  message TEXT,
  config TEXT NOT NULL,
  result TEXT NOT NULL,
  wall_seconds REAL NOT NULL,
  git_commit TEXT NOT NULL,
  machine TEXT NOT NULL,
  results_version INTEGER NOT NULL,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (cell_id, seed)
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '${SCHEMA_VERSION}');
${CLAIMS_SCHEMA}`;

/** Insert; on conflict replace only a failed row (see module doc). */
const _UPSERT = `
INSERT INTO results (cell_id, seed, kind, status, message, config, result, wall_seconds,
  git_commit, machine, results_version, finished_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (cell_id, seed) DO UPDATE SET
  kind = excluded.kind, status = excluded.status, message = excluded.message,
  config = excluded.config, result = excluded.result, wall_seconds = excluded.wall_seconds,
  git_commit = excluded.git_commit, machine = excluded.machine,
  results_version = excluded.results_version, finished_at = excluded.finished_at
WHERE results.status = 'failed' AND NOT (excluded.status = 'failed' AND excluded.finished_at <= results.finished_at)
`;

function _wrap(path: string, what: string, e: unknown, busyMs: number): StoreError {
  const msg = e instanceof Error ? e.message : String(e);
  const hint = /locked|busy/i.test(msg)
    ? ` (another process holds a write lock on the store; gave up after busy_timeout=${busyMs} ms)`
    : /full|disk|I\/O/i.test(msg)
    ? " (disk full or I/O error; the store was not modified by this write)"
    : "";
  return new StoreError(`store ${path}: ${what} failed: ${msg}${hint}`, { cause: e });
}

/**
 * The results store. Create with {@linkcode openStore}; close when done.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openStore, type ResultStore } from "./store.ts";
 * const store: ResultStore = openStore(":memory:");
 * equal(store.integrityCheck(), "ok");
 * equal(store.doneKeys(false).size, 0);
 * store.close();
 * ```
 */
export class ResultStore {
  /** Path of the SQLite file (or `":memory:"`). */
  readonly path: string;
  /** How long a write waits for another connection's lock (ms). */
  readonly busyTimeoutMs: number;
  #db: DatabaseSync;
  #claims: ClaimTable | undefined;

  /**
   * Wraps an open database (use {@linkcode openStore}).
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * equal(store.path, ":memory:");
   * store.close();
   * ```
   */
  constructor(path: string, db: DatabaseSync, busyTimeoutMs: number) {
    this.path = path;
    this.#db = db;
    this.busyTimeoutMs = busyTimeoutMs;
  }

  #run<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw _wrap(this.path, what, e, this.busyTimeoutMs);
    }
  }

  /**
   * The claims concurrent runners take on this store's jobs (see `claims.ts`).
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * equal(store.claims.active().length, 0);
   * store.close();
   * ```
   */
  get claims(): ClaimTable {
    this.#claims ??= new ClaimTable(this.#db, (what, f) => this.#run(what, f));
    return this.#claims;
  }

  /**
   * Writes one row in one transaction. Returns true if the row was written
   * (new key, or replacing a failed row), false if a final row already exists.
   * With `claimOwner`, that runner's claim on the row's key is removed in the
   * same transaction (whether or not the row was written).
   *
   * @throws {StoreError} if the store is locked beyond the busy timeout, the
   * disk is full or the file is unwritable.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * const row = { cellId: "a".repeat(64), seed: 0, kind: "measure", status: "ok", message: null,
   *   config: {}, result: { x: 1 }, wallSeconds: 0.1, gitCommit: "unknown", machine: {},
   *   resultsVersion: 1, finishedAt: "2024-01-01T00:00:00.000Z" } as const;
   * equal(store.put(row), true);
   * equal(store.put(row), false);
   * store.close();
   * ```
   */
  put(row: StoredRow, claimOwner?: string): boolean {
    const values: SQLInputValue[] = [
      row.cellId,
      row.seed,
      row.kind,
      row.status,
      row.message,
      JSON.stringify(row.config),
      JSON.stringify(row.result),
      row.wallSeconds,
      row.gitCommit,
      JSON.stringify(row.machine),
      row.resultsVersion,
      row.finishedAt,
    ];
    return this.#run(`writing (${row.cellId}, ${row.seed})`, () => {
      if (claimOwner === undefined) {
        return Number(this.#db.prepare(_UPSERT).run(...values).changes) > 0;
      }
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const written = Number(this.#db.prepare(_UPSERT).run(...values).changes) > 0;
        this.claims.deleteInTransaction(row.cellId, row.seed, claimOwner);
        this.#db.exec("COMMIT");
        return written;
      } catch (e) {
        this.#db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  /**
   * Writes many rows in one transaction (used by merge). Returns how many
   * were written.
   *
   * @throws {StoreError} as {@linkcode ResultStore.put}; nothing is written then.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * equal(store.putMany([]), 0);
   * store.close();
   * ```
   */
  putMany(rows: readonly StoredRow[]): number {
    return this.#run("writing a batch", () => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        let n = 0;
        for (const row of rows) if (this.put(row)) n++;
        this.#db.exec("COMMIT");
        return n;
      } catch (e) {
        this.#db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  /**
   * Keys `"<cellId>:<seed>"` of rows that are final (ok/diverged), plus
   * failed rows unless `retryFailed`. The runner skips these.
   *
   * @throws {StoreError} if the store cannot be read.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * equal(store.doneKeys(false).size, 0);
   * store.close();
   * ```
   */
  doneKeys(retryFailed: boolean): Set<string> {
    return this.#run("reading keys", () => {
      const sql = retryFailed
        ? "SELECT cell_id, seed FROM results WHERE status <> 'failed'"
        : "SELECT cell_id, seed FROM results";
      const out = new Set<string>();
      for (const r of this.#db.prepare(sql).all()) {
        out.add(jobKey(String(r.cell_id), Number(r.seed)));
      }
      return out;
    });
  }

  /**
   * All rows, optionally only those of the given cell ids, ordered by key.
   *
   * @throws {StoreError} if the store cannot be read.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * equal(store.rows().length, 0);
   * store.close();
   * ```
   */
  rows(cellIds?: ReadonlySet<string>): StoredRow[] {
    return this.#run("reading rows", () => {
      const all = this.#db.prepare("SELECT * FROM results ORDER BY cell_id, seed").all();
      const out: StoredRow[] = [];
      for (const r of all) {
        if (cellIds !== undefined && !cellIds.has(String(r.cell_id))) continue;
        out.push({
          cellId: String(r.cell_id),
          seed: Number(r.seed),
          kind: String(r.kind) as StoredRow["kind"],
          status: String(r.status) as RowStatus,
          message: r.message === null ? null : String(r.message),
          config: JSON.parse(String(r.config)),
          result: JSON.parse(String(r.result)),
          wallSeconds: Number(r.wall_seconds),
          gitCommit: String(r.git_commit),
          machine: JSON.parse(String(r.machine)),
          resultsVersion: Number(r.results_version),
          finishedAt: String(r.finished_at),
        });
      }
      return out;
    });
  }

  /**
   * Every row like {@linkcode ResultStore.rows}, but a row whose stored JSON
   * does not parse is returned in `corrupt` (with its key and the parse error)
   * instead of failing the whole read. Used by readers that must go on (the
   * leaderboard).
   *
   * @throws {StoreError} if the store cannot be read at all.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * const { rows, corrupt } = store.scanRows();
   * equal(rows.length + corrupt.length, 0);
   * store.close();
   * ```
   */
  scanRows(): { rows: StoredRow[]; corrupt: CorruptRow[] } {
    return this.#run("reading rows", () => {
      const all = this.#db.prepare("SELECT * FROM results ORDER BY cell_id, seed").all();
      const rows: StoredRow[] = [];
      const corrupt: CorruptRow[] = [];
      for (const r of all) {
        const cellId = String(r.cell_id);
        const seed = Number(r.seed);
        const parsed: Record<string, unknown> = {};
        let bad: string | null = null;
        for (const col of ["config", "result", "machine"]) {
          try {
            parsed[col] = JSON.parse(String(r[col]));
          } catch (e) {
            bad = `column ${col} is not valid JSON (${(e as Error).message})`;
            break;
          }
        }
        if (bad !== null) {
          corrupt.push({ cellId, seed, reason: bad });
          continue;
        }
        rows.push({
          cellId,
          seed,
          kind: String(r.kind) as StoredRow["kind"],
          status: String(r.status) as RowStatus,
          message: r.message === null ? null : String(r.message),
          config: parsed.config as Record<string, unknown>,
          result: parsed.result as Record<string, unknown>,
          wallSeconds: Number(r.wall_seconds),
          gitCommit: String(r.git_commit),
          machine: parsed.machine as Record<string, unknown>,
          resultsVersion: Number(r.results_version),
          finishedAt: String(r.finished_at),
        });
      }
      return { rows, corrupt };
    });
  }

  /**
   * Row counts by status.
   *
   * @throws {StoreError} if the store cannot be read.
   * @example
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * deepEqual(store.counts(), { ok: 0, diverged: 0, failed: 0 });
   * store.close();
   * ```
   */
  counts(): StoreCounts {
    return this.#run("counting rows", () => {
      const c = { ok: 0, diverged: 0, failed: 0 };
      for (
        const r of this.#db.prepare("SELECT status, COUNT(*) AS n FROM results GROUP BY status")
          .all()
      ) {
        c[String(r.status) as RowStatus] = Number(r.n);
      }
      return c;
    });
  }

  /**
   * SQLite's `PRAGMA integrity_check`: "ok" when the file is sound.
   *
   * @throws {StoreError} if the store cannot be read.
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * equal(store.integrityCheck(), "ok");
   * store.close();
   * ```
   */
  integrityCheck(): string {
    return this.#run("integrity check", () => {
      const rows = this.#db.prepare("PRAGMA integrity_check").all();
      return rows.map((r) => String(Object.values(r)[0])).join("; ");
    });
  }

  /**
   * Closes the connection (idempotent).
   *
   * @example
   * ```ts
   * import { openStore } from "./store.ts";
   * const store = openStore(":memory:");
   * store.close();
   * store.close();
   * ```
   */
  close(): void {
    try {
      if (this.#db.isOpen) this.#db.close();
    } catch {
      // already closed
    }
  }
}

/**
 * Opens (creating if needed, with parent directories) a results store in WAL
 * mode with a busy timeout.
 *
 * @throws {StoreError} naming the path if the file cannot be opened or is not
 * a results store (e.g. a newer schema), or is locked beyond the busy timeout.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openStore } from "./store.ts";
 * const store = openStore(":memory:", { busyTimeoutMs: 100 });
 * equal(store.counts().ok, 0);
 * store.close();
 * ```
 */
export function openStore(path: string, options: OpenStoreOptions = {}): ResultStore {
  const busy = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busy) || busy < 0) {
    throw new RangeError(`openStore: busyTimeoutMs must be a non-negative integer; got ${busy}`);
  }
  let db: DatabaseSync;
  try {
    if (path !== ":memory:" && options.readOnly !== true) {
      mkdirSync(dirname(path), { recursive: true });
    }
    db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
  } catch (e) {
    throw _wrap(path, "opening", e, busy);
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${busy}`);
    if (options.readOnly !== true) {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = FULL");
      db.exec(_SCHEMA);
    }
    const v = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get();
    if (v === undefined || String(v.value) !== SCHEMA_VERSION) {
      throw new Error(
        `schema_version is ${
          v === undefined ? "missing" : String(v.value)
        }, expected ${SCHEMA_VERSION}`,
      );
    }
  } catch (e) {
    db.close();
    throw _wrap(path, "opening", e, busy);
  }
  return new ResultStore(path, db, busy);
}
