/**
 * Defaults and validation of a {@linkcode CellConfig}: the EOI paper's recipe
 * (batch 128, SGD with Nesterov momentum 0.9, learning rate 0.01, weight decay
 * 1e-4, zero biases) on its MNIST MLP (784→100, five 100→100, 100→10).
 *
 * @module
 */

import { DATASET_NAMES, NORMALIZATIONS } from "../data/mod.ts";
import { ENGINE_NAMES } from "../engine/mod.ts";
import { ACTIVATIONS } from "../init/mod.ts";
import { ABLATIONS, allocations } from "../prune/mod.ts";
import type { CellConfig } from "./types.ts";

/**
 * The default cell: EOI at 10% uniform density on the EOI paper's MNIST MLP
 * (`depth` 6 hidden layers of width 100, i.e. 7 kernels), tanh, seed 0,
 * 100 epochs, batch 128, lr 0.01, Nesterov momentum 0.9, weight decay 1e-4,
 * zero biases, no ablation, the method's default weight variance, all
 * training examples. Frozen.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultCellConfig } from "./config.ts";
 * equal(defaultCellConfig.batchSize, 128);
 * equal(defaultCellConfig.learningRate, 0.01);
 * equal(Object.isFrozen(defaultCellConfig), true);
 * ```
 */
export const defaultCellConfig: CellConfig = Object.freeze({
  dataset: "mnist",
  architecture: "mlp",
  depth: 6,
  width: 100,
  activation: "tanh",
  method: "eoi",
  allocation: "uniform",
  density: 0.1,
  seed: 0,
  epochs: 100,
  batchSize: 128,
  learningRate: 0.01,
  momentum: 0.9,
  weightDecay: 1e-4,
  biasVariance: 0,
  ablation: "none",
});

const _OPTIONAL = [
  "steps",
  "weightVariance",
  "trainExamples",
  "evaluationExamples",
  "normalization",
  "engine",
] as const;
const _KEYS: ReadonlySet<string> = new Set([...Object.keys(defaultCellConfig), ..._OPTIONAL]);

/**
 * Fills the defaults of {@linkcode defaultCellConfig} into `partial` (keys set
 * to `undefined` keep the default) and validates the result (see
 * {@linkcode validateCellConfig}). Returns a new frozen object.
 *
 * @throws {TypeError} for an unknown field or a value of the wrong type.
 * @throws {RangeError} for a value out of range; messages name the field and value.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { cellConfig } from "./config.ts";
 * const c = cellConfig({ method: "sao", density: 0.125, steps: 300 });
 * equal(c.momentum, 0.9);
 * equal(c.steps, 300);
 * throws(() => cellConfig({ density: 0 }), /density .* got 0/);
 * ```
 */
export function cellConfig(partial: Partial<CellConfig> = {}): CellConfig {
  if (typeof partial !== "object" || partial === null || Array.isArray(partial)) {
    throw new TypeError(`cellConfig: expected an object; got ${_show(partial)}`);
  }
  const merged: Record<string, unknown> = { ...defaultCellConfig };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) merged[k] = v;
  }
  return validateCellConfig(merged);
}

/**
 * Checks a complete cell config field by field and returns a frozen copy
 * without `undefined` optional fields. Rules: `dataset`, `architecture`,
 * `activation`, `allocation`, `ablation` from their lists; `method` a
 * kebab-case name (whether it exists is checked when the cell initializes);
 * `depth`, `width`, `epochs`, `batchSize` positive integers; `steps` and
 * `trainExamples` positive integers if present; `density` in (0, 1];
 * `seed` a safe integer; `learningRate` finite > 0; `momentum` in [0, 1);
 * `weightDecay` and `biasVariance` finite ≥ 0; `weightVariance` finite > 0
 * if present; `engine` `"tfjs"` or `"simd"` if present; `normalization`
 * `"standardize"` or `"unit"` if present. Unknown fields are rejected (a typo must not pass silently).
 *
 * @throws {TypeError} `validateCellConfig: <field> …; got <value>` for a missing
 *   or unknown field or a value of the wrong type.
 * @throws {RangeError} `validateCellConfig: <field> …; got <value>` for a value out of range.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { defaultCellConfig, validateCellConfig } from "./config.ts";
 * validateCellConfig(defaultCellConfig);
 * throws(() => validateCellConfig({ ...defaultCellConfig, momentum: 1 }), RangeError);
 * throws(() => validateCellConfig({ ...defaultCellConfig, lr: 0.1 }), /unknown field "lr"/);
 * ```
 */
