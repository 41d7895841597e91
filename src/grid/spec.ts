/**
 * Reproduction specs: a claim, a grid and a verdict rule, as DATA (JSON files
 * in `reproductions/`). This module defines the format and validates it.
 *
 * ```jsonc
 * {
 *   "name": "mlp-mnist",                 // = file name without .json
 *   "title": "…",
 *   "claim": { "text": "one sentence", "source": "paper, figure/table" },
 *   "kind": "train",                     // or "measure" (initializers only)
 *   "axes": { "datasets": ["mnist"], "architectures": ["mlp"], "depths": [5], … },
 *   "blocks": [ { "methods": ["eoi"], "allocations": ["uniform", "erk"] }, … ],
 *   "fixed": { "learningRate": 0.01 },   // scalars shared by every cell
 *   "presets": { "quick": { "budget": { "steps": 300, "seeds": [0, 1] }, "changes": "…" },
 *                "standard": { "budget": { "epochs": 5, "seeds": [0, 1, 2, 3, 4, 5] },
 *                              "changes": "…", "expectedCost": "…" },
 *                "paper": { "budget": { "epochs": 100, "seeds": [0, 1, 2, 3, 4] } } },
 *   "verdict": { "checks": [ … see verdict.ts … ] }
 * }
 * ```
 *
 * Cells = the union over `blocks` (default one empty block) of the Cartesian
 * product of `axes` overridden by the block (a preset may override `axes`,
 * `blocks` and `fixed`; a block may carry its own `fixed`, which overrides
 * the preset's for its cells: a named arm such as EOI with gain √2). Checks
 * carry a `tag`: `paper` (the default; the reproduction's verdict is made of
 * these) or `extension` (a comparison the paper did not run, reported beside
 * the verdict). Train axes: datasets, architectures, depths, widths,
 * activations, methods, allocations, densities, ablations (default ["none"]).
 * Measure axes: measures, methods, shapes (`[in, out]` dense or
 * `[kh, kw, cin, cout]` conv), densities, activations.
 *
 * @module
 */

import { checkCellField, MEASURE_EXTRA_METHODS } from "../cell/mod.ts";
import { DATASET_NAMES } from "../data/mod.ts";
import { ACTIVATIONS } from "../init/mod.ts";
import { ABLATIONS, allocations, methodNames } from "../prune/mod.ts";

/**
 * A config filter: field → value or list of accepted values.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Filter } from "./spec.ts";
 * import { matchesFilter } from "./verdict.ts";
 * const filter: Filter = { method: ["eoi", "sao"], density: 0.1 };
 * equal(matchesFilter({ method: "sao", density: 0.1 }, filter), true);
 * ```
 */
export type Filter = Readonly<
  Record<string, string | number | boolean | readonly (string | number | boolean)[]>
>;

/**
 * Whether a check tests the paper's claim (`paper`, the default) or a
 * comparison the paper did not run (`extension`). Only `paper` checks make
 * a reproduction's verdict; extensions are reported beside it.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { CHECK_TAGS } from "./spec.ts";
 * deepEqual(CHECK_TAGS, ["paper", "extension"]);
 * ```
 */
export type CheckTag = "paper" | "extension";

/**
 * The accepted check tags, the default first.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CHECK_TAGS } from "./spec.ts";
 * equal(CHECK_TAGS[0], "paper");
 * ```
 */
export const CHECK_TAGS: readonly CheckTag[] = ["paper", "extension"];

/**
 * "X beats every competitor" (see verdict.ts). */
