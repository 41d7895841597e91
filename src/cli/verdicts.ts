/**
 * Verdicts from a store, as the `reproduce` and `report` commands print them,
 * and the exit code they imply.
 *
 * @module
 */

import { jobKey } from "../cell/mod.ts";
import {
  evaluateVerdict,
  type ExpandedGrid,
  type ReproductionSpec,
  type VerdictReport,
} from "../grid/mod.ts";
import type { ResultStore, StoredRow } from "../store/mod.ts";
import { EXIT } from "./exit_codes.ts";
import { renderReport } from "./render.ts";

/** Rows of one grid's jobs, and how many of its jobs lack a final row. */
function _gridRows(grid: ExpandedGrid, byKey: ReadonlyMap<string, StoredRow>) {
  const rows: StoredRow[] = [];
  let missing = 0;
  let failed = 0;
  for (const j of grid.jobs) {
    const r = byKey.get(jobKey(j.id, j.seed));
    if (r === undefined) missing++;
    else if (r.status === "failed") {
      failed++;
      missing++;
    } else rows.push(r);
  }
  return { rows, missing, failed };
}

/**
 * What {@linkcode printVerdicts} reads and where it writes. */
export interface PrintVerdictsOptions {
  /** The reproductions, in order. */
  readonly specs: readonly ReproductionSpec[];
  /** Their grids (same order). */
  readonly grids: readonly ExpandedGrid[];
  /** The store holding the rows. */
  readonly store: ResultStore;
  /** The preset's name, for the headings. */
  readonly preset: string;
  /** Where the tables go. */
  readonly print: (text: string) => void;
}

/**
 * Evaluates and prints every reproduction's verdict, then a summary line per
 * reproduction; returns the reports and the number of failed jobs.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { expandGrid, loadReproductions } from "../grid/mod.ts";
 * import { openStore } from "../store/mod.ts";
 * import { printVerdicts } from "./verdicts.ts";
 * const specs = await loadReproductions(["exactness"]);
 * const dir = await Deno.makeTempDir();
 * const store = openStore(`${dir}/r.db`);
 * const out: string[] = [];
 * const r = printVerdicts({
 *   specs, grids: specs.map((s) => expandGrid(s, "quick")), store, preset: "quick",
 *   print: (t) => out.push(t),
 * });
 * equal(r.reports[0].verdict, "incomplete");
 * ok(out.join("").includes("Summary (quick):"));
 * store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function printVerdicts(
  o: PrintVerdictsOptions,
): { reports: VerdictReport[]; failed: number } {
  const ids = new Set(o.grids.flatMap((g) => g.cells.map((c) => c.id)));
  const byKey = new Map(o.store.rows(ids).map((r) => [jobKey(r.cellId, r.seed), r]));
  const reports: VerdictReport[] = [];
  let failed = 0;
  o.specs.forEach((spec, i) => {
    const g = _gridRows(o.grids[i], byKey);
    failed += g.failed;
    const report = evaluateVerdict(spec.verdict.checks, g.rows, g.missing);
    reports.push(report);
    o.print(renderReport(spec, o.preset, report) + "\n\n");
  });
  const summary = o.specs.map((s, i) => `  ${s.name.padEnd(28)} ${reports[i].verdict}`).join(
    "\n",
  );
  o.print(`Summary (${o.preset}):\n${summary}\n`);
  return { reports, failed };
}

/**
 * Jobs of the grids whose stored row is `failed` (each job once): what makes
 * `reproduce` exit 4, with or without the report.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { expandGrid, loadReproductions } from "../grid/mod.ts";
 * import { openStore } from "../store/mod.ts";
 * import { failedJobs } from "./verdicts.ts";
 * const [spec] = await loadReproductions(["exactness"]);
 * const store = openStore(":memory:");
 * equal(failedJobs([expandGrid(spec, "quick")], store), 0);
 * store.close();
 * ```
 */
export function failedJobs(grids: readonly ExpandedGrid[], store: ResultStore): number {
  const ids = new Set(grids.flatMap((g) => g.cells.map((c) => c.id)));
  const failed = new Set(
    store.rows(ids).filter((r) => r.status === "failed").map((r) => jobKey(r.cellId, r.seed)),
  );
  const seen = new Set<string>();
  for (const g of grids) {
    for (const j of g.jobs) {
      const k = jobKey(j.id, j.seed);
      if (failed.has(k)) seen.add(k);
    }
  }
  return seen.size;
}

/**
 * The exit code of a set of verdicts: failed cells first (4), then a claim
 * that does not hold (1), then an inconclusive claim (5), else 0.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { verdictExitCode } from "./verdicts.ts";
 * const r = (verdict: "inconclusive" | "does not hold") => ({ verdict, checks: [], missing: 0 });
 * equal(verdictExitCode([], 2), 4);
 * equal(verdictExitCode([r("inconclusive")], 0), 5);
 * equal(verdictExitCode([r("inconclusive"), r("does not hold")], 0), 1);
 * equal(verdictExitCode([], 0), 0);
 * ```
 */
export function verdictExitCode(reports: readonly VerdictReport[], failed: number): number {
  if (failed > 0) return EXIT.CELLS_FAILED;
  if (reports.some((r) => r.verdict === "does not hold")) return EXIT.CLAIM_DOES_NOT_HOLD;
  if (reports.some((r) => r.verdict === "inconclusive")) return EXIT.INCONCLUSIVE;
  return EXIT.OK;
}
