/**
 * The float64 core of EOI (Nowak et al., ICML 2024): sparse exactly orthogonal
 * matrices from random Givens rotations, with incremental non-zero counting.
 *
 * @module
 */

import type { Rng } from "../rng/mod.ts";

/**
 * Result of {@linkcode givensSparseOrthogonal}: a `rows × cols` matrix in
 * compressed sparse column form. Column `j`'s non-zeros are rows
 * `rowIndex[colStart[j] … colStart[j+1])` (increasing) with values `values[…]`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type GivensResult, givensSparseOrthogonal } from "./givens.ts";
 * import { stream } from "../rng/mod.ts";
 * const g: GivensResult = givensSparseOrthogonal(stream(0, "doc"), 2, 3, 1);
 * equal(g.colStart.length, g.cols + 1);
 * equal(g.colStart[g.cols], g.nonZeros);
 * ```
 */
export interface GivensResult {
  /** Number of rows (≤ `cols`). */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Column starts, length `cols + 1`; `colStart[cols]` is the number of non-zeros. */
  readonly colStart: Int32Array;
  /** Row of each non-zero, increasing within a column. */
  readonly rowIndex: Int32Array;
  /** Value of each non-zero (never exactly 0). */
  readonly values: Float64Array;
  /** Exact number of non-zero entries. */
  readonly nonZeros: number;
  /** Rotations composed into the matrix (a last rotation undone by the closer-of-two rule is not counted). */
  readonly rotations: number;
}

/** Relative slack when comparing a count with `density · size` (float rounding of the product). */
const _EPS = 1e-12;

/**
 * EOI's matrix: starts from the padded identity `[I_r | 0]` (`r = rows ≤ cols = c`)
 * and composes random Givens rotations — two distinct columns `i ≠ j` uniform
 * among all `c` (padding included: `i = rng.int(c)`, then `j = rng.int(c − 1)`,
 * shifted past `i`), `θ = 2π·rng.uniform()` in [0, 2π), `(a_i, a_j) ← (cos θ a_i +
 * sin θ a_j, −sin θ a_i + cos θ a_j)` — until the density reaches `density`;
 * then keeps the last or the previous matrix, whichever density is closer to
 * the target (on a tie the previous one, which stays within the budget). Rows
 * stay orthonormal to rounding (≈1e-15).
 *
 * Only the two touched columns change, so non-zeros are counted incrementally.
 * Columns are stored sparse (sorted row lists), so a rotation costs
 * O(nnz(a_i) + nnz(a_j)) ≤ O(r) instead of O(r): rows where both entries are
 * zero stay exactly zero under a rotation and are not visited. This changes no
 * value and no count compared with the dense column loop (a row present in one
 * column only computes `cos θ·x + sin θ·0`, as the dense loop does); an entry
 * that cancels to exactly 0 is dropped, so `values` never holds a zero.
 *
 * Density 1 needs every entry non-zero: generic rotations get there (about
 * `c·ln(r·c)` rotations) and the rule then keeps the last matrix (distance 0).
 * An exact float cancellation can only delay it; rotations are capped at
 * `⌈10·c·(ln(r·c) + 10)⌉ + 1000`, and hitting the cap throws rather than loop.
 * `1 × 1` is the identity (no rotation exists).
 *
 * @throws {RangeError} if `rows > cols`, a dimension is not a positive integer,
 *   `density` is outside `[1/cols, 1]`, or the cap is hit.
 * @example 4 × 6 at density 0.5: about 12 non-zeros, orthonormal rows
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { givensDense, givensSparseOrthogonal } from "./givens.ts";
 * import { matrixOrthogonalityError } from "./gram.ts";
 * const g = givensSparseOrthogonal(stream(0, "doc", "weights"), 4, 6, 0.5);
 * ok(Math.abs(g.nonZeros - 12) <= 2);
 * ok(matrixOrthogonalityError(givensDense(g), 4, 6) < 1e-14);
 * ```
 */
