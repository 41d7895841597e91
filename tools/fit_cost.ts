/**
 * Calibrates the grid's cost model (`src/grid/cost.ts`) on a results store:
 * fits `COST_CONSTANTS` to the `wallSeconds` of its finished rows
 * (`fitCostConstants`: non-negative least squares on relative errors) and
 * prints the constants, the fit's relative rms error and, per kind of job,
 * the measured and estimated seconds, under the fitted and the committed
 * constants. Paste the constants into `COST_CONSTANTS` to change the estimates
 * `reproduce` prints and the order workers take jobs in (no result depends on
 * either).
 *
 * Run: `deno task fit:cost --store results/results.db`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Cell } from "../src/cell/mod.ts";
import {
  COST_CONSTANTS,
  type CostConstants,
  estimateJobSeconds,
  fitCostConstants,
} from "../src/grid/mod.ts";
import { openStore } from "../src/store/mod.ts";

const { values } = parseArgs({ args: Deno.args, options: { store: { type: "string" } } });
if (values.store === undefined) {
  console.error("fit:cost: usage: fit:cost --store <results.db>");
  Deno.exit(2);
}
const store = openStore(values.store, { readOnly: true });
const samples = store.rows().filter((r) => r.status === "ok" && r.wallSeconds > 0).map((r) => ({
  cell: { kind: r.kind, config: r.config } as unknown as Cell,
  seconds: r.wallSeconds,
}));
store.close();
if (samples.length === 0) {
  console.error(`fit:cost: no finished rows in ${values.store}`);
  Deno.exit(1);
}
const { constants, relativeRms } = fitCostConstants(samples);
const group = (c: Cell): string => {
  if (c.kind === "measure") return "measure";
  const k = c.config;
  return `${k.architecture}${k.method === "approx-isometry" ? " approx-isometry" : ""} ${
    k.engine ?? "tfjs"
  }`;
};
const fmt = (x: number) => x.toPrecision(2);
console.log(`${samples.length} rows; relative rms error ${(100 * relativeRms).toFixed(1)}%`);
const rounded = (v: unknown): unknown =>
  typeof v === "number"
    ? Number(fmt(v))
    : Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, rounded(x)]));
console.log(`fitted: ${JSON.stringify(rounded(constants))}`);
console.log("group: measured s | fitted estimate | committed estimate");
const groups = [...new Set(samples.map((s) => group(s.cell)))].sort();
for (const g of [...groups, undefined]) {
  const inGroup = samples.filter((s) => g === undefined || group(s.cell) === g);
  const measured = inGroup.reduce((a, s) => a + s.seconds, 0);
  const est = (k: CostConstants) => inGroup.reduce((a, s) => a + estimateJobSeconds(s.cell, k), 0);
  console.log(
    `  ${g ?? "all"}: ${measured.toFixed(0)} | ${est(constants).toFixed(0)} | ${
      est(COST_CONSTANTS).toFixed(0)
    }`,
  );
}
