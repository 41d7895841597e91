/**
 * `initializeNetwork`: THE function that turns a cell's method, allocation,
 * density, ablation and seed into per-layer initial values.
 *
 * Streams: layer `l` uses `stream(seed, "layer/l", purpose)` through
 * `initializeLayer` (purposes `"mask"`, `"weights"`, …), biases
 * `(seed, "layer/l", "bias")`, mask shuffling `(seed, "layer/l",
 * "ablation/shuffle")`, re-sampled weights `(seed, "layer/l",
 * "ablation/resample", purpose)`.
 *
 * Choices (documented here and in the report):
 *
 * - Per-layer allocations (`uniform`, `uniform-skip`, `erk`, `epl`, `epf`):
 *   `allocateDensities`, then every layer is initialised by its method at its
 *   density (methods that take a mask draw an exact-count random mask).
 * - Network-level scores (`snip`, `grasp`, `synflow`): the dense network is
 *   initialised with Kaiming (`"pruned-kaiming"` at density 1) for the
 *   variance-scaling family (`kaiming`, `glorot`, `pruned-kaiming`,
 *   `fan-in-scaled`, `layer-scaled`) and with orthogonal weights
 *   (`"pruned-orthogonal"` at density 1: Haar for dense layers, the
 *   block-orthogonal conv of Xiao et al. for convs) for every other method
 *   (the orthogonal family, DCT+S). When the cell's method is the scoring
 *   method itself it uses the very streams of the final layers, so
 *   "pruned-orthogonal + SNIP" keeps exactly the scored weights on the mask
 *   (pruning at initialization); every other method scores a network drawn
 *   from separate streams (`"layer/l", "score"`) and draws its own values on
 *   the mask, unbiased by the selection. Methods
 *   that take a mask use its positions; the others (EOI, SAO) only its
 *   per-layer densities ("snip+eoi"); a layer emptied by the score then gets
 *   the method's smallest density (EOI: `eoiMinimumDensity`; otherwise one
 *   entry). DCT+S networks are scored as plain (non-DCT) networks.
 * - `approx-isometry`: weights from `"pruned-orthogonal"` on the allocation's
 *   mask, then `approxIsometry` per layer (10,000 steps, 1,000 for networks
 *   of ≥ 1000 layers, target σ_w²); full (dense) layers are skipped (already
 *   exactly orthogonal).
 * - `sao`: only square layers get SAO; non-square layers (the MLP's first and
 *   last, the CNN's first conv and its classifier) are dense orthogonal
 *   (`"orthogonal"`, convs `"delta-orthogonal"`), so the network density is
 *   above the requested one unless the allocation already keeps those dense.
 * - The last layer is initialised with activation `"linear"` (no
 *   nonlinearity follows the logits); hidden layers with the model's.
 * - Ablation `"shuffle-mask"` (Frankle et al. 2021): methods that take a mask
 *   are re-initialised on their layer's mask shuffled within the layer; for
 *   methods that place their own values (EOI, SAO, dense orthogonal) the kept
 *   values move with the shuffled positions (`shuffleValues`), full layers
 *   excepted. `"resample-weights"`: same masks, weights from the resample
 *   stream; only for methods that take a mask (EOI/SAO positions and values
 *   cannot be separated: RangeError).
 *
 * @module
 */

import {
  type Activation,
  allocateDensities,
  countNonZeros,
  DENSITY_ALLOCATIONS,
  type DensityAllocation,
  eoiMinimumDensity,
  getMethod,
  initializeLayer,
  kernelSize,
  type LayerShape,
} from "../init/mod.ts";
import {
  type Batch,
  buildNetwork,
  layerShapes,
  type LayerValues,
  type ModelConfig,
} from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import type { CellConfig } from "./types.ts";
import {
  approxIsometry,
  grasp,
  RESAMPLE_STREAM,
  SHUFFLE_STREAM,
  shuffleMask,
  shuffleValues,
  snip,
  synflow,
} from "../prune/mod.ts";

