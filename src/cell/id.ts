/**
 * Grid cells and their content-addressed ids.
 *
 * A cell is everything that determines a result EXCEPT the seed. Its id is the
 * SHA-256 of the canonical JSON of `{ kind, config, version }` where `config`
 * has every field equal to its entry in {@linkcode ID_DEFAULTS} (and every
 * `undefined` field) omitted, and `version` is {@linkcode RESULTS_VERSION}.
 * A finished result is keyed by `(id, seed)`: seeds of one config group under
 * one id, and seeds are paired across methods (the training code derives data
 * order and validation split from the seed alone, never from the method).
 *
 * Rules that keep old ids valid:
 * - {@linkcode ID_DEFAULTS} never changes. A new config option gets a default
 *   meaning "no effect", listed here, so configs without it hash as before.
 * - Bump {@linkcode RESULTS_VERSION} whenever a code change alters results of
 *   existing configs (initializers, training loop, data pipeline, metrics).
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { CellConfig } from "./types.ts";
import type { Activation, LayerShape } from "../init/mod.ts";
import { canonicalJson } from "./canonical.ts";
import { defaultCellConfig } from "./config.ts";

/**
 * Version of everything that changes results; part of every cell id.
 * 1: the first stored results (images `x/255`). 2: images standardised by
 * default (`normalization`, see `CellConfig`). 3: on the simd engine the
 * metrics at initialization (Jacobian, gradient norm, logits) run on the
 * engine too, not on tfjs (values within float32 rounding of before).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { cellIdPayload, RESULTS_VERSION } from "./id.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const payload = cellIdPayload({
 *   kind: "measure",
 *   config: { measure: "exactness", method: "eoi", shape, density: 1, activation: "linear" },
 * });
 * ok(payload.endsWith(`"version":${RESULTS_VERSION}}`));
 * ```
 */
export const RESULTS_VERSION = 3;

/**
 * A training cell's config: a full {@linkcode CellConfig} without its seed.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { trainConfigOf, type TrainConfig } from "./id.ts";
 * const config: TrainConfig = {
 *   dataset: "synthetic", architecture: "mlp", depth: 1, width: 8, activation: "tanh",
 *   method: "eoi", allocation: "uniform", density: 0.5, epochs: 1, batchSize: 128,
 *   learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4, biasVariance: 0, ablation: "none",
 * };
 * equal(trainConfigOf({ id: "x", seed: 2, cell: { kind: "train", config } }).seed, 2);
 * ```
 */
export type TrainConfig = Omit<CellConfig, "seed">;

/**
 * What a measure cell measures. */
export type MeasureName = "exactness" | "timing";

/**
 * A "measure" cell: calls an initializer directly, no training.
 * `method` is a registry name, or `"dct-offset"` for the frozen DCT matrix of a
 * DCT+S layer (`dctOffset(shape)`). */
export interface MeasureConfig {
  /** What to measure. */
  readonly measure: MeasureName;
  /** Registry name of the initializer, or `"dct-offset"`. */
  readonly method: string;
  /** The layer's kernel shape. */
  readonly shape: LayerShape;
  /** Target density in (0, 1]. */
  readonly density: number;
  /** Nonlinearity after the layer (sets default gains and SAO's form). */
  readonly activation: Activation;
  /** Timing only: how many generations to time (the median is reported). */
  readonly repeats?: number;
}

/**
 * A training cell (see module doc).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cellId, type TrainCell, type TrainConfig } from "./id.ts";
 * const config: TrainConfig = {
 *   dataset: "synthetic", architecture: "mlp", depth: 1, width: 8, activation: "tanh",
 *   method: "eoi", allocation: "uniform", density: 0.5, epochs: 1, batchSize: 128,
 *   learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4, biasVariance: 0, ablation: "none",
 * };
 * const cell: TrainCell = { kind: "train", config };
 * equal(cellId(cell).length, 64);
 * ```
 */
export interface TrainCell {
  /** Discriminant: a training cell. */
  readonly kind: "train";
  /** The cell's config (the seed comes from the job). */
  readonly config: TrainConfig;
}

/**
 * A measure cell (see module doc).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cellId, type MeasureCell } from "./id.ts";
 * const cell: MeasureCell = {
 *   kind: "measure",
 *   config: { measure: "exactness", method: "sao", shape: { kind: "dense", inFeatures: 8, outFeatures: 8 }, density: 0.25, activation: "tanh" },
 * };
 * equal(cellId(cell).length, 64);
 * ```
 */
export interface MeasureCell {
  /** Discriminant: a measure cell. */
  readonly kind: "measure";
  /** What to measure, and on which layer. */
  readonly config: MeasureConfig;
}

/**
 * Any cell.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Cell } from "./id.ts";
 * const cell: Cell = {
 *   kind: "measure",
 *   config: { measure: "exactness", method: "eoi", shape: { kind: "dense", inFeatures: 4, outFeatures: 4 }, density: 0.5, activation: "linear" },
 * };
 * const describe = (c: Cell) => c.kind === "train" ? c.config.method : c.config.measure;
 * equal(describe(cell), "exactness");
 * ```
 */
export type Cell = TrainCell | MeasureCell;

/**
 * One unit of work: a cell with its id and one seed. Row key = `(id, seed)`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type Job, jobsFor } from "./id.ts";
 * const [job]: Job[] = jobsFor({
 *   kind: "measure",
 *   config: { measure: "exactness", method: "eoi", shape: { kind: "dense", inFeatures: 4, outFeatures: 4 }, density: 0.5, activation: "linear" },
 * }, [7]);
 * equal(job.seed, 7);
 * ```
 */
