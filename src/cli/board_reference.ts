/**
 * `deno task board:reference`: regenerates the committed reference
 * leaderboard in `leaderboard/` with one command.
 *
 * ```sh
 * deno task board:reference                 # run every reproduction (quick preset) into a
 *                                           # fresh store, commit-ready: leaderboard/results.db,
 *                                           # leaderboard.json, LEADERBOARD.md
 * deno task board:reference --from s.db     # take an existing store instead of running
 * deno task board:reference --rebuild       # only re-render the two files from leaderboard/results.db
 * ```
 *
 * A run that does not finish cleanly (interrupted, or a store error) leaves
 * `leaderboard/` untouched. Exit codes as the other commands.
 *
 * @module
 */

import { join } from "node:path";
import { copyStore, REFERENCE_DIR, referenceFiles, repositorySpecs } from "../board/mod.ts";
import { StoreError } from "../store/mod.ts";
import { EXIT } from "./exit_codes.ts";
import { main as cliMain } from "./main.ts";

/**
 * Runs the command with `args`; returns the exit code.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { referenceMain } from "./board_reference.ts";
 * equal(await referenceMain(["--bogus"], { stdout: () => {}, stderr: () => {} }), 2);
 * ```
 */
export async function referenceMain(
  args: readonly string[],
  io: { stdout: (t: string) => void; stderr: (t: string) => void; dir?: string },
): Promise<number> {
  const dir = io.dir ?? REFERENCE_DIR;
  let from: string | undefined;
  let rebuild = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--from" && i + 1 < args.length) from = args[++i];
    else if (args[i] === "--rebuild") rebuild = true;
    else {
      io.stderr(
        `board:reference: unknown argument ${
          JSON.stringify(args[i])
        }; usage: [--from store.db | --rebuild]\n`,
      );
      return EXIT.USAGE;
    }
  }
  const target = join(dir, "results.db");
  try {
    if (!rebuild) {
      let source = from;
      if (source === undefined) {
        const tmp = Deno.makeTempDirSync({ prefix: "board-reference-" });
        source = join(tmp, "results.db");
        const code = await cliMain([
          "reproduce",
          "--preset",
          "quick",
          "--store",
          source,
          "--no-site",
        ]);
        if (
          code !== EXIT.OK && code !== EXIT.CLAIM_DOES_NOT_HOLD && code !== EXIT.INCONCLUSIVE &&
          code !== EXIT.CELLS_FAILED
        ) {
          io.stderr(
            `board:reference: the run ended with exit code ${code}; leaderboard/ unchanged\n`,
          );
          return code;
        }
      }
      Deno.mkdirSync(dir, { recursive: true });
      copyStore(source, target);
    }
    const specs = await repositorySpecs();
    for (const [name, text] of referenceFiles(target, specs)) {
      Deno.writeTextFileSync(join(dir, name), text);
      io.stdout(`wrote ${join(dir, name)}\n`);
    }
    return EXIT.OK;
  } catch (e) {
    io.stderr(`board:reference: ${(e as Error).message}\n`);
    return e instanceof StoreError ? EXIT.STORE_ERROR : EXIT.USAGE;
  }
}

if (import.meta.main) {
  const enc = new TextEncoder();
  Deno.exit(
    await referenceMain(Deno.args, {
      stdout: (t) => Deno.stdout.writeSync(enc.encode(t)),
      stderr: (t) => Deno.stderr.writeSync(enc.encode(t)),
    }),
  );
}
