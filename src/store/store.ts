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
import { dirname, resolve } from "node:path";
import { mkdirSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
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
  /**
   * Open read-only (the file must exist). When SQLite cannot open it so (a
   * WAL store in a directory where it cannot create the `-shm` file, e.g. a
   * read-only directory), it is opened immutable instead (see
   * {@linkcode ResultStore.notice}).
   */
  readonly readOnly?: boolean;
  /**
   * With `readOnly`: open with SQLite's `immutable=1` right away (no locks,
   * no `-shm`/`-wal` files; rows still in an un-checkpointed `-wal` file are
   * not seen). Default false.
   */
  readonly immutable?: boolean;
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
    : /unable to open database file|readonly database/i.test(msg)
    ? " (the file or its directory is not writable here; read-only commands can still read it)"
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
  /** True when opened with SQLite's `immutable=1` (see {@linkcode OpenStoreOptions.immutable}). */
  readonly immutable: boolean;
  /** A line for the user when the store was opened immutable (why, and what it means); else undefined. */
  readonly notice: string | undefined;
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
  constructor(path: string, db: DatabaseSync, busyTimeoutMs: number, notice?: string) {
    this.path = path;
    this.#db = db;
    this.busyTimeoutMs = busyTimeoutMs;
    this.immutable = notice !== undefined;
    this.notice = notice;
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

/** The columns of the suite's tables, in order (see `_SCHEMA`). */
const _COLUMNS: Readonly<Record<string, readonly string[]>> = {
  meta: ["key", "value"],
  results: [
    "cell_id",
    "seed",
    "kind",
    "status",
    "message",
    "config",
    "result",
    "wall_seconds",
    "git_commit",
    "machine",
    "results_version",
    "finished_at",
  ],
};

/** Raised inside `openStore` for a file that is not a store; rethrown as is. */
class _NotAStore extends StoreError {}

/**
 * Why the database is not (the beginning of) a results store, or null if it
 * is one: an empty database, the suite's `meta` and `results` tables with
 * their columns (other tables allowed once `meta` holds a schema version), or
 * some of them without rows (a store whose creation was cut short).
 * Reads only.
 */
function _foreignReason(db: DatabaseSync): string | null {
  const objects = db.prepare(
    "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all().map((r) => ({ type: String(r.type), name: String(r.name) }));
  if (objects.length === 0) return null;
  const columns = new Map<string, string[]>();
  for (const o of objects) {
    if (o.type !== "table") continue;
    const info = db.prepare(`PRAGMA table_info("${o.name.replaceAll('"', '""')}")`).all();
    columns.set(o.name, info.map((c) => String(c.name)));
  }
  const ours = (name: string) =>
    Object.hasOwn(_COLUMNS, name) && columns.get(name)?.join(",") === _COLUMNS[name].join(",");
  let versioned = false;
  if (ours("meta")) {
    versioned = db.prepare("SELECT 1 FROM meta WHERE key = 'schema_version'").get() !== undefined;
  }
  const suite = ours("meta") && ours("results") && versioned;
  const partial = !versioned && objects.every((o) => o.type === "table" && ours(o.name)) &&
    objects.every((o) => db.prepare(`SELECT 1 FROM "${o.name}" LIMIT 1`).get() === undefined);
  if (suite || partial) return null;
  const shown = objects.slice(0, 12).map((o) =>
    o.type === "table" ? `${o.name}(${columns.get(o.name)!.join(", ")})` : `${o.type} ${o.name}`
  );
  const more = objects.length > shown.length ? ` and ${objects.length - shown.length} more` : "";
  return `found table${objects.length === 1 ? "" : "s"} ${shown.join(", ")}${more}; ` +
    `a results store has exactly meta(${_COLUMNS.meta.join(", ")}) and results(${
      _COLUMNS.results.join(", ")
    })`;
}

/** Throws a `_NotAStore` naming what the database holds when it is not a store. */
function _checkIsStore(path: string, db: DatabaseSync): void {
  let reason: string | null;
  try {
    reason = _foreignReason(db);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/not a database|file is encrypted/i.test(msg)) {
      throw new _NotAStore(`store ${path}: not a SQLite database (${msg}); refusing to use it`, {
        cause: e,
      });
    }
    throw e;
  }
  if (reason !== null) {
    throw new _NotAStore(
      `store ${path}: not a results store of this suite (${reason}); refusing to modify or read it as one`,
    );
  }
}

/** SQLite's `file:` URI of `path` with `immutable=1`. */
function _immutableUri(path: string): string {
  return `${pathToFileURL(resolve(path)).href}?immutable=1`;
}

/** The notice of a store opened immutable. */
function _immutableNotice(path: string, forced: boolean): string {
  let wal = 0;
  try {
    wal = statSync(`${path}-wal`).size;
  } catch {
    // no -wal file
  }
  return `store ${path}: opened immutable (${
    forced
      ? "as asked"
      : "SQLite cannot create its -shm lock file beside it, e.g. a read-only directory"
  }): read as it is on disk, without locks${
    wal > 0
      ? `; its -wal file (${wal} bytes) is not read, so rows written since the last checkpoint are missing`
      : ""
  }`;
}

/** Opens an existing file read-only, falling back to (or forced into) immutable. */
function _openReadOnly(
  path: string,
  immutable: boolean,
  busy: number,
): { db: DatabaseSync; notice?: string } {
  const attempt = (uri: string) => {
    const db = new DatabaseSync(uri, { readOnly: true });
    try {
      db.exec(`PRAGMA busy_timeout = ${busy}`);
      _checkIsStore(path, db);
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  };
  if (!immutable) {
    try {
      return { db: attempt(path) };
    } catch (e) {
      const cantOpen = (e as { errcode?: number }).errcode === 14 ||
        /unable to open database file|readonly database/i.test(String((e as Error).message));
      if (!cantOpen || e instanceof _NotAStore) throw e;
    }
  }
  return { db: attempt(_immutableUri(path)), notice: _immutableNotice(path, immutable) };
}

/**
 * Opens (creating if needed, with parent directories) a results store in WAL
 * mode with a busy timeout.
 *
 * An existing non-empty file is checked first, reading only: a file that is
 * not SQLite, or a database that is not a results store (other tables, a
 * `results` table with other columns, a view…) is refused, naming what it
 * holds, and is left byte-for-byte as it was (no WAL switch, no table added).
 * A read-only open of a store SQLite cannot lock (a read-only directory)
 * falls back to `immutable=1` and says so in {@linkcode ResultStore.notice}.
 *
 * @throws {StoreError} naming the path if the file cannot be opened, is a
 * directory, is missing (read-only), is not a results store (e.g. a newer
 * schema, another program's database), or is locked beyond the busy timeout.
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
  const readOnly = options.readOnly ?? false;
  if (options.immutable === true && !readOnly) {
    throw new RangeError("openStore: immutable: only with readOnly: true");
  }
  let size = 0;
  if (path !== ":memory:") {
    try {
      const st = statSync(path);
      if (st.isDirectory()) {
        throw new StoreError(`store ${path}: is a directory, not a results store file`);
      }
      size = st.size;
    } catch (e) {
      if (e instanceof StoreError) throw e;
      if (readOnly) throw new StoreError(`store ${path} does not exist`, { cause: e });
    }
  }
  let db: DatabaseSync;
  let notice: string | undefined;
  try {
    if (readOnly) {
      ({ db, notice } = _openReadOnly(path, options.immutable ?? false, busy));
    } else {
      if (size > 0) _openReadOnly(path, false, busy).db.close(); // check before writing
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      db = new DatabaseSync(path);
    }
  } catch (e) {
    if (e instanceof _NotAStore) throw e;
    throw _wrap(path, "opening", e, busy);
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${busy}`);
    if (!readOnly) {
      const v = size > 0 ? _schemaVersion(db) : undefined;
      if (v !== undefined && v !== SCHEMA_VERSION) _versionError(v);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = FULL");
      db.exec("BEGIN IMMEDIATE");
      try {
        db.exec(_SCHEMA);
        db.exec("COMMIT");
      } catch (e) {
        db.exec("ROLLBACK");
        throw e;
      }
    }
    const v = _schemaVersion(db);
    if (v !== SCHEMA_VERSION) _versionError(v);
  } catch (e) {
    db.close();
    throw _wrap(path, "opening", e, busy);
  }
  return new ResultStore(path, db, busy, notice);
}

/** The stored schema version, or undefined when `meta` has none (or there is no `meta`). */
function _schemaVersion(db: DatabaseSync): string | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    .get();
  if (hasMeta === undefined) return undefined;
  const v = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get();
  return v === undefined ? undefined : String(v.value);
}

function _versionError(v: string | undefined): never {
  throw new Error(`schema_version is ${v ?? "missing"}, expected ${SCHEMA_VERSION}`);
}
