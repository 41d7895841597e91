/**
 * SynFlow (Tanaka et al., NeurIPS 2020): data-free, iterative pruning by
 * synaptic flow, in pure float64 (no tfjs).
 *
 * Derivation used here (biases are ignored, as in SynFlow's linearised
 * network): replace every kernel by `|K ⊙ mask|`, feed an all-ones input and
 * let `R = Σ logits`. Every layer then acts on a vector:
 *
 * - dense `[in, out]`: `M = |K|`;
 * - conv `[kh, kw, cin, cout]` with circular padding: an all-ones input makes
 *   every spatial position identical, and stays so layer after layer, so each
 *   position's channel vector is mapped by `M[i, o] = Σ_taps |K[y, x, i, o]|`;
 *   global average pooling then returns that same per-position vector.
 *
 * With `a_0 = 1`, `a_l = a_{l−1}·M_l` (forward) and `b_L = 1`,
 * `b_{l−1} = M_l·b_l` (backward), `∂R/∂|K_l[t, i, o]| = a_{l−1}[i]·b_l[o]`
 * (the spatial factors P of a conv cancel against global average pooling's
 * 1/P), so the score is `|K_l[t, i, o]|·a_{l−1}[i]·b_l[o]`: only
 * matrix–vector products. To survive 1000 layers the vectors are rescaled to
 * max 1 after every layer with the log of the scale carried separately, and
 * scores are returned as natural logs (a pruned or zero weight scores
 * `-Infinity`). Every layer's scores sum to `R` (SynFlow's conservation law).
 *
 * @module
 */

import { kernelSize, type LayerShape, shapeLabel, validateShape } from "../init/mod.ts";
import { selectTopCount } from "./global_mask.ts";

/**
 * SynFlow log-scores of one pass.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { type SynflowScores, synflowScores } from "./synflow.ts";
 * const shapes = [{ kind: "dense", inFeatures: 1, outFeatures: 2 }, { kind: "dense", inFeatures: 2, outFeatures: 1 }] as const;
 * const s: SynflowScores = synflowScores(shapes, [[1, 0], [3, 5]]);
 * ok(Math.abs(s.logR - Math.log(3)) < 1e-12);
 * ok(s.logScores[0][1] === -Infinity); // a zero weight
 * ```
 */
export interface SynflowScores {
  /** Per layer, `ln(|θ ⊙ ∂R/∂θ|)` in kernel layout; `-Infinity` for zero or pruned weights. */
  readonly logScores: Float64Array[];
  /** `ln R`, R = Σ outputs of the |W| network on an all-ones input (`-Infinity` if every path is cut). */
  readonly logR: number;
}

function _inOut(shape: LayerShape): [number, number, number] {
  return shape.kind === "dense"
    ? [shape.inFeatures, shape.outFeatures, 1]
    : [shape.inChannels, shape.outChannels, shape.kernelHeight * shape.kernelWidth];
}

function _validate(
  where: string,
  shapes: readonly LayerShape[],
  weights: readonly ArrayLike<number>[],
  masks?: readonly ArrayLike<number>[],
): void {
  if (shapes.length === 0 || shapes.length !== weights.length) {
    throw new TypeError(
      `${where}: need one weight array per shape; got ${shapes.length} shapes and ${weights.length} weight arrays`,
    );
  }
  if (masks !== undefined && masks.length !== shapes.length) {
    throw new TypeError(`${where}: got ${masks.length} masks for ${shapes.length} shapes`);
  }
  for (let l = 0; l < shapes.length; l++) {
    validateShape(shapes[l], where);
    const n = kernelSize(shapes[l]);
    if (weights[l].length !== n) {
      throw new TypeError(
        `${where}: layer ${l} (${shapeLabel(shapes[l])}) needs ${n} weights; got ${
          weights[l].length
        }`,
      );
    }
    if (masks !== undefined && masks[l].length !== n) {
      throw new TypeError(
        `${where}: layer ${l} (${shapeLabel(shapes[l])}) needs a mask of ${n}; got ${
          masks[l].length
        }`,
      );
    }
    if (l > 0 && _inOut(shapes[l])[0] !== _inOut(shapes[l - 1])[1]) {
      throw new TypeError(
        `${where}: layer ${l} (${shapeLabel(shapes[l])}) does not follow layer ${l - 1} (${
          shapeLabel(shapes[l - 1])
        })`,
      );
    }
  }
}