/**
 * Options of {@linkcode initializeNetwork}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initializeNetwork, type InitializeNetworkOptions } from "./initialize_network.ts";
 * const cell = {
 *   dataset: "synthetic", architecture: "mlp", depth: 1, width: 8, activation: "tanh",
 *   method: "pruned-orthogonal", allocation: "synflow", density: 0.25, seed: 1, epochs: 1,
 *   batchSize: 8, learningRate: 0.01, momentum: 0.9, weightDecay: 0, biasVariance: 0, ablation: "none",
 * } as const;
 * const options: InitializeNetworkOptions = { synflowRounds: 2 };
 * const values = await initializeNetwork(cell, {
 *   architecture: "mlp", inputShape: [4, 4, 1], depth: 1, width: 8, classes: 4, activation: "tanh",
 * }, options);
 * equal(values.reduce((s, v) => s + v.mask.reduce((a, b) => a + b, 0), 0), 40); // 0.25 · (128 + 32)
 * ```
 */
export interface InitializeNetworkOptions {
  /** The scoring mini-batch (128 examples) for `snip` and `grasp`; required for them. */
  readonly batch?: Batch;
  /** Override of approximate isometry's steps (default 10,000; 1,000 for ≥ 1000 layers). */
  readonly approxIsometrySteps?: number;
  /** Override of SynFlow's rounds (default 100). */
  readonly synflowRounds?: number;
}

const _KAIMING_FAMILY = new Set([
  "kaiming",
  "glorot",
  "pruned-kaiming",
  "fan-in-scaled",
  "layer-scaled",
]);

/**
 * The method (used at density 1, i.e. dense) a network is scored with
 * (SNIP, GraSP, SynFlow) before `method` is applied: `"pruned-kaiming"` for
 * the variance-scaling family, else `"pruned-orthogonal"`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { scoringMethod } from "./initialize_network.ts";
 * equal(scoringMethod("fan-in-scaled"), "pruned-kaiming");
 * equal(scoringMethod("eoi"), "pruned-orthogonal");
 * ```
 */
export function scoringMethod(method: string): "pruned-kaiming" | "pruned-orthogonal" {
  return _KAIMING_FAMILY.has(method) ? "pruned-kaiming" : "pruned-orthogonal";
}

/**
 * The registry method layer `l` uses under the SAO rule: SAO only on square
 * layers, dense `"orthogonal"` (dense layers) or `"delta-orthogonal"` (convs)
 * on non-square ones; any other method is returned unchanged.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { layerMethod } from "./initialize_network.ts";
 * equal(layerMethod("sao", { kind: "dense", inFeatures: 784, outFeatures: 128 }), "orthogonal");
 * equal(layerMethod("sao", { kind: "dense", inFeatures: 128, outFeatures: 128 }), "sao");
 * equal(layerMethod("eoi", { kind: "dense", inFeatures: 784, outFeatures: 128 }), "eoi");
 * ```
 */
export function layerMethod(method: string, shape: LayerShape): string {
  if (method !== "sao") return method;
  const square = shape.kind === "dense"
    ? shape.inFeatures === shape.outFeatures
    : shape.inChannels === shape.outChannels;
  if (square) return "sao";
  return shape.kind === "dense" ? "orthogonal" : "delta-orthogonal";
}

function _check(cell: CellConfig, config: ModelConfig): void {
  const where = "initializeNetwork";
  for (const key of ["architecture", "depth", "width", "activation"] as const) {
    if (cell[key] !== config[key]) {
      throw new TypeError(
        `${where}: cell.${key} (${JSON.stringify(cell[key])}) differs from the model config's (${
          JSON.stringify(config[key])
        })`,
      );
    }
  }
  if (!(cell.density > 0 && cell.density <= 1)) {
    throw new RangeError(`${where}: density must be in (0, 1]; got ${cell.density}`);
  }
  if (!Number.isSafeInteger(cell.seed)) {
    throw new RangeError(`${where}: seed must be a safe integer; got ${cell.seed}`);
  }
  const dct = config.dctPlusSparse === true;
  if ((cell.method === "dct-plus-sparse") !== dct) {
    throw new TypeError(
      `${where}: method ${
        JSON.stringify(cell.method)
      } needs modelConfig.dctPlusSparse = ${!dct} (method "dct-plus-sparse" ⇔ DCT+S layers); got ${dct}`,
    );
  }
  if (!["none", "shuffle-mask", "resample-weights"].includes(cell.ablation)) {
    throw new RangeError(`${where}: unknown ablation ${JSON.stringify(cell.ablation)}`);
  }
  const wv = cell.weightVariance;
  if (wv !== undefined && !(wv > 0 && Number.isFinite(wv))) {
    throw new RangeError(`${where}: weightVariance must be positive and finite; got ${wv}`);
  }
  if (!(cell.biasVariance >= 0 && Number.isFinite(cell.biasVariance))) {
    throw new RangeError(
      `${where}: biasVariance must be non-negative and finite; got ${cell.biasVariance}`,
    );
  }
}