export interface BestCheck {
  /** Which check this is. */
  readonly kind: "best";
  /** Short description shown in the report table. */
  readonly label?: string;
  /** `paper` (default: part of the verdict) or `extension` (reported beside it). */
  readonly tag?: CheckTag;
  /** Dotted path into the result, e.g. `testAccuracy`, `atInit.logitsStd`. */
  readonly metric: string;
  /** Only rows whose config matches this filter. */
  readonly where?: Filter;
  /** The configs claimed to be best. */
  readonly best: Filter;
  /** The competitors (default: every other config in the group). */
  readonly among?: Filter;
  /** Config fields that define the groups compared separately. */
  readonly groupBy?: readonly string[];
  /**
   * `paired`: the 95% interval of the seed-paired differences decides (above
   * 0 holds, below fails, containing 0 inconclusive); `paired-t` a one-sided
   * paired t-test at `alpha`; `mean-greater` compares means (deterministic
   * measures).
   */
  readonly test: "paired" | "mean-greater" | "paired-t";
  /** True when a smaller metric is better (errors, times). */
  readonly lowerIsBetter?: boolean;
  /** Compare |metric − distanceTo| instead of the metric, lower being better (e.g. 1 for singular values). */
  readonly distanceTo?: number;
  /** paired-t significance level (one-sided); default 0.05. */
  readonly alpha?: number;
  /** Seeds needed per compared config; default 2. */
  readonly minSeeds?: number;
  /** Metric value to use for diverged rows (e.g. 0.1 = chance accuracy); default: diverged rows are excluded. */
  readonly divergedAs?: number;
}

/**
 * "The metric's aggregate is above/below a bound in every group". */
export interface ThresholdCheck {
  /** Which check this is. */
  readonly kind: "threshold";
  /** Short description shown in the report table. */
  readonly label?: string;
  /** `paper` (default: part of the verdict) or `extension` (reported beside it). */
  readonly tag?: CheckTag;
  /** Dotted path into the result, e.g. `testAccuracy`, `atInit.logitsStd`. */
  readonly metric: string;
  /** Only rows whose config matches this filter. */
  readonly where?: Filter;
  /** Config fields that define the groups compared separately. */
  readonly groupBy?: readonly string[];
  /** How seeds and configs of a group are reduced. */
  readonly aggregate: "mean" | "max" | "min";
  /** Lower bound the aggregate must exceed. */
  readonly above?: number;
  /** Upper bound the aggregate must stay under. */
  readonly below?: number;
  /** Seeds needed per compared config; default 2. */
  readonly minSeeds?: number;
  /** Metric value used for diverged rows (e.g. 0.1 = chance accuracy); default: excluded. */
  readonly divergedAs?: number;
}

/**
 * "Configs matching `a` and their counterparts matching `b` agree within a tolerance". */
export interface CloseCheck {
  /** Which check this is. */
  readonly kind: "close";
  /** Short description shown in the report table. */
  readonly label?: string;
  /** `paper` (default: part of the verdict) or `extension` (reported beside it). */
  readonly tag?: CheckTag;
  /** Dotted path into the result, e.g. `testAccuracy`, `atInit.logitsStd`. */
  readonly metric: string;
  /** Only rows whose config matches this filter. */
  readonly where?: Filter;
  /** Configs on one side of the comparison. */
  readonly a: Filter;
  /** Their counterparts (same config except the fields in `a`/`b`). */
  readonly b: Filter;
  /** Largest allowed difference of the means. */
  readonly tolerance: number;
  /** Seeds needed per compared config; default 2. */
  readonly minSeeds?: number;
  /** Metric value used for diverged rows (e.g. 0.1 = chance accuracy); default: excluded. */
  readonly divergedAs?: number;
}

/**
 * A table only (mean ± std per group); never affects the verdict. */
export interface DescribeCheck {
  /** Which check this is. */
  readonly kind: "describe";
  /** Short description shown in the report table. */
  readonly label?: string;
  /** `paper` (default: part of the verdict) or `extension` (reported beside it). */
  readonly tag?: CheckTag;
  /** Dotted path into the result, e.g. `testAccuracy`, `atInit.logitsStd`. */
  readonly metric: string;
  /** Only rows whose config matches this filter. */
  readonly where?: Filter;
  /** Config fields that define the groups compared separately. */
  readonly groupBy?: readonly string[];
  /** Seeds needed per compared config; default 2. */
  readonly minSeeds?: number;
  /** Metric value used for diverged rows (e.g. 0.1 = chance accuracy); default: excluded. */
  readonly divergedAs?: number;
}

