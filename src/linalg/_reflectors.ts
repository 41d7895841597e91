/**
 * The two kernels of Householder QR shared by `qrOrthonormal` and
 * `haarOrthogonal` (private to `src/linalg/`): building a reflector and
 * accumulating reflectors into the orthonormal factor. Column-major matrices.
 *
 * @module
 */

/**
 * Applies `H_{n-1} … H_1 H_0`-style accumulation: builds the `m × n` factor
 * `Q = H_0 H_1 … H_{n-1} · I[:, :n]` (column-major) from Householder vectors
 * stored column-major in `v` (`v[k·m + i]` for `i ≥ k`) with `H_k = I − β_k v_k v_kᵀ`,
 * then multiplies column `k` by `signs[k]`. Internal to `qrOrthonormal` and
 * `haarOrthogonal`.
 *
 * @example One reflection of R², v = (1, 1), β = 1: Q = I − vvᵀ = [[0, −1], [−1, 0]]
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { _accumulateQ } from "./_reflectors.ts";
 * const q = _accumulateQ(new Float64Array([1, 1, 0, 0]), new Float64Array([1, 0]), new Float64Array([1, 1]), 2, 2);
 * deepEqual([...q], [0, -1, -1, 0]);
 * ```
 */
export function _accumulateQ(
  v: Float64Array,
  betas: Float64Array,
  signs: Float64Array,
  m: number,
  n: number,
): Float64Array {
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  // Backward accumulation: columns j < k are still e_j, zero in rows ≥ k, so
  // H_k leaves them unchanged and the loop starts at j = k.
  for (let k = n - 1; k >= 0; k--) {
    const beta = betas[k];
    if (beta === 0) continue;
    const vo = k * m;
    let j = k;
    // Four, then two columns per pass share the loads of v (each column's sums
    // run in the same order as one column at a time: same bits, fewer loads).
    for (; j + 3 < n; j += 4) {
      const qa = j * m, qb = qa + m, qc = qb + m, qd = qc + m;
      let da = 0, db = 0, dc = 0, dd = 0;
      for (let i = k; i < m; i++) {
        const vi = v[vo + i];
        da += vi * q[qa + i];
        db += vi * q[qb + i];
        dc += vi * q[qc + i];
        dd += vi * q[qd + i];
      }
      const fa = beta * da, fb = beta * db, fc = beta * dc, fd = beta * dd;
      for (let i = k; i < m; i++) {
        const vi = v[vo + i];
        q[qa + i] -= fa * vi;
        q[qb + i] -= fb * vi;
        q[qc + i] -= fc * vi;
        q[qd + i] -= fd * vi;
      }
    }
    for (; j + 1 < n; j += 2) {
      const qa = j * m, qb = qa + m;
      let da = 0, db = 0;
      for (let i = k; i < m; i++) {
        const vi = v[vo + i];
        da += vi * q[qa + i];
        db += vi * q[qb + i];
      }
      const fa = beta * da, fb = beta * db;
      for (let i = k; i < m; i++) {
        const vi = v[vo + i];
        q[qa + i] -= fa * vi;
        q[qb + i] -= fb * vi;
      }
    }
    if (j < n) {
      const qo = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[vo + i] * q[qo + i];
      const f = beta * dot;
      for (let i = k; i < m; i++) q[qo + i] -= f * v[vo + i];
    }
  }
  for (let j = 0; j < n; j++) {
    if (signs[j] < 0) {
      const qo = j * m;
      for (let i = 0; i < m; i++) q[qo + i] = -q[qo + i];
    }
  }
  return q;
}

/**
 * Turns the first column-slice `x = w[k·m + k .. k·m + m)` into a Householder
 * vector in place (`H x = α e_1`) and returns `[β, α]`; `β = 0` when `x = 0`.
 * Internal to `qrOrthonormal` and `haarOrthogonal`.
 *
 * @example x = (3, 4): α = −5, v = (8, 4), β = 2/‖v‖² = 0.025
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { _householderVector } from "./_reflectors.ts";
 * const w = new Float64Array([3, 4]);
 * deepEqual(_householderVector(w, 2, 0), [0.025, -5]);
 * deepEqual([...w], [8, 4]);
 * ```
 */
export function _householderVector(w: Float64Array, m: number, k: number): [number, number] {
  const o = k * m;
  let norm2 = 0;
  for (let i = k; i < m; i++) norm2 += w[o + i] * w[o + i];
  const norm = Math.sqrt(norm2);
  if (norm === 0) return [0, 0];
  const x0 = w[o + k];
  const alpha = x0 >= 0 ? -norm : norm; // avoids cancellation in v0 = x0 − α
  w[o + k] = x0 - alpha;
  // ‖v‖² = ‖x‖² − 2αx0 + α² = 2‖x‖² + 2|x0|·‖x‖.
  const vnorm2 = 2 * norm2 + 2 * Math.abs(x0) * norm;
  return [2 / vnorm2, alpha];
}
