/**
 * `status`: jobs done, diverged, failed and left per reproduction, and what
 * the left ones would cost in one process (the grid's cost model,
 * `src/grid/cost.ts`; the total in the last row).
 *
 * @module
 */

import type { Command } from "commander";
import { type Job, jobKey } from "../cell/mod.ts";
import { estimateSeconds, formatDuration, inShard } from "../grid/mod.ts";
import { openStore } from "../store/mod.ts";
import {
  busyTimeoutOf,
  type CliContext,
  type GridOptions,
  gridsOf,
  shardOption,
  specsOf,
  withGridOptions,
} from "./context.ts";
import { EXIT } from "./exit_codes.ts";

/**
 * Adds `status` to the program (exit 4 when a reproduction has failed jobs).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { statusCommand } from "./status.ts";
 * const program = new Command();
 * statusCommand(program, { stdout: () => {}, stderr: () => {}, dir: "x", deps: {}, exit: () => {} });
 * ok(program.commands.some((c) => c.name() === "status"));
 * ```
 */
export function statusCommand(program: Command, ctx: CliContext): void {
  withGridOptions(
    program.command("status")
      .description("cells done, failed and left per reproduction")
      .argument("[names...]", "reproduction names (see `list`)"),
  ).action(async (names: string[], o: GridOptions) => {
    const specs = await specsOf(names, o, ctx);
    const grids = gridsOf(specs, o);
    const shard = shardOption(o);
    const store = openStore(o.store, { busyTimeoutMs: busyTimeoutOf(o), readOnly: true });
    if (store.notice !== undefined) ctx.stderr(`note: ${store.notice}\n`);
    try {
      const byKey = new Map(store.rows().map((r) => [jobKey(r.cellId, r.seed), r.status]));
      const total = [0, 0, 0, 0, 0];
      let totalSeconds = 0;
      const rows = grids.map((g) => {
        const jobs = shard === undefined ? g.jobs : inShard(g.jobs, shard);
        const c = { ok: 0, diverged: 0, failed: 0, left: 0 };
        const left: Job[] = [];
        for (const j of jobs) {
          const s = byKey.get(jobKey(j.id, j.seed));
          if (s === undefined) {
            c.left++;
            left.push(j);
          } else c[s]++;
        }
        const seconds = estimateSeconds(left);
        totalSeconds += seconds;
        const counts = [jobs.length, c.ok, c.diverged, c.failed, c.left];
        counts.forEach((n, i) => (total[i] += n));
        return [
          g.reproduction,
          ...counts.map(String),
          formatDuration(seconds),
        ];
      });
      const w = [28, 6, 6, 9, 7, 6, 8];
      const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i])).join(" ").trimEnd();
      const header = ["reproduction", "jobs", "ok", "diverged", "failed", "left", "estimate"];
      const all = ["all", ...total.map(String), formatDuration(totalSeconds)];
      ctx.stdout(
        [line(header), ...rows.map(line), ...(rows.length > 1 ? [line(all)] : [])].join("\n") +
          "\n" +
          "estimate: the left jobs in one process (cost model calibrated on simd rows of a 2-core " +
          "machine; tfjs cells take longer)\n",
      );
      ctx.exit(rows.some((r) => r[4] !== "0") ? EXIT.CELLS_FAILED : EXIT.OK);
    } finally {
      store.close();
    }
  });
}
