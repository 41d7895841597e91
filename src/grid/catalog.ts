/**
 * The reproductions on disk and the names the CLI accepts.
 *
 * @module
 */

import { methods } from "../init/mod.ts";
import {
  DEFAULT_VOCABULARY,
  loadReproductionFile,
  type ReproductionSpec,
  SpecError,
  type Vocabulary,
} from "./spec.ts";

/**
 * Network-level methods handled by `initializeNetwork`, not the per-layer registry.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { NETWORK_METHODS, vocabulary } from "./catalog.ts";
 * ok(NETWORK_METHODS.includes("dct-plus-sparse"));
 * ok(NETWORK_METHODS.every((m) => vocabulary().methods.includes(m)));
 * ```
 */
export const NETWORK_METHODS: readonly string[] = ["approx-isometry", "dct-plus-sparse"];

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
 * Valid names: the registry's methods plus {@linkcode NETWORK_METHODS}.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { vocabulary } from "./catalog.ts";
 * ok(vocabulary().methods.includes("approx-isometry"));
 * ```
 */
export function vocabulary(): Vocabulary {
  const names = new Set([...methods().map((m) => m.name), ...NETWORK_METHODS]);
  return { ...DEFAULT_VOCABULARY, methods: [...names].sort() };
}

/**
 * Names of the reproductions in `dir` (files `*.json`), sorted.
 *
 * @throws {Deno.errors.NotFound} if `dir` does not exist.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { reproductionNames } from "./catalog.ts";
 * ok(Array.isArray(reproductionNames()));
 * ```
 */
export function reproductionNames(dir: string = REPRODUCTIONS_DIR): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
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
  vocab: Vocabulary = vocabulary(),
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