/** Rescales v to max 1 in place; returns ln(scale) (0 for an all-zero vector). */
function _normalize(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > m) m = v[i];
  if (m === 0 || !Number.isFinite(m)) return 0;
  for (let i = 0; i < v.length; i++) v[i] /= m;
  return Math.log(m);
}

/**
 * One SynFlow scoring pass (see the module doc for the derivation).
 *
 * @param shapes kernel shapes of a chain network (dense MLP, or circular convs then a dense head).
 * @param weights kernels in tfjs layout.
 * @param masks optional 0/1 masks; entries with mask 0 are treated as pruned.
 * @throws {TypeError} if the counts, sizes or the chain of shapes do not match.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { synflowScores } from "./synflow.ts";
 * const shapes = [{ kind: "dense", inFeatures: 2, outFeatures: 2 }, { kind: "dense", inFeatures: 2, outFeatures: 1 }] as const;
 * const { logScores, logR } = synflowScores(shapes, [[1, 2, 3, 4], [1, 1]]);
 * // R = 1ᵀ|W1||W2|1 = 10; every layer's scores sum to R.
 * ok(Math.abs(logR - Math.log(10)) < 1e-12);
 * ok(Math.abs(logScores[1].reduce((s, v) => s + Math.exp(v), 0) - 10) < 1e-9);
 * ```
 */
export function synflowScores(
  shapes: readonly LayerShape[],
  weights: readonly ArrayLike<number>[],
  masks?: readonly ArrayLike<number>[],
): SynflowScores {
  _validate("synflowScores", shapes, weights, masks);
  return _scores(shapes, weights, weights.map(_logAbs), masks);
}

/** ln|w| per entry (-Infinity for 0), computed once per pruning run. */
function _logAbs(w: ArrayLike<number>): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = Math.log(Math.abs(w[i]));
  return out;
}

function _scores(
  shapes: readonly LayerShape[],
  weights: readonly ArrayLike<number>[],
  logWeights: readonly Float64Array[],
  masks?: readonly ArrayLike<number>[],
): SynflowScores {
  const L = shapes.length;
  // Effective |W| matrices [in, out] summed over taps.
  const mats: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const [nin, nout, taps] = _inOut(shapes[l]);
    const w = weights[l], m = masks?.[l];
    const M = new Float64Array(nin * nout);
    const per = nin * nout;
    for (let t = 0; t < taps; t++) {
      for (let j = 0; j < per; j++) {
        const k = t * per + j;
        if (m === undefined || m[k] !== 0) M[j] += Math.abs(w[k]);
      }
    }
    mats.push(M);
  }
  // Forward: a[l] is the input vector of layer l (a[L] = output), normalized, with log scale.
  const a: Float64Array[] = [];
  const sa: number[] = [];
  let cur = new Float64Array(_inOut(shapes[0])[0]).fill(1);
  let scale = 0;
  for (let l = 0; l < L; l++) {
    a.push(cur);
    sa.push(scale);
    const [nin, nout] = _inOut(shapes[l]);
    const M = mats[l];
    const next = new Float64Array(nout);
    for (let i = 0; i < nin; i++) {
      const ai = cur[i];
      if (ai === 0) continue;
      const row = i * nout;
      for (let o = 0; o < nout; o++) next[o] += ai * M[row + o];
    }
    scale += _normalize(next);
    cur = next;
  }
  let sum = 0;
  for (let o = 0; o < cur.length; o++) sum += cur[o];
  const logR = sum === 0 ? -Infinity : Math.log(sum) + scale;
  // Backward: b[l] is the output-side vector of layer l.
  const b: Float64Array[] = new Array(L);
  const sb: number[] = new Array(L);
  let back = new Float64Array(_inOut(shapes[L - 1])[1]).fill(1);
  let bscale = 0;
  for (let l = L - 1; l >= 0; l--) {
    b[l] = back;
    sb[l] = bscale;
    const [nin, nout] = _inOut(shapes[l]);
    const M = mats[l];
    const prev = new Float64Array(nin);
    for (let i = 0; i < nin; i++) {
      const row = i * nout;
      let s = 0;
      for (let o = 0; o < nout; o++) s += M[row + o] * back[o];
      prev[i] = s;
    }
    bscale += _normalize(prev);
    back = prev;
  }
  const logScores: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const [nin, nout, taps] = _inOut(shapes[l]);
    const la = a[l].map(Math.log), lb = b[l].map(Math.log);
    const base = sa[l] + sb[l];
    const lw = logWeights[l], m = masks?.[l];
    const out = new Float64Array(nin * nout * taps);
    const per = nin * nout;
    for (let t = 0; t < taps; t++) {
      for (let i = 0; i < nin; i++) {
        const ai = la[i] + base;
        const row = t * per + i * nout;
        for (let o = 0; o < nout; o++) {
          const k = row + o;
          // -Infinity for a zero weight or a zero a/b entry (no path through it).
          out[k] = m === undefined || m[k] !== 0 ? lw[k] + ai + lb[o] : -Infinity;
        }
      }
    }
    logScores.push(out);
  }
  return { logScores, logR };
}

