import { deepEqual, notDeepEqual, ok, throws } from "node:assert/strict";
import { orthogonalityError } from "./orthogonality.ts";
import { stream } from "../rng/mod.ts";
import { deltaOrthogonalMethod } from "./delta_orthogonal.ts";
import type { LayerShape } from "./shape.ts";
import type { LayerInit } from "./types.ts";

const run = (shape: LayerShape, density = 1, seed = 0): LayerInit =>
  deltaOrthogonalMethod.build()(
    { shape, density, activation: "tanh" },
    (purpose) => stream(seed, "layer/3", purpose),
  );

Deno.test("delta-orthogonal puts an orthogonal matrix at the centre tap and zeros elsewhere", () => {
  for (const [k, cin, cout] of [[3, 16, 16], [3, 1, 32], [5, 24, 8], [1, 6, 6]]) {
    const shape = {
      kind: "conv",
      kernelHeight: k,
      kernelWidth: k,
      inChannels: cin,
      outChannels: cout,
    } as const;
    const init = run(shape, 1, 1);
    const tap = cin * cout, centre = ((k * k - 1) / 2) * tap;
    init.weights.forEach((w, i) => {
      if (i < centre || i >= centre + tap) {
        ok(Object.is(w, 0), `${k} ${cin} ${cout}: tap entry ${i}`);
      }
    });
    ok(orthogonalityError(init.weights, shape) <= 1e-6);
    ok(init.mask.every((m) => m === 1));
  }
});

Deno.test("delta-orthogonal is deterministic per seed and differs across seeds", () => {
  const shape = {
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 3,
    inChannels: 4,
    outChannels: 4,
  } as const;
  deepEqual(run(shape, 1, 5).weights, run(shape, 1, 5).weights);
  notDeepEqual(run(shape, 1, 5).weights, run(shape, 1, 6).weights);
});

Deno.test("delta-orthogonal rejects dense layers, even kernels and sparse densities", () => {
  throws(
    () => run({ kind: "dense", inFeatures: 3, outFeatures: 3 }),
    /delta-orthogonal: supports conv layers only; got dense 3x3/,
  );
  throws(
    () => run({ kind: "conv", kernelHeight: 2, kernelWidth: 3, inChannels: 2, outChannels: 2 }),
    /delta-orthogonal: needs an odd kernel/,
  );
  throws(
    () =>
      run({ kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 2 }, 0.5),
    /delta-orthogonal: .*got density 0\.5 for conv 3x3x2x2/,
  );
});
