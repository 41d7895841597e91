import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { allocateDensities, DENSITY_ALLOCATIONS, networkDensity } from "./allocation.ts";
import { maskCount } from "./random_mask.ts";
import { convShape, denseShape, kernelSize, type LayerShape } from "./shape.ts";

const dense = denseShape;
const conv = (ci: number, co: number, k = 3): LayerShape => convShape(k, ci, co);
const mlp = [dense(784, 100), dense(100, 100), dense(100, 100), dense(100, 10)];
// The CNN of depth 4 and width 32 on 28x28x1 inputs: four 3x3 convs and a dense classifier.
const cnn = [conv(1, 32), conv(32, 32), conv(32, 32), conv(32, 32), dense(32, 10)];

/** Exact integer counts of per-layer densities (throws if a density is not count/size). */
function counts(shapes: readonly LayerShape[], densities: readonly number[]): number[] {
  return densities.map((d, i) => {
    const n = kernelSize(shapes[i]);
    const c = maskCount(n, d);
    ok(Math.abs(d * n - c) < 1e-6, `layer ${i}: density ${d} is not an integer count of ${n}`);
    return c;
  });
}

const total = (shapes: readonly LayerShape[]) => shapes.reduce((a, s) => a + kernelSize(s), 0);

Deno.test("uniform gives every layer the density; networkDensity counts round(d·n) per layer", () => {
  deepEqual(allocateDensities("uniform", mlp, 0.3), [0.3, 0.3, 0.3, 0.3]);
  const shapes = [dense(3, 3), dense(3, 1)];
  equal(networkDensity(shapes, allocateDensities("uniform", shapes, 0.5)), (5 + 2) / 12);
});

Deno.test("uniform-skip keeps non-square first and last layers dense; density is the other layers'", () => {
  deepEqual(allocateDensities("uniform-skip", mlp, 0.125), [1, 0.125, 0.125, 1]);
  deepEqual(
    allocateDensities("uniform-skip", [dense(100, 100), dense(100, 100), dense(100, 10)], 0.2),
    [
      0.2,
      0.2,
      1,
    ],
  );
  deepEqual(allocateDensities("uniform-skip", cnn, 0.25), [1, 0.25, 0.25, 0.25, 1]);
  deepEqual(allocateDensities("uniform-skip", [dense(8, 8)], 0.5), [0.5]);
  const d = allocateDensities("uniform-skip", mlp, 0.125);
  equal(networkDensity(mlp, d), (78400 + 2 * 1250 + 1000) / total(mlp));
});

Deno.test("ERK matches a hand-solved case: the densest layer is capped at 1 and the factor re-solved", () => {
  // raw = (in+out)/(in·out): 0.2 and 0.6; budget 60 of 120. eps = 60/32 → 1.125 > 1 for layer 1,
  // so layer 1 is dense (20) and layer 0 takes the remaining 40 of 100.
  deepEqual(allocateDensities("erk", [dense(10, 10), dense(10, 2)], 0.5), [0.4, 1]);
});

Deno.test("ERK meets the global budget exactly, caps at 1 and keeps density ∝ (Σ dims)/(Π dims)", () => {
  for (const shapes of [mlp, cnn]) {
    for (const d of [0.01, 0.05, 0.1, 0.3, 0.5, 0.9]) {
      const dens = allocateDensities("erk", shapes, d);
      const c = counts(shapes, dens);
      equal(c.reduce((a, b) => a + b, 0), maskCount(total(shapes), d), `density ${d}`);
      equal(networkDensity(shapes, dens), maskCount(total(shapes), d) / total(shapes));
      const raw = shapes.map((s) => {
        const dims = s.kind === "dense"
          ? [s.inFeatures, s.outFeatures]
          : [s.kernelHeight, s.kernelWidth, s.inChannels, s.outChannels];
        return dims.reduce((a, b) => a + b, 0) / kernelSize(s);
      });
      const sparse = dens.map((_, i) => i).filter((i) => dens[i] < 1);
      const eps = sparse.reduce((a, i) => a + c[i], 0) /
        sparse.reduce((a, i) => a + raw[i] * kernelSize(shapes[i]), 0);
      for (let i = 0; i < shapes.length; i++) {
        ok(dens[i] > 0 && dens[i] <= 1);
        if (dens[i] < 1) {
          // Within one entry of the exact ERK target.
          ok(Math.abs(c[i] - eps * raw[i] * kernelSize(shapes[i])) <= 1, `layer ${i} at ${d}`);
        } else {
          ok(eps * raw[i] >= 1 - 1e-9, `layer ${i} dense at ${d} though its target is below 1`);
        }
      }
    }
  }
  const capped = allocateDensities("erk", mlp, 0.5);
  equal(capped[3], 1);
});

Deno.test("EPL gives every layer the same count, capped at its size, remainder to the last layer", () => {
  // budget 994 = 4·248 + 2
  deepEqual(counts(mlp, allocateDensities("epl", mlp, 0.01)), [248, 248, 248, 250]);
  // budget 9940: the last layer (1000 entries) is full, the others share 8940
  deepEqual(counts(mlp, allocateDensities("epl", mlp, 0.1)), [2980, 2980, 2980, 1000]);
});