/**
 * One verdict check.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Check } from "./spec.ts";
 * const checks: Check[] = [
 *   { kind: "threshold", metric: "orthogonalityError", aggregate: "max", below: 1e-5 },
 *   { kind: "describe", metric: "seconds" },
 * ];
 * equal(checks.filter((c) => c.kind !== "describe").length, 1); // checks that decide the verdict
 * ```
 */
export type Check = BestCheck | ThresholdCheck | CloseCheck | DescribeCheck;

/**
 * Grid axes (all optional; required ones are checked after merging). */
export interface Axes {
  /** Datasets. */
  readonly datasets?: readonly string[];
  /** Architectures (`mlp`, `cnn`). */
  readonly architectures?: readonly string[];
  /** Depths (hidden layers of an MLP, conv layers of a CNN). */
  readonly depths?: readonly number[];
  /** Widths (hidden units or channels). */
  readonly widths?: readonly number[];
  /** Activations (`linear`, `tanh`, `hard-tanh`, `relu`). */
  readonly activations?: readonly string[];
  /** Initialization methods (registry names or network-level methods). */
  readonly methods?: readonly string[];
  /** Density allocations or pruning scores. */
  readonly allocations?: readonly string[];
  /** Target densities in (0, 1]. */
  readonly densities?: readonly number[];
  /** Ablations (`none`, `shuffle-mask`, `resample-weights`). */
  readonly ablations?: readonly string[];
  /** What measure cells compute (exactness, timing, …). */
  readonly measures?: readonly string[];
  /** Kernel shapes as dimension lists (`[in, out]` or `[kh, kw, cin, cout]`). */
  readonly shapes?: readonly (readonly number[])[];
}

/**
 * Training/measure scalars shared by all cells. */
export interface Fixed {
  /** Mini-batch size. */
  readonly batchSize?: number;
  /** Base learning rate. */
  readonly learningRate?: number;
  /** Nesterov momentum. */
  readonly momentum?: number;
  /** L2 weight decay. */
  readonly weightDecay?: number;
  /** Weight variance σ_w² (gain²). */
  readonly weightVariance?: number;
  /** Bias variance σ_b². */
  readonly biasVariance?: number;
  /** Timing repetitions per measure cell. */
  readonly repeats?: number;
  /** Input normalisation (`standardize`, the default, or `unit`: x/255). */
  readonly normalization?: "standardize" | "unit";
}

/**
 * A block of a grid: axes overriding the spec's, and optionally scalars
 * overriding the preset's for this block's cells only.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Block } from "./spec.ts";
 * const arm: Block = { methods: ["eoi"], activations: ["relu"], fixed: { weightVariance: 2 } };
 * equal(arm.fixed?.weightVariance, 2);
 * ```
 */
export interface Block extends Axes {
  /** Scalars for this block's cells (over the spec's and the preset's). */
  readonly fixed?: Fixed;
}

/**
 * Budget of a preset. `steps` wins over `epochs`. */
export interface Budget {
  /** Seeds every cell runs with. */
  readonly seeds: readonly number[];
  /** Training epochs per cell. */
  readonly epochs?: number;
  /** Training steps per cell (overrides `epochs`). */
  readonly steps?: number;
  /** Cap on training examples per cell. */
  readonly trainExamples?: number;
  /** Cap on validation and test examples evaluated per cell (a fixed subset). */
  readonly evaluationExamples?: number;
}

/**
 * A preset: budget plus optional overrides. */
export interface Preset {
  /** What the preset runs, in a phrase. */
  readonly description?: string;
  /** What this preset changes from the paper's setting, and why. */
  readonly changes?: string;
  /** The expected wall time on the reference machine, in words (the CLI estimates it too). */
  readonly expectedCost?: string;
  /** Seeds and training length. */
  readonly budget: Budget;
  /** Axes overriding the spec's. */
  readonly axes?: Axes;
  /** Blocks replacing the spec's. */
  readonly blocks?: readonly Block[];
  /** Scalars overriding the spec's. */
  readonly fixed?: Fixed;
}

/**
 * Preset names. `quick` is the default; `standard` is the budget at which the
 * claims are decided by the methods (every committed reproduction has one);
 * `paper` is the papers' own budget.
 */
