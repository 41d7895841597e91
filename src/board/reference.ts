/**
 * The committed reference leaderboard (`leaderboard/`): a results store
 * produced by a real run of every reproduction, and the `leaderboard.json`
 * and `LEADERBOARD.md` built from it (no submissions). A test rebuilds the two
 * files from the committed store and requires them byte-identical, so every
 * number in them comes from the store.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { loadReproductionFile, type ReproductionSpec } from "../grid/mod.ts";
import { StoreError } from "../store/mod.ts";
import { buildLeaderboard } from "./aggregate.ts";
import { leaderboardMarkdown } from "./markdown.ts";
import { readStoreSource } from "./read.ts";
import { leaderboardJson } from "./site.ts";

/**
 * The repository's `leaderboard/` directory.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { REFERENCE_DIR } from "./reference.ts";
 * ok(REFERENCE_DIR.endsWith("/leaderboard/"));
 * ```
 */
export const REFERENCE_DIR: string = new URL("../../leaderboard/", import.meta.url).pathname;

/**
 * Every reproduction of the repository's `reproductions/` directory, by name.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { repositorySpecs } from "./reference.ts";
 * ok((await repositorySpecs()).some((s) => s.name === "mlp-mnist"));
 * ```
 */
export async function repositorySpecs(
  dir: string = new URL("../../reproductions/", import.meta.url).pathname,
): Promise<ReproductionSpec[]> {
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".json"))
    .map((e) => e.name).sort();
  const out: ReproductionSpec[] = [];
  for (const n of names) out.push(await loadReproductionFile(`${dir.replace(/\/$/, "")}/${n}`));
  return out;
}

/**
 * The reference files built from `store`: `leaderboard.json` and `LEADERBOARD.md`.
 *
 * @throws {StoreError} if the store cannot be read.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { openStore } from "../store/mod.ts";
 * import { referenceFiles } from "./reference.ts";
 * const dir = Deno.makeTempDirSync();
 * openStore(`${dir}/results.db`).close();
 * ok(referenceFiles(`${dir}/results.db`, []).get("LEADERBOARD.md")!.includes("No results yet"));
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function referenceFiles(
  store: string,
  specs: readonly ReproductionSpec[],
): Map<string, string> {
  const board = buildLeaderboard({ specs, sources: [readStoreSource(store)] });
  return new Map([
    ["leaderboard.json", leaderboardJson(board)],
    ["LEADERBOARD.md", leaderboardMarkdown(board)],
  ]);
}

/**
 * Copies a results store (even one in WAL mode, read-only) into one
 * self-contained SQLite file at `dest` (replaced), in rollback-journal mode so
 * a read-only open later creates no `-wal`/`-shm` files beside it.
 *
 * @throws {StoreError} naming both paths when the copy fails.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openStore } from "../store/mod.ts";
 * import { copyStore } from "./reference.ts";
 * const dir = Deno.makeTempDirSync();
 * openStore(`${dir}/a.db`).close();
 * copyStore(`${dir}/a.db`, `${dir}/b.db`);
 * equal(openStore(`${dir}/b.db`, { readOnly: true }).counts().ok, 0);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function copyStore(source: string, dest: string): void {
  try {
    try {
      Deno.removeSync(dest);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const src = new DatabaseSync(source, { readOnly: true });
    try {
      src.exec(`VACUUM INTO '${dest.replace(/'/g, "''")}'`);
    } finally {
      src.close();
    }
    const out = new DatabaseSync(dest);
    try {
      out.exec("PRAGMA journal_mode = DELETE");
    } finally {
      out.close();
    }
  } catch (e) {
    throw new StoreError(`copying store ${source} to ${dest} failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
