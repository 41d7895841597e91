/**
 * The command line: `main(args)` builds the program from one file per
 * command and maps what went wrong to an exit code.
 *
 * ```sh
 * deno task reproduce                       # all reproductions, quick preset
 * deno task reproduce mlp-mnist --preset paper --seeds 0-4
 * deno task reproduce --shard 0/4 --store results/shard-0.db
 * deno task cli merge results/shard-*.db --store results/all.db
 * deno task cli report --store results/all.db
 * deno task cli status | list | export --format csv
 * ```
 *
 * Exit codes: see `exit_codes.ts` (and `--help`).
 *
 * @module
 */

import { Command, CommanderError } from "commander";
import { REPRODUCTIONS_DIR, SpecError } from "../grid/mod.ts";
import { StoreError } from "../store/mod.ts";
import { boardCommand } from "./board.ts";
import { compareCommand } from "./compare.ts";
import { type CliContext, type CliDeps, OutputError, UsageError } from "./context.ts";
import { EXIT, EXIT_CODES_HELP } from "./exit_codes.ts";
import { exportCommand } from "./export.ts";
import { listCommand } from "./list.ts";
import { mergeCommand } from "./merge.ts";
import { reportCommand } from "./report.ts";
import { reproduceCommand } from "./reproduce.ts";
import { statusCommand } from "./status.ts";

/** Every command, in the order `--help` lists them. */
const _COMMANDS: readonly ((program: Command, ctx: CliContext) => void)[] = [
  reproduceCommand,
  reportCommand,
  statusCommand,
  listCommand,
  exportCommand,
  mergeCommand,
  boardCommand,
  compareCommand,
];

/**
 * The exit code of what a command threw, printing its message: commander's
 * usage errors and a user's bad input 2, a store error or an output file that
 * cannot be written 3; rethrows anything else (a bug).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { exitCodeOf } from "./main.ts";
 * const err: string[] = [];
 * equal(exitCodeOf(new RangeError("--seeds: bad"), (t) => err.push(t)), 2);
 * equal(err[0], "error: --seeds: bad\n");
 * ```
 */
export function exitCodeOf(e: unknown, stderr: (text: string) => void): number {
  if (e instanceof CommanderError) {
    // Help asked for (`--help`, `help`) exits 0; help shown because no command was given, 2.
    return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (e instanceof StoreError || e instanceof OutputError) {
    stderr(`error: ${e.message}\n`);
    return EXIT.STORE_ERROR;
  }
  if (
    e instanceof SpecError || e instanceof RangeError || e instanceof TypeError ||
    e instanceof UsageError || e instanceof Deno.errors.NotFound
  ) {
    stderr(`error: ${e.message}\n`);
    return EXIT.USAGE;
  }
  throw e;
}

/**
 * A text writer to `file` (stdout or stderr) that writes every byte, and
 * once the reader has gone (a closed pipe: `| head`, a killed pager) drops
 * this and every later write instead of throwing: output that nobody reads
 * must not stop a grid or change its exit code. Other errors are thrown.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pipeWriter } from "./main.ts";
 * let calls = 0;
 * const closed = { writeSync(): number { calls++; throw new Deno.errors.BrokenPipe("closed"); } };
 * const write = pipeWriter(closed);
 * write("a");
 * write("b");
 * equal(calls, 1);
 * ```
 */
export function pipeWriter(file: { writeSync(p: Uint8Array): number }): (text: string) => void {
  const enc = new TextEncoder();
  let broken = false;
  return (text) => {
    if (broken) return;
    let bytes = enc.encode(text);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
    } catch (e) {
      if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
      broken = true;
    }
  };
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit
 * code; never calls `Deno.exit` itself.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { main } from "./main.ts";
 * const out: string[] = [];
 * equal(await main(["--help"], { stdout: (t) => out.push(t) }), 0);
 * equal(await main(["no-such-command"], { stdout: () => {}, stderr: () => {} }), 2);
 * ```
 */
export async function main(args: readonly string[], deps: CliDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? pipeWriter(Deno.stdout);
  const stderr = deps.stderr ?? pipeWriter(Deno.stderr);
  let code: number = EXIT.OK;
  const ctx: CliContext = {
    stdout,
    stderr,
    dir: deps.dir ?? REPRODUCTIONS_DIR,
    deps,
    exit: (c) => {
      code = c;
    },
  };
  const program = new Command()
    .name("reproduce")
    .description(
      "Run the sparse-initialization reproductions into a resumable SQLite results store.",
    )
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr })
    .showHelpAfterError()
    .addHelpText("after", EXIT_CODES_HELP);
  for (const add of _COMMANDS) add(program, ctx);
  try {
    await program.parseAsync([...args], { from: "user" });
    return code;
  } catch (e) {
    return exitCodeOf(e, stderr);
  }
}

if (import.meta.main) {
  const controller = new AbortController();
  const interruptNote = pipeWriter(Deno.stderr);
  let interrupts = 0;
  Deno.addSignalListener("SIGINT", () => {
    interrupts++;
    if (interrupts > 1) Deno.exit(EXIT.INTERRUPTED);
    interruptNote(
      "\ninterrupt: abandoning the current cell (it runs again next time); Ctrl-C again to quit now\n",
    );
    controller.abort(new Error("interrupted"));
  });
  Deno.exit(await main(Deno.args, { signal: controller.signal }));
}
