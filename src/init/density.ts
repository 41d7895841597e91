/**
 * Counting a mask: non-zeros, per-layer densities and the network density.
 *
 * @module
 */

/**
 * Achieved density of each mask: non-zeros / entries.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { maskDensities } from "./density.ts";
 * deepEqual(maskDensities([new Uint8Array([1, 0, 0, 1]), new Uint8Array([1])]), [0.5, 1]);
 * ```
 */
export function maskDensities(masks: readonly ArrayLike<number>[]): number[] {
  return masks.map((m) => (m.length === 0 ? 0 : countNonZeros(m) / m.length));
}

/**
 * Number of non-zero entries of an array.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { countNonZeros } from "./density.ts";
 * equal(countNonZeros(new Uint8Array([1, 0, 1])), 2);
 * ```
 */
export function countNonZeros(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) n++;
  return n;
}

/**
 * Network density of a set of masks: total non-zeros / total entries.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { masksDensity } from "./density.ts";
 * equal(masksDensity([new Uint8Array([1, 0, 0, 1]), new Uint8Array([1, 1])]), 4 / 6);
 * ```
 */
export function masksDensity(masks: readonly ArrayLike<number>[]): number {
  let nz = 0, total = 0;
  for (const m of masks) {
    nz += countNonZeros(m);
    total += m.length;
  }
  return total === 0 ? 0 : nz / total;
}
