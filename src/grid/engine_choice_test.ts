import { deepEqual, equal, notEqual, throws } from "node:assert/strict";
import { cellId, defaultCellConfig, type TrainConfig } from "../cell/mod.ts";
import { engineFor, withEngine } from "./engine_choice.ts";
import { expandGrid } from "./expand.ts";
import { validateReproduction } from "./spec.ts";

const { seed: _, ...TRAIN } = defaultCellConfig;

Deno.test("engine ids: tfjs cells keep their old ids, simd cells get new ones", () => {
  const tfjs = cellId({ kind: "train", config: TRAIN });
  equal(cellId({ kind: "train", config: { ...TRAIN, engine: "tfjs" } }), tfjs);
  notEqual(cellId({ kind: "train", config: { ...TRAIN, engine: "simd" } }), tfjs);
});

Deno.test("engineFor(): auto picks simd where it runs, falls back to tfjs with the reason; simd refuses", () => {
  const huge: TrainConfig = { ...TRAIN, architecture: "cnn", depth: 1000, width: 128 };
  deepEqual(engineFor(TRAIN, "auto"), { engine: "simd" });
  equal(engineFor(huge, "auto").engine, "tfjs");
  equal(/4 GiB/.test(engineFor(huge, "auto").reason ?? ""), true);
  deepEqual(engineFor(huge, "tfjs"), { engine: "tfjs" });
  throws(
    () => engineFor(huge, "simd"),
    /engine simd cannot run the cnn cell \(depth 1000, width 128/,
  );
  throws(() => engineFor(TRAIN, "torch" as "auto"), /auto, tfjs, simd; got "torch"/);
});

Deno.test("withEngine() re-keys a grid's training cells and jobs, leaving measure cells alone", () => {
  const spec = validateReproduction({
    name: "tiny",
    title: "t",
    kind: "train",
    claim: { text: "c", source: "s" },
    axes: {
      datasets: ["mnist"],
      architectures: ["mlp", "cnn"],
      depths: [2, 1000],
      widths: [128],
      activations: ["tanh"],
      methods: ["eoi"],
      allocations: ["uniform"],
      densities: [0.5],
    },
    presets: {
      quick: { budget: { seeds: [0, 1], steps: 5 } },
      paper: { budget: { seeds: [0], epochs: 1 } },
    },
    verdict: { checks: [{ kind: "describe", metric: "testAccuracy" }] },
  }, "tiny.json");
  const grid = expandGrid(spec, "quick", { engine: "tfjs" });
  const tfjs = withEngine(grid, "tfjs");
  deepEqual(tfjs.grid.cells.map((c) => c.id), grid.cells.map((c) => c.id));
  deepEqual(tfjs.grid.jobs, grid.jobs);
  const auto = withEngine(grid, "auto");
  const engines = auto.grid.cells.map((c) => c.cell.kind === "train" ? c.cell.config.engine : "");
  // mlp-2, mlp-1000, cnn-2 on simd; cnn-1000 × 128 channels does not fit: tfjs.
  deepEqual(engines, ["simd", "simd", "simd", undefined]);
  equal(auto.onTfjs.length, 1);
  equal(auto.onTfjs[0].id, grid.cells[3].id);
  equal(auto.grid.jobs.length, 8);
  equal(auto.grid.jobs[0].id, auto.grid.cells[0].id);
  throws(() => withEngine(grid, "simd"), /cannot run the cnn cell/);
  // expandGrid applies the choice itself (default auto) and keeps the seed override.
  deepEqual(expandGrid(spec, "quick").cells.map((c) => c.id), auto.grid.cells.map((c) => c.id));
  deepEqual(expandGrid(spec, "quick").onTfjs, auto.onTfjs);
  equal(expandGrid(spec, "quick", { seeds: [5], engine: "tfjs" }).jobs[0].seed, 5);
  deepEqual(expandGrid(spec, "quick", [5]).jobs.map((j) => j.id), auto.grid.cells.map((c) => c.id));
  throws(() => expandGrid(spec, "quick", { engine: "simd" }), /cannot run the cnn cell/);
});
