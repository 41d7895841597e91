/**
 * Expanding a reproduction spec and a preset into cells and jobs.
 *
 * @module
 */

import { type EngineChoice, withEngine } from "./engine_choice.ts";
import type { Activation, LayerShape } from "../init/mod.ts";
import {
  type AllocationName,
  type Cell,
  cellId,
  defaultCellConfig,
  type Job,
  type MeasureName,
} from "../cell/mod.ts";
import type { DatasetName } from "../data/mod.ts";
import type { Architecture } from "../nn/mod.ts";
import type { Axes, PresetName, ReproductionSpec } from "./spec.ts";

/**
 * A reproduction's cells under one preset, with seeds.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type ExpandedGrid, expandGrid } from "./expand.ts";
 * import { validateReproduction } from "./spec.ts";
 * const spec = validateReproduction({
 *   name: "tiny", title: "t", kind: "measure", claim: { text: "c", source: "s" },
 *   axes: { measures: ["exactness"], methods: ["eoi"], shapes: [[8, 8]], densities: [0.5], activations: ["tanh"] },
 *   presets: { quick: { budget: { seeds: [0] } }, paper: { budget: { seeds: [0, 1] } } },
 *   verdict: { checks: [{ kind: "threshold", metric: "orthogonalityError", aggregate: "max", below: 1e-5 }] },
 * }, "tiny.json");
 * const grid: ExpandedGrid = expandGrid(spec, "paper");
 * equal(grid.reproduction, "tiny");
 * equal(grid.jobs.length, grid.cells.length * grid.seeds.length);
 * ```
 */
export interface ExpandedGrid {
  /** Name of the reproduction. */
  readonly reproduction: string;
  /** The preset the grid was expanded under. */
  readonly preset: PresetName;
  /** Distinct cells (by id), in expansion order. */
  readonly cells: readonly { readonly id: string; readonly cell: Cell }[];
  /** Seeds every cell runs with. */
  readonly seeds: readonly number[];
  /** cells × seeds, cell-major. */
  readonly jobs: readonly Job[];
  /** Training cells that `engine: "auto"` left on the tfjs engine, with the reason. */
  readonly onTfjs?: readonly { readonly id: string; readonly reason: string }[];
}

function _product<T>(axes: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (const a of axes) out = out.flatMap((prefix) => a.map((x) => [...prefix, x]));
  return out;
}

function _need<T>(axes: Axes, key: keyof Axes, where: string): readonly T[] {
  const v = axes[key];
  if (v === undefined) {
    throw new TypeError(
      `expandGrid: ${where}: axis "${key}" is missing (set it in "axes" or the block)`,
    );
  }
  return v as unknown as readonly T[];
}

/**
 * Shape `[in, out]` → dense, `[kh, kw, cin, cout]` → conv.
 *
 * @throws {TypeError} if the array has neither 2 nor 4 entries.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { shapeFromDims } from "./expand.ts";
 * deepEqual(shapeFromDims([4, 3]), { kind: "dense", inFeatures: 4, outFeatures: 3 });
 * ```
 */
export function shapeFromDims(dims: readonly number[]): LayerShape {
  if (dims.length === 2) return { kind: "dense", inFeatures: dims[0], outFeatures: dims[1] };
  if (dims.length === 4) {
    return {
      kind: "conv",
      kernelHeight: dims[0],
      kernelWidth: dims[1],
      inChannels: dims[2],
      outChannels: dims[3],
    };
  }
  throw new TypeError(
    `shapeFromDims: expected [in, out] or [kh, kw, cin, cout]; got [${dims.join(", ")}]`,
  );
}

/**
 * Options of {@linkcode expandGrid}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ExpandOptions } from "./expand.ts";
 * const options: ExpandOptions = { seeds: [0, 1], engine: "tfjs" };
 * equal(options.seeds?.length, 2);
 * ```
 */
export interface ExpandOptions {
  /** Seeds overriding the preset's. */
  readonly seeds?: readonly number[];
  /**
   * Step engine of the training cells (part of their ids; see
   * `engine_choice.ts`): `"auto"` (default: simd where it can run the cell,
   * else tfjs), `"tfjs"` or `"simd"`.
   */
  readonly engine?: EngineChoice;
}

/**
 * All cells and jobs of `spec` under `preset`; `options` (or a bare seed
 * list) overrides the preset's seeds and picks the training cells' engine.
 * Duplicate cells (same id from two blocks) appear once.
 *
 * @throws {TypeError} naming the spec and block when a required axis is missing.
 * @throws {RangeError} if a seed override is not a non-negative integer.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { expandGrid } from "./expand.ts";
 * import { validateReproduction } from "./spec.ts";
 * const spec = validateReproduction({
 *   name: "tiny", title: "t", kind: "measure", claim: { text: "c", source: "s" },
 *   axes: { measures: ["exactness"], methods: ["eoi", "sao"], shapes: [[8, 8]], densities: [0.5, 1], activations: ["tanh"] },
 *   presets: { quick: { budget: { seeds: [0, 1] } }, paper: { budget: { seeds: [0, 1, 2] } } },
 *   verdict: { checks: [{ kind: "threshold", metric: "orthogonalityError", aggregate: "max", below: 1e-5 }] },
 * }, "tiny.json");
 * const grid = expandGrid(spec, "quick");
 * equal(grid.cells.length, 4);
 * equal(grid.jobs.length, 8);
 * ```
 */
