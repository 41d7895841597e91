/**
 * How a reproduction splits into shards, and how much of each shard its store
 * already holds: what `cluster:slurm` prints before submitting, and how it
 * knows which shards need no task at all.
 *
 * @module
 */

import { parseSeeds } from "../cli/mod.ts";
import {
  expandGrid,
  loadReproductions,
  type PresetName,
  REPRODUCTIONS_DIR,
  shardOf,
} from "../grid/mod.ts";
import { openStore } from "../store/mod.ts";

/**
 * What to plan.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PlanOptions } from "./plan.ts";
 * const o: PlanOptions = { names: ["exactness"], preset: "quick", shards: 4 };
 * equal(o.seeds, undefined);
 * ```
 */
export interface PlanOptions {
  /** Reproduction names (all when empty). */
  readonly names: readonly string[];
  /** Budget preset. */
  readonly preset: PresetName;
  /** Seed list overriding the preset's (`"0-4"`), as the CLI takes it. */
  readonly seeds?: string;
  /** Number of shards. */
  readonly shards: number;
  /** Reproductions directory; default the repository's. */
  readonly reproductions?: string;
  /** Count failed rows as left (the CLI's `--retry-failed`). */
  readonly retryFailed?: boolean;
}

/**
 * One shard's size.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ShardPlan } from "./plan.ts";
 * const p: ShardPlan = { index: 0, jobs: 4, left: 1 };
 * equal(p.jobs - p.left, 3);
 * ```
 */
export interface ShardPlan {
  /** Shard index k (0-based). */
  readonly index: number;
  /** Jobs (cell × seed) in the shard. */
  readonly jobs: number;
  /** Jobs without a final row in the shard's store (all, when it has no store yet). */
  readonly left: number;
}

/**
 * Per-shard job counts of the named reproductions (jobs shared by two
 * reproductions count once, as in `reproduce`), and how many of them are not
 * yet in `storeOf(k)` (a path that need not exist).
 *
 * @throws {SpecError} for an unknown reproduction or a malformed file;
 * {RangeError} for bad seeds; {StoreError} for a store that is not a store.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { planShards } from "./plan.ts";
 * const plan = await planShards({ names: ["exactness"], preset: "quick", shards: 3 },
 *   (k) => `/nonexistent/shard-${k}.db`);
 * equal(plan.length, 3);
 * equal(plan.reduce((a, p) => a + p.left, 0), plan.reduce((a, p) => a + p.jobs, 0));
 * ```
 */
export async function planShards(
  o: PlanOptions,
  storeOf: (k: number) => string,
): Promise<ShardPlan[]> {
  if (!Number.isSafeInteger(o.shards) || o.shards < 1) {
    throw new RangeError(`planShards: shards must be an integer >= 1; got ${o.shards}`);
  }
  const specs = await loadReproductions(o.names, o.reproductions ?? REPRODUCTIONS_DIR);
  const seeds = o.seeds === undefined ? undefined : parseSeeds(o.seeds);
  const keys: string[][] = Array.from({ length: o.shards }, () => []);
  const seen = new Set<string>();
  for (const spec of specs) {
    for (const j of expandGrid(spec, o.preset, seeds).jobs) {
      const key = `${j.id}:${j.seed}`;
      if (seen.has(key)) continue;
      seen.add(key);
      keys[shardOf(j.id, o.shards)].push(key);
    }
  }
  return keys.map((shardKeys, index) => {
    const done = _doneKeys(storeOf(index), o.retryFailed ?? false);
    return { index, jobs: shardKeys.length, left: shardKeys.filter((k) => !done.has(k)).length };
  });
}

function _doneKeys(path: string, retryFailed: boolean): Set<string> {
  try {
    Deno.statSync(path);
  } catch {
    return new Set();
  }
  const store = openStore(path, { readOnly: true });
  try {
    return store.doneKeys(retryFailed);
  } finally {
    store.close();
  }
}
