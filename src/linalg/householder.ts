/**
 * Householder QR in float64, the orthonormalisation used by the exact
 * orthogonal initializers.
 *
 * Matrices are column-major here (a column is contiguous), because every
 * inner loop of Householder QR walks down a column.
 *
 * @module
 */

import { _accumulateQ, _householderVector } from "./_reflectors.ts";

/**
 * The orthonormal factor `Q` (`m × n`, column-major) of the Householder QR of a
 * column-major `m × n` matrix `a` (`m ≥ n`), with the sign fix that makes
 * `diag(R) ≥ 0` (so `Q` is unique for a full-rank `a`). `a` is not modified.
 *
 * @throws {RangeError} if `m < n`, a dimension is not a positive integer, or `a.length ≠ m·n`.
 * @example Orthonormalise two columns of a 3 × 2 matrix
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { qrOrthonormal } from "./householder.ts";
 * // columns (1, 1, 0) and (1, 0, 1), column-major
 * const q = qrOrthonormal(new Float64Array([1, 1, 0, 1, 0, 1]), 3, 2);
 * ok(Math.abs(q[0] - Math.SQRT1_2) < 1e-15 && Math.abs(q[1] - Math.SQRT1_2) < 1e-15);
 * const dot = q[0] * q[3] + q[1] * q[4] + q[2] * q[5];
 * ok(Math.abs(dot) < 1e-15);
 * ```
 */
export function qrOrthonormal(a: ArrayLike<number>, m: number, n: number): Float64Array {
  if (!Number.isInteger(m) || !Number.isInteger(n) || n < 1 || m < n) {
    throw new RangeError(`qrOrthonormal: need integers m ≥ n ≥ 1; got ${m}×${n}`);
  }
  if (a.length !== m * n) {
    throw new RangeError(
      `qrOrthonormal: a ${m}×${n} matrix needs ${m * n} entries; got ${a.length}`,
    );
  }
  const w = Float64Array.from(a);
  const betas = new Float64Array(n);
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const [beta, alpha] = _householderVector(w, m, k);
    betas[k] = beta;
    signs[k] = alpha < 0 ? -1 : 1; // R_kk = α; a zero column keeps sign +1
    if (beta === 0) continue;
    const vo = k * m;
    for (let j = k + 1; j < n; j++) {
      const o = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += w[vo + i] * w[o + i];
      const f = beta * dot;
      for (let i = k; i < m; i++) w[o + i] -= f * w[vo + i];
    }
  }
  return _accumulateQ(w, betas, signs, m, n);
}