export type PresetName = "quick" | "standard" | "paper";

/**
 * The preset names, in increasing budget.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { PRESET_NAMES } from "./spec.ts";
 * deepEqual(PRESET_NAMES, ["quick", "standard", "paper"]);
 * ```
 */
export const PRESET_NAMES: readonly PresetName[] = ["quick", "standard", "paper"];

/**
 * The presets a spec has, in {@linkcode PRESET_NAMES} order.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { presetsOf, type ReproductionSpec } from "./spec.ts";
 * const spec = { presets: { quick: { budget: { seeds: [0] } }, paper: { budget: { seeds: [0] } } } };
 * deepEqual(presetsOf(spec as unknown as ReproductionSpec), ["quick", "paper"]);
 * ```
 */
export function presetsOf(spec: ReproductionSpec): PresetName[] {
  return PRESET_NAMES.filter((p) => (spec.presets as Record<string, unknown>)[p] !== undefined);
}

/**
 * A validated reproduction.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type ReproductionSpec, validateReproduction } from "./spec.ts";
 * const spec: ReproductionSpec = validateReproduction({
 *   name: "tiny", title: "t", kind: "measure", claim: { text: "c", source: "s" },
 *   axes: { measures: ["exactness"], methods: ["eoi"], shapes: [[8, 8]], densities: [0.5], activations: ["tanh"] },
 *   presets: { quick: { budget: { seeds: [0] } }, paper: { budget: { seeds: [0, 1] } } },
 *   verdict: { checks: [{ kind: "threshold", metric: "orthogonalityError", aggregate: "max", below: 1e-5 }] },
 * }, "tiny.json");
 * equal(spec.presets.quick.budget.seeds.length, 1);
 * equal(spec.verdict.checks[0].kind, "threshold");
 * ```
 */
export interface ReproductionSpec {
  /** Identifier, equal to the file name without `.json`. */
  readonly name: string;
  /** One-line title shown in reports. */
  readonly title: string;
  /** The claim under test and where it comes from (paper, figure or table). */
  readonly claim: { readonly text: string; readonly source: string };
  /** `train` (training cells) or `measure` (initializer-only cells). */
  readonly kind: "train" | "measure";
  /** Grid axes shared by every block. */
  readonly axes: Axes;
  /** Blocks overriding `axes`; the cells are the union over blocks (default one empty block). */
  readonly blocks?: readonly Block[];
  /** Scalars shared by every cell. */
  readonly fixed?: Fixed;
  /**
   * Budgets (and overrides) of the presets: `quick` and `paper` always,
   * `standard` in every committed reproduction (optional in the format, so
   * small test specs need not carry it; expanding a missing preset throws).
   */
  readonly presets: Readonly<Record<"quick" | "paper", Preset>> & { readonly standard?: Preset };
  /** The checks that decide whether the claim holds. */
  readonly verdict: { readonly checks: readonly Check[] };
  /** Free-form remarks. */
  readonly notes?: string;
}

/**
 * Names the validator accepts.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { validateReproduction, type Vocabulary } from "./spec.ts";
 * const vocab: Vocabulary = { methods: ["sao"], datasets: ["mnist"], allocations: ["uniform"] };
 * throws(() => validateReproduction({
 *   name: "tiny", title: "t", kind: "measure", claim: { text: "c", source: "s" },
 *   axes: { measures: ["exactness"], methods: ["eoi"], shapes: [[8, 8]], densities: [0.5], activations: ["tanh"] },
 *   presets: { quick: { budget: { seeds: [0] } }, paper: { budget: { seeds: [0, 1] } } },
 *   verdict: { checks: [{ kind: "describe", metric: "orthogonalityError" }] },
 * }, "tiny.json", vocab), /eoi/);
 * ```
 */
export interface Vocabulary {
  /** Accepted method names. */
  readonly methods: readonly string[];
  /** Accepted dataset names. */
  readonly datasets: readonly string[];
  /** Accepted allocation names. */
  readonly allocations: readonly string[];
}

