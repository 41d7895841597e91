/**
 * `initializeNetwork`: THE function that turns a cell's method, allocation,
 * density, ablation and seed into per-layer initial values. It is a loop over
 * layers that names no method: what differs between methods is data in their
 * registry entries (`scoredWith`, `minimumDensity`, `appliesTo`/`elsewhere`,
 * `takesMask`, `dctOffset`), in the allocation registry (per-layer densities
 * or a network-level score) and in the network-level methods (a refinement of
 * each sparse layer).
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
 * - An asynchronous entry (`initializeAsync`: a user's module in a sandboxed
 *   process, see `src/compare/`) is awaited layer by layer, in order, with
 *   the same requests and stream keys a built-in method gets; its score
 *   network (`scoredWith`) and `elsewhere` methods are built-in ones.
 *
 * @module
 */

import {
  checkNetworkSize,
  countNonZeros,
  getMethod,
  initializeLayer,
  initializeLayerAsync,
  kernelSize,
  type LayerShape,
  type MethodEntry,
  type SizeLimits,
  sizeLimits,
} from "../init/mod.ts";
import { type Batch, layerShapes, type LayerValues, type ModelConfig } from "../nn/mod.ts";
import {
  getAllocation,
  RESAMPLE_STREAM,
  type ResolvedMethod,
  resolveMethod,
  SHUFFLE_STREAM,
  shuffleMask,
  shuffleValues,
} from "../prune/mod.ts";
import { stream } from "../rng/mod.ts";
import { validateCellConfig } from "./config.ts";
import type { CellConfig } from "./types.ts";

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
  /** Size bounds checked before any work (defaults: `DEFAULT_SIZE_LIMITS`). */
  readonly limits?: Partial<SizeLimits>;
}

/**
 * The registered method a layer of a network uses under `method`: the method
 * itself where it applies (`appliesTo`; every layer when absent), otherwise
 * its `elsewhere` method for the layer's kind (SAO: dense `"orthogonal"`,
 * convs `"delta-orthogonal"`), used dense.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { getMethod } from "../init/mod.ts";
 * import { layerMethod } from "./initialize_network.ts";
 * const sao = getMethod("sao");
 * equal(layerMethod(sao, { kind: "dense", inFeatures: 784, outFeatures: 128 }).name, "orthogonal");
 * equal(layerMethod(sao, { kind: "dense", inFeatures: 128, outFeatures: 128 }).name, "sao");
 * equal(layerMethod(getMethod("eoi"), { kind: "dense", inFeatures: 784, outFeatures: 128 }).name, "eoi");
 * ```
 */
export function layerMethod(method: MethodEntry, shape: LayerShape): MethodEntry {
  if (method.appliesTo === undefined || method.elsewhere === undefined) return method;
  if (method.appliesTo(shape)) return method;
  return getMethod(method.elsewhere[shape.kind]);
}

/** The cell and the model must describe one network; the method decides DCT+S layers. */
function _check(cell: CellConfig, config: ModelConfig, method: ResolvedMethod): void {
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
  const dct = config.dctPlusSparse === true;
  if ((method.layer.dctOffset === true) !== dct) {
    throw new TypeError(
      `${where}: method ${
        JSON.stringify(cell.method)
      } needs modelConfig.dctPlusSparse = ${!dct} (DCT+S layers exactly for a method with a DCT offset); got ${dct}`,
    );
  }
}

/** What every layer of the network is initialized with, shared by the phases below. */
interface _Plan {
  readonly cell: CellConfig;
  readonly method: ResolvedMethod;
  readonly shapes: readonly LayerShape[];
  readonly gain: number | undefined;
  readonly activations: readonly CellConfig["activation"][];
  readonly maxLayerElements: number;
}

/** Per-layer densities and, for a network-level score, the global masks. */
async function _allocate(
  plan: _Plan,
  modelConfig: ModelConfig,
  options: InitializeNetworkOptions,
): Promise<{ densities: number[]; masks: (Uint8Array | undefined)[] }> {
  const { cell, shapes } = plan;
  const allocation = getAllocation(cell.allocation);
  if (allocation.score === undefined) {
    return {
      densities: allocation.densities!(shapes, cell.density),
      masks: shapes.map(() => undefined),
    };
  }
  let masks: Uint8Array[];
  if (cell.density === 1) {
    masks = shapes.map((s) => new Uint8Array(kernelSize(s)).fill(1));
  } else {
    // The network is scored on the dense version of the method's family. The
    // scored network shares the final layers' streams only when the final
    // weights ARE the scored ones (pruned-kaiming, pruned-orthogonal, and
    // approx-isometry, which starts from pruned-orthogonal). Any other method
    // draws fresh values on the mask: re-using the scored variates would keep
    // exactly the large ones the score selected (|θ·g| favours large |θ|) and
    // break the method's variance (fan-in-scaled on a SNIP mask would start
    // with per-unit Σw² ≈ 2× its target).
    const layer = plan.method.layer;
    const dense = layer.scoredWith;
    const scorePath = (l: number) =>
      dense === layer.name ? [`layer/${l}`] : [`layer/${l}`, "score"];
    const weights = shapes.map((s, l) =>
      initializeLayer(dense, s, {
        density: 1,
        seed: cell.seed,
        activation: plan.activations[l],
        path: scorePath(l),
        maxLayerElements: plan.maxLayerElements,
        ...(plan.gain === undefined ? {} : { gain: plan.gain }),
      }).weights
    );
    masks = await allocation.score({
      shapes,
      weights,
      density: cell.density,
      modelConfig,
      ...(options.batch === undefined ? {} : { batch: options.batch }),
      ...(options.synflowRounds === undefined ? {} : { synflowRounds: options.synflowRounds }),
    });
  }
  return { densities: masks.map((m) => countNonZeros(m) / m.length), masks };
}

