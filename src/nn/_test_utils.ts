/**
 * Helpers shared by the `src/nn` tests (private: not exported from `mod.ts`).
 *
 * @module
 */

import { equal } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { stream } from "../rng/mod.ts";

/**
 * A tensor of standard normals from the stream `(seed, where, name)`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { randomTensor } from "./_test_utils.ts";
 * deepEqual(randomTensor([2, 3], 0, "doc", "x").shape, [2, 3]);
 * ```
 */
export function randomTensor(
  shape: number[],
  seed: number,
  where: string,
  name: string,
): tf.Tensor {
  const rng = stream(seed, where, name);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape);
}

/**
 * Largest `|a − b| / (1 + |b|)` over two equally long arrays.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { maxRelError } from "./_test_utils.ts";
 * equal(maxRelError([1, 2], [1, 3]), 0.25);
 * ```
 */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  }
  return worst;
}
