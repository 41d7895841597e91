/**
 * Variance-scaling initializers: one general builder,
 * {@linkcode varianceScaling}, and the named methods built from it as
 * one-line calls: Kaiming (He et al. 2015), Glorot (Glorot & Bengio 2010),
 * the sparse-aware per-unit fan-in scaling of Evci et al. (AAAI 2022) and the
 * layer-scaled variant it is compared with.
 *
 * Conventions (Evci et al., AAAI 2022, Sec. 3):
 *
 * - The variance numerator ("scale") is 2 for ReLU and 1 for tanh, hard-tanh
 *   and linear ({@linkcode activationScale}), unless the builder fixes
 *   `scale` (Glorot fixes 1). A request's `gain`, when given, replaces the
 *   numerator by `gain²`: `gain` is the weights' scale multiplier whose
 *   default, for these methods, is the activation's gain √scale (see
 *   `InitRequest.gain`), i.e. the mean-field `σ_w²` of `N(0, σ_w²/fan)`.
 * - Fans are those of the dense kernel (`shape.ts`'s `fans`) or, with
 *   `perUnit`, counted from the mask: per output unit its kept incoming
 *   weights (a conv unit counts all kept taps over `kh·kw·cin`), per input
 *   unit its kept outgoing weights (conv: over `kh·kw·cout`). Each is used as
 *   `max(1, fan)`. `fan-avg` uses `(fan_in + fan_out)/2` of the weight's own
 *   output and input unit.
 * - `uniform` draws from `U(−√(3·var), √(3·var))`, which has variance `var`.
 * - Values come from `streams("weights")`: one standard variate per kernel
 *   entry in layout order, masked or not, then multiplied by the entry's
 *   standard deviation. So the same seed gives the same underlying draws for
 *   every variance-scaling method and every mask: a pruned Kaiming kernel is
 *   exactly the dense Kaiming kernel times its mask, and fan-in scaling only
 *   rescales kept entries.
 *
 * @module
 */

import { requestMask } from "./random_mask.ts";
import { fans, kernelSize, shapeLabel } from "./shape.ts";
import type { Activation, Initializer, InitRequest, MethodEntry, StreamFor } from "./types.ts";

/**
 * Which fan divides the variance. */
export type FanMode = "fan-in" | "fan-out" | "fan-avg";

/**
 * The distribution of the weights (both have the target variance). */
export type Distribution = "normal" | "uniform";

/**
 * Options of {@linkcode varianceScaling}.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { varianceScaling, type VarianceScalingOptions } from "./variance_scaling.ts";
 * const options: VarianceScalingOptions = { mode: "fan-in", distribution: "uniform", scale: 3 };
 * const { weights } = varianceScaling(options)(
 *   { shape: { kind: "dense", inFeatures: 4, outFeatures: 4 }, density: 1, activation: "linear" },
 *   (p) => stream(0, "doc", p),
 * );
 * ok(weights.every((w) => Math.abs(w) <= 1.5)); // limit √(3·3/4)
 * ```
 */
export interface VarianceScalingOptions {
  /** Which fan divides the variance; default `"fan-in"`. */
  readonly mode?: FanMode;
  /** `"normal"` (default) or `"uniform"` with limit `√(3·var)`. */
  readonly distribution?: Distribution;
  /** Variance numerator; default {@linkcode activationScale} of the request's activation. */
  readonly scale?: number;
  /** Count fans per unit from the mask (Evci et al.); default false (dense fans). */
  readonly perUnit?: boolean;
  /** Divide the variance by the layer's achieved density; default false. */
  readonly layerScaled?: boolean;
  /** A dense method: the request's density must be 1 and any mask is ignored; default false. */
  readonly dense?: boolean;
}

const FAN_MODES: readonly FanMode[] = ["fan-in", "fan-out", "fan-avg"];
const DISTRIBUTIONS: readonly Distribution[] = ["normal", "uniform"];

/**
 * The default variance numerator for an activation: 2 for ReLU (He et al.),
 * 1 for tanh, hard-tanh and linear (this suite's convention, as in Evci et al.; not the 5/3
 * tanh gain of PyTorch).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { activationScale } from "./variance_scaling.ts";
 * equal(activationScale("relu"), 2);
 * equal(activationScale("tanh"), 1);
 * ```
 */
