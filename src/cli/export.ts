/**
 * `export`: a store's rows as JSON or CSV, to stdout or a file.
 *
 * @module
 */

import { type Command, Option } from "commander";
import { openStore, rowsToCsv, rowsToJson } from "../store/mod.ts";
import { type CliContext, DEFAULT_STORE, writeOutputFile } from "./context.ts";
import { EXIT_CODES_HELP } from "./exit_codes.ts";

/**
 * Adds `export` to the program.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { exportCommand } from "./export.ts";
 * const program = new Command();
 * exportCommand(program, { stdout: () => {}, stderr: () => {}, dir: "x", deps: {}, exit: () => {} });
 * ok(program.commands.some((c) => c.name() === "export"));
 * ```
 */
export function exportCommand(program: Command, ctx: CliContext): void {
  program.command("export")
    .description("export a store's rows as JSON or CSV")
    .option("--store <path>", "results store", DEFAULT_STORE)
    .addOption(
      new Option("--format <format>", "output format").choices(["json", "csv"]).default("json"),
    )
    .option("--out <path>", "write to a file instead of stdout")
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (o: { store: string; format: "json" | "csv"; out?: string }) => {
      const store = openStore(o.store, { readOnly: true });
      if (store.notice !== undefined) ctx.stderr(`note: ${store.notice}\n`);
      try {
        const rows = store.rows();
        const text = o.format === "json" ? rowsToJson(rows) : rowsToCsv(rows);
        if (o.out === undefined) ctx.stdout(text);
        else await writeOutputFile("export --out", o.out, text);
      } finally {
        store.close();
      }
    });
}
