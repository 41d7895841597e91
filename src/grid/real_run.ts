/**
 * The real job runner: `runCell` for training cells (one in-memory dataset
 * per name, shared by all cells) and `runMeasure` for measure cells.
 *
 * @module
 */

import { type Dataset, type DatasetName, loadDataset } from "../data/mod.ts";
import { runCell, runMeasure, trainConfigOf } from "../cell/mod.ts";
import type { RunFn } from "./runner.ts";
import type { BackendName } from "../nn/mod.ts";

/**
 * A {@linkcode RunFn} running jobs for real.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobsFor } from "../cell/mod.ts";
 * import { realRun } from "./real_run.ts";
 * const run = realRun("cpu");
 * const [job] = jobsFor({ kind: "measure", config: { measure: "exactness", method: "eoi",
 *   shape: { kind: "dense", inFeatures: 8, outFeatures: 8 }, density: 0.5, activation: "tanh" } }, [0]);
 * equal((await run(job, { onProgress: () => {} })).status, "ok");
 * ```
 */
export function realRun(backend: BackendName): RunFn {
  const datasets = new Map<DatasetName, Promise<Dataset>>();
  return async (job, ctx) => {
    if (job.cell.kind === "measure") return { ...(await runMeasure(job)) };
    const config = trainConfigOf(job);
    if (!datasets.has(config.dataset)) datasets.set(config.dataset, loadDataset(config.dataset));
    const dataset = await datasets.get(config.dataset)!;
    const result = await runCell(config, {
      backend,
      dataset,
      signal: ctx.signal,
      onProgress: (p) => ctx.onProgress(p.step, p.steps),
    });
    return { ...result };
  };
}
