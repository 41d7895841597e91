/**
 * Building the site from files: read the stores and submission directories,
 * build the leaderboard, write the site. The one function the CLI calls.
 *
 * @module
 */

import type { ReproductionSpec } from "../grid/mod.ts";
import { buildLeaderboard } from "./aggregate.ts";
import { readStoreSource, readSubmissionSources } from "./read.ts";
import type { BoardSource } from "./rows.ts";
import type { Leaderboard } from "./schema.ts";
import { siteFiles, writeSite } from "./site.ts";

/**
 * Options of {@linkcode buildBoard}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BuildBoardOptions } from "./build.ts";
 * const o: BuildBoardOptions = { stores: ["results/results.db"], submissionDirs: [], specs: [], out: "site" };
 * equal(o.out, "site");
 * ```
 */
export interface BuildBoardOptions {
  /** Results stores, in priority order for duplicate rows. */
  readonly stores: readonly string[];
  /** Directories of submission files (`*.json`); missing ones are empty. */
  readonly submissionDirs: readonly string[];
  /** The reproductions. */
  readonly specs: readonly ReproductionSpec[];
  /** Where the site goes. */
  readonly out: string;
}

/**
 * What {@linkcode buildBoard} did.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BuiltBoard } from "./build.ts";
 * const describe = (b: Pick<BuiltBoard, "indexPath">) => `site: ${b.indexPath}`;
 * equal(describe({ indexPath: "/x/index.html" }), "site: /x/index.html");
 * ```
 */
export interface BuiltBoard {
  /** Absolute path of the site's index.html. */
  readonly indexPath: string;
  /** The leaderboard the site was rendered from. */
  readonly board: Leaderboard;
  /** Notices of the stores read (e.g. opened immutable in a read-only directory). */
  readonly notices: readonly string[];
}

/**
 * Reads every source, builds the leaderboard and writes the site.
 *
 * @throws {StoreError} for a missing store, a file that is not a results
 * store, or another store schema version.
 * @throws {BoardInputError} for an invalid submission file.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { openStore } from "../store/mod.ts";
 * import { buildBoard } from "./build.ts";
 * const dir = Deno.makeTempDirSync();
 * openStore(`${dir}/r.db`).close();
 * const built = await buildBoard({ stores: [`${dir}/r.db`], submissionDirs: [], specs: [], out: `${dir}/site` });
 * ok(Deno.readTextFileSync(built.indexPath).includes("No results yet"));
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function buildBoard(options: BuildBoardOptions): Promise<BuiltBoard> {
  const sources: BoardSource[] = options.stores.map(readStoreSource);
  for (const dir of options.submissionDirs) sources.push(...await readSubmissionSources(dir));
  const board = buildLeaderboard({ specs: options.specs, sources });
  const indexPath = writeSite(options.out, siteFiles(board));
  const notices = sources.flatMap((s) => s.notice === undefined ? [] : [s.notice]);
  return { indexPath, board, notices };
}
