/**
 * A sandboxed user's module as a method of the suite: a registry entry
 * (`MethodEntry`) backed by `initializeAsync`, whose every call goes to a
 * sandboxed process, so `initializeNetwork`, `runCell` and the grid runner
 * use it like any built-in method.
 *
 * Each cell gets a fresh sandbox ({@linkcode SandboxedMethod.withSandbox}):
 * nothing the module keeps in memory survives from one cell to the next, a
 * sandbox killed for a timeout or its memory fails one cell only, and the
 * per-sandbox time limit bounds one cell, not the whole comparison. A sandbox
 * whose module's files changed since the method was described (another
 * digest) is refused.
 *
 * The entry's fields come from the module's description; where the contract
 * has no field the entry has the suite's neutral default: `scoredWith`
 * `"pruned-kaiming"` unless the module says `"pruned-orthogonal"` (a user's
 * method is scored as the variance-scaling family by default), no minimum
 * density, every layer of a supported kind, no DCT offset.
 *
 * @module
 */

import type { MethodEntry } from "../init/mod.ts";
import type { MethodDescription } from "./contract.ts";
import { checkOf, SandboxError } from "./errors.ts";
import { openSandbox, type OpenSandboxOptions, type Sandbox } from "./sandbox.ts";

/**
 * The score family of a user's method when its module gives none.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SCORED_WITH } from "./entry.ts";
 * equal(DEFAULT_SCORED_WITH, "pruned-kaiming");
 * ```
 */
export const DEFAULT_SCORED_WITH = "pruned-kaiming";

/**
 * A user's module as a method (see the module doc).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SandboxedMethod } from "./entry.ts";
 * const name = (m: Pick<SandboxedMethod, "entry">) => m.entry.name;
 * equal(name({ entry: { name: "mine" } as never }), "mine");
 * ```
 */
export interface SandboxedMethod {
  /** The registry entry (register it with `registerMethod`). */
  readonly entry: MethodEntry;
  /**
   * Runs `f` while a fresh sandbox serves the entry's calls, then closes it.
   * Returns `f`'s value (absent if it threw) and the first error of the
   * module (a sandbox check, `threw`, `timeout`, … or a failure to open the
   * sandbox) seen meanwhile.
   */
  withSandbox<T>(f: () => Promise<T>): Promise<{ value?: T; moduleError?: Error }>;
}

/**
 * The method of a described module (`describe` and `digest` from a sandbox
 * opened on it earlier, e.g. for the determinism check).
 *
 * @example A cell's calls go to the sandbox open for it
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initializeLayerAsync, registerMethod } from "../init/mod.ts";
 * import { openSandbox } from "./sandbox.ts";
 * import { sandboxedMethod } from "./entry.ts";
 * const path = "examples/sparse_glorot.ts";
 * let described;
 * { await using s = await openSandbox(path); described = { describe: s.describe, digest: s.digest }; }
 * const method = sandboxedMethod(path, described.describe, described.digest);
 * equal(method.entry.scoredWith, "pruned-kaiming");
 * using _ = registerMethod(method.entry);
 * const shape = { kind: "dense", inFeatures: 8, outFeatures: 4 } as const;
 * const { value } = await method.withSandbox(() =>
 *   initializeLayerAsync("sparse-glorot", shape, { density: 0.5, seed: 0, path: ["layer/0"] })
 * );
 * equal(value?.density, 0.5);
 * ```
 */
export function sandboxedMethod(
  modulePath: string,
  describe: MethodDescription,
  digest: string,
  options: OpenSandboxOptions = {},
): SandboxedMethod {
  let current: Sandbox | undefined;
  let moduleError: Error | undefined;
  const note = (e: unknown) => {
    if (moduleError === undefined && checkOf(e) !== undefined) moduleError = e as Error;
  };
  const name = describe.name;
  const entry: MethodEntry = {
    name,
    description: describe.description,
    paper: describe.paper ?? "(the module gives no paper)",
    kinds: describe.kinds,
    takesMask: describe.takesMask,
    scoredWith: describe.scoredWith ?? DEFAULT_SCORED_WITH,
    build: () => {
      throw new TypeError(
        `method ${
          JSON.stringify(name)
        } runs in a sandboxed process; it has no synchronous initializer`,
      );
    },
    initializeAsync: async (request, key) => {
      const sandbox = current;
      if (sandbox === undefined) {
        throw new SandboxError(
          "closed",
          `method ${
            JSON.stringify(name)
          }: no sandbox is open (calls are served only inside withSandbox)`,
        );
      }
      try {
        return await sandbox.initialize(request, { seed: key.seed, path: key.path });
      } catch (e) {
        note(e);
        throw e;
      }
    },
  };
  return {
    entry,
    async withSandbox<T>(f: () => Promise<T>) {
      if (current !== undefined) {
        throw new RangeError(`method ${JSON.stringify(name)}: withSandbox calls may not nest`);
      }
      moduleError = undefined;
      let sandbox: Sandbox;
      try {
        sandbox = await openSandbox(modulePath, options);
      } catch (e) {
        return { moduleError: e as Error };
      }
      try {
        if (sandbox.digest !== digest) {
          return {
            moduleError: new SandboxError(
              "load",
              `module ${sandbox.module}: its files changed during the comparison (digest ${
                digest.slice(0, 12)
              } at the start, ${sandbox.digest.slice(0, 12)} now)`,
            ),
          };
        }
        current = sandbox;
        try {
          const value = await f();
          return moduleError === undefined ? { value } : { value, moduleError };
        } catch (e) {
          note(e);
          if (moduleError === undefined) throw e;
          return { moduleError };
        }
      } finally {
        current = undefined;
        await sandbox.close();
      }
    },
  };
}
