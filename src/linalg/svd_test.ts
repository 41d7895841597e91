import { ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { matrixOrthogonalityError } from "./gram.ts";
import { leftSingularVectors } from "./svd.ts";

Deno.test("leftSingularVectors() gives orthonormal U (≤ 1e-12), decreasing σ, and Uᵀa with orthogonal rows of norms σ", () => {
  const rng = stream(0, "svd");
  for (const [m, n] of [[16, 16], [40, 12], [5, 1]]) {
    const a = new Float64Array(m * n).map(() => rng.uniform()); // U[0,1] like the SAO authors' blocks
    const { u, sigma } = leftSingularVectors(a, m, n);
    ok(matrixOrthogonalityError(u, n, m) <= 1e-12, `${m}x${n}`); // rows of the n×m row-major view
    for (let k = 1; k < n; k++) ok(sigma[k - 1] >= sigma[k]);
    // B = Uᵀ a (n×n): B Bᵀ = diag(σ²)
    const b = new Float64Array(n * n);
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += u[p * m + i] * a[j * m + i];
        b[p * n + j] = s;
      }
    }
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += b[p * n + j] * b[q * n + j];
        const want = p === q ? sigma[p] * sigma[p] : 0;
        ok(Math.abs(s - want) <= 1e-10 * sigma[0] * sigma[0], `${m}x${n} (${p},${q})`);
      }
    }
  }
});

Deno.test("leftSingularVectors() rejects wide shapes and wrong lengths", () => {
  throws(() => leftSingularVectors(new Float64Array(6), 2, 3), /m ≥ n ≥ 1; got 2×3/);
  throws(() => leftSingularVectors(new Float64Array(5), 3, 2), /needs 6 entries; got 5/);
});
