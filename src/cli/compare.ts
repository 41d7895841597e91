/**
 * `compare`: ranks a user's initializer module against the reference
 * leaderboard and writes the report (see `src/compare/run.ts`).
 *
 * ```sh
 * deno task compare my_init.ts                       # every track of the reference leaderboard
 * deno task compare my_init.ts --tracks depth-mlp    # one reproduction's tracks (or track ids)
 * deno task compare my_init.ts --rerun-baselines     # baselines run here (other versions, new seeds)
 * deno task compare my_init.ts --submit              # + submissions/<name>.json for `board`
 * ```
 *
 * Exit codes: 0 compared (whatever the ranking), 2 usage (bad option,
 * unknown preset or track, baselines of other versions without
 * `--rerun-baselines`), 3 store error, 4 some of the method's cells failed
 * (recorded; not a module check), 5 the module was refused (a sandbox check
 * failed), 130 interrupted (finished cells are kept).
 *
 * @module
 */

import { join } from "node:path";
import { type Command, Option } from "commander";
import { REFERENCE_DIR } from "../board/mod.ts";
import {
  checkSubmissionUrl,
  CompareInputError,
  ModuleRejectedError,
  runComparison,
  TIE_MARGIN,
  writeSubmission,
} from "../compare/mod.ts";
import { createProgress, loadReproductions, silentProgress } from "../grid/mod.ts";
import type { BackendName } from "../nn/mod.ts";
import { DEFAULT_SUBMISSIONS } from "./board.ts";
import { type CliContext, parseSeeds } from "./context.ts";
import { EXIT, EXIT_CODES_HELP } from "./exit_codes.ts";

/** The options of `compare`, as commander parses them. */
interface _Options {
  readonly tracks: string[];
  readonly preset?: string;
  readonly seeds?: string;
  readonly reference: string;
  readonly reproductions?: string;
  readonly rerunBaselines: boolean;
  readonly backend: BackendName;
  readonly out?: string;
  readonly submit: boolean;
  readonly submissions: string;
  readonly url?: string;
  readonly tieMargin: string;
  readonly quiet: boolean;
}

function _list(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(",").map((s) => s.trim()).filter((s) => s !== "")];
}

function _margin(text: string): number {
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || x < 0 || x >= 1) {
    throw new RangeError(
      `--tie-margin: expected a test-accuracy difference in [0, 1); got "${text}"`,
    );
  }
  return x;
}

/**
 * Registers `compare` on the program.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Command } from "commander";
 * import { compareCommand } from "./compare.ts";
 * const program = new Command();
 * compareCommand(program, { stdout: () => {}, stderr: () => {}, dir: "x", deps: {}, exit: () => {} });
 * ok(program.commands.some((c) => c.name() === "compare"));
 * ```
 */
export function compareCommand(program: Command, ctx: CliContext): void {
  program.command("compare")
    .description(
      "rank an initializer module (a default export { name, description, initialize, ... }) " +
        "against the reference leaderboard, with paired seeds, in a sandboxed process",
    )
    .argument("<module>", "the module's file (see the README: Bring your own initializer)")
    .option(
      "--tracks <list>",
      "track ids or reproduction names, comma-separated or repeated (default: all)",
      _list,
      [],
    )
    .option(
      "--preset <name>",
      "the reproductions' preset whose tracks are compared (default: the reference store's)",
    )
    .option("--seeds <list>", 'seeds replacing the preset\'s, e.g. "0,1" or "0-4"')
    .option("--reference <dir>", "reference leaderboard directory (its results.db)", REFERENCE_DIR)
    .option("--reproductions <dir>", "directory of reproduction files (default: the repository's)")
    .option(
      "--rerun-baselines",
      "re-run the baselines here instead of reading the reference rows",
      false,
    )
    .addOption(
      new Option("--backend <name>", "tfjs backend").choices(["auto", "webgpu", "wasm", "cpu"])
        .default("auto"),
    )
    .option("--out <dir>", "stores and reports (default: results/compare/<name>/)")
    .option("--submit", "write the method's rows as a submission for `board`", false)
    .option("--submissions <dir>", "where --submit writes", DEFAULT_SUBMISSIONS)
    .option("--url <https-link>", "a link shown with the submitted method")
    .option(
      "--tie-margin <accuracy>",
      "a 95% interval within ±this counts as tied",
      String(TIE_MARGIN),
    )
    .option("--quiet", "no progress output", false)
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (module: string, o: _Options) => {
      const margin = _margin(o.tieMargin);
      if (o.url !== undefined) checkSubmissionUrl(o.url); // before the run, not after it
      const seeds = o.seeds === undefined ? undefined : parseSeeds(o.seeds);
      const specs = await loadReproductions([], o.reproductions ?? ctx.dir);
      try {
        const outcome = await runComparison({
          module,
          specs,
          ...(o.preset === undefined ? {} : { preset: o.preset }),
          ...(seeds === undefined ? {} : { seeds }),
          reference: o.reference,
          tracks: o.tracks,
          rerunBaselines: o.rerunBaselines,
          ...(o.out === undefined ? {} : { out: o.out }),
          backend: o.backend,
          margin,
          ...(ctx.deps.makeRun === undefined ? {} : { makeRun: ctx.deps.makeRun }),
          ...(ctx.deps.signal === undefined ? {} : { signal: ctx.deps.signal }),
          progress: (total, skipped) =>
            o.quiet ? silentProgress : createProgress({ total, skipped, write: ctx.stderr }),
          log: (t) => ctx.stderr(`${t}\n`),
        });
        if (outcome.interrupted) {
          ctx.stderr("interrupted: finished cells are kept; run the same command to resume\n");
          return ctx.exit(EXIT.INTERRUPTED);
        }
        ctx.stdout(outcome.markdown!);
        ctx.stderr(`report: ${outcome.files!.markdown} and ${outcome.files!.json}\n`);
        if (o.submit) {
          const path = await writeSubmission(
            o.submissions,
            outcome.method,
            outcome.userRows,
            o.url,
          );
          ctx.stderr(
            `submitted: ${path}; \`deno task board --store ${
              join(o.reference, "results.db")
            } --submitted ${o.submissions}\` ranks it, marked submitted\n`,
          );
        }
        if (outcome.failedCells > 0) {
          ctx.stderr(
            `${outcome.failedCells} of the method's cells failed (recorded; see the report); ` +
              "they run again next time\n",
          );
          return ctx.exit(EXIT.CELLS_FAILED);
        }
        ctx.exit(EXIT.OK);
      } catch (e) {
        if (e instanceof ModuleRejectedError) {
          ctx.stderr(`error: ${e.message}\n`);
          return ctx.exit(EXIT.MODULE_REJECTED);
        }
        if (e instanceof CompareInputError) {
          ctx.stderr(`error: ${e.message}\n`);
          return ctx.exit(EXIT.USAGE);
        }
        throw e;
      }
    });
}