Deno.test("EPF gives every output unit the same count, capped at its fan-in", () => {
  // budget 994 over 310 units: 3.206 per unit → 320, 320, 320, 32 (+2 remainder to the last)
  deepEqual(counts(mlp, allocateDensities("epf", mlp, 0.01)), [320, 320, 320, 34]);
  // budget 49700: 160 per unit exceeds the fan-in 100 of layers 1–3, which are dense;
  // layer 0 takes the remaining 28700 (287 per unit).
  deepEqual(counts(mlp, allocateDensities("epf", mlp, 0.5)), [28700, 10000, 10000, 1000]);
  const c = counts(cnn, allocateDensities("epf", cnn, 0.05));
  const perUnit = c.map((x, i) =>
    x / (cnn[i].kind === "conv" ? cnn[i].outChannels : cnn[i].outFeatures)
  );
  // The first conv (1 → 32, fan-in 9 per filter) is capped, i.e. dense; the 32 → 32 convs share
  // one per-filter share (the layer count is floored); the classifier gets the remainder.
  equal(c[0], 9 * 32);
  ok(perUnit.slice(1, 4).every((p) => p === perUnit[1]), `${perUnit}`);
  ok(perUnit[4] >= perUnit[1], `${perUnit}`);
});

Deno.test("budget rules give every layer 1..size non-zeros summing exactly to the budget (random shapes)", () => {
  const rng = stream(42, "allocation-property");
  for (let t = 0; t < 60; t++) {
    const layers = 1 + rng.int(6);
    const shapes = Array.from(
      { length: layers },
      () =>
        rng.int(2) === 0
          ? dense(1 + rng.int(60), 1 + rng.int(60))
          : conv(1 + rng.int(8), 1 + rng.int(8), 1 + 2 * rng.int(2)),
    );
    const budgetMin = layers / total(shapes);
    const d = Math.min(1, budgetMin + rng.uniform() * (1 - budgetMin));
    for (const a of ["erk", "epl", "epf"] as const) {
      const c = counts(shapes, allocateDensities(a, shapes, d));
      c.forEach((x, i) => ok(x >= 1 && x <= kernelSize(shapes[i]), `${a} layer ${i}: ${x}`));
      equal(c.reduce((p, q) => p + q, 0), maskCount(total(shapes), d), `${a} at ${d}`);
    }
  }
});

Deno.test("EPF gives a layer whose per-unit share floors to zero one non-zero", () => {
  // budget 51 over 101 units: 0.505 per unit → layer 0 (1 unit) floors to 0 and takes one from layer 1.
  deepEqual(
    counts(
      [dense(100, 1), dense(100, 100)],
      allocateDensities("epf", [dense(100, 1), dense(100, 100)], 0.005),
    ),
    [
      1,
      50,
    ],
  );
});

Deno.test("a density that rounds to the whole network makes every layer dense", () => {
  const shapes = [dense(10, 10), dense(10, 2)];
  for (const a of ["erk", "epl", "epf"] as const) {
    deepEqual(allocateDensities(a, shapes, 0.999), [1, 1]);
  }
});

Deno.test("every allocation at density 1 is dense", () => {
  for (const a of DENSITY_ALLOCATIONS) deepEqual(allocateDensities(a, cnn, 1), [1, 1, 1, 1, 1]);
});

Deno.test("allocateDensities() rejects unknown rules, empty shapes, bad densities and unmeetable budgets", () => {
  throws(
    () => allocateDensities("erdos" as "erk", mlp, 0.1),
    /allocateDensities: unknown allocation "erdos"; valid: uniform, uniform-skip, erk, epl, epf/,
  );
  throws(
    () => allocateDensities("erk", [], 0.1),
    /allocateDensities\(erk\): shapes must be a non-empty array/,
  );
  for (const d of [0, -0.1, 1.5, NaN]) {
    throws(
      () => allocateDensities("uniform", mlp, d),
      new RegExp(`density must be in \\(0, 1\\]; got ${d}`),
    );
  }
  throws(() => allocateDensities("epl", [dense(0, 3)], 0.1), TypeError);
  throws(
    () => allocateDensities("epf", [dense(10, 10), dense(10, 10), dense(10, 10)], 0.001),
    /gives 1 non-zeros, fewer than one per layer for 3 layers \(dense 10x10, dense 10x10, dense 10x10\)/,
  );
});

Deno.test("networkDensity() counts a zero density as no entries and rejects mismatches", () => {
  equal(networkDensity([dense(2, 2), dense(2, 2)], [0, 1]), 0.5);
  throws(() => networkDensity(mlp, [1, 1]), /one density per layer for 4 shapes; got 2 densities/);
  throws(() => networkDensity([], []), RangeError);
  throws(
    () => networkDensity([dense(2, 2)], [1.2]),
    /density of layer 0 \(dense 2x2\) must be in \[0, 1\]; got 1.2/,
  );
  throws(() => networkDensity([dense(2, -1)], [1]), TypeError);
});
