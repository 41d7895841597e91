import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { orthogonalityError } from "./orthogonality.ts";
import { stream } from "../rng/mod.ts";
import { saoDensities, saoMethod } from "./sao.ts";
import { convShape, denseShape, type LayerShape } from "./shape.ts";
import type { Activation, LayerInit } from "./types.ts";

const dense = denseShape;
const conv = convShape;

function run(
  shape: LayerShape,
  density: number,
  seed = 0,
  activation: Activation = "tanh",
  options?: Record<string, unknown>,
  gain?: number,
): LayerInit {
  return saoMethod.build(options)(
    { shape, density, activation, gain },
    (purpose) => stream(seed, "layer/1", purpose),
  );
}

/** Row and column degrees of the [in, out] (or centre-tap) mask. */
function degrees(mask: Uint8Array, inF: number, outF: number, offset = 0) {
  const rowDeg = new Array(inF).fill(0), colDeg = new Array(outF).fill(0);
  for (let i = 0; i < inF; i++) {
    for (let o = 0; o < outF; o++) {
      rowDeg[i] += mask[offset + i * outF + o];
      colDeg[o] += mask[offset + i * outF + o];
    }
  }
  return { rowDeg, colDeg };
}

Deno.test("sao gives exact degrees, exact counts and orthogonality ≤ 1e-6 on square, wide and tall layers", () => {
  for (const [i, o] of [[64, 64], [32, 80], [80, 32], [128, 128]]) {
    const shape = dense(i, o);
    const rows = Math.min(i, o), cols = Math.max(i, o);
    for (const d of saoDensities(shape, "tanh")) {
      for (const block of ["haar", "authors"]) {
        const init = run(shape, d, 1, "tanh", { block });
        const where = `${i}x${o} at ${d} (${block})`;
        const err = orthogonalityError(init.weights, shape);
        ok(err <= 1e-6, `${where}: ${err}`);
        const degree = d * cols;
        equal(init.mask.reduce((a, b) => a + b, 0), rows * degree, where);
        const { rowDeg, colDeg } = degrees(init.mask, i, o);
        // the smaller side has degree d, the larger side rows·d/cols
        const small = i <= o ? rowDeg : colDeg, large = i <= o ? colDeg : rowDeg;
        ok(small.every((x) => x === degree), `${where}: small-side degrees`);
        ok(large.every((x) => x === (rows * degree) / cols), `${where}: large-side degrees`);
        init.mask.forEach((m, k) => {
          if (m === 0) ok(Object.is(init.weights[k], 0));
          else ok(init.weights[k] !== 0);
        });
      }
    }
  }
});

Deno.test("saoDensities() lists the supported densities (tanh and ReLU forms)", () => {
  // 80 columns, 32 rows: d | 80 and 32·d/80 integer ⇒ d ∈ {5, 10, 20, 40, 80}
  deepEqual(saoDensities(dense(32, 80), "tanh"), [5, 10, 20, 40, 80].map((d) => d / 80));
  deepEqual(saoDensities(dense(100, 100), "relu"), [1, 2, 5, 10, 25, 50].map((d) => d / 50));
  deepEqual(saoDensities(dense(7, 8), "relu"), []);
  deepEqual(saoDensities(conv(3, 4, 4), "linear"), [0.25, 0.5, 0.75, 1].filter((x) => x !== 0.75));
});

Deno.test("sao ReLU form is [[M, −M], [−M, M]] with M row-orthonormal", () => {
  const shape = dense(16, 16);
  const init = run(shape, 0.25, 2, "relu", undefined, 1);
  const w = init.weights, h = 8;
  for (let a = 0; a < h; a++) {
    for (let b = 0; b < h; b++) {
      const m = w[a * 16 + b];
      equal(w[a * 16 + b + h], -m);
      equal(w[(a + h) * 16 + b], -m);
      equal(w[(a + h) * 16 + b + h], m);
    }
  }
  const mHalf = new Float32Array(64);
  for (let a = 0; a < h; a++) for (let b = 0; b < h; b++) mHalf[a * 8 + b] = w[a * 16 + b];
  ok(orthogonalityError(mHalf, dense(8, 8)) <= 1e-6);
  const { rowDeg } = degrees(init.mask, 16, 16);
  ok(rowDeg.every((x) => x === 4));
});

