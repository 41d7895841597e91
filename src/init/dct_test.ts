import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { dctMatrix } from "../linalg/mod.ts";
import { orthogonalityError } from "./orthogonality.ts";
import { stream } from "../rng/mod.ts";
import { dctOffset, dctPlusSparseMethod } from "./dct.ts";
import type { LayerShape } from "./shape.ts";
import type { InitRequest, LayerInit } from "./types.ts";

const run = (
  shape: LayerShape,
  density: number,
  seed = 0,
  extra: Partial<InitRequest> = {},
): LayerInit =>
  dctPlusSparseMethod.build()(
    { shape, density, activation: "relu", ...extra },
    (purpose) => stream(seed, "layer/4", purpose),
  );

Deno.test("dctOffset() is orthonormal along the smaller side (≤ 1e-6) for dense and conv shapes", () => {
  const shapes: LayerShape[] = [
    { kind: "dense", inFeatures: 784, outFeatures: 100 },
    { kind: "dense", inFeatures: 10, outFeatures: 64 },
    { kind: "dense", inFeatures: 37, outFeatures: 37 },
    { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 1, outChannels: 32 },
    { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 8, outChannels: 16 },
  ];
  for (const shape of shapes) {
    const err = orthogonalityError(dctOffset(shape), shape);
    ok(err <= 1e-6, `${JSON.stringify(shape)}: ${err}`);
  }
});

Deno.test("dctOffset() stores D[o, i] of the size-max(in,out) DCT at [i, o] (dense and patch order)", () => {
  const d = dctMatrix(7);
  const dense = dctOffset({ kind: "dense", inFeatures: 7, outFeatures: 3 });
  for (let i = 0; i < 7; i++) {
    for (let o = 0; o < 3; o++) equal(dense[i * 3 + o], Math.fround(d[o * 7 + i]));
  }
  // conv 1×2 kernel, 2 channels in: patch = 4 in (kh, kw, cin) order; 5 out ⇒ N = 5
  const d5 = dctMatrix(5);
  const c = dctOffset({
    kind: "conv",
    kernelHeight: 1,
    kernelWidth: 2,
    inChannels: 2,
    outChannels: 5,
  });
  for (let p = 0; p < 4; p++) {
    for (let j = 0; j < 5; j++) equal(c[p * 5 + j], Math.fround(d5[j * 5 + p]));
  }
  throws(() => dctOffset({ kind: "dense", inFeatures: 0, outFeatures: 2 }), TypeError);
});

Deno.test("dct-plus-sparse: zero values and an exact-count uniform mask max(1, round(d·size))", () => {
  const shape = {
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 3,
    inChannels: 4,
    outChannels: 8,
  } as const;
  for (const [d, n] of [[0.1, 29], [0.001, 1], [1, 288], [0.5, 144]]) {
    const init = run(shape, d, 1);
    equal(init.mask.reduce((a, b) => a + b, 0), n);
    ok(init.weights.every((w) => Object.is(w, 0)));
  }
  deepEqual(run(shape, 0.2, 3).mask, run(shape, 0.2, 3).mask);
  notDeepEqual(run(shape, 0.2, 3).mask, run(shape, 0.2, 4).mask);
});

Deno.test("dct-plus-sparse uses request.mask when given and validates it", () => {
  const shape = { kind: "dense", inFeatures: 2, outFeatures: 3 } as const;
  const mask = new Uint8Array([1, 0, 0, 1, 1, 0]);
  deepEqual(run(shape, 0.1, 0, { mask }).mask, mask);
  equal(dctPlusSparseMethod.takesMask, true);
  throws(
    () => run(shape, 0.5, 0, { mask: new Uint8Array(5) }),
    /6 entries for dense 2x3; got length 5/,
  );
  throws(
    () => run(shape, 0.5, 0, { mask: new Uint8Array([0, 2, 0, 0, 0, 0]) }),
    /0 or 1; got 2 at 1/,
  );
  throws(() => run(shape, 0), /dct-plus-sparse: density must be in \(0, 1\]/);
});