export function validateCellConfig(config: unknown): CellConfig {
  const where = "validateCellConfig";
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new TypeError(`${where}: expected an object; got ${_show(config)}`);
  }
  const c = config as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!_KEYS.has(k)) {
      throw new TypeError(
        `${where}: unknown field "${k}" (value ${_show(c[k])}); known fields: ${
          [..._KEYS].join(", ")
        }`,
      );
    }
  }
  _oneOf(c, "dataset", DATASET_NAMES);
  _oneOf(c, "architecture", ["mlp", "cnn"]);
  _oneOf(c, "activation", ACTIVATIONS);
  _oneOf(c, "allocation", allocations().map((a) => a.name));
  _oneOf(c, "ablation", ABLATIONS);
  if (c.engine !== undefined) _oneOf(c, "engine", ENGINE_NAMES);
  if (c.normalization !== undefined) _oneOf(c, "normalization", NORMALIZATIONS);
  const method = c.method;
  if (typeof method !== "string") {
    throw new TypeError(`${where}: method must be a string; got ${_show(method)}`);
  }
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(method)) {
    throw new RangeError(
      `${where}: method must be a kebab-case name such as "eoi" or "pruned-orthogonal"; got ${
        _show(method)
      }`,
    );
  }
  for (const k of ["depth", "width", "epochs", "batchSize"]) _positiveInteger(c, k, false);
  for (const k of ["steps", "trainExamples", "evaluationExamples"]) _positiveInteger(c, k, true);
  _number(c, "density", false, (v) => v > 0 && v <= 1, "in (0, 1]");
  _number(c, "seed", false, Number.isSafeInteger, "a safe integer");
  _number(c, "learningRate", false, (v) => Number.isFinite(v) && v > 0, "finite and > 0");
  _number(c, "momentum", false, (v) => v >= 0 && v < 1, "in [0, 1)");
  _number(c, "weightDecay", false, (v) => Number.isFinite(v) && v >= 0, "finite and ≥ 0");
  _number(c, "biasVariance", false, (v) => Number.isFinite(v) && v >= 0, "finite and ≥ 0");
  _number(c, "weightVariance", true, (v) => Number.isFinite(v) && v > 0, "finite and > 0");
  const out: Record<string, unknown> = {};
  for (const k of [..._KEYS]) if (c[k] !== undefined) out[k] = c[k];
  return Object.freeze(out) as unknown as CellConfig;
}

/**
 * Checks one field of a cell config by {@linkcode validateCellConfig}'s own
 * rule (the only copy of the rules): used where a value meant for cells is
 * read before any cell exists, e.g. a reproduction file's `fixed` and
 * `budget`. The error's message starts with `label` instead of
 * `validateCellConfig: <key>`.
 *
 * @throws {TypeError} for an unknown field or a value of the wrong type.
 * @throws {RangeError} for a value out of range.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkCellField } from "./config.ts";
 * checkCellField("learningRate", 0.1);
 * throws(() => checkCellField("learningRate", 0, "spec: lr"), /^RangeError: spec: lr must be finite and > 0; got 0$/);
 * ```
 */
export function checkCellField(
  key: string,
  value: unknown,
  label = `validateCellConfig: ${key}`,
): void {
  try {
    validateCellConfig({ ...defaultCellConfig, [key]: value });
  } catch (e) {
    const prefix = `validateCellConfig: ${key} `;
    const m = (e as Error).message;
    const message = m.startsWith(prefix) ? `${label} ${m.slice(prefix.length)}` : `${label}: ${m}`;
    throw e instanceof RangeError ? new RangeError(message) : new TypeError(message);
  }
}

function _show(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "undefined";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function _oneOf(c: Record<string, unknown>, key: string, allowed: readonly string[]): void {
  const v = c[key];
  if (typeof v !== "string") {
    throw new TypeError(`validateCellConfig: ${key} must be a string; got ${_show(v)}`);
  }
  if (!allowed.includes(v)) {
    throw new RangeError(
      `validateCellConfig: ${key} must be one of ${allowed.join(", ")}; got ${_show(v)}`,
    );
  }
}

function _number(
  c: Record<string, unknown>,
  key: string,
  optional: boolean,
  ok: (v: number) => boolean,
  rule: string,
): void {
  const v = c[key];
  if (v === undefined && optional) return;
  if (typeof v !== "number") {
    throw new TypeError(`validateCellConfig: ${key} must be a number; got ${_show(v)}`);
  }
  if (!ok(v)) throw new RangeError(`validateCellConfig: ${key} must be ${rule}; got ${_show(v)}`);
}

function _positiveInteger(c: Record<string, unknown>, key: string, optional: boolean): void {
  _number(c, key, optional, (v) => Number.isInteger(v) && v >= 1, "a positive integer");
}