/**
 * Layer `l`'s kernel (weights and mask) before any network-level refinement.
 * Asynchronous so that an entry with `initializeAsync` (a sandboxed module)
 * can answer; a synchronous entry gives `initializeLayer`'s bytes.
 */
async function _initializeLayer(
  plan: _Plan,
  l: number,
  density: number,
  given: Uint8Array | undefined,
): Promise<{ weights: Float32Array; mask: Uint8Array }> {
  const { cell, shapes } = plan;
  const shape = shapes[l];
  const size = kernelSize(shape);
  const seed = cell.seed;
  const path = [`layer/${l}`];
  const entry = plan.method.layer;
  const method = layerMethod(entry, shape);
  const common = {
    seed,
    maxLayerElements: plan.maxLayerElements,
    activation: plan.activations[l],
    ...(plan.gain === undefined ? {} : { gain: plan.gain }),
  };
  let init: { weights: Float32Array; mask: Uint8Array };
  if (method !== entry) {
    init = await initializeLayerAsync(method.name, shape, { ...common, density: 1, path }); // used dense
  } else if (entry.takesMask && given === undefined && cell.ablation === "none") {
    init = await initializeLayerAsync(entry.name, shape, { ...common, density, path });
  } else if (entry.takesMask) {
    let mask = given ??
      (await initializeLayerAsync(entry.name, shape, { ...common, density, path })).mask;
    let drawPath = path;
    if (cell.ablation === "shuffle-mask") {
      mask = shuffleMask(mask, stream(seed, ...path, SHUFFLE_STREAM));
    } else if (cell.ablation === "resample-weights") {
      drawPath = [...path, RESAMPLE_STREAM];
    }
    init = await initializeLayerAsync(entry.name, shape, {
      ...common,
      density: countNonZeros(mask) / size,
      path: drawPath,
      mask,
    });
  } else {
    let d = density;
    if (entry.minimumDensity !== undefined) d = Math.max(d, entry.minimumDensity(shape));
    if (d === 0) d = 1 / size;
    init = await initializeLayerAsync(entry.name, shape, { ...common, density: d, path });
  }
  if (cell.ablation === "shuffle-mask" && !entry.takesMask && countNonZeros(init.mask) < size) {
    init = shuffleValues(init.weights, init.mask, stream(seed, ...path, SHUFFLE_STREAM));
  }
  return init;
}

/**
 * Per-layer initial values of a cell's network (see the module doc for every
 * rule). Deterministic: the same cell (seed included) gives the same bytes.
 *
 * @param cell the cell (method, allocation, density, ablation, seed, σ_w², σ_b²).
 * @param modelConfig the model; `dctPlusSparse` must be true exactly for a method with a DCT offset.
 * @param options `batch` for SNIP/GraSP; step/round overrides.
 * @throws {TypeError} if the cell is invalid or disagrees with the model config, or SNIP/GraSP has no batch.
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
  const valid = validateCellConfig(cell);
  const method = resolveMethod(valid.method); // throws for an unknown method, listing valid names
  _check(valid, modelConfig, method);
  const limits = sizeLimits(options.limits);
  const where = `initializeNetwork(${JSON.stringify(valid.method)})`;
  checkNetworkSize(where, { depth: modelConfig.depth }, limits); // before building the shapes
  const shapes = layerShapes(modelConfig);
  checkNetworkSize(where, { depth: modelConfig.depth, shapes }, limits);
  const last = shapes.length - 1;
  const plan: _Plan = {
    cell: valid,
    method,
    shapes,
    gain: valid.weightVariance === undefined ? undefined : Math.sqrt(valid.weightVariance),
    activations: shapes.map((_, l) => l === last ? "linear" : modelConfig.activation),
    maxLayerElements: limits.maxLayerElements,
  };
  const { densities, masks } = await _allocate(plan, modelConfig, options);
  if (valid.ablation === "resample-weights" && !method.layer.takesMask) {
    throw new RangeError(
      `initializeNetwork: ablation "resample-weights" needs a method that takes a mask; ${
        JSON.stringify(valid.method)
      } places its own non-zeros`,
    );
  }
  const out: LayerValues[] = [];
  for (const [l, shape] of shapes.entries()) {
    const init = await _initializeLayer(plan, l, densities[l], masks[l]);
    const weights = method.refine !== undefined && countNonZeros(init.mask) < kernelSize(shape)
      ? method.refine({
        weights: init.weights,
        mask: init.mask,
        shape,
        layers: shapes.length,
        ...(valid.weightVariance === undefined ? {} : { weightVariance: valid.weightVariance }),
        ...(options.approxIsometrySteps === undefined
          ? {}
          : { steps: options.approxIsometrySteps }),
      })
      : init.weights;
    if (valid.biasVariance === 0) {
      out.push({ weights, mask: init.mask });
      continue;
    }
    const units = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
    const rng = stream(valid.seed, `layer/${l}`, "bias");
    const sd = Math.sqrt(valid.biasVariance);
    out.push({
      weights,
      mask: init.mask,
      bias: Float32Array.from({ length: units }, () => sd * rng.normal()),
    });
  }
  return out;
}
