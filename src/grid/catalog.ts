/**
 * The reproductions on disk: their names and their validated specs.
 *
 * @module
 */

import {
  defaultVocabulary,
  loadReproductionFile,
  type ReproductionSpec,
  SpecError,
  type Vocabulary,
} from "./spec.ts";

/**
 * The repository's `reproductions/` directory.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { REPRODUCTIONS_DIR } from "./catalog.ts";
 * ok(REPRODUCTIONS_DIR.endsWith("/reproductions/"));
 * ```
 */
export const REPRODUCTIONS_DIR: string = new URL("../../reproductions/", import.meta.url).pathname;

/**
 * Names of the reproductions in `dir` (files `*.json`), sorted.
 *
 * @throws {SpecError} naming `dir` if it does not exist or is not a directory.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { reproductionNames } from "./catalog.ts";
 * ok(Array.isArray(reproductionNames()));
 * ```
 */
export function reproductionNames(dir: string = REPRODUCTIONS_DIR): string[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : e instanceof Deno.errors.NotADirectory
      ? "is not a directory"
      : `cannot be read (${(e as Error).message})`;
    throw new SpecError(`reproductions directory ${dir} ${why}`);
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.isFile && e.name.endsWith(".json")) out.push(e.name.slice(0, -5));
  }
  return out.sort();
}

/**
 * Loads and validates the named reproductions (all when `names` is empty).
 *
 * @throws {SpecError} listing the valid names for an unknown one, or
 * describing the first malformed file.
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { loadReproductions } from "./catalog.ts";
 * await rejects(() => loadReproductions(["no-such-reproduction"]), /valid names/);
 * ```
 */
export async function loadReproductions(
  names: readonly string[],
  dir: string = REPRODUCTIONS_DIR,
  vocab: Vocabulary = defaultVocabulary(),
): Promise<ReproductionSpec[]> {
  const all = reproductionNames(dir);
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    throw new SpecError(
      `reproduce: unknown reproduction ${
        unknown.map((n) => JSON.stringify(n)).join(", ")
      }; valid names: ${all.join(", ")}`,
    );
  }
  const chosen = names.length === 0 ? all : [...new Set(names)];
  const out: ReproductionSpec[] = [];
  for (const n of chosen) {
    out.push(await loadReproductionFile(`${dir.replace(/\/$/, "")}/${n}.json`, vocab));
  }
  return out;
}
