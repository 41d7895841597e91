import { ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { symmetricEigenvalues } from "./_sym_eig.ts";

Deno.test("symmetricEigenvalues() recovers the spectrum of Q·diag(λ)·Qᵀ for a random orthogonal Q", () => {
  const n = 10, rng = stream(1, "test/sym_eig");
  // Q from Gram–Schmidt of a Gaussian matrix.
  const q: number[][] = [];
  for (let i = 0; i < n; i++) {
    let v = Array.from({ length: n }, () => rng.normal());
    for (const u of q) {
      const d = v.reduce((s, x, k) => s + x * u[k], 0);
      v = v.map((x, k) => x - d * u[k]);
    }
    const norm = Math.hypot(...v);
    q.push(v.map((x) => x / norm));
  }
  const lambda = [-3, -1, 0, 0.5, 1, 1, 2, 4, 7.5, 100];
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k][i] * lambda[k] * q[k][j];
      a[i * n + j] = s;
    }
  }
  const ev = symmetricEigenvalues(a, n);
  lambda.forEach((l, i) => ok(Math.abs(ev[i] - l) < 1e-10, `${ev[i]} vs ${l}`));
});

Deno.test("symmetricEigenvalues() handles diagonal, 1×1 and empty matrices and rejects bad input", () => {
  ok(symmetricEigenvalues([3, 0, 0, -2], 2).join() === "-2,3");
  ok(symmetricEigenvalues([5], 1)[0] === 5);
  ok(symmetricEigenvalues([], 0).length === 0);
  throws(() => symmetricEigenvalues([1, 2, 3], 2), /symmetricEigenvalues: need an n×n/);
  throws(() => symmetricEigenvalues([1, NaN, NaN, 1], 2), /not finite/);
});
