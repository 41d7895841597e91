/**
 * Network-level weight methods, described by data in the same way as the
 * per-layer registry's entries: a method that starts every layer from a
 * registered per-layer method and then refines the values of each sparse
 * layer on its mask (approximate isometry). {@linkcode resolveMethod} turns
 * any method name a cell may carry into the per-layer entry it starts from
 * and the refinement, if any, so `initializeNetwork` names no method.
 *
 * @module
 */

import { getMethod, type LayerShape, type MethodEntry, methods } from "../init/mod.ts";
import { approxIsometry } from "./approx_isometry.ts";

/**
 * What a network-level method refines: one sparse layer of a network.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { getNetworkMethod, type RefineRequest } from "./network_methods.ts";
 * const request: RefineRequest = {
 *   weights: Float32Array.of(0.9, 0.1, 0.2, 1.2), mask: Uint8Array.of(1, 1, 1, 1),
 *   shape: { kind: "dense", inFeatures: 2, outFeatures: 2 }, layers: 3, steps: 200,
 * };
 * const refined = getNetworkMethod("approx-isometry").refine(request);
 * ok(Math.abs(refined[0] * refined[0] + refined[1] * refined[1] - 1) < 0.05);
 * ```
 */
export interface RefineRequest {
  /** The layer's kernel (tfjs layout), zero off the mask. */
  readonly weights: Float32Array;
  /** The layer's mask; refinement keeps it. */
  readonly mask: Uint8Array;
  /** The kernel's shape. */
  readonly shape: LayerShape;
  /** Kernels in the network (sets defaults such as approximate isometry's steps). */
  readonly layers: number;
  /** The cell's σ_w², when set. */
  readonly weightVariance?: number;
  /** An override of the method's optimisation steps (tests, quick runs). */
  readonly steps?: number;
}

/**
 * A network-level weight method.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { getNetworkMethod } from "./network_methods.ts";
 * equal(getNetworkMethod("approx-isometry").base, "pruned-orthogonal");
 * ```
 */
export interface NetworkMethodEntry {
  /** Name in cell configs and specs, kebab-case, distinct from every per-layer method's. */
  readonly name: string;
  /** One line: what it does. */
  readonly description: string;
  /** Where it comes from (short citation). */
  readonly paper: string;
  /** The registered per-layer method every layer starts from (mask and values). */
  readonly base: string;
  /** New values of a sparse layer on its mask (full layers are left alone). */
  readonly refine: (request: RefineRequest) => Float32Array;
}

/**
 * Approximate isometry (Lee et al., ICLR 2020): pruned-orthogonal weights on
 * the allocation's mask, then plain SGD on `‖(C⊙W)(C⊙W)ᵀ − σ_w²I‖_F` per layer
 * (10,000 steps; 1,000 for networks of ≥ 1000 layers); full layers are
 * already exactly orthogonal and are skipped.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { approxIsometryMethod } from "./network_methods.ts";
 * equal(approxIsometryMethod.name, "approx-isometry");
 * ```
 */
export const approxIsometryMethod: NetworkMethodEntry = {
  name: "approx-isometry",
  description:
    "Keep a mask and optimise the kept weights by gradient descent until each layer's Gram matrix approaches σ_w²·I (best iterate returned)",
  paper: "Lee et al., ICLR 2020",
  base: "pruned-orthogonal",
  refine: (r) =>
    approxIsometry(r.weights, r.mask, r.shape, {
      steps: r.steps ?? (r.layers >= 1000 ? 1000 : 10_000),
      target: r.weightVariance ?? 1,
    }).weights,
};

const _ENTRIES: readonly NetworkMethodEntry[] = [approxIsometryMethod];
const _BY_NAME: ReadonlyMap<string, NetworkMethodEntry> = new Map(
  _ENTRIES.map((e) => [e.name, e]),
);

/**
 * Every network-level method.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { networkMethods } from "./network_methods.ts";
 * deepEqual(networkMethods().map((m) => m.name), ["approx-isometry"]);
 * ```
 */
export function networkMethods(): NetworkMethodEntry[] {
  return [..._ENTRIES];
}

/**
 * The network-level method called `name`.
 *
 * @throws {RangeError} for an unknown name, listing the valid ones.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { getNetworkMethod } from "./network_methods.ts";
 * throws(() => getNetworkMethod("eoi"), /not a network-level method/);
 * ```
 */
export function getNetworkMethod(name: string): NetworkMethodEntry {
  const entry = _BY_NAME.get(name);
  if (entry === undefined) {
    throw new RangeError(
      `getNetworkMethod: ${JSON.stringify(name)} is not a network-level method; valid: ${
        [..._BY_NAME.keys()].join(", ")
      }`,
    );
  }
  return entry;
}

/**
 * Every method name a cell may carry: the registered per-layer methods
 * (including any registered since) and the network-level ones, sorted.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { methodNames } from "./network_methods.ts";
 * const names = methodNames();
 * ok(names.includes("eoi") && names.includes("approx-isometry"));
 * ok(new Set(names).size === names.length);
 * ```
 */
export function methodNames(): string[] {
  return [...methods().map((m) => m.name), ..._BY_NAME.keys()].sort();
}

/**
 * A cell's method, resolved: the per-layer entry every layer starts from and
 * the network-level refinement, if any.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveMethod } from "./network_methods.ts";
 * equal(resolveMethod("approx-isometry").layer.name, "pruned-orthogonal");
 * equal(resolveMethod("eoi").refine, undefined);
 * ```
 */
export interface ResolvedMethod {
  /** The cell's method name. */
  readonly name: string;
  /** The per-layer method the layers start from. */
  readonly layer: MethodEntry;
  /** The network-level method's refinement (absent for per-layer methods). */
  readonly refine?: NetworkMethodEntry["refine"];
}

/**
 * Resolves a cell's method name (see {@linkcode ResolvedMethod}).
 *
 * @throws {RangeError} for an unknown name, listing every valid one.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { resolveMethod } from "./network_methods.ts";
 * equal(resolveMethod("sao").layer.name, "sao");
 * throws(() => resolveMethod("eoi-typo"), /valid methods: .*approx-isometry/);
 * ```
 */
export function resolveMethod(name: string): ResolvedMethod {
  const network = _BY_NAME.get(name);
  if (network !== undefined) {
    return { name, layer: getMethod(network.base), refine: network.refine };
  }
  try {
    return { name, layer: getMethod(name) };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(
      `unknown method ${JSON.stringify(name)}; valid methods: ${methodNames().join(", ")}`,
    );
  }
}