Deno.test("sao conv: SAO channel matrix at the centre tap, whole kernels of kept pairs in the mask", () => {
  const shape = conv(3, 16, 32);
  const init = run(shape, 0.25, 3, "tanh", undefined, 2);
  ok(orthogonalityError(init.weights, shape, { gain: 2 }) <= 1e-6);
  const tap = 16 * 32, centre = 4 * tap;
  const { rowDeg } = degrees(init.mask, 16, 32, centre);
  ok(rowDeg.every((x) => x === 8)); // degree 0.25·32
  for (let k = 0; k < tap; k++) {
    const kept = init.mask[centre + k];
    equal(kept, init.weights[centre + k] !== 0 ? 1 : 0);
    for (let t = 0; t < 9; t++) {
      equal(init.mask[t * tap + k], kept);
      if (t !== 4) equal(init.weights[t * tap + k], 0);
    }
  }
});

Deno.test("sao is deterministic per seed, differs across seeds, and its mask ignores the block kind", () => {
  const shape = dense(64, 64);
  const a = run(shape, 0.125, 9), b = run(shape, 0.125, 9), c = run(shape, 0.125, 10);
  deepEqual(new Uint8Array(a.weights.buffer), new Uint8Array(b.weights.buffer));
  notDeepEqual(a.mask, c.mask);
  deepEqual(run(shape, 0.125, 9, "tanh", { block: "authors" }).mask, a.mask);
  // the authors' orth(U[0,1]) blocks are biased: all-positive-leaning first rows
  notDeepEqual(run(shape, 0.125, 9, "tanh", { block: "authors" }).weights, a.weights);
});

Deno.test("sao rejects unsupported densities listing the supported ones, and other bad input", () => {
  throws(
    () => run(dense(32, 80), 0.1),
    /sao: density 0\.1 is not supported for dense 32x80: .*supported densities: \[0\.0625, 0\.125, 0\.25, 0\.5, 1\]/,
  );
  throws(
    () => run(dense(7, 8), 0.5, 0, "relu"),
    /ReLU form needs even sizes; supported densities: \[\]/,
  );
  throws(
    () => run(dense(16, 16), 0.0625, 0, "relu"),
    /supported densities: \[0\.125, 0\.25, 0\.5, 1\]/,
  );
  for (const d of [0, 1.2, NaN]) {
    throws(() => run(dense(8, 8), d), /sao: density must be in \(0, 1\]/);
  }
  throws(() => run(conv(2, 8, 8), 0.5), /sao: needs an odd kernel/);
  throws(() => run(dense(8, 8), 0.5, 0, "tanh", undefined, -1), /sao: gain must be/);
  throws(() => saoMethod.build({ block: "qr" }), /block must be "haar" or "authors"/);
  throws(() => saoMethod.build({ blocks: "haar" }), /unknown option "blocks"/);
  throws(() => saoDensities({ kind: "dense", inFeatures: 0, outFeatures: 3 }, "tanh"), TypeError);
});

Deno.test("sao block 'authors' is orth(U[0,1]) — its first singular vector ≈ ±(1,…,1)/√d — and 'haar' is not", () => {
  const shape = dense(16, 16);
  // density 1: one group of all 16 columns; matrix column 0 = first column of U for every row
  const firstColumn = (w: Float32Array) => Array.from({ length: 16 }, (_, a) => w[a * 16]);
  for (let seed = 0; seed < 5; seed++) {
    const authors = firstColumn(run(shape, 1, seed, "tanh", { block: "authors" }).weights);
    ok(authors.every((v) => Math.sign(v) === Math.sign(authors[0])), `seed ${seed}: signs`);
    ok(authors.every((v) => Math.abs(Math.abs(v) - 0.25) < 0.12), `seed ${seed}: ${authors}`);
    const haar = firstColumn(run(shape, 1, seed).weights);
    ok(
      !haar.every((v) => Math.sign(v) === Math.sign(haar[0])),
      `seed ${seed}: haar signs all equal`,
    );
  }
});
