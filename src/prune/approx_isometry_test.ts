import { equal, ok, throws } from "node:assert/strict";
import type { LayerShape } from "../init/mod.ts";
import { stream } from "../rng/mod.ts";
import { approxIsometry, isometryError } from "./approx_isometry.ts";

function sparseLayer(p: number, q: number, d: number, seed: number) {
  const rng = stream(seed, "test/approx_isometry");
  const n = p * q;
  const weights = Float64Array.from({ length: n }, () => rng.normal() / Math.sqrt(p * d));
  const mask = Uint8Array.from({ length: n }, () => (rng.uniform() < d ? 1 : 0));
  return { weights, mask };
}

Deno.test("approxIsometry() reduces the Gram error a lot and respects the mask (wide dense layer)", () => {
  const shape: LayerShape = { kind: "dense", inFeatures: 60, outFeatures: 12 };
  const { weights, mask } = sparseLayer(60, 12, 0.4, 1);
  const r = approxIsometry(weights, mask, shape, { steps: 2000 });
  ok(r.errorAfter < r.errorBefore / 100, `${r.errorBefore} → ${r.errorAfter}`);
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) equal(r.weights[i], 0);
  ok(Math.abs(isometryError(r.weights, mask, shape) - r.errorAfter) < 1e-12);
});

Deno.test("approxIsometry() works on the tall orientation and on convs (cout × cin·kh·kw)", () => {
  const tall: LayerShape = { kind: "dense", inFeatures: 8, outFeatures: 40 };
  const a = sparseLayer(8, 40, 0.5, 2);
  const ra = approxIsometry(a.weights, a.mask, tall, { steps: 2000 });
  ok(ra.errorAfter < ra.errorBefore / 20, `${ra.errorBefore} → ${ra.errorAfter}`);
  const conv: LayerShape = {
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 3,
    inChannels: 4,
    outChannels: 6,
  };
  const c = sparseLayer(36, 6, 0.5, 3);
  const rc = approxIsometry(c.weights, c.mask, conv, { steps: 2000, target: 1.05 });
  ok(rc.errorAfter < rc.errorBefore / 20, `${rc.errorBefore} → ${rc.errorAfter}`);
  for (let i = 0; i < c.mask.length; i++) if (c.mask[i] === 0) equal(rc.weights[i], 0);
});

Deno.test("approxIsometry() with the squared loss also converges", () => {
  const shape: LayerShape = { kind: "dense", inFeatures: 50, outFeatures: 10 };
  const { weights, mask } = sparseLayer(50, 10, 0.5, 4);
  const r = approxIsometry(weights, mask, shape, { steps: 1000, loss: "squared" });
  ok(r.errorAfter < r.errorBefore / 100, `${r.errorBefore} → ${r.errorAfter}`);
});

Deno.test("approxIsometry() with 0 steps returns the masked input; errors name the function", () => {
  const shape: LayerShape = { kind: "dense", inFeatures: 2, outFeatures: 2 };
  const r = approxIsometry([1, 2, 3, 4], [1, 0, 1, 1], shape, { steps: 0 });
  equal([...r.weights].join(), "1,0,3,4");
  equal(r.errorAfter, r.errorBefore);
  throws(() => approxIsometry([1, 2], [1, 1], shape), /approxIsometry: dense 2x2 needs 4/);
  throws(() => approxIsometry([1, 2, 3, 4], [1, 1, 1, 1], shape, { steps: -1 }), RangeError);
  throws(() => approxIsometry([1, 2, 3, 4], [1, 1, 1, 1], shape, { learningRate: 0 }), RangeError);
});
