import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { orthogonalityError } from "./orthogonality.ts";
import { stream } from "../rng/mod.ts";
import { haarOrthogonal } from "../linalg/mod.ts";
import { orthogonalMethod } from "./orthogonal.ts";
import type { LayerShape } from "./shape.ts";
import type { LayerInit } from "./types.ts";

const run = (shape: LayerShape, density = 1, seed = 0, gain?: number): LayerInit =>
  orthogonalMethod.build()(
    { shape, density, activation: "linear", gain },
    (purpose) => stream(seed, "layer/2", purpose),
  );

Deno.test("orthogonal is orthogonal to 1e-6 (float32) on dense and conv shapes, mask all ones", () => {
  const shapes: LayerShape[] = [
    { kind: "dense", inFeatures: 64, outFeatures: 64 },
    { kind: "dense", inFeatures: 80, outFeatures: 32 },
    { kind: "dense", inFeatures: 37, outFeatures: 53 },
    { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 8, outChannels: 40 },
    { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 8, outChannels: 100 },
  ];
  for (const shape of shapes) {
    const init = run(shape, 1, 1, 1.5);
    const err = orthogonalityError(init.weights, shape, { gain: 1.5 });
    ok(err <= 1e-6, `${JSON.stringify(shape)}: ${err}`);
    ok(init.mask.every((m) => m === 1));
  }
});

Deno.test("orthogonal on a conv orthogonalises the whole (kh·kw·cin) × cout map, not just a tap", () => {
  const shape = {
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 3,
    inChannels: 4,
    outChannels: 4,
  } as const;
  const init = run(shape, 1, 2);
  ok(init.weights.slice(0, 16).some((w) => w !== 0)); // non-centre taps are used
  ok(orthogonalityError(init.weights, shape) <= 1e-6);
});

Deno.test("orthogonal is deterministic per seed and different across seeds", () => {
  const shape = { kind: "dense", inFeatures: 10, outFeatures: 10 } as const;
  deepEqual(run(shape, 1, 3).weights, run(shape, 1, 3).weights);
  notDeepEqual(run(shape, 1, 3).weights, run(shape, 1, 4).weights);
  equal(haarOrthogonal(stream(0, "x"), 2, 2).length, 4);
});

Deno.test("orthogonal rejects density < 1 pointing to pruned-orthogonal, and bad densities/gains", () => {
  const shape = { kind: "dense", inFeatures: 10, outFeatures: 10 } as const;
  throws(
    () => run(shape, 0.5),
    /orthogonal: .*got density 0\.5 for dense 10x10 .*"pruned-orthogonal"/,
  );
  throws(() => run(shape, 0), /orthogonal: density must be in \(0, 1\]/);
  throws(() => run(shape, 1, 0, 0), /orthogonal: gain must be/);
});
