/**
 * Initializer benchmarks: EOI vs SAO vs dense orthogonal (Householder QR) on
 * square dense layers from 128×128 to 2048×2048, against the memory-bound
 * floor of filling an array of the same size from our generator.
 *
 * Each benchmark checks its first result (outside the timed span): mask count
 * and orthogonality of the full Gram matrix up to 512, of two Gram rows above
 * (a full Gram at 2048 costs n³). Dense orthogonal (QR, O(n³)) runs up to
 * 1024×1024 only; SAO up to degree 256 (its cost is ≈ (4/3)·n·d² flops).
 *
 * Each size also has a group `N×N vs orthogonal` whose baseline is the dense
 * orthogonal init (Householder QR) and which holds EOI at density 0.1, so the
 * CI figures (`deno task bench:ci`, docs/benchmarks.md) gate EOI's cost
 * relative to both floors of its group: the array fill and QR.
 *
 * `SPARSE_INIT_BENCH_SIZES=256,512` restricts the sizes (the CI set).
 *
 * Run: `deno bench bench/init_bench.ts`.
 *
 * @module
 */

import {
  type DenseShape,
  eoiMethod,
  type Initializer,
  type LayerInit,
  orthogonalityError,
  orthogonalMethod,
  saoMethod,
} from "../src/init/mod.ts";
import { stream } from "../src/rng/mod.ts";

const ALL_SIZES = [128, 256, 512, 1024, 2048];

/** The sizes to run: all, or those listed in `SPARSE_INIT_BENCH_SIZES` (comma-separated). */
function _sizes(): number[] {
  const raw = Deno.env.get("SPARSE_INIT_BENCH_SIZES");
  if (raw === undefined || raw.trim() === "") return ALL_SIZES;
  const sizes = raw.split(",").map((t) => Number(t.trim()));
  const bad = sizes.filter((n) => !ALL_SIZES.includes(n));
  if (bad.length > 0) {
    throw new RangeError(
      `SPARSE_INIT_BENCH_SIZES: ${JSON.stringify(raw)} lists ${bad.join(", ")}; sizes are ${
        ALL_SIZES.join(", ")
      }`,
    );
  }
  return sizes;
}

const SIZES = _sizes();

/** max |G − I| over Gram rows 0 and n−1 of a square n×n kernel (rows orthonormal). */
function _partialGramError(w: Float32Array, n: number): number {
  let worst = 0;
  for (const p of [0, n - 1]) {
    for (let q = 0; q < n; q++) {
      let dot = 0;
      for (let t = 0; t < n; t++) dot += w[p * n + t] * w[q * n + t];
      worst = Math.max(worst, Math.abs(dot - (p === q ? 1 : 0)));
    }
  }
  return worst;
}

function _check(out: LayerInit, shape: DenseShape, name: string, count?: [number, number]): void {
  const n = shape.inFeatures;
  const err = n <= 512 ? orthogonalityError(out.weights, shape) : _partialGramError(out.weights, n);
  if (!(err <= 1e-6)) throw new Error(`${name}: orthogonality error ${err}`);
  let kept = 0;
  for (let k = 0; k < out.mask.length; k++) {
    kept += out.mask[k];
    if (out.mask[k] === 0 && out.weights[k] !== 0) {
      throw new Error(`${name}: weight at masked ${k}`);
    }
  }
  if (count !== undefined && Math.abs(kept - count[0]) > count[1]) {
    throw new Error(`${name}: ${kept} non-zeros, expected ${count[0]} ± ${count[1]}`);
  }
}

function _bench(
  group: string,
  name: string,
  init: Initializer,
  shape: DenseShape,
  density: number,
  iterations: { n?: number; warmup?: number },
  count?: [number, number],
  baseline = false,
): void {
  let checked = false;
  Deno.bench({
    name,
    group,
    baseline,
    ...iterations,
    fn(b) {
      b.start();
      const out = init({ shape, density, activation: "tanh" }, (p) => stream(0, "bench", p));
      b.end();
      if (!checked) {
        _check(out, shape, `${group} ${name}`, count);
        checked = true;
      }
    },
  });
}

const eoi = eoiMethod.build();
const sao = saoMethod.build();
const orthogonal = orthogonalMethod.build();

for (const n of SIZES) {
  const group = `${n}x${n}`;
  const shape: DenseShape = { kind: "dense", inFeatures: n, outFeatures: n };
  const big = n >= 1024 ? { n: 10, warmup: 2 } : {};
  Deno.bench({
    name: "fill Float32Array with rng.uniform() (floor)",
    group,
    baseline: true,
    ...big,
    fn() {
      const rng = stream(0, "fill");
      const a = new Float32Array(n * n);
      for (let k = 0; k < a.length; k++) a[k] = rng.uniform();
      if (!(a[0] >= 0 && a[0] < 1)) throw new Error("fill: not a uniform");
    },
  });
  Deno.bench({
    name: "fill Float64Array with rng.uniform()",
    group,
    ...big,
    fn() {
      const rng = stream(0, "fill");
      const a = new Float64Array(n * n);
      for (let k = 0; k < a.length; k++) a[k] = rng.uniform();
      if (!(a[0] >= 0 && a[0] < 1)) throw new Error("fill: not a uniform");
    },
  });
  for (const d of [0.01, 0.1, 0.5]) {
    // one rotation changes at most 2n entries: the kept count is within 2n of d·n²
    _bench(group, `eoi d=${d}`, eoi, shape, d, big, [d * n * n, 2 * n]);
  }
  for (const degree of [n / 64, n / 8, n / 4, n / 2]) {
    if (degree > 256) continue;
    const d = degree / n;
    _bench(group, `sao degree ${degree} (d=${d})`, sao, shape, d, big, [n * degree, 0]);
  }
  if (n <= 1024) {
    // Dense orthogonal is the baseline of its own group, with EOI beside it.
    const qrGroup = `${group} vs orthogonal`;
    const qrIterations = n >= 1024 ? { n: 3, warmup: 1 } : big;
    _bench(
      qrGroup,
      "orthogonal (Householder QR)",
      orthogonal,
      shape,
      1,
      qrIterations,
      undefined,
      true,
    );
    _bench(qrGroup, "eoi d=0.1", eoi, shape, 0.1, big, [0.1 * n * n, 2 * n]);
  }
}
