/**
 * Host-side checks of what goes into and comes out of the sandbox.
 *
 * Requests are checked like `initializeLayer`'s arguments. Replies are
 * checked in full before anything is returned: the result is an object with
 * exactly `weights` (a Float32Array) and `mask` (a Uint8Array), both of the
 * kernel's length; the mask is 0/1 (and equals the given mask for a method
 * that takes one); the weights are finite and exactly zero off the mask; and,
 * when the method placed its own mask, its count of kept entries is within
 * one weight of `density · size` (the suite's rule `max(1, round(d·size))`
 * is within half a weight). Every violation names its check, the method, the
 * shape and the offending value.
 *
 * @module
 */

import {
  ACTIVATIONS,
  type InitializedLayer,
  type InitRequest,
  kernelSize,
  type LayerShape,
  shapeLabel,
  validateShape,
} from "../init/mod.ts";
import type { MethodDescription } from "./contract.ts";
import { show, violation } from "./errors.ts";

/** Seed and stream path of one call: streams are `stream(seed, ...path, purpose)`. */
export interface CallOptions {
  /** Seed of every stream (a safe integer). */
  readonly seed: number;
  /** Names identifying the layer (and cell) in the stream path; default none. */
  readonly path?: readonly string[];
}

/** A checked request, ready to send. */
export interface CheckedRequest {
  /** The kernel's number of entries. */
  readonly size: number;
  /** The mask passed to the method (only for methods that take one). */
  readonly given?: Uint8Array;
  /** The frame header fields of the request (plain JSON). */
  readonly fields: {
    readonly shape: LayerShape;
    readonly density: number;
    readonly activation: string;
    readonly gain?: number;
    readonly hasMask: boolean;
    readonly seed: number;
    readonly path: readonly string[];
    readonly size: number;
  };
}

/**
 * The prefix of every message about a call: the method's name and the shape.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { callLabel } from "./validate.ts";
 * equal(callLabel("mine", { kind: "dense", inFeatures: 4, outFeatures: 2 }), 'method "mine" dense 4x2');
 * ```
 */
export function callLabel(method: string, shape: LayerShape): string {
  return `method ${JSON.stringify(method)} ${shapeLabel(shape)}`;
}

/**
 * Checks a request for a described method, like `initializeLayer` does: the
 * shape, the kind, the density (0 allowed only with a given mask for a method
 * that takes one), the activation, the gain, the seed, the path, the mask, and
 * the size bound. A given mask is dropped for methods that do not take one.
 *
 * @throws {TypeError} `request` for a wrong type (shape, path, mask).
 * @throws {RangeError} `request`, `kind` or `size-bound`, naming the value.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { checkRequest } from "./validate.ts";
 * const method = { name: "m", description: "d", kinds: ["dense"], takesMask: false } as const;
 * const shape = { kind: "dense", inFeatures: 4, outFeatures: 4 } as const;
 * equal(checkRequest(method, { shape, density: 0.5, activation: "relu" }, { seed: 0 }, 100).size, 16);
 * throws(() => checkRequest(method, { shape, density: 0.5, activation: "relu" }, { seed: 0 }, 8), /size-bound/);
 * ```
 */
