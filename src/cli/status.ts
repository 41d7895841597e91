/**
 * `status`: jobs done, diverged, failed and left per reproduction.
 *
 * @module
 */

import type { Command } from "commander";
import { jobKey } from "../cell/mod.ts";
import { inShard } from "../grid/mod.ts";
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
      const rows = grids.map((g) => {
        const jobs = shard === undefined ? g.jobs : inShard(g.jobs, shard);
        const c = { ok: 0, diverged: 0, failed: 0, left: 0 };
        for (const j of jobs) {
          const s = byKey.get(jobKey(j.id, j.seed));
          if (s === undefined) c.left++;
          else c[s]++;
        }
        return [g.reproduction, ...[jobs.length, c.ok, c.diverged, c.failed, c.left].map(String)];
      });
      const w = [28, 6, 6, 9, 7, 6];
      const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i])).join(" ").trimEnd();
      ctx.stdout(
        [line(["reproduction", "jobs", "ok", "diverged", "failed", "left"]), ...rows.map(line)]
          .join("\n") + "\n",
      );
      ctx.exit(rows.some((r) => r[4] !== "0") ? EXIT.CELLS_FAILED : EXIT.OK);
    } finally {
      store.close();
    }
  });
}
