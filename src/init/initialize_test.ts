import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { checkLayerInit, initializeLayer } from "./initialize.ts";
import { randomMask } from "./random_mask.ts";
import { getMethod } from "./registry.ts";
import type { LayerShape } from "./shape.ts";

const shape: LayerShape = { kind: "dense", inFeatures: 20, outFeatures: 10 };
const conv: LayerShape = {
  kind: "conv",
  kernelHeight: 3,
  kernelWidth: 3,
  inChannels: 4,
  outChannels: 4,
};
const ones = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

Deno.test("initializeLayer() returns the achieved density of its exact-count mask", () => {
  const r = initializeLayer("pruned-orthogonal", shape, { density: 0.123, seed: 0 });
  equal(ones(r.mask), 25);
  equal(r.density, 25 / 200);
  r.weights.forEach((w, i) => ok(r.mask[i] === 1 || w === 0));
});

Deno.test("initializeLayer() draws purpose p from stream(seed, ...path, p), without the method name", () => {
  const path = ["cell:ab", "layer/1"];
  const r = initializeLayer("fan-in-scaled", conv, { density: 0.3, seed: 5, path });
  const direct = getMethod("fan-in-scaled").build()(
    { shape: conv, density: 0.3, activation: "linear" },
    (p) => stream(5, ...path, p),
  );
  deepEqual(r.weights, direct.weights);
  deepEqual(r.mask, randomMask(stream(5, ...path, "mask"), 144, 43));
  for (const m of ["layer-scaled", "pruned-kaiming", "pruned-orthogonal"]) {
    deepEqual(initializeLayer(m, conv, { density: 0.3, seed: 5, path }).mask, r.mask, m);
  }
  notDeepEqual(initializeLayer("fan-in-scaled", conv, { density: 0.3, seed: 5 }).mask, r.mask);
});

Deno.test("initializeLayer() uses a given mask for mask-taking methods, even an empty one", () => {
  const mask = randomMask(stream(1, "snip"), 200, 7);
  for (const m of ["fan-in-scaled", "pruned-kaiming", "layer-scaled", "pruned-orthogonal"]) {
    const r = initializeLayer(m, shape, { density: 0.5, seed: 2, mask });
    deepEqual(r.mask, mask, m);
    equal(r.density, 7 / 200);
  }
  const empty = initializeLayer("fan-in-scaled", shape, {
    density: 0,
    seed: 2,
    mask: new Uint8Array(200),
  });
  equal(empty.density, 0);
  deepEqual(empty.weights, new Float32Array(200));
});

Deno.test("initializeLayer() does not pass a mask to methods that place their own non-zeros", () => {
  const sq: LayerShape = { kind: "dense", inFeatures: 16, outFeatures: 16 };
  const mask = randomMask(stream(1, "snip"), 256, 64);
  const withMask = initializeLayer("eoi", sq, { density: 0.25, seed: 3, mask });
  const without = initializeLayer("eoi", sq, { density: 0.25, seed: 3 });
  deepEqual(withMask, without);
  throws(
    () => initializeLayer("eoi", sq, { density: 0, seed: 3, mask }),
    /initializeLayer\("eoi"\): density must be in \(0, 1\] for dense 16x16; got 0/,
  );
});

Deno.test("initializeLayer() passes gain, activation (default linear) and method options", () => {
  const base = initializeLayer("kaiming", shape, { density: 1, seed: 1 }).weights;
  const relu =
    initializeLayer("kaiming", shape, { density: 1, seed: 1, activation: "relu" }).weights;
  const gained = initializeLayer("kaiming", shape, { density: 1, seed: 1, gain: 3 }).weights;
  base.forEach((w, i) => {
    ok(Math.abs(relu[i] - Math.SQRT2 * w) <= 1e-6 * Math.abs(w));
    ok(Math.abs(gained[i] - 3 * w) <= 1e-6 * Math.abs(w));
  });
  const uniform = initializeLayer("kaiming", shape, {
    density: 1,
    seed: 1,
    methodOptions: { distribution: "uniform" },
  }).weights;
  ok(uniform.every((w) => Math.abs(w) <= Math.sqrt(3 / 20)));
  notDeepEqual(uniform, base);
  throws(
    () =>
      initializeLayer("kaiming", shape, {
        density: 1,
        seed: 1,
        methodOptions: { dist: "uniform" },
      }),
    /kaiming: unknown option "dist"/,
  );
});

