import { equal, ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { matrixOrthogonalityError } from "./gram.ts";
import { qrOrthonormal } from "./householder.ts";

Deno.test("qrOrthonormal() gives orthonormal Q with QᵀA upper triangular and a positive diagonal", () => {
  const rng = stream(0, "qr");
  for (const [m, n] of [[7, 7], [12, 5], [30, 1]]) {
    const a = new Float64Array(m * n).map(() => rng.uniform() - 0.25);
    const q = qrOrthonormal(a, m, n);
    // column-major m×n is row-major n×m: its rows are Q's columns
    ok(matrixOrthogonalityError(q, n, m) < 1e-13);
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < n; j++) {
        let r = 0;
        for (let i = 0; i < m; i++) r += q[p * m + i] * a[j * m + i];
        if (p > j) ok(Math.abs(r) < 1e-12, `R[${p},${j}] = ${r}`);
        if (p === j) ok(r > 0, `R[${p},${p}] = ${r}`);
      }
    }
  }
});

Deno.test("qrOrthonormal() leaves its input unchanged and handles a zero column", () => {
  const a = new Float64Array([0, 0, 0, 1, 2, 2]);
  const q = qrOrthonormal(a, 3, 2);
  equal(a[3], 1);
  ok(q.every(Number.isFinite));
});

Deno.test("qrOrthonormal() rejects wide shapes and wrong lengths", () => {
  throws(() => qrOrthonormal(new Float64Array(6), 2, 3), /m ≥ n ≥ 1; got 2×3/);
  throws(() => qrOrthonormal(new Float64Array(5), 3, 2), /needs 6 entries; got 5/);
});
