/**
 * The contract of a user's initializer module, as `compare` runs it.
 *
 * A module's **default export** is an object
 * `{ name, description, paper?, kinds?, takesMask?, scoredWith?, initialize }` where
 * `initialize(request, streams)` has the signature of the suite's built-in
 * {@linkcode Initializer}: it returns `{ weights: Float32Array, mask: Uint8Array }`
 * synchronously, and `streams(purpose)` is the suite's own seeded generator for
 * that purpose (`stream(seed, ...path, purpose)`, the same bytes as in process).
 * The module may import only relative files of its own (under its directory);
 * type-only imports from anywhere are allowed, as they are erased before it runs.
 *
 * This file holds the types a module author can import (type-only) and the
 * host-side check of a module's self-description.
 *
 * @module
 */

import type { InitRequest, LayerInit, StreamFor } from "../init/mod.ts";
import { show } from "./errors.ts";

/** Layer kinds an initializer may support. */
export type LayerKind = "dense" | "conv";

/**
 * The dense families a network-level score (SNIP, GraSP, SynFlow) can rank
 * the network with before a method fills its mask: `"pruned-kaiming"` (the
 * variance-scaling family, the default for a user's method) or
 * `"pruned-orthogonal"` (the orthogonal family).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { SCORED_WITH } from "./contract.ts";
 * deepEqual(SCORED_WITH, ["pruned-kaiming", "pruned-orthogonal"]);
 * ```
 */
export const SCORED_WITH: readonly ("pruned-kaiming" | "pruned-orthogonal")[] = [
  "pruned-kaiming",
  "pruned-orthogonal",
];

/**
 * What a user's module must export as its default export.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UserMethod } from "./contract.ts";
 * const method: UserMethod = {
 *   name: "all-ones",
 *   description: "Every entry kept, every weight 1.",
 *   kinds: ["dense"],
 *   initialize: ({ shape }) => {
 *     const n = shape.kind === "dense" ? shape.inFeatures * shape.outFeatures : 0;
 *     return { weights: new Float32Array(n).fill(1), mask: new Uint8Array(n).fill(1) };
 *   },
 * };
 * equal(method.initialize(
 *   { shape: { kind: "dense", inFeatures: 2, outFeatures: 2 }, density: 1, activation: "linear" },
 *   () => { throw new Error("unused"); },
 * ).weights.length, 4);
 * ```
 */
export interface UserMethod {
  /** Kebab-case name, 1-64 characters of `a-z`, `0-9`, `-`, starting with a letter or digit. */
  readonly name: string;
  /** One line, 1-200 characters: what the method does. */
  readonly description: string;
  /** Optional short citation, at most 200 characters, one line. */
  readonly paper?: string;
  /** Supported layer kinds; default both. */
  readonly kinds?: readonly LayerKind[];
  /** True if the method uses `request.mask` exactly when one is given; default false. */
  readonly takesMask?: boolean;
  /**
   * The dense family SNIP, GraSP and SynFlow score the network with before
   * this method fills their mask (see {@linkcode SCORED_WITH}); default
   * `"pruned-kaiming"`.
   */
  readonly scoredWith?: "pruned-kaiming" | "pruned-orthogonal";
  /** The initializer: pure and deterministic given `streams`. */
  readonly initialize: (request: InitRequest, streams: StreamFor) => LayerInit;
}

/**
 * A module's validated self-description.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { type MethodDescription, validateDescription } from "./contract.ts";
 * const d: MethodDescription = validateDescription(
 *   { name: "x", description: "An example.", initialize: { $type: "function" } },
 *   "example.ts",
 * );
 * deepEqual(d.kinds, ["dense", "conv"]);
 * ```
 */
export interface MethodDescription {
  /** See {@linkcode UserMethod.name}. */
  readonly name: string;
  /** See {@linkcode UserMethod.description}. */
  readonly description: string;
  /** See {@linkcode UserMethod.paper}; absent if the module gives none. */
  readonly paper?: string;
  /** Supported layer kinds (default both). */
  readonly kinds: readonly LayerKind[];
  /** Whether the method honours a given mask (default false). */
  readonly takesMask: boolean;
  /** See {@linkcode UserMethod.scoredWith}; absent if the module gives none. */
  readonly scoredWith?: "pruned-kaiming" | "pruned-orthogonal";
}

