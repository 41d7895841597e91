/**
 * Orthogonality error of a matrix: how far it is from orthonormal along its
 * smaller dimension, computed in float64.
 *
 * @module
 */

/**
 * `max |G − I|` where `G` is the Gram matrix of the smaller side of a row-major
 * `rows × cols` matrix (`M Mᵀ` if `rows ≤ cols`, else `Mᵀ M`), divided by
 * `gain²`. Accumulates in float64 whatever the input's type.
 *
 * @throws {RangeError} if the dimensions are not positive integers, `m.length ≠ rows·cols`
 *   or `gain` is not a positive finite number.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { matrixOrthogonalityError } from "./gram.ts";
 * equal(matrixOrthogonalityError([0, 2, 0, 0, 0, 2], 2, 3, 2), 0);
 * equal(matrixOrthogonalityError([1, 1, 0, 1], 2, 2), 1);
 * ```
 */
export function matrixOrthogonalityError(
  m: ArrayLike<number>,
  rows: number,
  cols: number,
  gain = 1,
): number {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(
      `matrixOrthogonalityError: dimensions must be positive integers; got ${rows}x${cols}`,
    );
  }
  if (m.length !== rows * cols) {
    throw new RangeError(
      `matrixOrthogonalityError: a ${rows}x${cols} matrix needs ${
        rows * cols
      } entries; got ${m.length}`,
    );
  }
  if (!(gain > 0 && Number.isFinite(gain))) {
    throw new RangeError(`matrixOrthogonalityError: gain must be positive and finite; got ${gain}`);
  }
  // Rows of `a` (n vectors of length len) are the smaller side.
  const n = Math.min(rows, cols);
  const len = Math.max(rows, cols);
  const a = new Float64Array(n * len);
  if (rows <= cols) {
    for (let i = 0; i < a.length; i++) a[i] = m[i];
  } else {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) a[j * rows + i] = m[i * cols + j];
    }
  }
  const g2 = gain * gain;
  let worst = 0;
  for (let p = 0; p < n; p++) {
    const po = p * len;
    for (let q = p; q < n; q++) {
      const qo = q * len;
      let dot = 0;
      for (let t = 0; t < len; t++) dot += a[po + t] * a[qo + t];
      const err = Math.abs(dot / g2 - (p === q ? 1 : 0));
      if (Number.isNaN(err)) return NaN; // a NaN is never orthogonal
      if (err > worst) worst = err;
    }
  }
  return worst;
}