export function expandGrid(
  spec: ReproductionSpec,
  preset: PresetName,
  options?: readonly number[] | ExpandOptions,
): ExpandedGrid {
  const o: ExpandOptions = Array.isArray(options)
    ? { seeds: options as readonly number[] }
    : (options ?? {}) as ExpandOptions;
  const seeds = o.seeds;
  const p = spec.presets[preset];
  if (p === undefined) {
    throw new TypeError(
      `expandGrid: ${spec.name} has no "${preset}" preset (it has: ${
        Object.keys(spec.presets).join(", ")
      })`,
    );
  }
  const base: Axes = { ...spec.axes, ...(p.axes ?? {}) };
  const blocks = p.blocks ?? spec.blocks ?? [{}];
  const presetFixed = { ...(spec.fixed ?? {}), ...(p.fixed ?? {}) };
  const useSeeds = seeds ?? p.budget.seeds;
  for (const s of useSeeds) {
    if (!Number.isSafeInteger(s) || s < 0) {
      throw new RangeError(
        `expandGrid: ${spec.name}: seed must be a non-negative integer; got ${s}`,
      );
    }
  }
  const seen = new Set<string>();
  const cells: { id: string; cell: Cell }[] = [];
  const add = (cell: Cell) => {
    const id = cellId(cell);
    if (seen.has(id)) return;
    seen.add(id);
    cells.push({ id, cell });
  };
  blocks.forEach((raw, bi) => {
    const { fixed: blockFixed, ...block } = raw;
    const fixed = { ...presetFixed, ...(blockFixed ?? {}) };
    const axes: Axes = { ...base, ...block };
    const where = `${spec.name} block ${bi}`;
    if (spec.kind === "measure") {
      const combos = _product<unknown>([
        _need(axes, "measures", where),
        _need(axes, "methods", where),
        _need(axes, "shapes", where),
        _need(axes, "densities", where),
        _need(axes, "activations", where),
      ]);
      for (const [measure, method, dims, density, activation] of combos) {
        add({
          kind: "measure",
          config: {
            measure: measure as MeasureName,
            method: method as string,
            shape: shapeFromDims(dims as number[]),
            density: density as number,
            activation: activation as Activation,
            repeats: fixed.repeats,
          },
        });
      }
      return;
    }
    const combos = _product<unknown>([
      _need(axes, "datasets", where),
      _need(axes, "architectures", where),
      _need(axes, "depths", where),
      _need(axes, "widths", where),
      _need(axes, "activations", where),
      _need(axes, "methods", where),
      _need(axes, "allocations", where),
      _need(axes, "densities", where),
      axes.ablations ?? ["none"],
    ]);
    for (
      const [dataset, architecture, depth, width, activation, method, allocation, density, ablation]
        of combos
    ) {
      add({
        kind: "train",
        config: {
          dataset: dataset as DatasetName,
          architecture: architecture as Architecture,
          depth: depth as number,
          width: width as number,
          activation: activation as Activation,
          method: method as string,
          allocation: allocation as AllocationName,
          density: density as number,
          epochs: p.budget.epochs ?? defaultCellConfig.epochs,
          steps: p.budget.steps,
          trainExamples: p.budget.trainExamples,
          evaluationExamples: p.budget.evaluationExamples,
          batchSize: fixed.batchSize ?? defaultCellConfig.batchSize,
          learningRate: fixed.learningRate ?? defaultCellConfig.learningRate,
          momentum: fixed.momentum ?? defaultCellConfig.momentum,
          weightDecay: fixed.weightDecay ?? defaultCellConfig.weightDecay,
          weightVariance: fixed.weightVariance,
          biasVariance: fixed.biasVariance ?? defaultCellConfig.biasVariance,
          ablation: ablation as "none",
          normalization: fixed.normalization,
        },
      });
    }
  });
  const jobs: Job[] = [];
  for (const c of cells) for (const seed of useSeeds) jobs.push({ id: c.id, seed, cell: c.cell });
  const raw = { reproduction: spec.name, preset, cells, seeds: [...useSeeds], jobs };
  const { grid, onTfjs } = withEngine(raw, o.engine ?? "auto");
  return onTfjs.length > 0 ? { ...grid, onTfjs } : grid;
}
