/**
 * The command line: `main(args)` dispatches to one file per command
 * (`reproduce`, `report`, `status`, `list`, `export`, `merge`, `board`, `compare`).
 *
 * @module
 */

export { exitCodeOf, main } from "./main.ts";
export { type CliDeps, DEFAULT_STORE, parseSeeds, UsageError } from "./context.ts";
export { EXIT, EXIT_CODES_HELP } from "./exit_codes.ts";
