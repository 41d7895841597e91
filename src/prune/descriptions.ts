/**
 * What the network-level names mean, in one place: the weight method that is
 * not a per-layer registry entry (`approx-isometry`), the density allocations,
 * the pruning-at-init scores and the sanity ablations, each with a one-line
 * description and its paper. Reports and the leaderboard read these strings
 * from here (per-layer methods carry theirs in the registry, `methods()`).
 *
 * @module
 */

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

const _ENTRIES: readonly NetworkEntry[] = [
  {
    name: "approx-isometry",
    kind: "method",
    description:
      "Keep a mask and optimise the kept weights by gradient descent until each layer's Gram matrix approaches σ_w²·I (best iterate returned)",
    paper: "Lee et al., ICLR 2020",
  },
  {
    name: "uniform",
    kind: "allocation",
    description: "Every layer at the requested density",
    paper: "(baseline)",
  },
  {
    name: "uniform-skip",
    kind: "allocation",
    description:
      "Uniform, but a non-square first or last layer stays dense; the density is that of the other layers",
    paper: "Nowak et al., ICML 2024 (1000-layer setting)",
  },
  {
    name: "erk",
    kind: "allocation",
    description:
      "Erdős–Rényi-Kernel: layer density proportional to the sum over the product of the kernel's dimensions, meeting the network budget",
    paper: "Evci et al., ICML 2020 (RigL)",
  },
  {
    name: "epl",
    kind: "allocation",
    description: "Equal number of non-zeros per layer, capped at the layer's size",
    paper: "Price & Tanner, ICML 2021",
  },
  {
    name: "epf",
    kind: "allocation",
    description: "Equal number of non-zeros per output unit (filter), capped at its fan-in",
    paper: "Price & Tanner, ICML 2021",
  },
  {
    name: "snip",
    kind: "allocation",
    description:
      "Pruning at init by connection sensitivity |θ ⊙ ∂L/∂θ| on one batch, global top-k; mask-taking methods use the mask, others its per-layer densities",
    paper: "Lee et al., ICLR 2019",
  },
  {
    name: "grasp",
    kind: "allocation",
    description:
      "Pruning at init by gradient signal preservation −θ ⊙ Hg (Hessian-gradient product), keeping the lowest scores",
    paper: "Wang et al., ICLR 2020",
  },
  {
    name: "synflow",
    kind: "allocation",
    description:
      "Data-free pruning at init by iterative synaptic flow |θ ⊙ ∂R/∂θ| of the all-ones input, over 100 rounds",
    paper: "Tanaka et al., NeurIPS 2020",
  },
  {
    name: "none",
    kind: "ablation",
    description: "No ablation",
    paper: "",
  },
  {
    name: "shuffle-mask",
    kind: "ablation",
    description: "Randomly permute each layer's mask (same per-layer density) before training",
    paper: "Frankle et al., ICLR 2021",
  },
  {
    name: "resample-weights",
    kind: "ablation",
    description: "Keep the masks, draw the kept weights afresh from the method's distribution",
    paper: "Frankle et al., ICLR 2021",
  },
];

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
  return _ENTRIES;
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
  return _ENTRIES.find((e) => e.name === name);
}