export function checkRequest(
  method: MethodDescription,
  request: InitRequest,
  call: CallOptions,
  maxEntries: number,
): CheckedRequest {
  const shape = request?.shape;
  const where = `sandbox ${JSON.stringify(method.name)}`;
  try {
    validateShape(shape, where);
  } catch (e) {
    throw violation(
      e instanceof RangeError ? RangeError : TypeError,
      "request",
      (e as Error).message,
    );
  }
  const label = callLabel(method.name, shape);
  if (!method.kinds.includes(shape.kind)) {
    throw violation(
      RangeError,
      "kind",
      `${label}: the method supports ${method.kinds.join(", ")} layers only`,
    );
  }
  const size = kernelSize(shape);
  if (size > maxEntries) {
    throw violation(
      RangeError,
      "size-bound",
      `${label}: ${size} entries exceed the sandbox's bound of ${maxEntries} per call`,
    );
  }
  const { density, activation, gain, mask } = request;
  const usesMask = mask !== undefined && method.takesMask;
  if (typeof density !== "number" || !(usesMask ? density >= 0 : density > 0) || density > 1) {
    throw violation(
      RangeError,
      "request",
      `${label}: density must be in (0, 1]; got ${show(density)}`,
    );
  }
  if (!ACTIVATIONS.includes(activation)) {
    throw violation(
      RangeError,
      "request",
      `${label}: unknown activation ${show(activation)}; valid: ${ACTIVATIONS.join(", ")}`,
    );
  }
  if (gain !== undefined && !(typeof gain === "number" && Number.isFinite(gain))) {
    throw violation(
      RangeError,
      "request",
      `${label}: gain must be a finite number; got ${show(gain)}`,
    );
  }
  const seed = call?.seed;
  if (!Number.isSafeInteger(seed)) {
    throw violation(
      RangeError,
      "request",
      `${label}: seed must be a safe integer; got ${show(seed)}`,
    );
  }
  const path = call.path ?? [];
  if (!Array.isArray(path) || !path.every((p) => typeof p === "string")) {
    throw violation(
      TypeError,
      "request",
      `${label}: path must be an array of strings; got ${show(path)}`,
    );
  }
  if (usesMask) {
    if (!(mask instanceof Uint8Array) || mask.length !== size) {
      throw violation(
        TypeError,
        "request",
        `${label}: mask must be a Uint8Array of length ${size}; got ${
          Object.prototype.toString.call(mask).slice(8, -1)
        } of length ${(mask as { length?: number })?.length}`,
      );
    }
    const bad = mask.findIndex((v) => v > 1);
    if (bad >= 0) {
      throw violation(
        RangeError,
        "request",
        `${label}: mask entries must be 0 or 1; got ${mask[bad]} at index ${bad}`,
      );
    }
  }
  return {
    size,
    ...(usesMask ? { given: mask } : {}),
    fields: {
      shape: { ...shape },
      density,
      activation,
      ...(gain === undefined ? {} : { gain }),
      hasMask: usesMask,
      seed,
      path: [...path],
      size,
    },
  };
}

/** Throws a `protocol` TypeError unless `value` is a plain object with exactly `keys` (optional ones may be missing). */
export function _exact(
  value: unknown,
  required: readonly string[],
  optional: readonly string[],
  what: string,
): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw violation(TypeError, "protocol", `${what} must be an object; got ${show(value)}`);
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw violation(
        TypeError,
        "protocol",
        `${what} has an unexpected field ${JSON.stringify(key)}`,
      );
    }
  }
  for (const key of required) {
    if (!(key in v)) {
      throw violation(TypeError, "protocol", `${what} lacks the field ${JSON.stringify(key)}`);
    }
  }
  return v;
}

/** Options of {@linkcode checkResult}. */
export interface ResultContext {
  /** The method's name, for messages. */
  readonly method: string;
  /** The requested shape. */
  readonly shape: LayerShape;
  /** The requested density. */
  readonly density: number;
  /** The mask the method had to use, if any. */
  readonly given?: Uint8Array;
  /** How far (in weights) the kept count may be from `density · size`; default 1. */
  readonly densityToleranceWeights?: number;
}

/**
 * Checks a `result` reply (the child's description of the returned value and
 * the body with the weights' and mask's bytes) and returns the layer.
 *
 * @throws {TypeError} `protocol` for a malformed description or body,
 *   `result-type`, `result-keys`, `weights-type` or `mask-type`.
 * @throws {RangeError} `weights-length`, `mask-length`, `mask-binary`,
 *   `weights-finite`, `zeros-off-mask`, `given-mask` or `density`.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { checkResult } from "./validate.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 1 } as const;
 * const value = {
 *   $type: "object", keys: ["weights", "mask"],
 *   weights: { type: "Float32Array", length: 2, bytes: 8 }, mask: { type: "Uint8Array", length: 2, bytes: 2 },
 * };
 * const body = new Uint8Array(10);
 * new Float32Array(body.buffer, 0, 2)[0] = 0.5;
 * body[8] = 1;
 * equal(checkResult(value, body, { method: "m", shape, density: 0.5 }).density, 0.5);
 * new Float32Array(body.buffer, 0, 2)[1] = NaN;
 * throws(() => checkResult(value, body, { method: "m", shape, density: 0.5 }), /weights-finite.*NaN at index 1/);
 * ```
 */
