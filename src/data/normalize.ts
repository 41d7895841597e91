/**
 * Input normalisation of a cell's images: `standardize` (the default: per
 * dataset, `(x/255 − mean) / std` with the training split's pixel mean and
 * standard deviation) or `unit` (`x/255`, values in [0, 1]).
 *
 * The EOI authors standardise MNIST with `Normalize((0.1307,), (0.3081,))`
 * (woocash2/sparser-better-deeper-stronger, `data_handling/utils.py`,
 * `get_mnist_dataloaders`), the training set's mean and standard deviation.
 * Fashion-MNIST gets its own, computed once over the 60,000 training images
 * of the suite's split and pinned here (a test recomputes them from the data).
 * `synthetic` is generated around zero with its own scale; its statistics
 * are pinned as mean 0, std 1, so standardising leaves it unchanged.
 *
 * @module
 */

import type { Dataset, DatasetName } from "./datasets.ts";

/**
 * How pixel values reach the model: `standardize` or `unit` (see module doc).
 */
export type Normalization = "standardize" | "unit";

/**
 * The accepted normalisations, the default first.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { NORMALIZATIONS } from "./normalize.ts";
 * deepEqual(NORMALIZATIONS, ["standardize", "unit"]);
 * ```
 */
export const NORMALIZATIONS: readonly Normalization[] = ["standardize", "unit"];

/**
 * Pixel mean and (population) standard deviation of each dataset's training
 * images after `/255`, as `standardize` uses them. MNIST: the authors'
 * constants (measured here: 0.13066, 0.30811). Fashion-MNIST: measured on the
 * suite's 60,000-image training split (0.28631, 0.35298), rounded to four
 * digits as MNIST's are. Frozen.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DATASET_STATISTICS } from "./normalize.ts";
 * equal(DATASET_STATISTICS.mnist.mean, 0.1307);
 * equal(DATASET_STATISTICS.mnist.std, 0.3081);
 * ```
 */
export const DATASET_STATISTICS: Readonly<
  Record<DatasetName, { readonly mean: number; readonly std: number }>
> = Object.freeze({
  "mnist": Object.freeze({ mean: 0.1307, std: 0.3081 }),
  "fashion-mnist": Object.freeze({ mean: 0.2863, std: 0.353 }),
  "synthetic": Object.freeze({ mean: 0, std: 1 }),
});

/**
 * Mean and population standard deviation of `values` (float64 sums).
 *
 * @throws {RangeError} for an empty array.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pixelStatistics } from "./normalize.ts";
 * const s = pixelStatistics(Float32Array.of(0, 1, 0, 1));
 * equal(s.mean, 0.5);
 * equal(s.std, 0.5);
 * ```
 */
export function pixelStatistics(values: Float32Array): { mean: number; std: number } {
  if (values.length === 0) throw new RangeError("pixelStatistics: no values");
  let s = 0, s2 = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i];
    s2 += values[i] * values[i];
  }
  const mean = s / values.length;
  return { mean, std: Math.sqrt(Math.max(0, s2 / values.length - mean * mean)) };
}

const _cache = new WeakMap<Dataset, Dataset>();

/**
 * The dataset as the model sees it under `normalization`: `unit` returns
 * `dataset` itself (its images are `/255` already); `standardize` returns a
 * copy with every image value `v` replaced by `Math.fround((v − mean) / std)`
 * (the dataset's {@linkcode DATASET_STATISTICS}), computed once per dataset
 * object and then shared (treat it as read-only, like the dataset).
 *
 * @throws {RangeError} for an unknown normalisation.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadDataset } from "./datasets.ts";
 * import { normalizeDataset } from "./normalize.ts";
 * const d = await loadDataset("synthetic");
 * equal(normalizeDataset(d, "unit"), d);
 * equal(normalizeDataset(d, "standardize"), normalizeDataset(d, "standardize")); // cached
 * ```
 */
export function normalizeDataset(dataset: Dataset, normalization: Normalization): Dataset {
  if (!NORMALIZATIONS.includes(normalization)) {
    throw new RangeError(
      `normalizeDataset: normalization must be one of ${NORMALIZATIONS.join(", ")}; got ${
        JSON.stringify(normalization)
      }`,
    );
  }
  if (normalization === "unit") return dataset;
  const hit = _cache.get(dataset);
  if (hit !== undefined) return hit;
  const { mean, std } = DATASET_STATISTICS[dataset.name];
  const map = (images: Float32Array) => {
    const out = new Float32Array(images.length);
    for (let i = 0; i < images.length; i++) out[i] = (images[i] - mean) / std;
    return out;
  };
  const standardized: Dataset = {
    ...dataset,
    trainImages: mean === 0 && std === 1 ? dataset.trainImages : map(dataset.trainImages),
    testImages: mean === 0 && std === 1 ? dataset.testImages : map(dataset.testImages),
  };
  _cache.set(dataset, standardized);
  return standardized;
}
