/**
 * Checking and merging the rows the board is built from.
 *
 * A row is used only if it is what this code's runner writes: its config is
 * a valid train (or measure) config whose cell id is the row's `cellId`, it
 * was written with this code's `RESULTS_VERSION`, and an `ok` row holds the
 * numbers the board reads (`testAccuracy` in [0, 1] for train rows). Anything
 * else is skipped with its cell id and the reason. When two sources hold the
 * same `(cellId, seed)`, the first final (ok/diverged) row wins, as in `merge`.
 *
 * @module
 */

import { cellId, RESULTS_VERSION } from "../cell/mod.ts";
import { canonicalJson } from "../cell/mod.ts";
import { validateCellConfig } from "../cell/mod.ts";
import type { CorruptRow, StoredRow } from "../store/mod.ts";
import type { SkippedRow, SubmittedMethod } from "./schema.ts";

/**
 * Rows of one store or submission file, as read.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BoardSource } from "./rows.ts";
 * const source: BoardSource = { name: "results.db", kind: "store", rows: [], corrupt: [] };
 * equal(source.kind, "store");
 * ```
 */
export interface BoardSource {
  /** File name shown in the leaderboard (no directories). */
  readonly name: string;
  /** A results store, or a submission file. */
  readonly kind: "store" | "submission";
  /** The rows that decoded. */
  readonly rows: readonly StoredRow[];
  /** Rows whose JSON did not decode (reported and skipped). */
  readonly corrupt: readonly CorruptRow[];
  /** Submissions: the method the rows belong to. */
  readonly method?: SubmittedMethod;
  /** Stores: the store's notice when it was opened immutable (a read-only directory). */
  readonly notice?: string;
}

/**
 * A row accepted for the board, with where it came from.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BoardRow } from "./rows.ts";
 * const submitted = (r: Pick<BoardRow, "submitted">) => r.submitted;
 * equal(submitted({ submitted: true }), true);
 * ```
 */
export interface BoardRow extends StoredRow {
  /** The source's name. */
  readonly source: string;
  /** True when it came from a submission file. */
  readonly submitted: boolean;
}