export function checkResult(
  value: unknown,
  body: Uint8Array,
  ctx: ResultContext,
): InitializedLayer {
  const { shape, given } = ctx;
  const size = kernelSize(shape);
  const label = callLabel(ctx.method, shape);
  const wanted = "initialize must return { weights: Float32Array, mask: Uint8Array }";
  const v = _exact(
    value,
    ["$type"],
    ["keys", "weights", "mask"],
    `${label}: the result description`,
  );
  if (v.$type !== "object") {
    throw violation(TypeError, "result-type", `${label}: ${wanted}; got ${show(v.$type)}`);
  }
  _exact(v, ["$type", "keys", "weights", "mask"], [], `${label}: the result description`);
  if (!Array.isArray(v.keys) || !v.keys.every((k) => typeof k === "string")) {
    throw violation(
      TypeError,
      "protocol",
      `${label}: result keys must be strings; got ${show(v.keys)}`,
    );
  }
  const extra = v.keys.filter((k) => k !== "weights" && k !== "mask");
  if (extra.length > 0) {
    throw violation(
      TypeError,
      "result-keys",
      `${label}: unexpected key ${
        JSON.stringify(extra[0])
      } in the result; ${wanted} and nothing else`,
    );
  }
  const arrays: { info: Record<string, unknown>; name: string; type: string; width: number }[] = [
    { info: {}, name: "weights", type: "Float32Array", width: 4 },
    { info: {}, name: "mask", type: "Uint8Array", width: 1 },
  ];
  for (const a of arrays) {
    a.info = _exact(
      v[a.name],
      ["type"],
      ["length", "bytes"],
      `${label}: the ${a.name} description`,
    );
    const got = a.info.type;
    if (got !== a.type) {
      throw violation(
        TypeError,
        a.name === "weights" ? "weights-type" : "mask-type",
        `${label}: ${a.name} must be a ${a.type}; got ${show(got)}`,
      );
    }
    if (a.info.length !== size) {
      throw violation(
        RangeError,
        a.name === "weights" ? "weights-length" : "mask-length",
        `${label}: ${a.name} has length ${show(a.info.length)}; the kernel has ${size} entries`,
      );
    }
    if (a.info.bytes !== a.width * size) {
      throw violation(
        TypeError,
        "protocol",
        `${label}: ${a.name} is said to have ${show(a.info.bytes)} bytes; expected ${
          a.width * size
        }`,
      );
    }
  }
  if (body.length !== 5 * size) {
    throw violation(
      TypeError,
      "protocol",
      `${label}: the result body has ${body.length} bytes; expected ${5 * size}`,
    );
  }
  const weights = new Float32Array(body.slice(0, 4 * size).buffer);
  const mask = body.slice(4 * size);
  let kept = 0;
  for (let i = 0; i < size; i++) {
    const m = mask[i], w = weights[i];
    if (m > 1) {
      throw violation(
        RangeError,
        "mask-binary",
        `${label}: mask value ${m} at index ${i}; must be 0 or 1`,
      );
    }
    if (!Number.isFinite(w)) {
      throw violation(RangeError, "weights-finite", `${label}: weight ${w} at index ${i}`);
    }
    if (m === 0 && w !== 0) {
      throw violation(
        RangeError,
        "zeros-off-mask",
        `${label}: weight ${w} at index ${i}, where the mask is 0`,
      );
    }
    if (given !== undefined && m !== given[i]) {
      throw violation(
        RangeError,
        "given-mask",
        `${label}: mask is ${m} at index ${i} where the given mask is ${given[i]}`,
      );
    }
    kept += m;
  }
  if (given === undefined) {
    const tolerance = ctx.densityToleranceWeights ?? 1;
    const target = ctx.density * size;
    if (Math.abs(kept - target) > tolerance) {
      throw violation(
        RangeError,
        "density",
        `${label}: kept ${kept} of ${size} entries (density ${
          kept / size
        }); requested density ${ctx.density} ` +
          `is ${target} entries, ± ${tolerance}`,
      );
    }
  }
  return { weights, mask, density: kept / size };
}
