/**
 * Errors of the compare sandbox. Every error it raises carries a `check`: a
 * short name of the rule that failed (`"weights-finite"`, `"timeout"`,
 * `"memory"`, …; listed in {@linkcode SandboxCheck}), so a caller can tell a
 * method's fault from its own. Wrong types are `TypeError`s, values out of
 * range `RangeError`s, failures of the process or of the user's code
 * {@linkcode SandboxError}s.
 *
 * Text that comes from the child (error messages, stderr) is untrusted; it
 * goes through {@linkcode sanitize} before it is shown.
 *
 * @module
 */

/**
 * The rules the sandbox enforces, by name.
 *
 * - request: `request` (a bad request from the caller), `size-bound`, `kind`
 * - module: `import` (a non-relative or outside import), `syntax`, `load`, `describe`
 * - reply: `protocol`, `result-type`, `result-keys`, `weights-type`, `mask-type`,
 *   `weights-length`, `mask-length`, `mask-binary`, `weights-finite`, `zeros-off-mask`,
 *   `given-mask`, `density`
 * - across calls: `deterministic`, `seed-sensitive`
 * - process: `threw` (the user's code threw), `timeout`, `memory`, `exited`, `closed`, `spawn`
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SandboxCheck } from "./errors.ts";
 * const check: SandboxCheck = "weights-finite";
 * equal(check, "weights-finite");
 * ```
 */
export type SandboxCheck =
  | "request"
  | "size-bound"
  | "kind"
  | "import"
  | "syntax"
  | "load"
  | "describe"
  | "protocol"
  | "result-type"
  | "result-keys"
  | "weights-type"
  | "mask-type"
  | "weights-length"
  | "mask-length"
  | "mask-binary"
  | "weights-finite"
  | "zeros-off-mask"
  | "given-mask"
  | "density"
  | "deterministic"
  | "seed-sensitive"
  | "threw"
  | "timeout"
  | "memory"
  | "exited"
  | "closed"
  | "spawn";

/**
 * A failure of the sandboxed process or of the code in it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SandboxError } from "./errors.ts";
 * const e = new SandboxError("timeout", "no reply within 10 ms");
 * equal(e.check, "timeout");
 * equal(e.message, "[timeout] no reply within 10 ms");
 * ```
 */
export class SandboxError extends Error {
  /** The rule that failed. */
  readonly check: SandboxCheck;
  /**
   * The message reads `[check] message`.
   *
   * @param check the rule that failed
   * @param message what happened
   */
  constructor(check: SandboxCheck, message: string) {
    super(`[${check}] ${message}`);
    this.name = "SandboxError";
    this.check = check;
  }
}

/**
 * A `TypeError` or `RangeError` whose message starts with `[check]` and
 * which carries `check`.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { violation } from "./errors.ts";
 * const e = violation(RangeError, "weights-finite", "weight NaN at index 3");
 * ok(e instanceof RangeError);
 * equal(e.check, "weights-finite");
 * ```
 */
export function violation(
  kind: typeof TypeError | typeof RangeError,
  check: SandboxCheck,
  message: string,
): (TypeError | RangeError) & { readonly check: SandboxCheck } {
  return Object.assign(new kind(`[${check}] ${message}`), { check });
}

/**
 * The check an error from the sandbox names, or `undefined` for any other value.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkOf, SandboxError } from "./errors.ts";
 * equal(checkOf(new SandboxError("memory", "over the cap")), "memory");
 * equal(checkOf(new Error("other")), undefined);
 * ```
 */
export function checkOf(error: unknown): SandboxCheck | undefined {
  if (error instanceof Error && "check" in error && typeof error.check === "string") {
    return error.check as SandboxCheck;
  }
  return undefined;
}

/**
 * A bounded one-line rendering of an untrusted plain value, for messages.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { show } from "./errors.ts";
 * equal(show({ a: 1 }), '{"a":1}');
 * equal(show("x".repeat(100)).length, 80);
 * ```
 */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Makes untrusted text safe to print: removes ANSI escape sequences and
 * control characters (keeping newlines and tabs), rewrites the given path
 * prefixes (e.g. the child's bundle directory back to the user's files) and
 * cuts it to `maxChars`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sanitize } from "./errors.ts";
 * const text = "\u001b[31merror\u001b[0m at file:///tmp/b/user/m.ts:3:1\u0007";
 * equal(sanitize(text, [["file:///tmp/b/user/", "file:///home/me/"]]), "error at file:///home/me/m.ts:3:1");
 * ```
 */
export function sanitize(
  text: string,
  rewrites: readonly (readonly [string, string])[] = [],
  maxChars = 4000,
): string {
  // deno-lint-ignore no-control-regex
  let out = String(text).replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/\u001b[@-_]/g, "");
  // deno-lint-ignore no-control-regex
  out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
  for (const [from, to] of rewrites) out = out.split(from).join(to);
  out = out.trim();
  return out.length > maxChars ? `${out.slice(0, maxChars - 3)}...` : out;
}
