/**
 * The command line: `main(args)` dispatches to one file per command.
 *
 * @module
 */

export { main } from "./main.ts";
export { EXIT } from "./exit_codes.ts";
