/**
 * Where a network's per-layer densities, and for methods that take a mask the
 * mask itself, come from, described by data: the per-layer allocations
 * (`uniform`, `uniform-skip`, `erk`, `epl`, `epf`: densities only, positions
 * left to the method) and the network-level pruning scores (`snip`, `grasp`,
 * `synflow`: global masks of the dense network, ranked by a score).
 *
 * @module
 */

import {
  allocateDensities,
  DENSITY_ALLOCATIONS,
  type DensityAllocation,
  type LayerShape,
} from "../init/mod.ts";
import { type Batch, buildNetwork, type ModelConfig } from "../nn/mod.ts";
import { grasp } from "./grasp.ts";
import { snip } from "./snip.ts";
import { synflow } from "./synflow.ts";

/**
 * What a pruning score ranks: the dense network of the cell's scoring method.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { getAllocation, type ScoreRequest } from "./allocations.ts";
 * const shapes = [{ kind: "dense", inFeatures: 2, outFeatures: 2 }] as const;
 * const request: ScoreRequest = {
 *   shapes, weights: [Float32Array.of(1, -2, 3, 0.5)], density: 0.5, synflowRounds: 4,
 *   modelConfig: { architecture: "mlp", inputShape: [1, 1, 2], depth: 1, width: 2, classes: 2, activation: "tanh" },
 * };
 * const [mask] = await getAllocation("synflow").score!(request);
 * equal(mask.reduce((a, b) => a + b, 0), 2);
 * ```
 */
export interface ScoreRequest {
  /** The kernels' shapes, input to output. */
  readonly shapes: readonly LayerShape[];
  /** The dense network's kernels (tfjs layout), one per shape. */
  readonly weights: readonly Float32Array[];
  /** The network density to keep, in (0, 1). */
  readonly density: number;
  /** The model the weights belong to (data-driven scores build it; never DCT+S). */
  readonly modelConfig: ModelConfig;
  /** The scoring mini-batch; required by scores with `needsBatch`. */
  readonly batch?: Batch;
  /** SynFlow's rounds (default 100). */
  readonly synflowRounds?: number;
}

/**
 * One allocation. Exactly one of `densities` (per-layer) and `score`
 * (network-level) is set.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { getAllocation } from "./allocations.ts";
 * equal(getAllocation("erk").score, undefined);
 * equal(getAllocation("snip").needsBatch, true);
 * ```
 */
export interface AllocationEntry {
  /** Name in cell configs and specs, kebab-case. */
  readonly name: string;
  /** One line: what it does. */
  readonly description: string;
  /** Where it comes from (short citation). */
  readonly paper: string;
  /** Per-layer densities for a network density (positions are the method's). */
  readonly densities?: (shapes: readonly LayerShape[], density: number) => number[];
  /** Global masks of the dense network for a network density. */
  readonly score?: (request: ScoreRequest) => Promise<Uint8Array[]>;
  /** True when `score` needs a mini-batch (SNIP, GraSP). */
  readonly needsBatch: boolean;
}

const _PER_LAYER: Readonly<Record<DensityAllocation, { description: string; paper: string }>> = {
  "uniform": { description: "Every layer at the requested density", paper: "(baseline)" },
  "uniform-skip": {
    description:
      "Uniform, but a non-square first or last layer stays dense; the density is that of the other layers",
    paper: "Nowak et al., ICML 2024 (1000-layer setting)",
  },
  "erk": {
    description:
      "Erdős–Rényi-Kernel: layer density proportional to the sum over the product of the kernel's dimensions, meeting the network budget",
    paper: "Evci et al., ICML 2020 (RigL)",
  },
  "epl": {
    description: "Equal number of non-zeros per layer, capped at the layer's size",
    paper: "Price & Tanner, ICML 2021",
  },
  "epf": {
    description: "Equal number of non-zeros per output unit (filter), capped at its fan-in",
    paper: "Price & Tanner, ICML 2021",
  },
};