export function activationScale(activation: Activation): number {
  return activation === "relu" ? 2 : 1;
}

/**
 * Validates raw options (e.g. `initializeLayer`'s `methodOptions`) against
 * the keys a method accepts and returns them typed. Unknown keys are errors,
 * so a typo never silently falls back to a default.
 *
 * @throws {RangeError} naming `where` for an unknown key, an unknown mode or
 *   distribution, a scale that is not a positive finite number, or a
 *   non-boolean flag.
 * @example
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseVarianceScalingOptions } from "./variance_scaling.ts";
 * deepEqual(
 *   parseVarianceScalingOptions("kaiming", { distribution: "uniform" }, ["distribution"]),
 *   { distribution: "uniform" },
 * );
 * throws(() => parseVarianceScalingOptions("kaiming", { distributon: "uniform" }, ["distribution"]), RangeError);
 * ```
 */
export function parseVarianceScalingOptions(
  where: string,
  raw: Readonly<Record<string, unknown>> | undefined,
  allowed: readonly (keyof VarianceScalingOptions)[],
): VarianceScalingOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (!(allowed as readonly string[]).includes(key)) {
      throw new RangeError(
        `${where}: unknown option "${key}"; valid options: ${allowed.join(", ") || "(none)"}`,
      );
    }
    if (value === undefined) continue;
    if (key === "mode" && !(FAN_MODES as readonly unknown[]).includes(value)) {
      throw new RangeError(
        `${where}: mode must be one of ${FAN_MODES.join(", ")}; got ${JSON.stringify(value)}`,
      );
    }
    if (key === "distribution" && !(DISTRIBUTIONS as readonly unknown[]).includes(value)) {
      throw new RangeError(
        `${where}: distribution must be one of ${DISTRIBUTIONS.join(", ")}; got ${
          JSON.stringify(value)
        }`,
      );
    }
    if (
      key === "scale" && !(typeof value === "number" && Number.isFinite(value) && value > 0)
    ) {
      throw new RangeError(
        `${where}: scale must be a positive finite number; got ${String(value)}`,
      );
    }
    if (
      (key === "perUnit" || key === "layerScaled" || key === "dense") &&
      typeof value !== "boolean"
    ) {
      throw new RangeError(`${where}: ${key} must be a boolean; got ${String(value)}`);
    }
    out[key] = value;
  }
  return out as VarianceScalingOptions;
}

/**
 * The general variance-scaling builder. Returns an initializer that, for a
 * request, takes the request's mask (or draws an exact-count random mask from
 * `streams("mask")`, see `requestMask`), then draws every entry from
 * `N(0, var)` or `U(−√(3·var), √(3·var))` with `var = scale / fan` (see the
 * module doc for fans, `perUnit` and the gain), divided by the achieved
 * density if `layerScaled`, and zeroes the masked entries.
 *
 * @throws {RangeError} at build time for invalid options (see
 *   {@linkcode parseVarianceScalingOptions}); when called, if a `dense`
 *   initializer gets a density other than 1, if the gain is not a positive
 *   finite number, or if the request's mask or density is invalid.
 * @example Per-unit fan-in scaling keeps Σ w² / fan_in of each unit near the scale
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { varianceScaling } from "./variance_scaling.ts";
 * const init = varianceScaling({ mode: "fan-in", perUnit: true, scale: 2 });
 * const shape = { kind: "dense", inFeatures: 400, outFeatures: 2 } as const;
 * const { weights, mask } = init(
 *   { shape, density: 0.5, activation: "relu" },
 *   (purpose) => stream(7, "doc", purpose),
 * );
 * equal(mask.reduce((a, b) => a + b, 0), 400);
 * equal(weights.every((w, i) => mask[i] === 1 || w === 0), true);
 * ```
 */
