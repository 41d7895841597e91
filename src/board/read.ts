/**
 * Reading the board's sources from disk: results stores (read-only; a row
 * whose JSON does not decode is reported, not fatal) and submission files
 * (`*.json` in a directory, see `schema.ts`).
 *
 * @module
 */

import { basename, join } from "node:path";
import { openStore, StoreError } from "../store/mod.ts";
import type { BoardSource } from "./rows.ts";
import { BoardInputError, parseSubmission } from "./schema.ts";

/**
 * Reads every row of a results store, read-only.
 *
 * @throws {StoreError} naming the path when the file is missing, is not a
 * results store, or has another store schema version.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { readStoreSource } from "./read.ts";
 * throws(() => readStoreSource("/nonexistent/results.db"), /does not exist/);
 * ```
 */
export function readStoreSource(path: string): BoardSource {
  try {
    Deno.statSync(path);
  } catch {
    throw new StoreError(`store ${path} does not exist`);
  }
  const store = openStore(path, { readOnly: true });
  try {
    const { rows, corrupt } = store.scanRows();
    return {
      name: basename(path),
      kind: "store",
      rows,
      corrupt,
      ...(store.notice === undefined ? {} : { notice: store.notice }),
    };
  } finally {
    store.close();
  }
}

/**
 * Reads every `*.json` submission file of `dir`, sorted by file name; a
 * missing directory gives none.
 *
 * @throws {BoardInputError} naming the file for invalid JSON or an invalid
 * submission (another format version included).
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { readSubmissionSources } from "./read.ts";
 * deepEqual(await readSubmissionSources("/nonexistent/submissions"), []);
 * ```
 */
export async function readSubmissionSources(dir: string): Promise<BoardSource[]> {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".json"))
      .map((e) => e.name).sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const out: BoardSource[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(await Deno.readTextFile(path));
    } catch (e) {
      throw new BoardInputError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    const sub = parseSubmission(raw, path);
    out.push({
      name: `submissions/${name}`,
      kind: "submission",
      rows: sub.rows,
      corrupt: [],
      method: sub.method,
    });
  }
  return out;
}