/**
 * The names specs may use, read from the registries when called (so a method
 * registered since is accepted): every cell method (per-layer and
 * network-level), the datasets, every allocation.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { defaultVocabulary } from "./spec.ts";
 * const v = defaultVocabulary();
 * ok(v.methods.includes("eoi") && v.methods.includes("approx-isometry"));
 * ok(v.allocations.includes("synflow"));
 * ```
 */
export function defaultVocabulary(): Vocabulary {
  return {
    methods: methodNames(),
    datasets: DATASET_NAMES,
    allocations: allocations().map((a) => a.name),
  };
}

const _ARCHS = ["mlp", "cnn"];
const _ABLATIONS: readonly string[] = ABLATIONS;
const _MEASURES = ["exactness", "timing"];
const _METRIC_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * A reproduction file that does not follow the format.
 *
 * @example
 * ```ts
 * import { ok, throws } from "node:assert/strict";
 * import { SpecError, validateReproduction } from "./spec.ts";
 * throws(() => validateReproduction({ name: "x" }, "x.json"), SpecError);
 * ok(new SpecError("bad") instanceof TypeError);
 * ```
 */
export class SpecError extends TypeError {
  /**
   * Creates a spec error; the message names the file and the offending field.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SpecError } from "./spec.ts";
   * equal(new SpecError("x").name, "SpecError");
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "SpecError";
  }
}

class _V {
  constructor(readonly where: string, readonly vocab: Vocabulary) {}
  fail(path: string, msg: string, value: unknown): never {
    let shown: string;
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = String(value);
    }
    if (shown.length > 120) shown = shown.slice(0, 117) + "...";
    throw new SpecError(`${this.where}: field "${path}" ${msg}; got ${shown}`);
  }
  obj(v: unknown, path: string): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      this.fail(path, "must be an object", v);
    }
    return v as Record<string, unknown>;
  }
  keys(o: Record<string, unknown>, path: string, allowed: readonly string[]) {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        this.fail(
          `${path}${path ? "." : ""}${k}`,
          `is not a known field (known: ${allowed.join(", ")})`,
          o[k],
        );
      }
    }
  }
  str(v: unknown, path: string): string {
    if (typeof v !== "string" || v.trim() === "") this.fail(path, "must be a non-empty string", v);
    return v as string;
  }
  num(v: unknown, path: string, lo: number, hi: number, integer = false): number {
    if (
      typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi ||
      (integer && !Number.isInteger(v))
    ) {
      this.fail(path, `must be ${integer ? "an integer" : "a number"} in [${lo}, ${hi}]`, v);
    }
    return v as number;
  }
  list<T>(v: unknown, path: string, item: (x: unknown, p: string) => T): T[] {
    if (!Array.isArray(v) || v.length === 0) this.fail(path, "must be a non-empty array", v);
    const arr = v as unknown[];
    const seen = new Set<string>();
    return arr.map((x, i) => {
      const key = JSON.stringify(x);
      if (seen.has(key)) this.fail(`${path}[${i}]`, "is a duplicate", x);
      seen.add(key);
      return item(x, `${path}[${i}]`);
    });
  }
  /** A value that becomes the cell config field `key`: the cells' own rule (`checkCellField`). */
  cell(x: unknown, path: string, key: string): void {
    try {
      checkCellField(key, x, `${this.where}: field "${path}"`);
    } catch (e) {
      throw new SpecError((e as Error).message);
    }
  }
  oneOf(v: unknown, path: string, names: readonly string[]): string {
    if (typeof v !== "string" || !names.includes(v)) {
      this.fail(path, `must be one of: ${names.join(", ")}`, v);
    }
    return v as string;
  }
}

const _AXIS_KEYS = [
  "datasets",
  "architectures",
  "depths",
  "widths",
  "activations",
  "methods",
  "allocations",
  "densities",
  "ablations",
  "measures",
  "shapes",
];
/** The `fixed` keys that are cell config fields (checked by the cells' rules). */
const _CELL_FIXED_KEYS = [
  "batchSize",
  "learningRate",
  "momentum",
  "weightDecay",
  "weightVariance",
  "biasVariance",
];
const _FIXED_KEYS = [..._CELL_FIXED_KEYS, "repeats", "normalization"];

