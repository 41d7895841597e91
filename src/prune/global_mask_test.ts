import { deepEqual, equal, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { countNonZeros, maskDensities, masksDensity } from "../init/mod.ts";
import { globalTopK, selectTopCount } from "./global_mask.ts";

Deno.test("globalTopK() keeps exactly round(density · total) entries for many densities", () => {
  const rng = stream(1, "test/global_mask");
  const scores = [40, 7, 300, 1].map((n) => Float64Array.from({ length: n }, () => rng.normal()));
  const total = 348;
  for (const d of [0.001, 0.01, 0.1, 0.33, 0.5, 0.999, 1]) {
    const masks = globalTopK(scores, d);
    const kept = masks.reduce((s, m) => s + countNonZeros(m), 0);
    equal(kept, Math.round(d * total), `density ${d}`);
  }
});

Deno.test("globalTopK() keeps the highest scores: every kept score ≥ every dropped score", () => {
  const rng = stream(2, "test/global_mask");
  const scores = [50, 60].map((n) => Float64Array.from({ length: n }, () => rng.uniform()));
  const masks = globalTopK(scores, 0.3);
  let minKept = Infinity, maxDropped = -Infinity;
  masks.forEach((m, l) =>
    m.forEach((v, i) => {
      if (v) minKept = Math.min(minKept, scores[l][i]);
      else maxDropped = Math.max(maxDropped, scores[l][i]);
    })
  );
  equal(minKept >= maxDropped, true);
});

Deno.test("globalTopK() breaks ties by the lowest flat position and is exact with all-equal scores", () => {
  const masks = globalTopK([new Float64Array(5).fill(1), new Float64Array(5).fill(1)], 0.3);
  deepEqual(masks.map((m) => [...m]), [[1, 1, 1, 0, 0], [0, 0, 0, 0, 0]]);
});

Deno.test("globalTopK() ranks -Infinity below finite scores and can empty a layer", () => {
  const masks = globalTopK([[-Infinity, -Infinity], [0, -1e300]], 0.5);
  deepEqual(masks.map((m) => [...m]), [[0, 0], [1, 1]]);
});

Deno.test("globalTopK() rejects bad densities and NaN scores, naming the function", () => {
  throws(() => globalTopK([[1, 2]], 0), /globalTopK: density/);
  throws(() => globalTopK([[1, 2]], 1.5), RangeError);
  throws(() => globalTopK([[1, NaN]], 0.5), /layer 0 at index 1 is NaN/);
  throws(() => globalTopK([[]], 0.5), RangeError);
});

Deno.test("maskDensities() and masksDensity() count non-zeros per layer and overall", () => {
  const masks = [new Uint8Array([1, 1, 0, 0]), new Uint8Array([0, 0, 0, 0, 0, 1])];
  deepEqual(maskDensities(masks), [0.5, 1 / 6]);
  equal(masksDensity(masks), 0.3);
});

Deno.test("selectTopCount() matches a sort-based reference on tie-heavy random scores", () => {
  const rng = stream(5, "test/global_mask/ties");
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + rng.int(200);
    const scores = [
      Float64Array.from({ length: n }, () => rng.int(6) - (rng.int(5) === 0 ? Infinity : 0)),
    ];
    const count = rng.int(n + 1);
    const [mask] = selectTopCount(scores, count);
    // Reference: stable sort of indices by (score desc, index asc), keep the first `count`.
    const order = [...scores[0].keys()].sort((a, b) => scores[0][b] - scores[0][a] || a - b);
    const expected = new Uint8Array(n);
    for (const i of order.slice(0, count)) expected[i] = 1;
    deepEqual(mask, expected, `trial ${trial}`);
  }
});
