/**
 * The registry of per-layer initialization methods: a `Map` from a method's
 * name to its {@linkcode MethodEntry}. `getMethod` fails loudly on a typo,
 * listing the valid names. The built-in methods are registered here, one line
 * each; `registerMethod` adds another (a user's initializer, a test's) until
 * it is disposed, after checking the entry's every field.
 *
 * @module
 */

import { dctPlusSparseMethod } from "./dct.ts";
import { deltaOrthogonalMethod } from "./delta_orthogonal.ts";
import { eoiMethod, eoiStructuredMethod } from "./eoi.ts";
import { orthogonalMethod } from "./orthogonal.ts";
import { prunedKaimingMethod, prunedOrthogonalMethod } from "./pruned.ts";
import { saoMethod } from "./sao.ts";
import type { MethodEntry } from "./types.ts";
import {
  fanInScaledMethod,
  glorotMethod,
  kaimingMethod,
  layerScaledMethod,
} from "./variance_scaling.ts";

const ENTRIES: readonly MethodEntry[] = [
  kaimingMethod,
  glorotMethod,
  fanInScaledMethod,
  layerScaledMethod,
  prunedKaimingMethod,
  prunedOrthogonalMethod,
  orthogonalMethod,
  deltaOrthogonalMethod,
  eoiMethod,
  eoiStructuredMethod,
  saoMethod,
  dctPlusSparseMethod,
];

/** Every registered method by name. Read it with {@linkcode getMethod} / {@linkcode methods}. */
const _KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const REGISTRY: Map<string, MethodEntry> = new Map();
for (const entry of ENTRIES) _add(entry);
for (const entry of ENTRIES) _checkReferences(entry);

/** Adds one entry after checking its own fields (references are checked by the caller). */
function _add(entry: MethodEntry): void {
  const where = "registerMethod";
  if (typeof entry !== "object" || entry === null) {
    throw new TypeError(`${where}: expected a method entry object; got ${_show(entry)}`);
  }
  const { name } = entry;
  if (typeof name !== "string" || !_KEBAB.test(name)) {
    throw new RangeError(
      `${where}: name must be a kebab-case string such as "eoi"; got ${_show(name)}`,
    );
  }
  if (REGISTRY.has(name)) {
    throw new RangeError(`${where}: a method named ${JSON.stringify(name)} is already registered`);
  }
  for (const key of ["description", "paper"] as const) {
    if (typeof entry[key] !== "string" || entry[key].trim() === "") {
      throw new TypeError(
        `${where}(${JSON.stringify(name)}): ${key} must be a non-empty string; got ${
          _show(entry[key])
        }`,
      );
    }
  }
  const kinds: unknown = entry.kinds;
  if (
    !Array.isArray(kinds) || kinds.length === 0 ||
    !kinds.every((k) => k === "dense" || k === "conv")
  ) {
    throw new TypeError(
      `${where}(${
        JSON.stringify(name)
      }): kinds must be a non-empty list of "dense" and "conv"; got ${_show(kinds)}`,
    );
  }
  if (typeof entry.takesMask !== "boolean") {
    throw new TypeError(
      `${where}(${JSON.stringify(name)}): takesMask must be a boolean; got ${
        _show(entry.takesMask)
      }`,
    );
  }
  if (typeof entry.scoredWith !== "string") {
    throw new TypeError(
      `${where}(${JSON.stringify(name)}): scoredWith must name a registered method; got ${
        _show(entry.scoredWith)
      }`,
    );
  }
  for (const key of ["build", "minimumDensity", "appliesTo", "initializeAsync"] as const) {
    const f: unknown = entry[key];
    if ((key === "build" || f !== undefined) && typeof f !== "function") {
      throw new TypeError(
        `${where}(${JSON.stringify(name)}): ${key} must be a function; got ${_show(f)}`,
      );
    }
  }
  if ((entry.appliesTo === undefined) !== (entry.elsewhere === undefined)) {
    throw new TypeError(
      `${where}(${JSON.stringify(name)}): appliesTo and elsewhere come together; got only ${
        entry.appliesTo === undefined ? "elsewhere" : "appliesTo"
      }`,
    );
  }
  if (entry.dctOffset !== undefined && typeof entry.dctOffset !== "boolean") {
    throw new TypeError(
      `${where}(${JSON.stringify(name)}): dctOffset must be a boolean; got ${
        _show(entry.dctOffset)
      }`,
    );
  }
  REGISTRY.set(name, entry);
}