/** Keys the default export may have. */
export const USER_METHOD_KEYS: readonly string[] = [
  "name",
  "description",
  "paper",
  "kinds",
  "takesMask",
  "scoredWith",
  "initialize",
];

const _NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Checks the fields a child reported for a module's default export (plain
 * data: non-JSON values arrive as `{ $type: "function" }` and the like) and
 * returns the description.
 *
 * @throws {TypeError} naming the module and the field for a missing default
 *   export, a field of the wrong type, or an unknown key.
 * @throws {RangeError} for a name, description or paper that is empty, too
 *   long, not one line, or (name) not kebab-case, and for unknown kinds.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { validateDescription } from "./contract.ts";
 * throws(
 *   () => validateDescription({ name: "Bad Name", description: "d", initialize: { $type: "function" } }, "m.ts"),
 *   /name must be kebab-case/,
 * );
 * ```
 */
export function validateDescription(fields: unknown, module: string): MethodDescription {
  const where = `module ${module}`;
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
    throw new TypeError(
      `${where}: the default export must be an object { name, description, initialize, ... }; got ${
        show(fields)
      }`,
    );
  }
  const f = fields as Record<string, unknown>;
  if ("$type" in f) {
    throw new TypeError(
      `${where}: the default export must be an object { name, description, initialize, ... }; got ${f.$type}`,
    );
  }
  for (const key of Object.keys(f)) {
    if (!USER_METHOD_KEYS.includes(key)) {
      throw new TypeError(
        `${where}: unknown key ${JSON.stringify(key)} in the default export; allowed: ${
          USER_METHOD_KEYS.join(", ")
        }`,
      );
    }
  }
  const line = (key: string, max: number, optional: boolean): string | undefined => {
    const v = f[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== "string") {
      throw new TypeError(`${where}: ${key} must be a string; got ${show(v)}`);
    }
    // deno-lint-ignore no-control-regex
    if (v.length === 0 || v.length > max || /[\u0000-\u001f\u007f]/.test(v)) {
      throw new RangeError(
        `${where}: ${key} must be one line of 1-${max} characters; got ${show(v)}`,
      );
    }
    return v;
  };
  const name = line("name", 64, false)!;
  if (!_NAME.test(name)) {
    throw new RangeError(
      `${where}: name must be kebab-case (a-z, 0-9, -; at most 64); got ${show(name)}`,
    );
  }
  const description = line("description", 200, false)!;
  const paper = line("paper", 200, true);
  let kinds: LayerKind[] = ["dense", "conv"];
  if (f.kinds !== undefined) {
    if (!Array.isArray(f.kinds) || f.kinds.length === 0) {
      throw new TypeError(
        `${where}: kinds must be a non-empty array of "dense" / "conv"; got ${show(f.kinds)}`,
      );
    }
    for (const k of f.kinds) {
      if (k !== "dense" && k !== "conv") {
        throw new RangeError(`${where}: unknown layer kind ${show(k)} in kinds`);
      }
    }
    kinds = [...new Set(f.kinds as LayerKind[])];
  }
  if (f.takesMask !== undefined && typeof f.takesMask !== "boolean") {
    throw new TypeError(`${where}: takesMask must be a boolean; got ${show(f.takesMask)}`);
  }
  const scoredWith = f.scoredWith;
  if (scoredWith !== undefined && !SCORED_WITH.includes(scoredWith as never)) {
    throw new RangeError(
      `${where}: scoredWith must be ${
        SCORED_WITH.map((x) => JSON.stringify(x)).join(" or ")
      }; got ${show(scoredWith)}`,
    );
  }
  const init = f.initialize as { $type?: unknown } | undefined;
  if (init?.$type !== "function") {
    throw new TypeError(
      `${where}: initialize must be a function (request, streams) => { weights, mask }; got ${
        show(init?.$type ?? init)
      }`,
    );
  }
  return {
    name,
    description,
    ...(paper === undefined ? {} : { paper }),
    kinds,
    takesMask: f.takesMask === true,
    ...(scoredWith === undefined
      ? {}
      : { scoredWith: scoredWith as "pruned-kaiming" | "pruned-orthogonal" }),
  };
}
