/**
 * The contract of one experiment cell: a plain config in, a plain result out.
 * `runCell(config, options)` (in `run_cell.ts`) is the only entry point the
 * grid runner needs; both objects are JSON-serialisable.
 *
 * @module
 */

import type { DatasetName, Normalization } from "../data/mod.ts";
import type { Activation } from "../init/mod.ts";
import type { Accounting, InitMetrics } from "../metrics/mod.ts";
import type { EngineName } from "../engine/mod.ts";
import type { Architecture, Provenance } from "../nn/mod.ts";
import type { Ablation } from "../prune/mod.ts";
import type { Curves } from "../train/mod.ts";

/**
 * Where each layer's density (and, for mask-taking methods, the mask itself)
 * comes from. Per-layer allocations: uniform, uniform-skip, erk, epl, epf.
 * Network-level scores: snip, grasp, synflow (their masks are used by methods
 * that take a mask, e.g. pruned-orthogonal; methods that place their own
 * non-zeros, e.g. eoi, use only their per-layer densities: "snip+eoi"). */
export type AllocationName =
  | "uniform"
  | "uniform-skip"
  | "erk"
  | "epl"
  | "epf"
  | "snip"
  | "snip-nll"
  | "grasp"
  | "synflow";

/**
 * One cell: everything that determines its result. Defaults in `defaultCellConfig`. */
export interface CellConfig {
  /** Dataset the cell trains and tests on. */
  readonly dataset: DatasetName;
  /** Model family: `mlp` or `cnn`. */
  readonly architecture: Architecture;
  /** Hidden layers (MLP) or conv layers (CNN); the network has `depth + 1` kernels. */
  readonly depth: number;
  /** Units (MLP) or channels (CNN) of every hidden layer. */
  readonly width: number;
  /** Non-linearity after every hidden layer. */
  readonly activation: Activation;
  /** Weight method: a registry name (`eoi`, `sao`, `pruned-orthogonal`, …), `approx-isometry`, or `dct-plus-sparse` (builds DCT+S layers). */
  readonly method: string;
  /** Where per-layer densities (and, for mask-taking methods, masks) come from. */
  readonly allocation: AllocationName;
  /**
   * Target density in (0, 1]; 1 = dense. The network's density for every
   * allocation except `uniform-skip`, where it is the density of the layers
   * that are not skipped (the 1000-layer setting: 0.125 per middle layer, the
   * non-square first and last layers dense). The achieved network density is
   * reported in `InitMetrics.networkDensity`.
   */
  readonly density: number;
  /** Seed of every random draw of the cell (a safe integer). */
  readonly seed: number;
  /** Training length: epochs over the training split, or `steps` if given (steps win). */
  readonly epochs: number;
  /** Total optimiser steps; overrides `epochs` when given. */
  readonly steps?: number;
  /** Examples per optimiser step. */
  readonly batchSize: number;
  /** Base learning rate of SGD (divided by 10 at 50% and 75% of the steps). */
  readonly learningRate: number;
  /** Nesterov momentum in [0, 1). */
  readonly momentum: number;
  /** L2 weight decay (≥ 0). */
  readonly weightDecay: number;
  /** Weight variance multiplier σ_w² (gain² for orthogonal methods); undefined = method default. */
  readonly weightVariance?: number;
  /** Bias variance σ_b²; 0 = zero biases. */
  readonly biasVariance: number;
  /** Sanity ablation applied to the initial masks or weights (`none` = off). */
  readonly ablation: Ablation;
  /** Cap on training examples used (for quick presets); undefined = all. */
  readonly trainExamples?: number;
  /**
   * Cap on the validation and test examples evaluated (for quick presets);
   * undefined = all. A fixed subset: the first k of a permutation from
   * `stream(0, "evaluation-subset", "validation" | "test")`, the same for every
   * method and seed (validation: k of the seed's hold-out, in that order).
   */
  readonly evaluationExamples?: number;
  /**
   * How pixels reach the model: `"standardize"` (the default, omitted from
   * cell ids: `(x/255 − mean) / std` with the dataset's training-split
   * statistics, as the EOI authors do for MNIST) or `"unit"` (`x/255`, the
   * suite's only preprocessing before `RESULTS_VERSION` 2). See
   * `normalizeDataset` in `src/data/normalize.ts`.
   */
  readonly normalization?: Normalization;
  /**
   * The step engine that trains the cell: `"tfjs"` (the reference; the
   * default, omitted from cell ids) or `"simd"` (WebAssembly SIMD kernels,
   * same model and update, results within float32 rounding of tfjs's but not
   * bit-identical to them, hence a different cell id).
   */
  readonly engine?: EngineName;
}

/**
 * A result's provenance: the backend's versions and environment, and the
 * step engine that trained the cell.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CellProvenance } from "./types.ts";
 * const p: CellProvenance = {
 *   backend: "wasm", tfjsVersion: "4.22.0", denoVersion: Deno.version.deno,
 *   v8Version: Deno.version.v8, os: Deno.build.os, arch: Deno.build.arch, engine: "simd",
 * };
 * equal(p.engine, "simd");
 * ```
 */
export interface CellProvenance extends Provenance {
  /** Step engine that trained the cell (absent in results stored before engines existed: tfjs). */
  readonly engine?: EngineName;
}

/**
 * The outcome of one cell. `status` is never thrown: failures are results. */
export interface CellResult {
  /** `ok`, `diverged` (loss became NaN/Inf) or `failed` (an exception; see `message`). */
  readonly status: "ok" | "diverged" | "failed";
  /** For `diverged`: the optimiser step at which the loss became NaN/Inf. */
  readonly divergedAtStep?: number;
  /** For `failed` and `diverged`: what happened. */
  readonly message?: string;
  /** Accuracy on the test set after the last step; `null` unless `ok`. */
  readonly testAccuracy: number | null;
  /** Mean cross-entropy on the test set after the last step; `null` unless `ok`. */
  readonly testLoss: number | null;
  /** Best end-of-epoch validation accuracy; `null` if no epoch ended. */
  readonly bestValidationAccuracy: number | null;
  /** Validation accuracy at the end of the last epoch; `null` if diverged or none. */
  readonly finalValidationAccuracy: number | null;
  /** Per-epoch training and validation curves. */
  readonly curves: Curves;
  /** Measurements at initialization; `null` if the cell failed before them. */
  readonly atInit: InitMetrics | null;
  /** Parameter and multiply-add accounting; `null` if the cell failed before it. */
  readonly accounting: Accounting | null;
  /** SHA-256 (hex) of the trained kernels, biases and alphas, in order. */
  readonly weightsDigest: string | null;
  /** Optimiser steps done. */
  readonly steps: number;
  /** Wall-clock seconds the cell took. */
  readonly wallSeconds: number;
  /** Versions, environment and step engine the result was produced with. */
  readonly provenance: CellProvenance;
}