function _num(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/**
 * Why `row` cannot be used, or `null` when it can.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rowProblem } from "./rows.ts";
 * equal(rowProblem({ kind: "other" } as never), 'kind "other" is neither train nor measure');
 * ```
 */
export function rowProblem(row: StoredRow): string | null {
  if (row.kind !== "train" && row.kind !== "measure") {
    return `kind ${JSON.stringify(row.kind)} is neither train nor measure`;
  }
  if (!["ok", "diverged", "failed"].includes(row.status)) {
    return `status ${JSON.stringify(row.status)} is not ok, diverged or failed`;
  }
  if (!Number.isSafeInteger(row.seed) || row.seed < 0) return `seed ${row.seed} is not valid`;
  if (typeof row.config !== "object" || row.config === null || Array.isArray(row.config)) {
    return "config is not an object";
  }
  if (typeof row.result !== "object" || row.result === null || Array.isArray(row.result)) {
    return "result is not an object";
  }
  if (row.resultsVersion !== RESULTS_VERSION) {
    return `written with results version ${row.resultsVersion}; this code reads version ${RESULTS_VERSION}`;
  }
  if (row.kind === "train") {
    try {
      validateCellConfig({ ...row.config, seed: row.seed });
    } catch (e) {
      return `config: ${(e as Error).message}`;
    }
  } else {
    const c = row.config;
    if (typeof c.method !== "string" || typeof c.measure !== "string" || !_num(c.density)) {
      return "config: a measure config needs string method and measure and a numeric density";
    }
    if (typeof c.shape !== "object" || c.shape === null) return "config: shape is missing";
  }
  let id: string;
  try {
    id = cellId({ kind: row.kind, config: row.config } as never);
  } catch (e) {
    return `config cannot be hashed: ${(e as Error).message}`;
  }
  if (id !== row.cellId) return `cell id does not match its config (the config hashes to ${id})`;
  if (row.status !== "ok") return null;
  const r = row.result;
  if (row.kind === "train") {
    const a = r.testAccuracy;
    if (!_num(a) || a < 0 || a > 1) {
      return `result.testAccuracy of an ok row must be a number in [0, 1]; got ${
        JSON.stringify(a)
      }`;
    }
    return null;
  }
  for (const k of ["achievedDensity", "densityError", "orthogonalityError", "seconds"]) {
    if (r[k] !== undefined && r[k] !== null && !_num(r[k])) {
      return `result.${k} must be a number or null; got ${JSON.stringify(r[k])}`;
    }
  }
  return null;
}

/**
 * Result of {@linkcode collectRows}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { collectRows, type CollectedRows } from "./rows.ts";
 * const c: CollectedRows = collectRows([]);
 * equal(c.rows.length, 0);
 * ```
 */
export interface CollectedRows {
  /** Accepted rows, one per `(cellId, seed)`, sorted by key. */
  readonly rows: readonly BoardRow[];
  /** Rows left out and why (corrupt JSON, invalid, wrong version). */
  readonly skipped: readonly SkippedRow[];
  /** Per source: rows accepted, skipped, and duplicates of an earlier source's row. */
  readonly perSource: ReadonlyMap<
    string,
    { used: BoardRow[]; skipped: number; duplicates: number }
  >;
}

/**
 * Checks every row of every source (see {@linkcode rowProblem}), drops
 * duplicates (the first final row of a key wins; a failed row gives way to a
 * later final one), and marks submitted rows. Submitted rows must name their
 * submission's method.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { collectRows } from "./rows.ts";
 * const c = collectRows([{ name: "a.db", kind: "store", rows: [],
 *   corrupt: [{ cellId: "ab", seed: 0, reason: "column result is not valid JSON" }] }]);
 * equal(c.skipped[0].cellId, "ab");
 * ```
 */
export function collectRows(sources: readonly BoardSource[]): CollectedRows {
  const byKey = new Map<string, BoardRow>();
  const skipped: SkippedRow[] = [];
  const perSource = new Map<string, { used: BoardRow[]; skipped: number; duplicates: number }>();
  for (const src of sources) {
    const stats = { used: [] as BoardRow[], skipped: 0, duplicates: 0 };
    perSource.set(src.name, stats);
    for (const c of src.corrupt) {
      skipped.push({ source: src.name, cellId: c.cellId, seed: c.seed, reason: c.reason });
      stats.skipped++;
    }
    for (const row of src.rows) {
      let problem = rowProblem(row);
      if (
        problem === null && src.kind === "submission" && src.method !== undefined &&
        row.config.method !== src.method.name
      ) {
        problem = `config.method ${
          JSON.stringify(row.config.method)
        } is not the submission's method ${JSON.stringify(src.method.name)}`;
      }
      if (problem !== null) {
        skipped.push({
          source: src.name,
          cellId: String(row.cellId),
          seed: Number(row.seed),
          reason: problem,
        });
        stats.skipped++;
        continue;
      }
      const key = `${row.cellId}:${row.seed}`;
      const prev = byKey.get(key);
      if (prev !== undefined && !(prev.status === "failed" && row.status !== "failed")) {
        stats.duplicates++;
        continue;
      }
      byKey.set(key, { ...row, source: src.name, submitted: src.kind === "submission" });
    }
  }
  const rows = [...byKey.entries()].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
    .map(([, r]) => r);
  for (const r of rows) perSource.get(r.source)!.used.push(r);
  skipped.sort((a, b) =>
    a.source < b.source
      ? -1
      : a.source > b.source
      ? 1
      : a.cellId < b.cellId
      ? -1
      : a.cellId > b.cellId
      ? 1
      : a.seed - b.seed
  );
  return { rows, skipped, perSource };
}

/**
 * The canonical JSON of rows without their source marks (for digests).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rowsCanonicalJson } from "./rows.ts";
 * equal(rowsCanonicalJson([]), "[]");
 * ```
 */
export function rowsCanonicalJson(rows: readonly BoardRow[]): string {
  return canonicalJson(rows.map(({ source: _s, submitted: _m, ...r }) => r));
}
