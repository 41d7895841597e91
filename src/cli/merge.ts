/**
 * `merge`: merges stores into `--store`, idempotently (keyed by cell id and seed).
 *
 * @module
 */

import type { Command } from "commander";
import { mergeStore, openStore } from "../store/mod.ts";
import { busyTimeoutOf, type CliContext, DEFAULT_STORE, UsageError } from "./context.ts";
import { EXIT_CODES_HELP } from "./exit_codes.ts";

/**
 * Adds `merge` to the program.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { mergeCommand } from "./merge.ts";
 * const program = new Command();
 * mergeCommand(program, { stdout: () => {}, stderr: () => {}, dir: "x", deps: {}, exit: () => {} });
 * ok(program.commands.some((c) => c.name() === "merge"));
 * ```
 */
export function mergeCommand(program: Command, ctx: CliContext): void {
  program.command("merge")
    .description("merge stores into --store, idempotently (keyed by cell id and seed)")
    .argument("<sources...>", "stores to merge in")
    .option("--store <path>", "target store (created if missing)", DEFAULT_STORE)
    .option("--busy-timeout <ms>", "wait this long for another process's write lock", "5000")
    .addHelpText("after", EXIT_CODES_HELP)
    .action((sources: string[], o: { store: string; busyTimeout: string }) => {
      for (const s of sources) {
        try {
          Deno.statSync(s);
        } catch {
          throw new UsageError(`merge: source store "${s}" does not exist`);
        }
      }
      const store = openStore(o.store, { busyTimeoutMs: busyTimeoutOf(o) });
      try {
        for (const s of sources) {
          const r = mergeStore(store, s);
          if (r.notice !== undefined) ctx.stderr(`note: ${r.notice}\n`);
          ctx.stderr(`merged ${s}: ${r.read} row(s) read, ${r.written} written\n`);
        }
      } finally {
        store.close();
      }
    });
}
