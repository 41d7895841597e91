/**
 * Haar-distributed (uniform) random orthogonal matrices.
 *
 * @module
 */

import type { Rng } from "../rng/mod.ts";
import { _accumulateQ, _householderVector } from "./_reflectors.ts";

/**
 * A Haar-random `rows × cols` matrix, row-major, orthonormal along the smaller
 * dimension (`Q Qᵀ = I` if `rows ≤ cols`, `Qᵀ Q = I` otherwise), in float64.
 *
 * Distribution: exactly that of the Householder QR of an `m × n` standard
 * Gaussian matrix (`m = max`, `n = min`) with the sign fix `diag(R) > 0`
 * (Mezzadri 2007), transposed when `rows < cols`. It is computed by Stewart's
 * (1980) shortcut of that same QR: after reflection `k` the trailing columns of
 * a Gaussian matrix are again i.i.d. Gaussian and independent of the reflections
 * so far, so each Householder vector is built from a fresh Gaussian vector of
 * length `m − k` instead of updating the trailing columns. Same distribution,
 * half the flops; the draws are `m + (m − 1) + … + (m − n + 1)` normals from
 * `rng`, in that order.
 *
 * @throws {RangeError} if `rows` or `cols` is not a positive integer.
 * @example A 3 × 5 matrix has orthonormal rows
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { haarOrthogonal } from "./haar.ts";
 * const q = haarOrthogonal(stream(0, "doc", "weights"), 3, 5);
 * let dot01 = 0, norm0 = 0;
 * for (let t = 0; t < 5; t++) {
 *   dot01 += q[t] * q[5 + t];
 *   norm0 += q[t] * q[t];
 * }
 * ok(Math.abs(dot01) < 1e-14 && Math.abs(norm0 - 1) < 1e-14);
 * ```
 */
export function haarOrthogonal(rng: Rng, rows: number, cols: number): Float64Array {
  for (const [name, v] of [["rows", rows], ["cols", cols]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `haarOrthogonal: ${name} must be a positive integer; got ${v} (shape ${rows}x${cols})`,
      );
    }
  }
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const v = new Float64Array(m * n);
  const betas = new Float64Array(n);
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const o = k * m;
    for (let i = k; i < m; i++) v[o + i] = rng.normal();
    const [beta, alpha] = _householderVector(v, m, k);
    betas[k] = beta;
    signs[k] = alpha < 0 ? -1 : 1;
  }
  const q = _accumulateQ(v, betas, signs, m, n); // m × n column-major
  if (rows < cols) return q; // column-major m×n is row-major n×m = Qᵀ
  // rows ≥ cols: row-major rows×cols from column-major.
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const o = j * rows;
    for (let i = 0; i < rows; i++) out[i * cols + j] = q[o + i];
  }
  return out;
}
