/**
 * Approximate isometry (Lee et al., "A Signal Propagation Perspective for
 * Pruning Neural Networks at Initialization", ICLR 2020): keep a mask `C` and
 * optimise the kept weights so that each layer's Gram matrix of the smaller
 * side approaches `σ_w²·I`, by plain gradient descent, in pure float64.
 *
 * A kernel in tfjs layout is read as a row-major `p × q` matrix `M` with
 * `p = in` (dense) or `p = kh·kw·cin` (conv) and `q = out`; the layer's map as
 * in the paper is `A = Mᵀ` (`cout × cin·kh·kw` for a conv). The Gram of the
 * smaller side is `MᵀM` (`q × q`) when `q ≤ p`, else `MMᵀ` (`p × p`).
 *
 * Loss per layer (the EOI paper's approximate-isometry baseline, Nowak et al. ICML 2024): `‖E‖_F` with `E = G − σ_w²·I` (not squared),
 * gradient `2·E·A/‖E‖` restricted to the mask; option `loss: "squared"` uses
 * `‖E‖_F²` (gradient `4·E·A`), the form most re-implementations use (as an
 * MSE). Layers are independent. Work per step is `Σ_rows nnz_row²` of the
 * tall orientation (sparse rows), not `p·q²`.
 *
 * Choice beyond the paper: the non-squared norm's gradient does not vanish
 * at the optimum, so plain SGD at lr 0.1 ends up oscillating at an error of
 * roughly `lr`-size; the error is computed at every step anyway, so the
 * iterate with the lowest error is returned (not necessarily the last one).
 *
 * @module
 */

import { kernelSize, type LayerShape, shapeLabel, validateShape } from "../init/mod.ts";

/**
 * Options of {@linkcode approxIsometry}.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { approxIsometry, type ApproxIsometryOptions } from "./approx_isometry.ts";
 * const options: ApproxIsometryOptions = { steps: 200, learningRate: 0.1, target: 1, loss: "squared" };
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const r = approxIsometry([0.8, 0.3, 0, 1.1], [1, 1, 0, 1], shape, options);
 * ok(r.errorAfter < r.errorBefore);
 * ```
 */
export interface ApproxIsometryOptions {
  /** Gradient steps (default 10,000; the paper uses 1,000 for 1000-layer networks). */
  readonly steps?: number;
  /** Plain SGD learning rate (default 0.1). */
  readonly learningRate?: number;
  /** Target Gram scale σ_w² (default 1). */
  readonly target?: number;
  /** `"frobenius"` = ‖E‖_F (default, as the paper states it) or `"squared"` = ‖E‖_F². */
  readonly loss?: "frobenius" | "squared";
}

/**
 * Result of {@linkcode approxIsometry}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { approxIsometry, type ApproxIsometryResult } from "./approx_isometry.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const r: ApproxIsometryResult = approxIsometry([1, 0, 0, 1], [1, 0, 0, 1], shape, { steps: 10 });
 * equal(r.errorBefore, 0); // already an isometry
 * equal(r.weights[1], 0); // outside the mask
 * ```
 */
export interface ApproxIsometryResult {
  /** Optimised kernel, tfjs layout, exactly zero outside the mask. */
  readonly weights: Float32Array;
  /** `‖G − σ_w²·I‖_F` of the masked input weights. */
  readonly errorBefore: number;
  /** The same after optimisation (computed on the float32 result). */
  readonly errorAfter: number;
}

/** The tall orientation: rows ≥ cols, as CSR over mask positions. */
interface _Tall {
  rows: number;
  cols: number;
  transposed: boolean;
  /** Row starts into idx/val (length rows + 1). */
  start: Int32Array;
  /** Column index of each kept entry. */
  idx: Int32Array;
  /** Value of each kept entry. */
  val: Float64Array;
  /** Flat position in the tfjs kernel of each kept entry. */
  pos: Int32Array;
}

