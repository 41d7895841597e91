/**
 * Exit codes of the `reproduce` CLI (documented in `--help`).
 *
 * Precedence when several apply: STORE_ERROR > USAGE > MODULE_REJECTED >
 * CELLS_FAILED > CLAIM_DOES_NOT_HOLD > INCONCLUSIVE > OK.
 *
 * @module
 */

/**
 * The CLI's exit codes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { EXIT } from "./exit_codes.ts";
 * equal(EXIT.USAGE, 2);
 * ```
 */
export const EXIT = Object.freeze({
  /** Everything ran; every claim holds, is only described, or is incomplete (jobs not run). */
  OK: 0,
  /** At least one claim does not hold (a paper check's comparison decided against it). */
  CLAIM_DOES_NOT_HOLD: 1,
  /** Bad arguments, unknown reproduction/method/dataset, malformed reproduction file. */
  USAGE: 2,
  /** The results store could not be opened, read or written (locked, full disk, corrupt, not a store), or an output file could not be written. */
  STORE_ERROR: 3,
  /** Some cells are recorded as failed (see `status`; re-run with --retry-failed). */
  CELLS_FAILED: 4,
  /**
   * At least one claim is inconclusive (a paper check's 95% paired interval
   * contains 0, or too few seeds) and none does not hold.
   */
  INCONCLUSIVE: 5,
  /** `compare`: the user's module failed a sandbox check (load, determinism, a reply, a timeout, …). */
  MODULE_REJECTED: 6,
  /** Interrupted (SIGINT); finished cells are kept. */
  INTERRUPTED: 130,
});

/**
 * The `--help` text describing the exit codes.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { EXIT_CODES_HELP } from "./exit_codes.ts";
 * ok(EXIT_CODES_HELP.includes("3  store error"));
 * ```
 */
export const EXIT_CODES_HELP = `
Exit codes:
  0  ok: every claim holds, is only described (no paper check tests anything), or is incomplete
  1  at least one claim does not hold (a paper check decided against it)
  2  usage error (bad option, unknown name, malformed reproduction file)
  3  store error (locked beyond the busy timeout, unwritable, full disk, not a store),
     or an output file (--out) that cannot be written
  4  some cells failed (recorded; re-run with --retry-failed)
  5  at least one claim is inconclusive (a paired 95% interval contains 0, or too few seeds;
     the report gives the interval and the seeds a decision would need) and none does not hold
  6  compare: the initializer module was refused (a sandbox check failed; the message names it)
  130 interrupted (finished cells are kept; run again to resume)`;
