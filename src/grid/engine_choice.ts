/**
 * Which step engine a grid's training cells run on. The engine is part of a
 * training cell's config (`engine`, `"tfjs"` omitted from the id), so the
 * choice decides the cells' ids: results of two engines never share a key.
 *
 * - `"tfjs"`: every cell on the reference engine (the ids of every store
 *   written before engines existed).
 * - `"simd"`: every cell on the simd engine; a cell it cannot run is an
 *   error naming the cell and the reason.
 * - `"auto"` (the default of new grids): the simd engine where it can run the
 *   cell, else tfjs; the cells left on tfjs are listed with the reason.
 *
 * `expandGrid` applies the choice (`ExpandOptions.engine`), so every caller
 * of a grid (reproduce, report, status, the leaderboard, the cluster plan)
 * sees the same ids for the same choice.
 *
 * @module
 */

import { simdSupport } from "../engine/mod.ts";
import type { EngineName } from "../engine/mod.ts";
import { type Cell, cellId, type Job, modelConfigOf, type TrainConfig } from "../cell/mod.ts";
import type { ExpandedGrid } from "./expand.ts";

/**
 * An engine choice for a grid: an engine, or `"auto"`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ENGINE_CHOICES } from "./engine_choice.ts";
 * equal(ENGINE_CHOICES[0], "auto");
 * ```
 */
export const ENGINE_CHOICES = ["auto", "tfjs", "simd"] as const;

/**
 * One of {@linkcode ENGINE_CHOICES}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EngineChoice } from "./engine_choice.ts";
 * const choice: EngineChoice = "auto";
 * equal(choice, "auto");
 * ```
 */
export type EngineChoice = typeof ENGINE_CHOICES[number];

/**
 * The engine a training cell runs on under `choice`, or why the simd engine
 * cannot run it (`auto` then picks tfjs; `simd` throws).
 *
 * @throws {RangeError} for `simd` when the simd engine cannot run the cell,
 *   or an unknown choice; the message names the cell and the reason.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultCellConfig } from "../cell/mod.ts";
 * import { engineFor } from "./engine_choice.ts";
 * equal(engineFor(defaultCellConfig, "auto").engine, "simd");
 * equal(engineFor(defaultCellConfig, "tfjs").engine, "tfjs");
 * const big = { ...defaultCellConfig, architecture: "cnn", depth: 1000, width: 128 } as const;
 * equal(engineFor(big, "auto").engine, "tfjs");
 * ```
 */
export function engineFor(
  config: TrainConfig,
  choice: EngineChoice,
): { readonly engine: EngineName; readonly reason?: string } {
  if (!ENGINE_CHOICES.includes(choice)) {
    throw new RangeError(
      `engineFor: engine must be one of ${ENGINE_CHOICES.join(", ")}; got ${
        JSON.stringify(choice)
      }`,
    );
  }
  if (choice === "tfjs") return { engine: "tfjs" };
  // Every dataset is 28×28×1 with 10 classes.
  const reason = simdSupport(
    modelConfigOf({ ...config, seed: 0 }, [28, 28, 1], 10),
    config.batchSize,
  );
  if (reason === null) return { engine: "simd" };
  if (choice === "simd") {
    throw new RangeError(
      `engine simd cannot run the ${config.architecture} cell (depth ${config.depth}, width ${config.width}, ${config.method}): ${reason}; use --engine tfjs or auto`,
    );
  }
  return { engine: "tfjs", reason };
}

/**
 * `grid` with every training cell assigned its engine under `choice` (ids
 * recomputed; tfjs cells keep their config and id unchanged), and the cells
 * `auto` left on tfjs with the reason.
 *
 * @throws {RangeError} as {@linkcode engineFor}.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { withEngine } from "./engine_choice.ts";
 * import { expandGrid } from "./expand.ts";
 * import { validateReproduction } from "./spec.ts";
 * const spec = validateReproduction({
 *   name: "tiny", title: "t", kind: "train", claim: { text: "c", source: "s" },
 *   axes: { datasets: ["synthetic"], architectures: ["mlp"], depths: [2], widths: [16], activations: ["tanh"],
 *     methods: ["eoi"], allocations: ["uniform"], densities: [0.5] },
 *   presets: { quick: { budget: { seeds: [0], steps: 5 } }, paper: { budget: { seeds: [0], epochs: 1 } } },
 *   verdict: { checks: [{ kind: "describe", metric: "testAccuracy" }] },
 * }, "tiny.json");
 * const grid = expandGrid(spec, "quick", { engine: "tfjs" });
 * const { grid: simd } = withEngine(grid, "auto");
 * equal(simd.cells[0].cell.kind === "train" && simd.cells[0].cell.config.engine, "simd");
 * equal(withEngine(simd, "tfjs").grid.cells[0].id, grid.cells[0].id);
 * ```
 */
export function withEngine(
  grid: ExpandedGrid,
  choice: EngineChoice,
): { readonly grid: ExpandedGrid; readonly onTfjs: readonly { id: string; reason: string }[] } {
  const onTfjs: { id: string; reason: string }[] = [];
  const seen = new Set<string>();
  const cells: { id: string; cell: Cell }[] = [];
  for (const { cell } of grid.cells) {
    let next: Cell = cell;
    if (cell.kind === "train") {
      const { engine: _, ...rest } = cell.config;
      const { engine, reason } = engineFor(rest, choice);
      next = { kind: "train", config: engine === "tfjs" ? rest : { ...rest, engine } };
      if (reason !== undefined) onTfjs.push({ id: cellId(next), reason });
    }
    const id = cellId(next);
    if (seen.has(id)) continue;
    seen.add(id);
    cells.push({ id, cell: next });
  }
  const jobs: Job[] = [];
  for (const c of cells) for (const seed of grid.seeds) jobs.push({ id: c.id, seed, cell: c.cell });
  return { grid: { ...grid, cells, jobs }, onTfjs };
}
