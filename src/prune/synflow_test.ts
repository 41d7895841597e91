import { equal, ok, throws } from "node:assert/strict";
import { countNonZeros, kernelSize, type LayerShape } from "../init/mod.ts";
import { stream } from "../rng/mod.ts";
import { synflow, synflowScores } from "./synflow.ts";

function mlp(depth: number, width: number, input = 12, classes = 4): LayerShape[] {
  const s: LayerShape[] = [{ kind: "dense", inFeatures: input, outFeatures: width }];
  for (let i = 1; i < depth; i++) s.push({ kind: "dense", inFeatures: width, outFeatures: width });
  s.push({ kind: "dense", inFeatures: width, outFeatures: classes });
  return s;
}

function randomWeights(shapes: readonly LayerShape[], seed: number, std = 1): Float64Array[] {
  return shapes.map((s, l) => {
    const rng = stream(seed, "test/synflow", `layer/${l}`);
    return Float64Array.from({ length: kernelSize(s) }, () => std * rng.normal());
  });
}

function logSumExp(v: Float64Array): number {
  let m = -Infinity;
  for (const x of v) m = Math.max(m, x);
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s);
}

Deno.test("synflowScores() matches a brute-force |θ|·∂R/∂|θ| on a small MLP", () => {
  const shapes = mlp(2, 3, 4, 2);
  const w = randomWeights(shapes, 3);
  const { logScores, logR } = synflowScores(shapes, w);
  // R(θ) = 1ᵀ|W0||W1||W2|1 is linear in each |W_l[i,o]|: ∂R/∂|w| = (R(|w|+h) − R(|w|))/h exactly.
  const R = (ws: Float64Array[]): number => {
    let v = new Float64Array(4).fill(1);
    ws.forEach((W, l) => {
      const s = shapes[l] as { inFeatures: number; outFeatures: number };
      const n = new Float64Array(s.outFeatures);
      for (let i = 0; i < s.inFeatures; i++) {
        for (let o = 0; o < s.outFeatures; o++) n[o] += v[i] * Math.abs(W[i * s.outFeatures + o]);
      }
      v = n;
    });
    return v.reduce((a, b) => a + b, 0);
  };
  ok(Math.abs(Math.exp(logR) - R(w)) < 1e-9 * R(w));
  for (let l = 0; l < shapes.length; l++) {
    for (let k = 0; k < w[l].length; k++) {
      const up = w.map((x) => x.slice());
      up[l][k] = Math.abs(up[l][k]) + 1;
      const grad = R(up) - R(w);
      const expected = Math.abs(w[l][k]) * grad;
      ok(
        Math.abs(Math.exp(logScores[l][k]) - expected) < 1e-9 * (1 + expected),
        `layer ${l} k ${k}`,
      );
    }
  }
});

Deno.test("synflowScores() conserves flow: every conv and dense layer's scores sum to R", () => {
  const conv = (cin: number, cout: number): LayerShape => ({
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 3,
    inChannels: cin,
    outChannels: cout,
  });
  const shapes: LayerShape[] = [conv(1, 5), conv(5, 5), conv(5, 5), {
    kind: "dense",
    inFeatures: 5,
    outFeatures: 3,
  }];
  const { logScores, logR } = synflowScores(shapes, randomWeights(shapes, 4));
  for (const s of logScores) ok(Math.abs(logSumExp(s) - logR) < 1e-9 * Math.abs(logR) + 1e-9);
});

Deno.test("synflow() on a 100-layer MLP gives finite, positive scores and the exact density", () => {
  const shapes = mlp(100, 16);
  const w = randomWeights(shapes, 5, 3e-5); // tiny weights: R underflows float64 without rescaling
  const { logScores, logR } = synflowScores(shapes, w);
  ok(Number.isFinite(logR) && logR < -745, `logR = ${logR}`); // exp(logR) === 0 in float64
  for (const s of logScores) for (const v of s) ok(Number.isFinite(v));
  const total = shapes.reduce((a, s) => a + kernelSize(s), 0);
  const masks = synflow(shapes, w, 0.1, { rounds: 20 });
  equal(masks.reduce((a, m) => a + countNonZeros(m), 0), Math.round(0.1 * total));
  const after = synflowScores(shapes, w, masks);
  ok(Number.isFinite(after.logR), "SynFlow keeps an input–output path");
});

Deno.test("synflow() on a 1000-layer MLP stays finite (log-domain) with exact density", () => {
  const shapes = mlp(1000, 6, 6, 6);
  const w = randomWeights(shapes, 6, 3); // large weights: R overflows float64 without rescaling
  const { logScores, logR } = synflowScores(shapes, w);
  ok(Number.isFinite(logR) && logR > 1000, `logR = ${logR}`);
  for (const s of logScores) for (const v of s) ok(Number.isFinite(v));
  const total = shapes.reduce((a, s) => a + kernelSize(s), 0);
  const masks = synflow(shapes, w, 0.5, { rounds: 5 });
  equal(masks.reduce((a, m) => a + countNonZeros(m), 0), Math.round(0.5 * total));
});

Deno.test("synflow() is deterministic and never regrows a pruned entry", () => {
  const shapes = mlp(3, 8);
  const w = randomWeights(shapes, 7);
  const a = synflow(shapes, w, 0.2, { rounds: 10 });
  const b = synflow(shapes, w, 0.2, { rounds: 10 });
  equal(a.map((m) => m.join("")).join("|"), b.map((m) => m.join("")).join("|"));
  // Two rounds at density d: the final mask is a subset of the one-round mask at density √d.
  const first = synflow(shapes, w, Math.sqrt(0.2), { rounds: 1 });
  const second = synflow(shapes, w, 0.2, { rounds: 2 });
  ok(second.every((m, l) => m.every((v, i) => v <= first[l][i])));
  ok(second.some((m, l) => m.some((v, i) => v !== a[l][i])), "rounds change the mask");
});

Deno.test("synflow() rejects bad densities, rounds and mismatched shapes", () => {
  const shapes = mlp(1, 2, 2, 2);
  const w = randomWeights(shapes, 8);
  throws(() => synflow(shapes, w, 0), /synflow: density/);
  throws(() => synflow(shapes, w, 0.5, { rounds: 0 }), /rounds/);
  throws(() => synflowScores(shapes, [w[0]]), TypeError);
  throws(
    () =>
      synflowScores([shapes[0], { kind: "dense", inFeatures: 3, outFeatures: 2 }], [
        w[0],
        new Float64Array(6),
      ]),
    /does not follow/,
  );
});