/** The methods an entry names (`scoredWith`, `elsewhere`) must be registered and support dense use. */
function _checkReferences(entry: MethodEntry): void {
  const named = [
    ["scoredWith", entry.scoredWith],
    ...(entry.elsewhere === undefined
      ? []
      : [["elsewhere.dense", entry.elsewhere.dense], ["elsewhere.conv", entry.elsewhere.conv]]),
  ] as const;
  for (const [field, target] of named) {
    if (!REGISTRY.has(target)) {
      throw new RangeError(
        `registerMethod(${JSON.stringify(entry.name)}): ${field} names ${
          JSON.stringify(target)
        }, which is not registered; valid methods: ${[...REGISTRY.keys()].sort().join(", ")}`,
      );
    }
    // Score networks and the layers `appliesTo` rejects are initialized synchronously.
    if (REGISTRY.get(target)!.initializeAsync !== undefined) {
      throw new RangeError(
        `registerMethod(${JSON.stringify(entry.name)}): ${field} names ${
          JSON.stringify(target)
        }, an asynchronous method; it must name a synchronous (built-in) one`,
      );
    }
  }
}

function _show(v: unknown): string {
  if (typeof v === "function") return "a function";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Registers a method until the returned handle is disposed (`using`, or call
 * `unregister()`): a user's initializer, or a test's. Every field is checked
 * (kebab-case name not yet taken, non-empty description and paper, kinds,
 * functions, `scoredWith` and `elsewhere` naming registered synchronous
 * methods). An entry with `initializeAsync` (a sandboxed module) is an
 * asynchronous method: `initializeNetwork` awaits it per layer.
 *
 * @throws {RangeError} for a taken or malformed name or a reference to an unknown method.
 * @throws {TypeError} for a field of the wrong type.
 * @example A new initializer, registered for the length of a block
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { getMethod, registerMethod } from "./registry.ts";
 * {
 *   using _ = registerMethod({
 *     ...getMethod("pruned-kaiming"), name: "my-kaiming", description: "A copy", paper: "none",
 *   });
 *   equal(getMethod("my-kaiming").scoredWith, "pruned-kaiming");
 * }
 * throws(() => getMethod("my-kaiming"), /unknown method "my-kaiming"/);
 * ```
 */
export function registerMethod(
  entry: MethodEntry,
): { unregister(): void; [Symbol.dispose](): void } {
  _add(entry);
  try {
    _checkReferences(entry);
  } catch (e) {
    REGISTRY.delete(entry.name);
    throw e;
  }
  const unregister = () => {
    if (REGISTRY.get(entry.name) === entry) REGISTRY.delete(entry.name);
  };
  return { unregister, [Symbol.dispose]: unregister };
}

/**
 * Every registered method, sorted by name.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { methods } from "./registry.ts";
 * const names = methods().map((m) => m.name);
 * ok(names.includes("kaiming") && names.includes("fan-in-scaled"));
 * ok(names.every((n, i) => i === 0 || names[i - 1] < n));
 * ```
 */
export function methods(): MethodEntry[] {
  return [...REGISTRY.values()].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * The registered method called `name`.
 *
 * @throws {RangeError} for an unknown name; the message lists every valid name.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { getMethod } from "./registry.ts";
 * equal(getMethod("kaiming").takesMask, false);
 * throws(() => getMethod("kaimng"), /valid methods: .*kaiming/);
 * ```
 */
export function getMethod(name: string): MethodEntry {
  const entry = REGISTRY.get(name);
  if (entry === undefined) {
    throw new RangeError(
      `getMethod: unknown method ${JSON.stringify(name)}; valid methods: ${
        methods().map((m) => m.name).join(", ")
      }`,
    );
  }
  return entry;
}
