import { equal, ok, throws } from "node:assert/strict";
import { orthogonalityError } from "./orthogonality.ts";

Deno.test("orthogonalityError() uses the centre tap of a delta kernel and the whole map otherwise", () => {
  const shape = {
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 1,
    inChannels: 1,
    outChannels: 2,
  } as const;
  // taps: [0,0], [0.6,0.8], [0,0]: delta; centre 1×2 row (0.6, 0.8) is orthonormal
  equal(orthogonalityError([0, 0, 0.6, 0.8, 0, 0], shape), 0);
  // non-delta: whole (3·1)×2 map, columns (0.6, 0.6, 0)·… not orthonormal
  const w = [0.6, 0, 0.8, 0, 0, 1];
  ok(Math.abs(orthogonalityError(w, shape)) < 1e-15); // columns (0.6,0.8,0) and (0,0,1)
  ok(orthogonalityError([0.6, 0, 0, 0.8, 0, 0], shape) > 0.3);
  // even kernels have no centre tap: always the whole map
  const even = {
    kind: "conv",
    kernelHeight: 2,
    kernelWidth: 1,
    inChannels: 1,
    outChannels: 1,
  } as const;
  equal(orthogonalityError([0.6, 0.8], even), 0);
});

Deno.test("orthogonalityError() divides by gain² and validates its input", () => {
  const dense = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
  equal(orthogonalityError([0, 1.5, 1.5, 0], dense, { gain: 1.5 }), 0);
  ok(orthogonalityError([0, 1.5, 1.5, 0], dense) > 1);
  throws(() => orthogonalityError([1, 2, 3], dense), /dense 2x2 needs 4 weights; got 3/);
  throws(
    () => orthogonalityError([1], { kind: "dense", inFeatures: 0, outFeatures: 1 }),
    TypeError,
  );
});