function _axes(
  v: _V,
  raw: unknown,
  path: string,
  kind: "train" | "measure",
  block = false,
): Axes {
  const o = v.obj(raw, path);
  v.keys(o, path, block ? [..._AXIS_KEYS, "fixed"] : _AXIS_KEYS);
  if (block && o.fixed !== undefined) _fixed(v, o.fixed, `${path}.fixed`);
  const trainOnly = ["datasets", "architectures", "depths", "widths", "allocations", "ablations"];
  const measureOnly = ["measures", "shapes"];
  for (const k of Object.keys(o)) {
    if (k === "fixed") continue;
    if (kind === "measure" && trainOnly.includes(k)) {
      v.fail(`${path}.${k}`, "is not an axis of measure reproductions", o[k]);
    }
    if (kind === "train" && measureOnly.includes(k)) {
      v.fail(`${path}.${k}`, "is not an axis of train reproductions", o[k]);
    }
  }
  const methodNames = kind === "measure"
    ? [...v.vocab.methods, ...MEASURE_EXTRA_METHODS]
    : v.vocab.methods;
  const out: Record<string, unknown> = {};
  const p = (k: string) => `${path}.${k}`;
  if (o.datasets !== undefined) {
    out.datasets = v.list(o.datasets, p("datasets"), (x, q) => v.oneOf(x, q, v.vocab.datasets));
  }
  if (o.architectures !== undefined) {
    out.architectures = v.list(
      o.architectures,
      p("architectures"),
      (x, q) => v.oneOf(x, q, _ARCHS),
    );
  }
  if (o.depths !== undefined) {
    out.depths = v.list(o.depths, p("depths"), (x, q) => v.num(x, q, 1, 100000, true));
  }
  if (o.widths !== undefined) {
    out.widths = v.list(o.widths, p("widths"), (x, q) => v.num(x, q, 1, 100000, true));
  }
  if (o.activations !== undefined) {
    out.activations = v.list(o.activations, p("activations"), (x, q) => v.oneOf(x, q, ACTIVATIONS));
  }
  if (o.methods !== undefined) {
    out.methods = v.list(o.methods, p("methods"), (x, q) => v.oneOf(x, q, methodNames));
  }
  if (o.allocations !== undefined) {
    out.allocations = v.list(
      o.allocations,
      p("allocations"),
      (x, q) => v.oneOf(x, q, v.vocab.allocations),
    );
  }
  if (o.densities !== undefined) {
    out.densities = v.list(o.densities, p("densities"), (x, q) => {
      const d = v.num(x, q, 0, 1);
      if (d === 0) v.fail(q, "must be in (0, 1]", x);
      return d;
    });
  }
  if (o.ablations !== undefined) {
    out.ablations = v.list(o.ablations, p("ablations"), (x, q) => v.oneOf(x, q, _ABLATIONS));
  }
  if (o.measures !== undefined) {
    out.measures = v.list(o.measures, p("measures"), (x, q) => v.oneOf(x, q, _MEASURES));
  }
  if (o.shapes !== undefined) {
    out.shapes = v.list(o.shapes, p("shapes"), (x, q) => {
      if (!Array.isArray(x) || (x.length !== 2 && x.length !== 4)) {
        v.fail(q, "must be [in, out] (dense) or [kh, kw, cin, cout] (conv)", x);
      }
      return (x as unknown[]).map((d, i) => v.num(d, `${q}[${i}]`, 1, 1 << 20, true));
    });
  }
  return out as Axes;
}

function _fixed(v: _V, raw: unknown, path: string): Fixed {
  const o = v.obj(raw, path);
  v.keys(o, path, _FIXED_KEYS);
  const p = (k: string) => `${path}.${k}`;
  for (const k of _CELL_FIXED_KEYS) if (o[k] !== undefined) v.cell(o[k], p(k), k);
  if (o.repeats !== undefined) v.num(o.repeats, p("repeats"), 1, 1000, true);
  if (o.normalization !== undefined) {
    v.oneOf(o.normalization, p("normalization"), ["standardize", "unit"]);
  }
  return o as Fixed;
}

