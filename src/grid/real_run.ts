/**
 * The real job runner: `runCell` for training cells (one in-memory dataset
 * per name, shared by all cells) and `runMeasure` for measure cells.
 *
 * @module
 */

import { type Dataset, type DatasetName, loadDataset } from "../data/mod.ts";
import { MEASURE_DEPS, runCell, runMeasure, trainConfigOf } from "../cell/mod.ts";
import type { SizeLimits } from "../init/mod.ts";
import type { RunFn } from "./runner.ts";
import type { BackendName } from "../nn/mod.ts";

/** Measure jobs are synchronous work: let the event loop run (signals, timers) this often. */
const _YIELD_EVERY_MS = 50;

/**
 * A {@linkcode RunFn} running jobs for real. Measure jobs do their work
 * without awaiting anything, so before one starts it yields to the event
 * loop when 50 ms have passed since the last yield (a SIGINT handler can
 * then abort the run within about a job's time; yielding before every job
 * would cost a timer's clamp, ~2 ms, per job), and an aborted signal stops
 * it before it computes.
 * Runs under the size bounds `limits` (defaults: `DEFAULT_SIZE_LIMITS`;
 * measure cells use `maxLayerElements`).
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
export function realRun(backend: BackendName, limits?: Partial<SizeLimits>): RunFn {
  const datasets = new Map<DatasetName, Promise<Dataset>>();
  const max = limits?.maxLayerElements;
  const measureDeps = max === undefined ? MEASURE_DEPS : {
    ...MEASURE_DEPS,
    initialize: (...[m, s, o]: Parameters<typeof MEASURE_DEPS.initialize>) =>
      MEASURE_DEPS.initialize(m, s, { ...o, maxLayerElements: max }),
  };
  let lastYield = performance.now();
  return async (job, ctx) => {
    if (job.cell.kind === "measure") {
      if (performance.now() - lastYield >= _YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      if (ctx.signal?.aborted === true) return { status: "failed", message: "interrupted" };
      return { ...(await runMeasure(job, measureDeps, { signal: ctx.signal })) };
    }
    const config = trainConfigOf(job);
    if (!datasets.has(config.dataset)) datasets.set(config.dataset, loadDataset(config.dataset));
    const dataset = await datasets.get(config.dataset)!;
    const result = await runCell(config, {
      backend,
      dataset,
      signal: ctx.signal,
      ...(limits === undefined ? {} : { limits }),
      onProgress: (p) => ctx.onProgress(p.step, p.steps),
    });
    return { ...result };
  };
}