/** Global masks from a network-level score of the dense network. */
async function _scoreMasks(
  cell: CellConfig,
  config: ModelConfig,
  shapes: readonly LayerShape[],
  base: string,
  gain: number | undefined,
  activations: readonly Activation[],
  options: InitializeNetworkOptions,
): Promise<Uint8Array[]> {
  const allocation = cell.allocation;
  if (cell.density === 1) return shapes.map((s) => new Uint8Array(kernelSize(s)).fill(1));
  const dense = scoringMethod(base);
  // The scored network shares the final layers' streams only when the final
  // weights ARE the scored ones (pruned-kaiming, pruned-orthogonal, and
  // approx-isometry, which starts from pruned-orthogonal). Any other method
  // draws fresh values on the mask: re-using the scored variates would keep
  // exactly the large ones the score selected (|θ·g| favours large |θ|) and
  // break the method's variance (fan-in-scaled on a SNIP mask would start
  // with per-unit Σw² ≈ 2× its target).
  const scorePath = (l: number) => dense === base ? [`layer/${l}`] : [`layer/${l}`, "score"];
  const weights = shapes.map((s, l) =>
    initializeLayer(dense, s, {
      density: 1,
      seed: cell.seed,
      activation: activations[l],
      path: scorePath(l),
      ...(gain === undefined ? {} : { gain }),
    }).weights
  );
  if (allocation === "synflow") {
    return synflow(shapes, weights, cell.density, { rounds: options.synflowRounds ?? 100 });
  }
  const batch = options.batch;
  if (batch === undefined) {
    throw new TypeError(
      `initializeNetwork: allocation ${
        JSON.stringify(allocation)
      } scores a mini-batch; pass options.batch ({ x, y })`,
    );
  }
  const network = buildNetwork(
    { ...config, dctPlusSparse: false },
    weights.map((w) => ({ weights: w, mask: new Uint8Array(w.length).fill(1) })),
  );
  try {
    return allocation === "snip"
      ? await snip(network, batch, cell.density)
      : await grasp(network, batch, cell.density);
  } finally {
    network.dispose();
  }
}

/**
 * Per-layer initial values of a cell's network (see the module doc for every
 * rule). Deterministic: the same cell (seed included) gives the same bytes.
 *
 * @param cell the cell (method, allocation, density, ablation, seed, σ_w², σ_b²).
 * @param modelConfig the model; `dctPlusSparse` must be true exactly for method `"dct-plus-sparse"`.
 * @param options `batch` for SNIP/GraSP; step/round overrides.
 * @throws {TypeError} if the cell and the model config disagree, or SNIP/GraSP has no batch.
 * @throws {RangeError} for an unknown method, allocation or ablation, a bad
 *   density, seed or variance, `resample-weights` with a method that places
 *   its own non-zeros, or a density a method cannot reach (e.g. SAO).
 * @example Uniform pruned-orthogonal MLP: exact per-layer densities
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { initializeNetwork } from "./initialize_network.ts";
 * const cell = {
 *   dataset: "synthetic", architecture: "mlp", depth: 1, width: 8, activation: "tanh",
 *   method: "pruned-orthogonal", allocation: "uniform", density: 0.25, seed: 1, epochs: 1,
 *   batchSize: 8, learningRate: 0.01, momentum: 0.9, weightDecay: 0, biasVariance: 0, ablation: "none",
 * } as const;
 * const values = await initializeNetwork(cell, {
 *   architecture: "mlp", inputShape: [4, 4, 1], depth: 1, width: 8, classes: 4, activation: "tanh",
 * }, {});
 * deepEqual(values.map((v) => v.mask.reduce((a, b) => a + b, 0)), [32, 8]);
 * ```
 */
