/**
 * `report`: prints claim vs measured and the verdicts from a store, without
 * running anything.
 *
 * @module
 */

import type { Command } from "commander";
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
import { printVerdicts, verdictExitCode } from "./verdicts.ts";

/**
 * Adds `report` to the program.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { reportCommand } from "./report.ts";
 * const program = new Command();
 * reportCommand(program, { stdout: () => {}, stderr: () => {}, dir: "x", deps: {}, exit: () => {} });
 * ok(program.commands.some((c) => c.name() === "report"));
 * ```
 */
export function reportCommand(program: Command, ctx: CliContext): void {
  withGridOptions(
    program.command("report")
      .description("print claim vs measured and verdicts from a store, without running anything")
      .argument("[names...]", "reproduction names (see `list`)"),
  ).action(async (names: string[], o: GridOptions) => {
    const specs = await specsOf(names, o, ctx);
    const grids = gridsOf(specs, o);
    if (shardOption(o) !== undefined) {
      ctx.stderr("note: report reads every cell of the grids; --shard does not apply to it\n");
    }
    const store = openStore(o.store, { busyTimeoutMs: busyTimeoutOf(o), readOnly: true });
    if (store.notice !== undefined) ctx.stderr(`note: ${store.notice}\n`);
    try {
      const r = printVerdicts({ specs, grids, store, preset: o.preset, print: ctx.stdout });
      ctx.exit(verdictExitCode(r.reports, r.failed));
    } finally {
      store.close();
    }
  });
}