/**
 * Options of {@linkcode synflow}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { synflow, type SynflowOptions } from "./synflow.ts";
 * const options: SynflowOptions = { rounds: 3 };
 * const shapes = [{ kind: "dense", inFeatures: 2, outFeatures: 2 }] as const;
 * const [mask] = synflow(shapes, [[1, 2, 3, 4]], 0.5, options);
 * equal(mask.reduce((a, b) => a + b, 0), 2);
 * ```
 */
export interface SynflowOptions {
  /** Pruning rounds (default 100); after round k the density is `density^(k/rounds)`. */
  readonly rounds?: number;
}

/**
 * Iterative SynFlow pruning: `rounds` times, score with the current mask and
 * keep the global top `round(density^(k/rounds) · Σ sizes)` entries, so the
 * final masks hold exactly `round(density · Σ sizes)` entries. Already-pruned
 * entries never come back (they rank below every kept one, including kept
 * entries whose score is 0); ties break by flat position (see `globalTopK`).
 *
 * @param shapes kernel shapes (chain network, see {@linkcode synflowScores}).
 * @param weights the dense initial kernels to score.
 * @param density target network density in (0, 1].
 * @returns per-layer masks.
 * @throws {RangeError} if `density` is outside (0, 1] or `rounds` is not a positive integer.
 * @throws {TypeError} as {@linkcode synflowScores}.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { synflow } from "./synflow.ts";
 * const shapes = [{ kind: "dense", inFeatures: 3, outFeatures: 3 }, { kind: "dense", inFeatures: 3, outFeatures: 2 }] as const;
 * const masks = synflow(shapes, [[1, -2, 3, 4, 5, -6, 7, 8, 9], [1, 2, 3, 4, 5, 6]], 0.4, { rounds: 10 });
 * equal(masks.reduce((s, m) => s + m.reduce((a, v) => a + v, 0), 0), 6); // round(0.4 · 15)
 * ```
 */
export function synflow(
  shapes: readonly LayerShape[],
  weights: readonly ArrayLike<number>[],
  density: number,
  options: SynflowOptions = {},
): Uint8Array[] {
  const rounds = options.rounds ?? 100;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`synflow: rounds must be a positive integer; got ${rounds}`);
  }
  if (!(density > 0 && density <= 1)) {
    throw new RangeError(
      `synflow: density must be in (0, 1]; got ${density} for ${shapes.length} layers`,
    );
  }
  _validate("synflow", shapes, weights);
  let total = 0;
  for (const s of shapes) total += kernelSize(s);
  let masks: Uint8Array[] = shapes.map((s) => new Uint8Array(kernelSize(s)).fill(1));
  const logWeights = weights.map(_logAbs);
  for (let k = 1; k <= rounds; k++) {
    const { logScores } = _scores(shapes, weights, logWeights, masks);
    for (let l = 0; l < logScores.length; l++) {
      const s = logScores[l], m = masks[l];
      // Kept but zero-scoring entries rank above pruned ones, never the reverse.
      for (let i = 0; i < s.length; i++) {
        if (m[i] !== 0 && s[i] === -Infinity) s[i] = -Number.MAX_VALUE;
      }
    }
    const keep = Math.round(Math.pow(density, k / rounds) * total);
    masks = selectTopCount(logScores, keep, "synflow");
  }
  return masks;
}
