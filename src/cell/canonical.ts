/**
 * Canonical JSON: one serialisation per value, so equal configs hash equally.
 *
 * @module
 */

/**
 * Serialises a JSON-like value with object keys sorted (by UTF-16 code units)
 * and `undefined` members omitted. Arrays keep their order.
 *
 * @throws {TypeError} naming `canonicalJson` and the path of a value JSON
 * cannot represent faithfully (a non-finite number, a function, a bigint…).
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { canonicalJson } from "./canonical.ts";
 * equal(canonicalJson({ b: 1, a: [2, { d: undefined, c: "x" }] }), '{"a":[2,{"c":"x"}],"b":1}');
 * ```
 */
export function canonicalJson(value: unknown): string {
  return _canon(value, "$");
}

function _canon(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: non-finite number ${value} at ${path}`);
      }
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => _canon(v, `${path}[${i}]`)).join(",")}]`;
      }
      if (ArrayBuffer.isView(value)) {
        throw new TypeError(`canonicalJson: typed array at ${path}; convert it to a plain array`);
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${
        keys.map((k) => `${JSON.stringify(k)}:${_canon(obj[k], `${path}.${k}`)}`).join(",")
      }}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot serialise ${typeof value} at ${path}`);
  }
}