function _tall(weights: ArrayLike<number>, mask: ArrayLike<number>, p: number, q: number): _Tall {
  const transposed = p < q;
  const rows = transposed ? q : p, cols = transposed ? p : q;
  const start = new Int32Array(rows + 1);
  const flat = (r: number, c: number) => (transposed ? c * q + r : r * q + c);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (mask[flat(r, c)] !== 0) n++;
    start[r + 1] = n;
  }
  const idx = new Int32Array(n), val = new Float64Array(n), pos = new Int32Array(n);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const f = flat(r, c);
      if (mask[f] !== 0) {
        idx[k] = c;
        val[k] = weights[f];
        pos[k] = f;
        k++;
      }
    }
  }
  return { rows, cols, transposed, start, idx, val, pos };
}

/**
 * E = MᵀM − target·I for the tall CSR matrix; returns ‖E‖_F. Each row's columns ascend, so a
 * row adds `val[a]·val[b]` to the upper entry (idx[a], idx[b]), b ≥ a, and one pass in row-major
 * order mirrors the lower triangle, subtracts the target on the diagonal and sums the squares.
 * Every entry is the same sum, in the same order of rows, as the full double loop over the row
 * would give (val[a]·val[b] = val[b]·val[a] exactly), and the norm the same row-major sum: the
 * same bits at half the multiply-adds.
 */
function _residual(t: _Tall, target: number, E: Float64Array): number {
  const { rows, cols, start, idx, val } = t;
  E.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = start[r], e = start[r + 1];
    for (let a = s; a < e; a++) {
      const va = val[a], row = idx[a] * cols;
      for (let b = a; b < e; b++) E[row + idx[b]] += va * val[b];
    }
  }
  let norm = 0;
  for (let i = 0; i < cols; i++) {
    const row = i * cols;
    for (let j = 0; j < i; j++) {
      const v = E[j * cols + i];
      E[row + j] = v;
      norm += v * v;
    }
    const d = E[row + i] - target;
    E[row + i] = d;
    norm += d * d;
    for (let j = i + 1; j < cols; j++) norm += E[row + j] * E[row + j];
  }
  return Math.sqrt(norm);
}

/**
 * One plain gradient step on every row: val −= scale · (M·E) at the mask (E fixed for the
 * step, so rows are independent). `grad` holds one row's gradient.
 */
function _descend(t: _Tall, E: Float64Array, grad: Float64Array, scale: number): void {
  const { rows, cols, start, idx, val } = t;
  // ∇_M ‖MᵀM − sI‖_F = 2·M·E/‖E‖; row r only needs row r of M (E is fixed this step).
  // E is symmetric: E(idx[a], col) is read as E(col, idx[a]), along one row of E. Four
  // entries of the row at a time, each its own sum over a in order (same bits as one at a
  // time; four independent chains of adds instead of one).
  for (let r = 0; r < rows; r++) {
    const s = start[r], e = start[r + 1];
    let b = s;
    for (; b + 3 < e; b += 4) {
      const r0 = idx[b] * cols, r1 = idx[b + 1] * cols;
      const r2 = idx[b + 2] * cols, r3 = idx[b + 3] * cols;
      let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
      for (let a = s; a < e; a++) {
        const v = val[a], c = idx[a];
        g0 += v * E[r0 + c];
        g1 += v * E[r1 + c];
        g2 += v * E[r2 + c];
        g3 += v * E[r3 + c];
      }
      grad[b - s] = g0;
      grad[b + 1 - s] = g1;
      grad[b + 2 - s] = g2;
      grad[b + 3 - s] = g3;
    }
    for (; b < e; b++) {
      const row = idx[b] * cols;
      let g = 0;
      for (let a = s; a < e; a++) g += val[a] * E[row + idx[a]];
      grad[b - s] = g;
    }
    for (let b = s; b < e; b++) val[b] -= scale * grad[b - s];
  }
}

function _dims(shape: LayerShape): [number, number] {
  return shape.kind === "dense"
    ? [shape.inFeatures, shape.outFeatures]
    : [shape.kernelHeight * shape.kernelWidth * shape.inChannels, shape.outChannels];
}

/**
 * `‖G − target·I‖_F` of the masked kernel, G the Gram of the smaller side
 * (the quantity {@linkcode approxIsometry} minimises).
 *
 * @throws {TypeError} if the shape is invalid or lengths do not match it.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isometryError } from "./approx_isometry.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * equal(isometryError([1, 0, 0, 1], [1, 1, 1, 1], shape), 0);
 * equal(isometryError([2, 0, 0, 1], [1, 1, 1, 1], shape), 3);
 * ```
 */