export function givensSparseOrthogonal(
  rng: Rng,
  rows: number,
  cols: number,
  density: number,
): GivensResult {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || rows > cols) {
    throw new RangeError(
      `givensSparseOrthogonal: need integers 1 ≤ rows ≤ cols; got ${rows}x${cols}`,
    );
  }
  const r = rows, c = cols, size = r * c;
  if (typeof density !== "number" || !(density <= 1 && density * c >= 1 - _EPS)) {
    throw new RangeError(
      `givensSparseOrthogonal: density must be in [1/${c}, 1] for ${r}x${c}; got ${density}`,
    );
  }
  // Column j: rows idx[j][0 … len[j]) (increasing), values val[j][…]; the
  // buffers grow by doubling (capped at r), so most rotations allocate nothing.
  const idx: Int32Array[] = new Array(c);
  const val: Float64Array[] = new Array(c);
  const len = new Int32Array(c);
  for (let j = 0; j < c; j++) {
    idx[j] = new Int32Array(j < r ? Math.min(r, 4) : 0);
    val[j] = new Float64Array(idx[j].length);
    if (j < r) {
      idx[j][0] = j;
      val[j][0] = 1;
      len[j] = 1;
    }
  }
  let nnz = r;
  const goal = density * size * (1 - _EPS);
  const target = density * size;
  const cap = Math.ceil(10 * c * (Math.log(size) + 10)) + 1000;
  const bi = new Int32Array(r), bj = new Int32Array(r);
  const vi = new Float64Array(r), vj = new Float64Array(r);
  let drawn = 0;
  while (nnz < goal) {
    if (drawn >= cap) {
      throw new RangeError(
        `givensSparseOrthogonal: density ${density} not reached for ${r}x${c} after ${drawn} rotations (reached ${
          nnz / size
        })`,
      );
    }
    drawn++;
    const i = rng.int(c);
    let j = rng.int(c - 1);
    if (j >= i) j++;
    const theta = 2 * Math.PI * rng.uniform();
    const cs = Math.cos(theta), sn = Math.sin(theta);
    const xi = idx[i], xv = val[i], yi = idx[j], yv = val[j];
    const ni = len[i], nj = len[j];
    if (ni === 0 && nj === 0) continue; // two zero columns stay zero
    // Merge the two sorted supports; rotate each row of the union.
    let p = 0, q = 0, ci = 0, cj = 0;
    while (p < ni || q < nj) {
      const ri = p < ni ? xi[p] : r;
      const rj = q < nj ? yi[q] : r;
      let row: number, x: number, y: number;
      if (ri === rj) {
        row = ri;
        x = xv[p++];
        y = yv[q++];
      } else if (ri < rj) {
        row = ri;
        x = xv[p++];
        y = 0;
      } else {
        row = rj;
        x = 0;
        y = yv[q++];
      }
      const nx = cs * x + sn * y;
      const ny = cs * y - sn * x;
      if (nx !== 0) {
        bi[ci] = row;
        vi[ci++] = nx;
      }
      if (ny !== 0) {
        bj[cj] = row;
        vj[cj++] = ny;
      }
    }
    const prev = nnz;
    nnz += ci + cj - ni - nj;
    if (nnz >= goal && Math.abs(prev - target) <= Math.abs(nnz - target)) {
      nnz = prev; // the previous matrix is closer (or as close): undo = keep old columns
      drawn--;
      break;
    }
    _store(idx, val, len, i, bi, vi, ci, r);
    _store(idx, val, len, j, bj, vj, cj, r);
  }
  const colStart = new Int32Array(c + 1);
  for (let j = 0; j < c; j++) colStart[j + 1] = colStart[j] + len[j];
  const rowIndex = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let j = 0; j < c; j++) {
    rowIndex.set(idx[j].subarray(0, len[j]), colStart[j]);
    values.set(val[j].subarray(0, len[j]), colStart[j]);
  }
  return { rows: r, cols: c, colStart, rowIndex, values, nonZeros: nnz, rotations: drawn };
}

/** Copies a merged column into column `j`'s buffers, growing them (×2, at most `r`) if needed. */
function _store(
  idx: Int32Array[],
  val: Float64Array[],
  len: Int32Array,
  j: number,
  b: Int32Array,
  v: Float64Array,
  n: number,
  r: number,
): void {
  if (idx[j].length < n) {
    const capacity = Math.min(r, Math.max(8, 2 * n));
    idx[j] = new Int32Array(capacity);
    val[j] = new Float64Array(capacity);
  }
  const ix = idx[j], vx = val[j];
  for (let t = 0; t < n; t++) { // a plain loop: no subarray views to allocate
    ix[t] = b[t];
    vx[t] = v[t];
  }
  len[j] = n;
}

/**
 * The dense row-major `rows × cols` float64 matrix of a {@linkcode GivensResult}.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { givensDense, givensSparseOrthogonal } from "./givens.ts";
 * // density 1/3 is the padded identity itself
 * const g = givensSparseOrthogonal(stream(0, "doc"), 2, 3, 1 / 3);
 * deepEqual([...givensDense(g)], [1, 0, 0, 0, 1, 0]);
 * ```
 */
export function givensDense(g: GivensResult): Float64Array {
  const out = new Float64Array(g.rows * g.cols);
  for (let j = 0; j < g.cols; j++) {
    for (let t = g.colStart[j]; t < g.colStart[j + 1]; t++) {
      out[g.rowIndex[t] * g.cols + j] = g.values[t];
    }
  }
  return out;
}
