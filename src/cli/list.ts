/**
 * `list`: the reproductions (with their job counts per preset), the
 * initialization methods and the allocations, read from the registries.
 *
 * @module
 */

import type { Command } from "commander";
import { expandGrid, loadReproductions } from "../grid/mod.ts";
import { methods } from "../init/mod.ts";
import { allocations, networkMethods } from "../prune/mod.ts";
import type { CliContext } from "./context.ts";
import { EXIT_CODES_HELP } from "./exit_codes.ts";

/**
 * Adds `list` to the program.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { listCommand } from "./list.ts";
 * const program = new Command();
 * listCommand(program, { stdout: () => {}, stderr: () => {}, dir: "x", deps: {}, exit: () => {} });
 * ok(program.commands.some((c) => c.name() === "list"));
 * ```
 */
export function listCommand(program: Command, ctx: CliContext): void {
  program.command("list")
    .description("list reproductions, initialization methods and allocations")
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async () => {
      const specs = await loadReproductions([], ctx.dir);
      ctx.stdout("Reproductions:\n");
      for (const s of specs) {
        const q = expandGrid(s, "quick").jobs.length;
        const p = expandGrid(s, "paper").jobs.length;
        const st = s.presets.standard === undefined
          ? ""
          : `, standard ${String(expandGrid(s, "standard").jobs.length).padStart(4)} jobs`;
        ctx.stdout(
          `  ${s.name.padEnd(26)} ${s.kind.padEnd(8)} quick ${
            String(q).padStart(4)
          } jobs${st}, paper ${String(p).padStart(5)} jobs  ${s.title}\n`,
        );
      }
      ctx.stdout("\nMethods:\n");
      for (const m of methods()) ctx.stdout(`  ${m.name.padEnd(26)} ${m.description}\n`);
      for (const m of networkMethods()) {
        ctx.stdout(`  ${m.name.padEnd(26)} ${m.description} (network-level)\n`);
      }
      ctx.stdout("\nAllocations:\n");
      for (const a of allocations()) ctx.stdout(`  ${a.name.padEnd(26)} ${a.description}\n`);
    });
}