export function isometryError(
  weights: ArrayLike<number>,
  mask: ArrayLike<number>,
  shape: LayerShape,
  target = 1,
): number {
  _check("isometryError", weights, mask, shape);
  const [p, q] = _dims(shape);
  const t = _tall(weights, mask, p, q);
  return _residual(t, target, new Float64Array(t.cols * t.cols));
}

function _check(
  where: string,
  weights: ArrayLike<number>,
  mask: ArrayLike<number>,
  shape: LayerShape,
): void {
  validateShape(shape, where);
  const n = kernelSize(shape);
  if (weights.length !== n || mask.length !== n) {
    throw new TypeError(
      `${where}: ${
        shapeLabel(shape)
      } needs ${n} weights and mask entries; got ${weights.length} and ${mask.length}`,
    );
  }
}

/**
 * Optimises one layer's kept weights towards `‖G − σ_w²·I‖_F = 0` with plain
 * SGD; entries outside the mask stay exactly zero. Stops early if the error
 * becomes exactly 0 or non-finite.
 *
 * @param weights initial kernel (tfjs layout); values outside the mask are ignored.
 * @param mask the fixed mask `C`.
 * @param shape the kernel's shape.
 * @throws {TypeError} if the shape is invalid or lengths do not match it.
 * @throws {RangeError} if `steps` is not a non-negative integer or
 *   `learningRate`/`target` is not positive and finite.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { approxIsometry } from "./approx_isometry.ts";
 * const shape = { kind: "dense", inFeatures: 3, outFeatures: 2 } as const;
 * const r = approxIsometry([0.9, 0.1, 0.2, 1.2, 0.1, -0.3], [1, 1, 1, 1, 0, 1], shape, { steps: 300 });
 * ok(r.errorAfter < r.errorBefore / 10);
 * ok(r.weights[4] === 0);
 * ```
 */
export function approxIsometry(
  weights: ArrayLike<number>,
  mask: ArrayLike<number>,
  shape: LayerShape,
  options: ApproxIsometryOptions = {},
): ApproxIsometryResult {
  _check("approxIsometry", weights, mask, shape);
  const steps = options.steps ?? 10_000;
  const lr = options.learningRate ?? 0.1;
  const target = options.target ?? 1;
  const loss = options.loss ?? "frobenius";
  if (loss !== "frobenius" && loss !== "squared") {
    throw new RangeError(
      `approxIsometry: loss must be "frobenius" or "squared"; got ${String(loss)} (${
        shapeLabel(shape)
      })`,
    );
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(
      `approxIsometry: steps must be a non-negative integer; got ${steps} (${shapeLabel(shape)})`,
    );
  }
  for (const [name, v] of [["learningRate", lr], ["target", target]] as const) {
    if (!(v > 0 && Number.isFinite(v))) {
      throw new RangeError(
        `approxIsometry: ${name} must be positive and finite; got ${v} (${shapeLabel(shape)})`,
      );
    }
  }
  const [p, q] = _dims(shape);
  const t = _tall(weights, mask, p, q);
  const { cols, val } = t;
  const E = new Float64Array(cols * cols);
  const errorBefore = _residual(t, target, E);
  let norm = errorBefore;
  const best = val.slice();
  let bestNorm = errorBefore;
  const grad = new Float64Array(cols);
  for (let step = 0; step < steps; step++) {
    if (!(norm > 0 && Number.isFinite(norm))) break;
    const scale = loss === "squared" ? 4 * lr : (2 * lr) / norm;
    _descend(t, E, grad, scale);
    norm = _residual(t, target, E);
    if (norm < bestNorm) {
      bestNorm = norm;
      best.set(val);
    }
  }
  const out = new Float32Array(weights.length);
  for (let k = 0; k < best.length; k++) out[t.pos[k]] = best[k];
  return { weights: out, errorBefore, errorAfter: isometryError(out, mask, shape, target) };
}
