/**
 * A grid of fast fake cells written into a store, for the kill -9 test:
 * `deno run -A fake_grid.ts <store> <cells> [seeds]`. Each result carries
 * ~100 KB of curves so that a good share of the time is spent writing.
 *
 * @module
 */

import { type Cell, jobsFor } from "../../cell/mod.ts";
import { runJobs } from "../runner.ts";
import { openStore } from "../../store/mod.ts";

/**
 * The fake cells of the kill test (distinct ids).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fakeCells } from "./fake_grid.ts";
 * equal(fakeCells(3).length, 3);
 * ```
 */
export function fakeCells(n: number): Cell[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: "measure",
    config: {
      measure: "timing",
      method: "fake",
      shape: { kind: "dense", inFeatures: i + 1, outFeatures: 1 },
      density: 1,
      activation: "linear",
    },
  }));
}

/**
 * The value a fake job records (checked after the kills).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fakeValue } from "./fake_grid.ts";
 * equal(fakeValue(2, 1), 2001);
 * ```
 */
export function fakeValue(inFeatures: number, seed: number): number {
  return inFeatures * 1000 + seed;
}

if (import.meta.main) {
  const [path, cells, seeds] = Deno.args;
  const seedList = Array.from({ length: Number(seeds ?? 2) }, (_, i) => i);
  const jobs = fakeCells(Number(cells)).flatMap((c) => jobsFor(c, seedList));
  const store = openStore(path, { busyTimeoutMs: 5000 });
  const curve = Array.from({ length: 12000 }, (_, i) => i / 7);
  const summary = await runJobs(jobs, store, async (job) => {
    await new Promise((r) => setTimeout(r, 2));
    const shape = job.cell.config as { shape: { inFeatures: number } };
    return {
      status: "ok",
      value: fakeValue(shape.shape.inFeatures, job.seed),
      curves: { trainLoss: curve },
    };
  }, {
    provenance: {
      gitCommit: "test",
      machine: {
        os: "x",
        arch: "x",
        cpuModel: "x",
        cores: 1,
        hostname: "x",
        denoVersion: "x",
        v8Version: "x",
      },
    },
  });
  store.close();
  console.log(JSON.stringify(summary));
}
