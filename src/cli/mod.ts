/**
 * The command line: `main(args)` dispatches to one file per command.
 *
 * @module
 */

export { main, parseSeeds } from "./main.ts";
export { EXIT } from "./exit_codes.ts";