export interface Job {
  /** The cell's id (`cellId(cell)`). */
  readonly id: string;
  /** The seed to run the cell with. */
  readonly seed: number;
  /** The cell to run. */
  readonly cell: Cell;
}

/**
 * Values omitted from the hashed config when a field equals them: the
 * training recipe's defaults, read from `defaultCellConfig` (their one owner),
 * and the "no effect" defaults of measure cells. They must never change (see
 * module doc); the pinned-id tests fail if they do. Configs are always
 * complete when hashed, so omission is lossless.
 * `engine: "tfjs"` is the reference engine, so every id from before engines
 * existed stays valid, and a cell trained by another engine (whose bytes
 * differ) gets its own id: a store never mixes two engines' results under one
 * key. `normalization: "standardize"` is the default since `RESULTS_VERSION`
 * 2 (before it, every cell saw `x/255`, now `normalization: "unit"`, which
 * stays in the id); the version bump keeps the two apart.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ID_DEFAULTS } from "./id.ts";
 * equal(ID_DEFAULTS.batchSize, 128);
 * equal(Object.isFrozen(ID_DEFAULTS), true);
 * ```
 */
export const ID_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  ...Object.fromEntries(
    (["batchSize", "learningRate", "momentum", "weightDecay", "biasVariance", "ablation"] as const)
      .map((k) => [k, defaultCellConfig[k]]),
  ),
  repeats: 1,
  engine: "tfjs",
  normalization: "standardize",
});

/**
 * The canonical JSON that is hashed into a cell's id (defaults omitted).
 *
 * @throws {TypeError} if the config holds a seed (seeds live outside the id) or
 * a value canonical JSON cannot represent.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cellIdPayload, RESULTS_VERSION } from "./id.ts";
 * const payload = cellIdPayload({
 *   kind: "measure",
 *   config: { measure: "exactness", method: "eoi", density: 0.5, activation: "linear", repeats: 1,
 *     shape: { kind: "dense", inFeatures: 4, outFeatures: 4 } },
 * });
 * equal(payload, '{"config":{"activation":"linear","density":0.5,"measure":"exactness","method":"eoi",' +
 *   `"shape":{"inFeatures":4,"kind":"dense","outFeatures":4}},"kind":"measure","version":${RESULTS_VERSION}}`);
 * ```
 */
export function cellIdPayload(cell: Cell): string {
  const config = cell.config as unknown as Record<string, unknown>;
  if ("seed" in config && config.seed !== undefined) {
    throw new TypeError(
      `cellIdPayload: a ${cell.kind} cell's config must not hold a seed (got seed ${
        String(config.seed)
      }); seeds live outside the cell id`,
    );
  }
  const reduced: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    if (k in ID_DEFAULTS && canonicalJson(ID_DEFAULTS[k]) === canonicalJson(v)) continue;
    reduced[k] = v;
  }
  return canonicalJson({ kind: cell.kind, config: reduced, version: RESULTS_VERSION });
}

/**
 * A cell's id: lowercase hex SHA-256 of {@linkcode cellIdPayload}.
 *
 * @throws {TypeError} as {@linkcode cellIdPayload}.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cellId } from "./id.ts";
 * const shape = { kind: "dense", inFeatures: 4, outFeatures: 4 } as const;
 * const a = cellId({ kind: "measure", config: { measure: "exactness", method: "eoi", shape, density: 0.5, activation: "linear" } });
 * const b = cellId({ kind: "measure", config: { activation: "linear", density: 0.5, shape, method: "eoi", measure: "exactness", repeats: 1 } });
 * equal(a, b); // key order and defaults do not matter
 * equal(a.length, 64);
 * ```
 */
export function cellId(cell: Cell): string {
  return createHash("sha256").update(cellIdPayload(cell)).digest("hex");
}

/**
 * The key of a job's row: `"<cell id>:<seed>"` (the store's primary key, as text).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobKey } from "./id.ts";
 * equal(jobKey("ab12", 3), "ab12:3");
 * ```
 */
export function jobKey(id: string, seed: number): string {
  return `${id}:${seed}`;
}

/**
 * Pairs a cell with its id and each seed.
 *
 * @throws {RangeError} if a seed is not a non-negative safe integer.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobsFor } from "./id.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const jobs = jobsFor({ kind: "measure", config: { measure: "timing", method: "sao", shape, density: 1, activation: "tanh" } }, [0, 1]);
 * equal(jobs.length, 2);
 * equal(jobs[0].id, jobs[1].id);
 * ```
 */
export function jobsFor(cell: Cell, seeds: readonly number[]): Job[] {
  const id = cellId(cell);
  return seeds.map((seed) => {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(
        `jobsFor: seed must be a non-negative integer; got ${seed} for cell ${id}`,
      );
    }
    return { id, seed, cell };
  });
}

/**
 * The full {@linkcode CellConfig} handed to `runCell` for a training job.
 *
 * @throws {TypeError} if the job is not a training job.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { trainConfigOf } from "./id.ts";
 * const config = { dataset: "synthetic", architecture: "mlp", depth: 1, width: 8, activation: "tanh",
 *   method: "eoi", allocation: "uniform", density: 0.5, epochs: 1, batchSize: 128, learningRate: 0.01,
 *   momentum: 0.9, weightDecay: 1e-4, biasVariance: 0, ablation: "none" } as const;
 * equal(trainConfigOf({ id: "x", seed: 3, cell: { kind: "train", config } }).seed, 3);
 * ```
 */
export function trainConfigOf(job: Job): CellConfig {
  if (job.cell.kind !== "train") {
    throw new TypeError(
      `trainConfigOf: job ${job.id} is a ${job.cell.kind} cell, not a train cell`,
    );
  }
  return { ...job.cell.config, seed: job.seed };
}