export async function initializeNetwork(
  cell: CellConfig,
  modelConfig: ModelConfig,
  options: InitializeNetworkOptions = {},
): Promise<LayerValues[]> {
  _check(cell, modelConfig);
  const shapes = layerShapes(modelConfig);
  const seed = cell.seed;
  const approx = cell.method === "approx-isometry";
  const base = approx ? "pruned-orthogonal" : cell.method;
  const entry = getMethod(base); // throws for an unknown method, listing valid names
  const gain = cell.weightVariance === undefined ? undefined : Math.sqrt(cell.weightVariance);
  const last = shapes.length - 1;
  const activations: Activation[] = shapes.map((_, l) =>
    l === last ? "linear" : modelConfig.activation
  );
  const gainOpt = gain === undefined ? {} : { gain };

  let densities: number[];
  let masks: (Uint8Array | undefined)[];
  const allocation = cell.allocation;
  if ((DENSITY_ALLOCATIONS as readonly string[]).includes(allocation)) {
    densities = allocateDensities(allocation as DensityAllocation, shapes, cell.density);
    masks = shapes.map(() => undefined);
  } else if (allocation === "snip" || allocation === "grasp" || allocation === "synflow") {
    const global = await _scoreMasks(
      cell,
      modelConfig,
      shapes,
      base,
      gain,
      activations,
      options,
    );
    masks = global;
    densities = global.map((m) => countNonZeros(m) / m.length);
  } else {
    throw new RangeError(
      `initializeNetwork: unknown allocation ${JSON.stringify(allocation)}; valid: ${
        [...DENSITY_ALLOCATIONS, "snip", "grasp", "synflow"].join(", ")
      }`,
    );
  }
  if (cell.ablation === "resample-weights" && !entry.takesMask) {
    throw new RangeError(
      `initializeNetwork: ablation "resample-weights" needs a method that takes a mask; ${
        JSON.stringify(cell.method)
      } places its own non-zeros`,
    );
  }

  const steps = options.approxIsometrySteps ?? (shapes.length >= 1000 ? 1000 : 10_000);
  const values: LayerValues[] = [];
  for (let l = 0; l < shapes.length; l++) {
    const shape = shapes[l];
    const size = kernelSize(shape);
    const path = [`layer/${l}`];
    const method = layerMethod(base, shape);
    const common = { seed, activation: activations[l], ...gainOpt };
    let init: { weights: Float32Array; mask: Uint8Array };
    if (method !== base) {
      init = initializeLayer(method, shape, { ...common, density: 1, path }); // SAO rule: dense
    } else if (entry.takesMask && masks[l] === undefined && cell.ablation === "none") {
      init = initializeLayer(method, shape, { ...common, density: densities[l], path });
    } else if (entry.takesMask) {
      let mask = masks[l] ??
        initializeLayer(method, shape, { ...common, density: densities[l], path }).mask;
      let drawPath = path;
      if (cell.ablation === "shuffle-mask") {
        mask = shuffleMask(mask, stream(seed, ...path, SHUFFLE_STREAM));
      } else if (cell.ablation === "resample-weights") {
        drawPath = [...path, RESAMPLE_STREAM];
      }
      init = initializeLayer(method, shape, {
        ...common,
        density: countNonZeros(mask) / size,
        path: drawPath,
        mask,
      });
    } else {
      let d = densities[l];
      if (method === "eoi" || method === "eoi-structured") {
        d = Math.max(d, eoiMinimumDensity(shape));
      }
      if (d === 0) d = 1 / size;
      init = initializeLayer(method, shape, { ...common, density: d, path });
    }
    if (cell.ablation === "shuffle-mask" && !entry.takesMask) {
      if (countNonZeros(init.mask) < size) {
        init = shuffleValues(init.weights, init.mask, stream(seed, ...path, SHUFFLE_STREAM));
      }
    }
    let weights = init.weights;
    if (approx && countNonZeros(init.mask) < size) {
      weights = approxIsometry(init.weights, init.mask, shape, {
        steps,
        target: cell.weightVariance ?? 1,
      }).weights;
    }
    const value: LayerValues = { weights, mask: init.mask };
    if (cell.biasVariance > 0) {
      const out = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
      const rng = stream(seed, ...path, "bias");
      const sd = Math.sqrt(cell.biasVariance);
      values.push({ ...value, bias: Float32Array.from({ length: out }, () => sd * rng.normal()) });
    } else {
      values.push(value);
    }
  }
  return values;
}
