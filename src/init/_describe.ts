/**
 * How a wrong argument is shown in an error message: its value, and its type
 * where the value alone would mislead (`the string "0.5"`, `a Float32Array of
 * length 4`).
 *
 * @module
 */

/**
 * A value as an error message shows it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { describeValue } from "./_describe.ts";
 * equal(describeValue("0.5"), 'the string "0.5"');
 * equal(describeValue(new Float32Array(4)), "a Float32Array of length 4");
 * equal(describeValue(0.5), "0.5");
 * ```
 */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v instanceof DataView) return `a DataView of ${v.byteLength} bytes`;
  if (ArrayBuffer.isView(v)) {
    return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<unknown>).length}`;
  }
  if (Array.isArray(v)) return `an Array of length ${v.length}`;
  if (typeof v === "function") return "a function";
  try {
    const json = JSON.stringify(v);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(v);
  }
}
