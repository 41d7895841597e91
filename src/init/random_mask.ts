/**
 * Exact-count random masks and the one count rule of the suite.
 *
 * A layer of `size` kernel entries at density `d` keeps exactly
 * {@linkcode maskCount}`(size, d)` = `max(1, round(d · size))` entries. The
 * density allocations (`allocation.ts`) and every initializer that draws its
 * own mask use this rule, so a layer's achieved density is predictable from
 * its requested density alone.
 *
 * @module
 */

import type { Rng } from "../rng/mod.ts";
import { kernelSize, shapeLabel } from "./shape.ts";
import type { InitRequest, StreamFor } from "./types.ts";

/**
 * The number of kept entries of a layer with `size` entries at `density`:
 * `max(1, round(density · size))` (round half up). A positive density keeps
 * at least one entry, so no layer is ever cut completely.
 *
 * @throws {RangeError} if `size` is not a positive integer or `density` is not in (0, 1].
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { maskCount } from "./random_mask.ts";
 * equal(maskCount(100, 0.125), 13);
 * equal(maskCount(100, 0.001), 1);
 * equal(maskCount(100, 1), 100);
 * ```
 */
export function maskCount(size: number, density: number): number {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`maskCount: size must be a positive integer; got ${size}`);
  }
  if (!(density > 0 && density <= 1)) {
    throw new RangeError(`maskCount: density must be in (0, 1]; got ${density} (size ${size})`);
  }
  return Math.min(size, Math.max(1, Math.round(density * size)));
}

/**
 * A 0/1 mask of `size` entries with exactly `count` ones at uniformly random
 * positions (every `count`-subset equally likely, via `rng.sample`).
 *
 * @throws {RangeError} if `size` is not a non-negative integer or `count` is not an integer in [0, size].
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { randomMask } from "./random_mask.ts";
 * const mask = randomMask(stream(0, "layer/0", "mask"), 10, 3);
 * equal(mask.length, 10);
 * equal(mask.reduce((a, b) => a + b, 0), 3);
 * ```
 */
export function randomMask(rng: Rng, size: number, count: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`randomMask: size must be a non-negative integer; got ${size}`);
  }
  if (!Number.isInteger(count) || count < 0 || count > size) {
    throw new RangeError(
      `randomMask: count must be an integer in [0, ${size}] for size ${size}; got ${count}`,
    );
  }
  const mask = new Uint8Array(size);
  if (count === size) return mask.fill(1);
  for (const i of rng.sample(count, size)) mask[i] = 1;
  return mask;
}

/**
 * The mask an initializer should use for a request: `request.mask` when
 * given (validated: right length, 0/1 entries; it may be all zero, as a
 * global pruning score can cut a layer), otherwise an exact-count random mask
 * of {@linkcode maskCount}`(size, request.density)` entries drawn from
 * `streams("mask")`. A full-density request without a mask gets all ones
 * and draws nothing.
 *
 * @throws {RangeError} naming `where` and the shape if the given mask has the wrong length or
 *   a value other than 0/1, or if the density is not in (0, 1].
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { requestMask } from "./random_mask.ts";
 * const shape = { kind: "dense", inFeatures: 8, outFeatures: 4 } as const;
 * const mask = requestMask(
 *   { shape, density: 0.25, activation: "linear" },
 *   (purpose) => stream(0, "doc", purpose),
 *   "doc",
 * );
 * equal(mask.reduce((a, b) => a + b, 0), 8);
 * ```
 */
export function requestMask(
  request: InitRequest,
  streams: StreamFor,
  where: string,
): Uint8Array {
  const size = kernelSize(request.shape);
  const given = request.mask;
  if (given !== undefined) {
    if (!(given instanceof Uint8Array) || given.length !== size) {
      throw new RangeError(
        `${where}: mask must be a Uint8Array of length ${size} for ${
          shapeLabel(request.shape)
        }; got length ${given?.length}`,
      );
    }
    for (let i = 0; i < size; i++) {
      if (given[i] > 1) {
        throw new RangeError(
          `${where}: mask entries must be 0 or 1 for ${shapeLabel(request.shape)}; got ${
            given[i]
          } at index ${i}`,
        );
      }
    }
    return Uint8Array.from(given);
  }
  if (!(request.density > 0 && request.density <= 1)) {
    throw new RangeError(
      `${where}: density must be in (0, 1] for ${
        shapeLabel(request.shape)
      }; got ${request.density}`,
    );
  }
  const count = maskCount(size, request.density);
  if (count === size) return new Uint8Array(size).fill(1);
  return randomMask(streams("mask"), size, count);
}
