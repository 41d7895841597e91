/**
 * Merging stores (e.g. the stores of the shards of one grid).
 *
 * @module
 */

import { openStore, type ResultStore } from "./store.ts";

/**
 * What a merge did.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openStore } from "./store.ts";
 * import { mergeStore, type MergeReport } from "./merge.ts";
 * const dir = Deno.makeTempDirSync();
 * openStore(`${dir}/shard.db`).close();
 * const target = openStore(`${dir}/all.db`);
 * const report: MergeReport = mergeStore(target, `${dir}/shard.db`);
 * equal(report.read, 0);
 * equal(report.source, `${dir}/shard.db`);
 * target.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export interface MergeReport {
  /** Path of the merged source store. */
  readonly source: string;
  /** Rows in the source. */
  readonly read: number;
  /** Rows written to the target (new keys, or replacing failed rows). */
  readonly written: number;
  /** True when the source was opened immutable (see `ResultStore.notice`). */
  readonly immutable: boolean;
  /** The source's notice when it was opened immutable. */
  readonly notice?: string;
}

/**
 * Options of {@linkcode mergeStore}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MergeOptions } from "./merge.ts";
 * const options: MergeOptions = { immutable: true };
 * equal(options.immutable, true);
 * ```
 */
export interface MergeOptions {
  /** Open the source with SQLite's `immutable=1` right away (see `OpenStoreOptions.immutable`). */
  readonly immutable?: boolean;
}

/**
 * Copies every row of the store at `sourcePath` (opened read-only; immutable
 * when SQLite cannot lock it, e.g. in a read-only directory) into `target`,
 * in one transaction, keyed by `(cell_id, seed)`: a key already final in the target
 * is left alone (INSERT OR IGNORE), a failed row is replaced by a final one.
 * Idempotent: merging the same source twice changes nothing the second time.
 *
 * @throws {StoreError} if either store cannot be opened, read or written.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openStore } from "./store.ts";
 * import { mergeStore } from "./merge.ts";
 * const dir = Deno.makeTempDirSync();
 * openStore(`${dir}/a.db`).close();
 * const target = openStore(`${dir}/b.db`);
 * equal(mergeStore(target, `${dir}/a.db`).written, 0);
 * target.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function mergeStore(
  target: ResultStore,
  sourcePath: string,
  options: MergeOptions = {},
): MergeReport {
  const source = openStore(sourcePath, {
    readOnly: true,
    busyTimeoutMs: target.busyTimeoutMs,
    immutable: options.immutable ?? false,
  });
  try {
    const rows = source.rows();
    return {
      source: sourcePath,
      read: rows.length,
      written: target.putMany(rows),
      immutable: source.immutable,
      ...(source.notice === undefined ? {} : { notice: source.notice }),
    };
  } finally {
    source.close();
  }
}