/** Builds and disposes the dense network a data-driven score ranks. */
async function _scoreNetwork(
  request: ScoreRequest,
  name: string,
  rank: (network: ReturnType<typeof buildNetwork>, batch: Batch) => Promise<Uint8Array[]>,
): Promise<Uint8Array[]> {
  const batch = request.batch;
  if (batch === undefined) {
    throw new TypeError(
      `initializeNetwork: allocation ${
        JSON.stringify(name)
      } scores a mini-batch; pass options.batch ({ x, y })`,
    );
  }
  const network = buildNetwork(
    { ...request.modelConfig, dctPlusSparse: false },
    request.weights.map((w) => ({ weights: w, mask: new Uint8Array(w.length).fill(1) })),
  );
  try {
    return await rank(network, batch);
  } finally {
    network.dispose();
  }
}

const _ENTRIES: readonly AllocationEntry[] = [
  ...DENSITY_ALLOCATIONS.map((name): AllocationEntry => ({
    name,
    ..._PER_LAYER[name],
    densities: (shapes, density) => allocateDensities(name, shapes, density),
    needsBatch: false,
  })),
  {
    name: "snip",
    description:
      "Pruning at init by connection sensitivity |θ ⊙ ∂L/∂θ| on one batch, global top-k; mask-taking methods use the mask, others its per-layer densities",
    paper: "Lee et al., ICLR 2019",
    score: (r) => _scoreNetwork(r, "snip", (net, batch) => snip(net, batch, r.density)),
    needsBatch: true,
  },
  {
    name: "snip-nll",
    description:
      "SNIP scored as the EOI authors' code does: |θ ⊙ ∂L/∂θ| with L = mean(−z_y), the negated raw logit of the true class (F.nll_loss on logits), global top-k",
    paper: "Lee et al., ICLR 2019, as in Nowak et al.'s code (sparselearning/snip_and_grasp.py)",
    score: (r) => _scoreNetwork(r, "snip-nll", (net, batch) => snip(net, batch, r.density, "nll")),
    needsBatch: true,
  },
  {
    name: "grasp",
    description:
      "Pruning at init by gradient signal preservation −θ ⊙ Hg (Hessian-gradient product), keeping the lowest scores",
    paper: "Wang et al., ICLR 2020",
    score: (r) => _scoreNetwork(r, "grasp", (net, batch) => grasp(net, batch, r.density)),
    needsBatch: true,
  },
  {
    name: "synflow",
    description:
      "Data-free pruning at init by iterative synaptic flow |θ ⊙ ∂R/∂θ| of the all-ones input, over 100 rounds",
    paper: "Tanaka et al., NeurIPS 2020",
    score: (r) =>
      Promise.resolve(synflow(r.shapes, r.weights, r.density, { rounds: r.synflowRounds ?? 100 })),
    needsBatch: false,
  },
];

const _BY_NAME: ReadonlyMap<string, AllocationEntry> = new Map(_ENTRIES.map((e) => [e.name, e]));

/**
 * Every allocation, per-layer ones first, in a fixed order.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { allocations } from "./allocations.ts";
 * deepEqual(allocations().map((a) => a.name).slice(-4), ["snip", "snip-nll", "grasp", "synflow"]);
 * ```
 */
export function allocations(): AllocationEntry[] {
  return [..._ENTRIES];
}

/**
 * The allocation called `name`.
 *
 * @throws {RangeError} for an unknown name, listing the valid ones.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { getAllocation } from "./allocations.ts";
 * throws(() => getAllocation("erkk"), /unknown allocation "erkk"; valid: uniform, /);
 * ```
 */
export function getAllocation(name: string): AllocationEntry {
  const entry = _BY_NAME.get(name);
  if (entry === undefined) {
    throw new RangeError(
      `initializeNetwork: unknown allocation ${JSON.stringify(name)}; valid: ${
        _ENTRIES.map((e) => e.name).join(", ")
      }`,
    );
  }
  return entry;
}
