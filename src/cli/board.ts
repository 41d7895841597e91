/**
 * The `board` command: results stores (and submissions) → the static
 * leaderboard site; and the hook `reproduce` calls when it ends.
 *
 * ```sh
 * deno task board                                   # results/results.db → results/site/
 * deno task board --store a.db --store b.db --out site/
 * deno task board --submitted my-submissions/       # default: ./submissions/ when present
 * ```
 *
 * @module
 */

import { dirname, join } from "node:path";
import type { Command } from "commander";
import { buildBoard, type BuiltBoard } from "../board/mod.ts";
import { loadReproductions } from "../grid/mod.ts";
import { type CliContext, DEFAULT_STORE, OutputError, UsageError } from "./context.ts";
import { EXIT_CODES_HELP } from "./exit_codes.ts";

/**
 * Default directory of submission files, read when it exists.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SUBMISSIONS } from "./board.ts";
 * equal(DEFAULT_SUBMISSIONS, "submissions");
 * ```
 */
export const DEFAULT_SUBMISSIONS = "submissions";

/**
 * Where the site goes when `--out` is not given: `site/` beside the first store.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultSiteDir } from "./board.ts";
 * equal(defaultSiteDir("results/results.db"), "results/site");
 * ```
 */
export function defaultSiteDir(store: string): string {
  return join(dirname(store), "site");
}

/** What the board code needs from the CLI's context. */
type _BoardContext = Pick<CliContext, "stdout" | "stderr" | "dir">;

function _report(built: BuiltBoard, ctx: _BoardContext): void {
  const b = built.board;
  for (const n of built.notices) ctx.stderr(`note: ${n}\n`);
  for (const s of b.skipped) {
    ctx.stderr(`warning: skipped ${s.source} cell ${s.cellId} seed ${s.seed}: ${s.reason}\n`);
  }
  ctx.stderr(
    `board: ${b.tracks.length} track(s), ${b.records.length} record(s), ${b.measures.length} measure group(s)` +
      `${b.skipped.length > 0 ? `, ${b.skipped.length} row(s) skipped` : ""}\n`,
  );
  ctx.stdout(`site: ${built.indexPath}\n`);
}

/** What is at `path`: a file, a directory or nothing. */
function _kind(path: string): "file" | "directory" | "none" {
  try {
    return Deno.statSync(path).isDirectory ? "directory" : "file";
  } catch {
    return "none";
  }
}

function _collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Registers `board` on the program. Errors are thrown to the program's
 * handler (store errors exit 3, bad input 2).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { boardCommand } from "./board.ts";
 * const program = new Command();
 * boardCommand(program, { stdout: () => {}, stderr: () => {}, dir: "x", deps: {}, exit: () => {} });
 * ok(program.commands.some((c) => c.name() === "board"));
 * ```
 */
export function boardCommand(program: Command, ctx: CliContext): void {
  program.command("board")
    .description("build the static leaderboard site from one or more results stores")
    .option(
      "--store <path>",
      "results store to read (repeatable; first wins on duplicates)",
      _collect,
      [],
    )
    .option("--out <dir>", "site directory (default: site/ beside the first store)")
    .option(
      "--submitted <dir>",
      `directory of submission files (repeatable; default ./${DEFAULT_SUBMISSIONS}/ when present)`,
      _collect,
      [],
    )
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (o: { store: string[]; out?: string; submitted: string[] }) => {
      const stores = o.store.length > 0 ? o.store : [DEFAULT_STORE];
      for (const dir of o.submitted) {
        if (_kind(dir) === "file") {
          throw new UsageError(`board --submitted ${dir}: is a file, not a directory`);
        }
      }
      const out = o.out ?? defaultSiteDir(stores[0]);
      if (_kind(out) === "file") {
        throw new OutputError(`board --out ${out}: is a file, not a directory`);
      }
      const specs = await loadReproductions([], ctx.dir);
      let built: BuiltBoard;
      try {
        built = await buildBoard({
          stores,
          submissionDirs: o.submitted.length > 0 ? o.submitted : [DEFAULT_SUBMISSIONS],
          specs,
          out,
        });
      } catch (e) {
        if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotADirectory) {
          throw new OutputError(`board --out ${out}: cannot write the site (${e.message})`, {
            cause: e,
          });
        }
        throw e;
      }
      _report(built, ctx);
    });
}

/**
 * The end of `reproduce`: builds the site from its store (all reproductions,
 * default submissions) and prints the path of index.html. Never throws: a
 * failure is printed and the run's exit code stands.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { siteAfterRun } from "./board.ts";
 * const err: string[] = [];
 * await siteAfterRun("/nonexistent/r.db", undefined, {
 *   stdout: () => {}, stderr: (t) => err.push(t), dir: "reproductions",
 * });
 * ok(err.join("").includes("could not build the site"));
 * ```
 */
export async function siteAfterRun(
  store: string,
  out: string | undefined,
  ctx: _BoardContext,
): Promise<void> {
  try {
    const specs = await loadReproductions([], ctx.dir);
    const built = await buildBoard({
      stores: [store],
      submissionDirs: [DEFAULT_SUBMISSIONS],
      specs,
      out: out ?? defaultSiteDir(store),
    });
    _report(built, ctx);
  } catch (e) {
    ctx.stderr(`could not build the site: ${(e as Error).message}\n`);
  }
}
