/**
 * Global top-k over per-layer scores: the selection step shared by SNIP,
 * GraSP and SynFlow, plus per-layer densities of a set of masks.
 *
 * @module
 */

/**
 * Keeps the `round(density · Σ sizes)` entries with the highest scores across
 * all layers and returns one 0/1 mask per layer (same lengths as `scores`).
 *
 * - The count is exact: ties at the threshold are broken deterministically by
 *   the flat global position (layer order first, then the index inside the
 *   layer), lowest position kept first.
 * - `-Infinity` is a valid score (e.g. SynFlow's log-score of a pruned
 *   weight); it ranks below every finite score.
 * - No layer is guaranteed a survivor: like the papers' code, a global
 *   selection may empty a whole layer (disconnecting the network). That is
 *   reported by the metrics at initialization (`pathCut`, `deadUnits`) rather
 *   than patched here.
 *
 * @param scores per-layer scores (any numeric array-like, float64 is best).
 * @param density fraction of all entries to keep, in (0, 1].
 * @returns per-layer masks (1 = kept).
 * @throws {RangeError} if `density` is outside (0, 1], there are no entries,
 *   or a score is NaN (the message names the layer and index).
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { globalTopK } from "./global_mask.ts";
 * const masks = globalTopK([[0.1, 5, 3], [4, 4, 0]], 0.5);
 * // 3 of 6 kept: 5, then 4 and 4 (tie at the threshold 4 keeps both, as 3 slots remain).
 * deepEqual(masks.map((m) => [...m]), [[0, 1, 0], [1, 1, 0]]);
 * ```
 */
export function globalTopK(
  scores: readonly ArrayLike<number>[],
  density: number,
): Uint8Array[] {
  let total = 0;
  for (const s of scores) total += s.length;
  if (!(density > 0 && density <= 1)) {
    throw new RangeError(
      `globalTopK: density must be in (0, 1]; got ${density} for ${scores.length} layers of ${total} entries`,
    );
  }
  if (total === 0) {
    throw new RangeError(`globalTopK: no entries to select from (${scores.length} layers)`);
  }
  const keep = Math.round(density * total);
  return selectTopCount(scores, keep, "globalTopK");
}

/**
 * Keeps exactly `count` entries with the highest scores across all layers
 * (ties: lowest flat position first, as in {@linkcode globalTopK}).
 *
 * @param scores per-layer scores.
 * @param count how many entries to keep, integer in [0, Σ sizes].
 * @param where name used in error messages.
 * @returns per-layer masks with exactly `count` ones in total.
 * @throws {RangeError} if `count` is out of range or a score is NaN.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { selectTopCount } from "./global_mask.ts";
 * deepEqual(selectTopCount([[1, 1], [1]], 2).map((m) => [...m]), [[1, 1], [0]]);
 * ```
 */
export function selectTopCount(
  scores: readonly ArrayLike<number>[],
  count: number,
  where = "selectTopCount",
): Uint8Array[] {
  let total = 0;
  for (const s of scores) total += s.length;
  if (!Number.isInteger(count) || count < 0 || count > total) {
    throw new RangeError(
      `${where}: count must be an integer in [0, ${total}]; got ${count}`,
    );
  }
  const all = new Float64Array(total);
  let off = 0;
  for (let l = 0; l < scores.length; l++) {
    const s = scores[l];
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (Number.isNaN(v)) {
        throw new RangeError(`${where}: score of layer ${l} at index ${i} is NaN`);
      }
      all[off + i] = v;
    }
    off += s.length;
  }
  const masks = scores.map((s) => new Uint8Array(s.length));
  if (count === 0) return masks;
  // Threshold = the count-th largest value = the (total − count)-th smallest (0-based).
  const threshold = _kthSmallest(all.slice(), total - count);
  let above = 0;
  for (let i = 0; i < total; i++) if (all[i] > threshold) above++;
  let tiesLeft = count - above;
  off = 0;
  for (let l = 0; l < scores.length; l++) {
    const m = masks[l];
    for (let i = 0; i < m.length; i++) {
      const v = all[off + i];
      if (v > threshold) m[i] = 1;
      else if (v === threshold && tiesLeft > 0) {
        m[i] = 1;
        tiesLeft--;
      }
    }
    off += m.length;
  }
  return masks;
}

/**
 * The k-th smallest value (0-based) of `a`, reordering `a` in place:
 * iterative quickselect with Hoare partitioning around a median-of-three
 * pivot (expected O(n); equal values split evenly, so many ties stay fast).
 */
function _kthSmallest(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >> 1);
    const x = a[lo], y = a[mid], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
