/**
 * A tiny generated dataset with MNIST's shapes (28×28×1, 10 classes) for
 * tests and quick presets: learnable to high accuracy in a few steps by both
 * the MLP and the CNN.
 *
 * @module
 */

import { stream } from "../rng/mod.ts";
import type { Dataset } from "./datasets.ts";

/**
 * Options of {@linkcode syntheticDataset}; every default gives `loadDataset("synthetic")`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type SyntheticOptions, syntheticDataset } from "./synthetic.ts";
 * const options: SyntheticOptions = { seed: 1, train: 20, test: 10 };
 * equal(syntheticDataset(options).trainLabels.length, 20);
 * ```
 */
export interface SyntheticOptions {
  /** Seed of all draws (default 0). */
  readonly seed?: number;
  /** Training examples (default 4000, a multiple of 10 keeps classes balanced). */
  readonly train?: number;
  /** Test examples (default 1000). */
  readonly test?: number;
  /** Standard deviation of the per-pixel noise (uniform, zero-mean; default 0.25). */
  readonly noise?: number;
}

const _SIDE = 28;
const _CLASSES = 10;

/**
 * Generates the synthetic dataset: class `c` is a sinusoidal grating with its
 * own orientation (`(c mod 5)·36°`) and period (8 px for classes 0–4, 4 px
 * for 5–9) and a per-class phase drawn from `stream(seed, "synthetic",
 * "prototypes")`. Each example is its class's grating (contrast 0.35 around
 * 0.5) with a random phase shift in ±45° and i.i.d. zero-mean uniform pixel
 * noise of standard deviation `noise` (uniform rather than Gaussian: four
 * times cheaper to draw), clamped to [0, 1]. Classes are balanced (label
 * `k mod 10` of a random permutation), examples in random order. Train and test come from
 * separate streams (`"train"`, `"test"`), so changing one size leaves the
 * other set unchanged. Because classes differ in local texture (orientation,
 * frequency), a CNN with global average pooling can learn them as well as an
 * MLP; a nearest-class-mean classifier already scores above 95% (100% measured
 * at the default noise). About 0.1 s to generate.
 *
 * @throws {RangeError} if a size is not a positive integer, `noise` is
 *   negative or not finite, or `seed` is not a safe integer.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { syntheticDataset } from "./synthetic.ts";
 * const d = syntheticDataset({ train: 20, test: 10 });
 * equal(d.trainImages.length, 20 * 784);
 * equal(d.testLabels.length, 10);
 * equal(d.trainImages.every((v) => v >= 0 && v <= 1), true);
 * ```
 */
export function syntheticDataset(options: SyntheticOptions = {}): Dataset {
  const seed = options.seed ?? 0;
  const nTrain = options.train ?? 4000;
  const nTest = options.test ?? 1000;
  const noise = options.noise ?? 0.25;
  for (const [what, v] of [["train", nTrain], ["test", nTest]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`syntheticDataset: ${what} must be a positive integer; got ${v}`);
    }
  }
  if (!(Number.isFinite(noise) && noise >= 0)) {
    throw new RangeError(`syntheticDataset: noise must be finite and >= 0; got ${noise}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`syntheticDataset: seed must be a safe integer; got ${seed}`);
  }
  const protoRng = stream(seed, "synthetic", "prototypes");
  const phases = Array.from({ length: _CLASSES }, () => 2 * Math.PI * protoRng.uniform());
  const train = _generate(seed, "train", nTrain, noise, phases);
  const test = _generate(seed, "test", nTest, noise, phases);
  return {
    name: "synthetic",
    trainImages: train.images,
    trainLabels: train.labels,
    testImages: test.images,
    testLabels: test.labels,
    imageShape: [28, 28, 1],
    classes: 10,
  };
}

function _generate(
  seed: number,
  part: string,
  n: number,
  noise: number,
  phases: readonly number[],
): { images: Float32Array; labels: Uint8Array } {
  const rng = stream(seed, "synthetic", part);
  const perm = rng.permutation(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = perm[i] % _CLASSES;
  const pixels = _SIDE * _SIDE;
  // sin(a + φ) = sin(a)·cos(φ) + cos(a)·sin(φ): tabulate sin(a), cos(a) per class once.
  const sinTable: Float64Array[] = [], cosTable: Float64Array[] = [];
  for (let c = 0; c < _CLASSES; c++) {
    const angle = (Math.PI * (c % 5)) / 5;
    const freq = (2 * Math.PI) / (c < 5 ? 8 : 4);
    const kx = freq * Math.cos(angle), ky = freq * Math.sin(angle);
    const s = new Float64Array(pixels), co = new Float64Array(pixels);
    for (let y = 0; y < _SIDE; y++) {
      for (let x = 0; x < _SIDE; x++) {
        const a = kx * x + ky * y + phases[c];
        s[y * _SIDE + x] = Math.sin(a);
        co[y * _SIDE + x] = Math.cos(a);
      }
    }
    sinTable.push(s);
    cosTable.push(co);
  }
  // Uniform noise of standard deviation `noise`: width √12·noise (cheaper than normals).
  const spread = Math.sqrt(12) * noise;
  const images = new Float32Array(n * pixels);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    const shift = (rng.uniform() - 0.5) * (Math.PI / 2);
    const cs = 0.35 * Math.cos(shift), sn = 0.35 * Math.sin(shift);
    const s = sinTable[c], co = cosTable[c];
    for (let p = 0; p < pixels; p++) {
      const v = 0.5 + s[p] * cs + co[p] * sn + spread * (rng.nextUint32() / 4294967296 - 0.5);
      images[i * pixels + p] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return { images, labels };
}