Deno.test("initializeLayer() rejects bad input, naming the method, the shape and the value", () => {
  const ok1 = { density: 0.5, seed: 0 };
  throws(
    () => initializeLayer("kaimng", shape, ok1),
    /unknown method "kaimng"; valid methods: .*kaiming/,
  );
  throws(
    () => initializeLayer("fan-in-scaled", { kind: "dense", inFeatures: 0, outFeatures: 3 }, ok1),
    (e: unknown) =>
      e instanceof TypeError && /initializeLayer\("fan-in-scaled"\): inFeatures/.test(e.message),
  );
  throws(
    () => initializeLayer("delta-orthogonal", shape, { density: 1, seed: 0 }),
    /initializeLayer\("delta-orthogonal"\): method supports conv layers only; got dense 20x10/,
  );
  for (const density of [0, -1, 1.01, NaN]) {
    throws(
      () => initializeLayer("pruned-kaiming", shape, { density, seed: 0 }),
      new RegExp(
        `initializeLayer\\("pruned-kaiming"\\): density must be in \\(0, 1\\] for dense 20x10; got ${density}`,
      ),
    );
  }
  throws(
    () => initializeLayer("kaiming", shape, { density: 0.5, seed: 0 }),
    /a dense method needs density 1 for dense 20x10; got 0.5/,
  );
  throws(
    () => initializeLayer("kaiming", shape, { density: 1, seed: 0, activation: "gelu" as "relu" }),
    /initializeLayer\("kaiming"\): unknown activation "gelu" for dense 20x10; valid: linear, tanh, hard-tanh, relu/,
  );
  throws(
    () => initializeLayer("kaiming", shape, { density: 1, seed: 1.5 }),
    /initializeLayer\("kaiming"\): seed must be a safe integer for dense 20x10; got 1.5/,
  );
  throws(
    () =>
      initializeLayer("kaiming", shape, {
        density: 1,
        seed: 1,
        path: ["a", 3 as unknown as string],
      }),
    /path must be an array of strings for dense 20x10; got \["a",3\]/,
  );
  throws(
    () => initializeLayer("fan-in-scaled", shape, { ...ok1, mask: new Uint8Array(199) }),
    /initializeLayer\("fan-in-scaled"\): mask must be a Uint8Array of length 200 for dense 20x10; got a Uint8Array of length 199/,
  );
  const bad = new Uint8Array(200);
  bad[17] = 3;
  throws(
    () => initializeLayer("fan-in-scaled", shape, { ...ok1, mask: bad }),
    /mask entries must be 0 or 1 for dense 20x10; got 3 at index 17/,
  );
});

Deno.test("checkLayerInit() catches every inconsistency of a result", () => {
  const s: LayerShape = { kind: "dense", inFeatures: 2, outFeatures: 2 };
  const mask = new Uint8Array([1, 1, 0, 1]);
  const weights = new Float32Array([1, 2, 0, 3]);
  equal(checkLayerInit({ weights, mask }, s, "t"), 0.75);
  equal(checkLayerInit({ weights, mask }, s, "t", mask), 0.75);
  const cases: [unknown, unknown, RegExp, Uint8Array?][] = [
    [new Float64Array(4), mask, /weights must be a Float32Array of length 4; got length 4/],
    [new Float32Array(3), mask, /weights must be a Float32Array of length 4; got length 3/],
    [weights, new Uint8Array(5), /mask must be a Uint8Array of length 4; got length 5/],
    [weights, new Uint8Array([1, 2, 0, 1]), /mask value 2 at index 1/],
    [weights, mask, /mask differs from the given one at index 0/, new Uint8Array([0, 1, 0, 1])],
    [new Float32Array([1, NaN, 0, 3]), mask, /weight NaN at index 1/],
    [new Float32Array([1, 2, 0.5, 3]), mask, /weight 0.5 at masked index 2/],
  ];
  for (const [w, m, re, given] of cases) {
    throws(
      () => checkLayerInit({ weights: w as Float32Array, mask: m as Uint8Array }, s, "t", given),
      (e: unknown) =>
        e instanceof RangeError && /^t: inconsistent result for dense 2x2: /.test(e.message) &&
        re.test(e.message),
    );
  }
});

Deno.test("initializeLayer names the type of a wrong-typed argument", () => {
  const small: LayerShape = { kind: "dense", inFeatures: 2, outFeatures: 2 };
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [
      () => initializeLayer("eoi", small, { density: "0.5" as unknown as number, seed: 0 }),
      TypeError,
      /density must be a number in \(0, 1\] for dense 2x2; got the string "0\.5"$/,
    ],
    [
      () => initializeLayer("eoi", small, { density: 0.5, seed: "1" as unknown as number }),
      TypeError,
      /seed must be a safe integer for dense 2x2; got the string "1"$/,
    ],
    [
      () =>
        initializeLayer("pruned-kaiming", small, {
          density: 0.5,
          seed: 0,
          mask: new Float32Array(4) as unknown as Uint8Array,
        }),
      TypeError,
      /mask must be a Uint8Array of length 4 for dense 2x2; got a Float32Array of length 4$/,
    ],
    [
      () =>
        initializeLayer("pruned-kaiming", small, {
          density: 0.5,
          seed: 0,
          mask: [1, 0, 1, 0] as unknown as Uint8Array,
        }),
      TypeError,
      /got an Array of length 4$/,
    ],
    [
      () =>
        initializeLayer("pruned-kaiming", small, {
          density: 0.5,
          seed: 0,
          mask: new Uint8Array(3),
        }),
      RangeError,
      /mask must be a Uint8Array of length 4 for dense 2x2; got a Uint8Array of length 3$/,
    ],
    [
      () => initializeLayer("eoi", null as unknown as LayerShape, { density: 0.5, seed: 0 }),
      TypeError,
      /^initializeLayer\("eoi"\): shape must be an object \{ kind: "dense" \| "conv", … \}; got null$/,
    ],
    [
      () => initializeLayer("eoi", small, null as unknown as { density: number; seed: number }),
      TypeError,
      /^initializeLayer\("eoi"\): options must be an object \{ density, seed, … \}; got null$/,
    ],
  ];
  for (const [f, type, message] of cases) {
    throws(f, (e: Error) => e instanceof type && message.test(e.message), String(message));
  }
});