export function varianceScaling(options: VarianceScalingOptions = {}): Initializer {
  const opts = parseVarianceScalingOptions(
    "varianceScaling",
    options as Record<string, unknown>,
    ["mode", "distribution", "scale", "perUnit", "layerScaled", "dense"],
  );
  const mode = opts.mode ?? "fan-in";
  const distribution = opts.distribution ?? "normal";
  const perUnit = opts.perUnit ?? false;
  const layerScaled = opts.layerScaled ?? false;
  const dense = opts.dense ?? false;
  return (request: InitRequest, streams: StreamFor) => {
    const { shape } = request;
    const size = kernelSize(shape);
    let mask: Uint8Array;
    if (dense) {
      if (request.density !== 1) {
        throw new RangeError(
          `varianceScaling: a dense method needs density 1 for ${
            shapeLabel(shape)
          }; got ${request.density}`,
        );
      }
      mask = new Uint8Array(size).fill(1);
    } else {
      mask = requestMask(request, streams, "varianceScaling");
    }
    const gain = request.gain;
    if (gain !== undefined && !(Number.isFinite(gain) && gain > 0)) {
      throw new RangeError(
        `varianceScaling: gain must be a positive finite number for ${
          shapeLabel(shape)
        }; got ${gain}`,
      );
    }
    const numerator = gain !== undefined
      ? gain * gain
      : opts.scale ?? activationScale(request.activation);
    const out = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
    const inUnits = shape.kind === "dense" ? shape.inFeatures : shape.inChannels;
    // Entry e sits at row p = floor(e / out) (p over kh·kw·cin), column o = e mod out;
    // its input unit is p mod inUnits (dense: p itself; conv: the channel of the tap).
    let fanIn: Float64Array, fanOut: Float64Array;
    if (perUnit) {
      fanIn = new Float64Array(out);
      fanOut = new Float64Array(inUnits);
      for (let e = 0; e < size; e++) {
        if (mask[e] === 1) {
          const p = Math.floor(e / out);
          fanIn[e - p * out] += 1;
          fanOut[p % inUnits] += 1;
        }
      }
    } else {
      const f = fans(shape);
      fanIn = new Float64Array(out).fill(f.fanIn);
      fanOut = new Float64Array(inUnits).fill(f.fanOut);
    }
    let kept = 0;
    for (let e = 0; e < size; e++) kept += mask[e];
    const densityFactor = layerScaled && kept > 0 ? size / kept : 1;
    const rng = streams("weights");
    const weights = new Float32Array(size);
    for (let e = 0; e < size; e++) {
      const z = distribution === "normal" ? rng.normal() : 2 * rng.uniform() - 1;
      if (mask[e] === 0) continue;
      const p = Math.floor(e / out);
      const fi = fanIn[e - p * out], fo = fanOut[p % inUnits];
      const fan = mode === "fan-in" ? fi : mode === "fan-out" ? fo : (fi + fo) / 2;
      const variance = numerator * densityFactor / Math.max(1, fan);
      const sd = distribution === "normal" ? Math.sqrt(variance) : Math.sqrt(3 * variance);
      weights[e] = z * sd;
    }
    return { weights, mask };
  };
}

/** What {@linkcode _entry} needs to describe one variance-scaling method. */
interface _EntrySpec {
  readonly name: string;
  readonly description: string;
  readonly paper: string;
  /** Builder options the method fixes. */
  readonly fixed: VarianceScalingOptions;
  /** Builder options a user may set. */
  readonly allowed: readonly (keyof VarianceScalingOptions)[];
  readonly takesMask: boolean;
}

/**
 * Builds a method entry whose options are a validated subset of the
 * builder's. Networks using it are scored on dense Kaiming weights (the
 * variance-scaling family).
 */
function _entry(spec: _EntrySpec): MethodEntry {
  const { name, description, paper, fixed, allowed, takesMask } = spec;
  return {
    name,
    description,
    paper,
    kinds: ["dense", "conv"],
    takesMask,
    scoredWith: "pruned-kaiming",
    build: (options?: Record<string, unknown>) =>
      varianceScaling({ ...parseVarianceScalingOptions(name, options, allowed), ...fixed }),
  };
}

