/**
 * What the network-level names mean, gathered from their registries: the
 * network-level weight methods (`approx-isometry`), the allocations (density
 * allocations and pruning-at-init scores) and the sanity ablations, each with
 * a one-line description and its paper (per-layer methods carry theirs in the
 * method registry, `methods()`).
 *
 * @module
 */

import { ABLATION_ENTRIES, ABLATIONS } from "./ablation.ts";
import { allocations } from "./allocations.ts";
import { networkMethods } from "./network_methods.ts";

/**
 * One network-level name.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type NetworkEntry, networkEntry } from "./descriptions.ts";
 * const entry: NetworkEntry = networkEntry("snip")!;
 * equal(entry.kind, "allocation");
 * ```
 */
export interface NetworkEntry {
  /** The name used in configs (`method`, `allocation` or `ablation` field). */
  readonly name: string;
  /** Which config field takes it. */
  readonly kind: "method" | "allocation" | "ablation";
  /** One line: what it does. */
  readonly description: string;
  /** The paper it comes from (short citation). */
  readonly paper: string;
}

/** Read from the registries: network-level methods, allocations, ablations (one source each). */
function _entries(): NetworkEntry[] {
  return [
    ...networkMethods().map((m) => ({
      name: m.name,
      kind: "method" as const,
      description: m.description,
      paper: m.paper,
    })),
    ...allocations().map((a) => ({
      name: a.name,
      kind: "allocation" as const,
      description: a.description,
      paper: a.paper,
    })),
    ...ABLATIONS.map((name) => ({ name, kind: "ablation" as const, ...ABLATION_ENTRIES[name] })),
  ];
}

/**
 * Every network-level entry, in a fixed order (method, allocations, ablations).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { networkEntries } from "./descriptions.ts";
 * ok(networkEntries().some((e) => e.name === "approx-isometry" && e.kind === "method"));
 * ```
 */
export function networkEntries(): readonly NetworkEntry[] {
  return _entries();
}

/**
 * The entry called `name`, or `undefined`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { networkEntry } from "./descriptions.ts";
 * equal(networkEntry("grasp")?.paper, "Wang et al., ICLR 2020");
 * equal(networkEntry("no-such-name"), undefined);
 * ```
 */
export function networkEntry(name: string): NetworkEntry | undefined {
  return _entries().find((e) => e.name === name);
}
