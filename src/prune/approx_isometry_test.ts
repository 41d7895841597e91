import { equal, ok, throws } from "node:assert/strict";
import type { LayerShape } from "../init/mod.ts";
import { stream } from "../rng/mod.ts";
import { approxIsometry, isometryError } from "./approx_isometry.ts";

function sparseLayer(p: number, q: number, d: number, seed: number) {
  const rng = stream(seed, "test/approx_isometry");
  const n = p * q;
  const weights = Float64Array.from({ length: n }, () => rng.normal() / Math.sqrt(p * d));
  const mask = Uint8Array.from({ length: n }, () => (rng.uniform() < d ? 1 : 0));
  return { weights, mask };
}

Deno.test("approxIsometry() reduces the Gram error a lot and respects the mask (wide dense layer)", () => {
  const shape: LayerShape = { kind: "dense", inFeatures: 60, outFeatures: 12 };
  const { weights, mask } = sparseLayer(60, 12, 0.4, 1);
  const r = approxIsometry(weights, mask, shape, { steps: 2000 });
  ok(r.errorAfter < r.errorBefore / 100, `${r.errorBefore} → ${r.errorAfter}`);
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) equal(r.weights[i], 0);
  ok(Math.abs(isometryError(r.weights, mask, shape) - r.errorAfter) < 1e-12);
});

Deno.test("approxIsometry() works on the tall orientation and on convs (cout × cin·kh·kw)", () => {
  const tall: LayerShape = { kind: "dense", inFeatures: 8, outFeatures: 40 };
  const a = sparseLayer(8, 40, 0.5, 2);
  const ra = approxIsometry(a.weights, a.mask, tall, { steps: 2000 });
  ok(ra.errorAfter < ra.errorBefore / 20, `${ra.errorBefore} → ${ra.errorAfter}`);
  const conv: LayerShape = {
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 3,
    inChannels: 4,
    outChannels: 6,
  };
  const c = sparseLayer(36, 6, 0.5, 3);
  const rc = approxIsometry(c.weights, c.mask, conv, { steps: 2000, target: 1.05 });
  ok(rc.errorAfter < rc.errorBefore / 20, `${rc.errorBefore} → ${rc.errorAfter}`);
  for (let i = 0; i < c.mask.length; i++) if (c.mask[i] === 0) equal(rc.weights[i], 0);
});

Deno.test("approxIsometry() with the squared loss also converges", () => {
  const shape: LayerShape = { kind: "dense", inFeatures: 50, outFeatures: 10 };
  const { weights, mask } = sparseLayer(50, 10, 0.5, 4);
  const r = approxIsometry(weights, mask, shape, { steps: 1000, loss: "squared" });
  ok(r.errorAfter < r.errorBefore / 100, `${r.errorBefore} → ${r.errorAfter}`);
});

Deno.test("approxIsometry() with 0 steps returns the masked input; errors name the function", () => {
  const shape: LayerShape = { kind: "dense", inFeatures: 2, outFeatures: 2 };
  const r = approxIsometry([1, 2, 3, 4], [1, 0, 1, 1], shape, { steps: 0 });
  equal([...r.weights].join(), "1,0,3,4");
  equal(r.errorAfter, r.errorBefore);
  throws(() => approxIsometry([1, 2], [1, 1], shape), /approxIsometry: dense 2x2 needs 4/);
  throws(() => approxIsometry([1, 2, 3, 4], [1, 1, 1, 1], shape, { steps: -1 }), RangeError);
  throws(() => approxIsometry([1, 2, 3, 4], [1, 1, 1, 1], shape, { learningRate: 0 }), RangeError);
});

/**
 * The textbook form of the same descent, entry by entry: tall orientation M (rows ≥ cols),
 * E = MᵀM − target·I summed over every pair of a row's kept entries, g = M·E at the mask,
 * the best iterate kept. The optimised kernel must give these bits exactly (the cell results of
 * `approx-isometry` are keyed by RESULTS_VERSION, which a changed sum order would have to bump).
 */
function _textbook(
  weights: ArrayLike<number>,
  mask: ArrayLike<number>,
  p: number,
  q: number,
  steps: number,
  lr: number,
  target: number,
): Float32Array {
  const tr = p < q, rows = tr ? q : p, cols = tr ? p : q;
  const at = (r: number, c: number) => (tr ? c * q + r : r * q + c);
  const kept: number[][] = [];
  for (let r = 0; r < rows; r++) {
    kept.push([]);
    for (let c = 0; c < cols; c++) if (mask[at(r, c)] !== 0) kept[r].push(c);
  }
  const M = Array.from({ length: rows }, (_, r) => kept[r].map((c) => weights[at(r, c)]));
  const residual = (): [number, number[][]] => {
    const E = Array.from({ length: cols }, () => new Array<number>(cols).fill(0));
    for (let r = 0; r < rows; r++) {
      for (let a = 0; a < kept[r].length; a++) {
        for (let b = 0; b < kept[r].length; b++) E[kept[r][a]][kept[r][b]] += M[r][a] * M[r][b];
      }
    }
    for (let c = 0; c < cols; c++) E[c][c] -= target;
    let n = 0;
    for (const row of E) for (const v of row) n += v * v;
    return [Math.sqrt(n), E];
  };
  let [norm, E] = residual();
  let best = M.map((row) => row.slice()), bestNorm = norm;
  for (let s = 0; s < steps && norm > 0 && Number.isFinite(norm); s++) {
    const scale = (2 * lr) / norm;
    for (let r = 0; r < rows; r++) {
      const g = kept[r].map((col) => {
        let x = 0;
        for (let a = 0; a < kept[r].length; a++) x += M[r][a] * E[kept[r][a]][col];
        return x;
      });
      for (let b = 0; b < g.length; b++) M[r][b] -= scale * g[b];
    }
    [norm, E] = residual();
    if (norm < bestNorm) [bestNorm, best] = [norm, M.map((row) => row.slice())];
  }
  const out = new Float32Array(p * q);
  for (let r = 0; r < rows; r++) kept[r].forEach((c, b) => (out[at(r, c)] = best[r][b]));
  return out;
}

Deno.test("approxIsometry() gives exactly the bits of the textbook double loops (wide, tall, conv)", () => {
  const cases: [LayerShape, number, number, number][] = [
    [{ kind: "dense", inFeatures: 40, outFeatures: 24 }, 40, 24, 0.3],
    [{ kind: "dense", inFeatures: 9, outFeatures: 33 }, 9, 33, 0.45],
    [{ kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 4, outChannels: 6 }, 36, 6, 0.5],
  ];
  for (const [shape, p, q, d] of cases) {
    const { weights, mask } = sparseLayer(p, q, d, 7);
    const got = approxIsometry(weights, mask, shape, { steps: 300, target: 1.05 }).weights;
    const want = _textbook(weights, mask, p, q, 300, 0.1, 1.05);
    equal(got.length, want.length);
    let same = 0;
    for (let i = 0; i < got.length; i++) if (Object.is(got[i], want[i])) same++;
    equal(same, got.length, `${JSON.stringify(shape)}: ${got.length - same} entries differ`);
  }
});