function _filter(v: _V, raw: unknown, path: string): Filter {
  const o = v.obj(raw, path);
  for (const [k, x] of Object.entries(o)) {
    const ok = (y: unknown) => ["string", "number", "boolean"].includes(typeof y);
    if (Array.isArray(x) ? x.length === 0 || !x.every(ok) : !ok(x)) {
      v.fail(`${path}.${k}`, "must be a string, number, boolean or a non-empty array of them", x);
    }
  }
  return o as Filter;
}

function _check(v: _V, raw: unknown, path: string): Check {
  const o = v.obj(raw, path);
  const kind = v.oneOf(o.kind, `${path}.kind`, ["best", "threshold", "close", "describe"]);
  const common = ["kind", "metric", "where", "minSeeds", "divergedAs", "label", "tag"];
  if (o.tag !== undefined) v.oneOf(o.tag, `${path}.tag`, CHECK_TAGS);
  const metric = v.str(o.metric, `${path}.metric`);
  if (!_METRIC_RE.test(metric)) {
    v.fail(`${path}.metric`, "must be a dotted path like atInit.logitsStd", metric);
  }
  if (o.where !== undefined) _filter(v, o.where, `${path}.where`);
  if (o.minSeeds !== undefined) v.num(o.minSeeds, `${path}.minSeeds`, 1, 1000, true);
  if (o.divergedAs !== undefined) v.num(o.divergedAs, `${path}.divergedAs`, -1e300, 1e300);
  if (kind === "best") {
    v.keys(o, path, [
      ...common,
      "best",
      "among",
      "groupBy",
      "test",
      "lowerIsBetter",
      "alpha",
      "distanceTo",
    ]);
    if (o.distanceTo !== undefined) v.num(o.distanceTo, `${path}.distanceTo`, -1e300, 1e300);
    _filter(v, o.best, `${path}.best`);
    if (o.among !== undefined) _filter(v, o.among, `${path}.among`);
    if (o.groupBy !== undefined) v.list(o.groupBy, `${path}.groupBy`, (x, q) => v.str(x, q));
    v.oneOf(o.test, `${path}.test`, ["paired", "mean-greater", "paired-t"]);
    if (o.lowerIsBetter !== undefined && typeof o.lowerIsBetter !== "boolean") {
      v.fail(`${path}.lowerIsBetter`, "must be a boolean", o.lowerIsBetter);
    }
    if (o.alpha !== undefined) v.num(o.alpha, `${path}.alpha`, 1e-12, 0.5);
  } else if (kind === "threshold") {
    v.keys(o, path, [...common, "groupBy", "aggregate", "above", "below"]);
    if (o.groupBy !== undefined) v.list(o.groupBy, `${path}.groupBy`, (x, q) => v.str(x, q));
    v.oneOf(o.aggregate, `${path}.aggregate`, ["mean", "max", "min"]);
    if (o.above === undefined && o.below === undefined) v.fail(path, "needs `above` or `below`", o);
    if (o.above !== undefined) v.num(o.above, `${path}.above`, -1e300, 1e300);
    if (o.below !== undefined) v.num(o.below, `${path}.below`, -1e300, 1e300);
  } else if (kind === "describe") {
    v.keys(o, path, [...common, "groupBy"]);
    if (o.groupBy !== undefined) v.list(o.groupBy, `${path}.groupBy`, (x, q) => v.str(x, q));
  } else {
    v.keys(o, path, [...common, "a", "b", "tolerance"]);
    _filter(v, o.a, `${path}.a`);
    _filter(v, o.b, `${path}.b`);
    v.num(o.tolerance, `${path}.tolerance`, 0, 1e300);
  }
  return o as unknown as Check;
}

function _budget(v: _V, raw: unknown, path: string): Budget {
  const o = v.obj(raw, path);
  v.keys(o, path, ["seeds", "epochs", "steps", "trainExamples", "evaluationExamples"]);
  v.list(o.seeds, `${path}.seeds`, (x, q) => v.num(x, q, 0, Number.MAX_SAFE_INTEGER, true));
  for (const k of ["epochs", "steps", "trainExamples", "evaluationExamples"]) {
    if (o[k] !== undefined) v.cell(o[k], `${path}.${k}`, k);
  }
  return o as unknown as Budget;
}