/**
 * `"kaiming"`: dense He initialization, `N(0, scale/fan_in)` with scale 2 for
 * ReLU and 1 otherwise (options: `mode`, `distribution`, `scale`). Density
 * must be 1.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { kaimingMethod } from "./variance_scaling.ts";
 * const init = kaimingMethod.build();
 * const shape = { kind: "dense", inFeatures: 3, outFeatures: 2 } as const;
 * const { weights } = init({ shape, density: 1, activation: "relu" }, (p) => stream(0, "doc", p));
 * equal(weights.length, 6);
 * equal(weights.every((w) => w !== 0), true);
 * ```
 */
export const kaimingMethod: MethodEntry = _entry({
  name: "kaiming",
  description: "Dense He initialization: N(0, scale/fan_in), scale 2 for ReLU, 1 otherwise.",
  paper: "He et al., ICCV 2015",
  fixed: { dense: true },
  allowed: ["mode", "distribution", "scale"],
  takesMask: false,
});

/**
 * `"glorot"`: dense Glorot/Xavier initialization, `N(0, 2/(fan_in+fan_out))`
 * (options: `distribution` for the uniform variant, `scale`). Density must be 1.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { glorotMethod } from "./variance_scaling.ts";
 * const init = glorotMethod.build({ distribution: "uniform" });
 * const shape = { kind: "dense", inFeatures: 4, outFeatures: 2 } as const;
 * const { weights } = init({ shape, density: 1, activation: "tanh" }, (p) => stream(0, "doc", p));
 * ok(weights.every((w) => Math.abs(w) <= 1)); // limit √(3·2/6) = 1
 * ```
 */
export const glorotMethod: MethodEntry = _entry({
  name: "glorot",
  description: "Dense Glorot initialization: N(0, 2/(fan_in+fan_out)) or its uniform variant.",
  paper: "Glorot & Bengio, AISTATS 2010",
  fixed: { dense: true, mode: "fan-avg", scale: 1 },
  allowed: ["distribution"],
  takesMask: false,
});

/**
 * `"fan-in-scaled"`: sparse-aware initialization (Evci et al.): each kept
 * weight of output unit `i` from `N(0, scale/max(1, fan_in_i))` with
 * `fan_in_i` its kept incoming weights. Uses `request.mask` if given, else an
 * exact-count random mask. Options: `mode` (fan-in/fan-out/fan-avg, counted
 * per unit), `distribution`, `scale`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { fanInScaledMethod } from "./variance_scaling.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const mask = new Uint8Array([1, 0, 0, 0]); // unit 0 has one input, unit 1 none
 * const { weights } = fanInScaledMethod.build({ distribution: "uniform" })(
 *   { shape, density: 0.25, activation: "linear", mask },
 *   (p) => stream(0, "doc", p),
 * );
 * equal(Math.abs(weights[0]) <= Math.sqrt(3), true);
 * equal(weights[1] + weights[2] + weights[3], 0);
 * ```
 */
export const fanInScaledMethod: MethodEntry = _entry({
  name: "fan-in-scaled",
  description: "Sparse-aware init: N(0, scale/max(1, fan_in_i)) with each unit's kept fan-in.",
  paper: "Evci et al., AAAI 2022",
  fixed: { perUnit: true },
  allowed: ["mode", "distribution", "scale"],
  takesMask: true,
});

/**
 * `"layer-scaled"`: the dense Kaiming variance divided by the layer's
 * achieved density, on the request's mask or an exact-count random mask
 * (the earlier fix Evci et al. compare with). Options: `mode`,
 * `distribution`, `scale`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { layerScaledMethod } from "./variance_scaling.ts";
 * const shape = { kind: "dense", inFeatures: 4, outFeatures: 4 } as const;
 * const { mask } = layerScaledMethod.build()(
 *   { shape, density: 0.25, activation: "tanh" },
 *   (p) => stream(0, "doc", p),
 * );
 * equal(mask.reduce((a, b) => a + b, 0), 4);
 * ```
 */
export const layerScaledMethod: MethodEntry = _entry({
  name: "layer-scaled",
  description: "Dense variance divided by the layer's density, on a sparse mask.",
  paper: "Evci et al., AAAI 2022 (the layer-wise baseline)",
  fixed: { layerScaled: true },
  allowed: ["mode", "distribution", "scale"],
  takesMask: true,
});
