/**
 * `compare --submit`: the user's rows as a submission file (format
 * `sparse-init-submission`, version 1; see `docs/leaderboard.md`), which the
 * next `board` ranks next to the suite's methods, marked "submitted".
 *
 * The file is `<dir>/<name>.json`; it is checked with the board's own
 * `parseSubmission` before it is written, and written to a temporary file
 * first, then renamed, so a reader never sees half of it.
 *
 * @module
 */

import { join } from "node:path";
import {
  parseSubmission,
  SUBMISSION_FORMAT,
  SUBMISSION_VERSION,
  type SubmittedMethod,
} from "../board/mod.ts";
import type { StoredRow } from "../store/mod.ts";
import type { MethodDescription } from "./contract.ts";

/**
 * Checks a submission's `--url`: an `https://` link without spaces or quotes.
 *
 * @throws {RangeError} naming the value otherwise.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkSubmissionUrl } from "./submission.ts";
 * checkSubmissionUrl("https://example.org/paper");
 * throws(() => checkSubmissionUrl("ftp://x"), /--url: expected an https:\/\/ link/);
 * ```
 */
export function checkSubmissionUrl(url: string): void {
  if (!/^https:\/\/[^\s"'<>]+$/.test(url)) {
    throw new RangeError(
      `--url: expected an https:// link without spaces or quotes; got ${JSON.stringify(url)}`,
    );
  }
}

/**
 * The submission file's JSON object for a method and its rows.
 *
 * @throws {RangeError} for a `url` that is not a plain `https://` link.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { submissionOf } from "./submission.ts";
 * const s = submissionOf({ name: "mine", description: "d", kinds: ["dense"], takesMask: true }, []);
 * equal(s.format, "sparse-init-submission");
 * equal(s.method.paper, null);
 * ```
 */
export function submissionOf(
  method: MethodDescription,
  rows: readonly StoredRow[],
  url?: string,
): {
  format: string;
  version: number;
  method: SubmittedMethod;
  rows: readonly StoredRow[];
} {
  if (url !== undefined) checkSubmissionUrl(url);
  return {
    format: SUBMISSION_FORMAT,
    version: SUBMISSION_VERSION,
    method: {
      name: method.name,
      description: method.description,
      paper: method.paper ?? null,
      url: url ?? null,
    },
    rows,
  };
}

/**
 * Writes the submission of `method` into `dir` (created if needed) as
 * `<name>.json`, replacing an earlier one, and returns its path.
 *
 * @throws {RangeError} as {@linkcode submissionOf}.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readSubmissionSources } from "../board/mod.ts";
 * import { writeSubmission } from "./submission.ts";
 * const dir = await Deno.makeTempDir();
 * const path = await writeSubmission(dir, { name: "mine", description: "d", kinds: ["dense"], takesMask: true }, []);
 * equal(path, `${dir}/mine.json`);
 * equal((await readSubmissionSources(dir))[0].method?.name, "mine");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeSubmission(
  dir: string,
  method: MethodDescription,
  rows: readonly StoredRow[],
  url?: string,
): Promise<string> {
  const submission = submissionOf(method, rows, url);
  const text = JSON.stringify(submission, null, 2) + "\n";
  const path = join(dir, `${method.name}.json`);
  parseSubmission(JSON.parse(text), path); // what board will read
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
  return path;
}