/**
 * Validates a parsed reproduction file.
 *
 * @param where names the file in messages (e.g. its path).
 * @throws {SpecError} (a TypeError) naming `where`, the field path and the
 * offending value; unknown names list the valid ones.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { validateReproduction } from "./spec.ts";
 * throws(() => validateReproduction({ name: "x" }, "x.json"), /field "title"/);
 * ```
 */
export function validateReproduction(
  raw: unknown,
  where: string,
  vocab: Vocabulary = defaultVocabulary(),
): ReproductionSpec {
  const v = new _V(where, vocab);
  const o = v.obj(raw, "");
  v.keys(o, "", [
    "$schema",
    "name",
    "title",
    "claim",
    "kind",
    "axes",
    "blocks",
    "fixed",
    "presets",
    "verdict",
    "notes",
  ]);
  const name = v.str(o.name, "name");
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) v.fail("name", "must be kebab-case (a-z, 0-9, -)", name);
  v.str(o.title, "title");
  const claim = v.obj(o.claim, "claim");
  v.keys(claim, "claim", ["text", "source"]);
  v.str(claim.text, "claim.text");
  v.str(claim.source, "claim.source");
  const kind = v.oneOf(o.kind, "kind", ["train", "measure"]) as "train" | "measure";
  _axes(v, o.axes, "axes", kind);
  if (o.blocks !== undefined) v.list(o.blocks, "blocks", (x, q) => _axes(v, x, q, kind, true));
  if (o.fixed !== undefined) _fixed(v, o.fixed, "fixed");
  if (o.notes !== undefined) v.str(o.notes, "notes");
  const presets = v.obj(o.presets, "presets");
  v.keys(presets, "presets", PRESET_NAMES);
  for (const pn of PRESET_NAMES) {
    if (pn === "standard" && presets[pn] === undefined) continue;
    const pp = v.obj(presets[pn], `presets.${pn}`);
    v.keys(pp, `presets.${pn}`, [
      "description",
      "changes",
      "expectedCost",
      "budget",
      "axes",
      "blocks",
      "fixed",
    ]);
    for (const k of ["description", "changes", "expectedCost"]) {
      if (pp[k] !== undefined) v.str(pp[k], `presets.${pn}.${k}`);
    }
    _budget(v, pp.budget, `presets.${pn}.budget`);
    if (pp.axes !== undefined) _axes(v, pp.axes, `presets.${pn}.axes`, kind);
    if (pp.blocks !== undefined) {
      v.list(pp.blocks, `presets.${pn}.blocks`, (x, q) => _axes(v, x, q, kind, true));
    }
    if (pp.fixed !== undefined) _fixed(v, pp.fixed, `presets.${pn}.fixed`);
  }
  const verdict = v.obj(o.verdict, "verdict");
  v.keys(verdict, "verdict", ["checks"]);
  v.list(verdict.checks, "verdict.checks", (x, q) => _check(v, x, q));
  return o as unknown as ReproductionSpec;
}

/**
 * Reads and validates `reproductions/<name>.json`-style files; the `name`
 * field must match the file name.
 *
 * @throws {SpecError} on malformed JSON or an invalid spec (see
 * {@linkcode validateReproduction}); `Deno.errors.NotFound` if missing.
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { loadReproductionFile } from "./spec.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/bad.json`, "{ not json");
 * await rejects(() => loadReproductionFile(`${dir}/bad.json`), /not valid JSON/);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function loadReproductionFile(
  path: string,
  vocab: Vocabulary = defaultVocabulary(),
): Promise<ReproductionSpec> {
  const text = await Deno.readTextFile(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SpecError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const spec = validateReproduction(raw, path, vocab);
  const base = path.split(/[\\/]/).pop()!.replace(/\.json$/, "");
  if (spec.name !== base) {
    throw new SpecError(
      `${path}: field "name" must equal the file name "${base}"; got "${spec.name}"`,
    );
  }
  return spec;
}
