import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { gatherImages, gatherLabels, gatherOneHot, shuffledBatches } from "./batches.ts";
import { stream } from "../rng/mod.ts";

Deno.test("shuffledBatches covers every index exactly once per epoch", () => {
  const idx = Uint32Array.from({ length: 1000 }, (_, i) => 3 * i + 1);
  const batches = shuffledBatches(idx, 128, stream(0, "order"));
  equal(batches.length, 8);
  deepEqual(batches.map((b) => b.length), [128, 128, 128, 128, 128, 128, 128, 104]);
  const all = batches.flatMap((b) => [...b]).sort((a, b) => a - b);
  deepEqual(all, [...idx]);
  const dropped = shuffledBatches(idx, 128, stream(0, "order"), { dropLast: true });
  equal(dropped.length, 7);
  deepEqual(dropped, batches.slice(0, 7));
});

Deno.test("shuffledBatches is deterministic per generator state and differs between epochs", () => {
  const idx = Uint32Array.from({ length: 300 }, (_, i) => i);
  const rng = stream(5, "order");
  const epoch1 = shuffledBatches(idx, 64, rng.clone());
  deepEqual(shuffledBatches(idx, 64, rng.clone()), epoch1);
  shuffledBatches(idx, 64, rng);
  notDeepEqual(shuffledBatches(idx, 64, rng), epoch1);
  notDeepEqual(shuffledBatches(idx, 64, stream(6, "order")), epoch1);
});

Deno.test("shuffledBatches puts each index first about equally often", () => {
  const idx = Uint32Array.from([0, 1, 2, 3]);
  const first = [0, 0, 0, 0];
  const rng = stream(0, "uniformity");
  for (let t = 0; t < 4000; t++) first[shuffledBatches(idx, 4, rng)[0][0]]++;
  // Binomial(4000, 1/4): sd ≈ 27.4; allow 5 sd.
  for (const f of first) ok(Math.abs(f - 1000) < 137, `${first}`);
});

Deno.test("shuffledBatches rejects a non-positive or fractional batch size", () => {
  for (const b of [0, -1, 2.5, Number.NaN]) {
    throws(
      () => shuffledBatches(new Uint32Array(4), b, stream(0, "x")),
      (e: unknown) =>
        e instanceof RangeError && e.message.includes("shuffledBatches") &&
        e.message.includes(String(b)),
    );
  }
});

Deno.test("gatherImages copies whole images in the given order", () => {
  const images = Float32Array.from(
    { length: 5 * 784 },
    (_, i) => Math.floor(i / 784) + (i % 784) / 1000,
  );
  const out = gatherImages(images, Uint32Array.from([4, 1, 4]));
  equal(out.length, 3 * 784);
  deepEqual(out.subarray(0, 784), images.subarray(4 * 784, 5 * 784));
  deepEqual(out.subarray(784, 1568), images.subarray(784, 1568));
  deepEqual(out.subarray(1568), images.subarray(4 * 784));
});

Deno.test("gatherImages and gatherLabels reject out-of-range indices and bad pixel counts", () => {
  throws(() => gatherImages(new Float32Array(784 * 2), [2]), /index 2 .*\[2, 784\]/);
  throws(() => gatherImages(new Float32Array(10), [0], 3), /pixels/);
  throws(() => gatherLabels(new Uint8Array(3), [0, -1]), /index -1/);
  throws(() => gatherLabels(new Uint8Array(3), [1.5]), RangeError);
});

Deno.test("gatherLabels and gatherOneHot pick the labels at the indices", () => {
  const labels = new Uint8Array([3, 1, 4, 1, 5, 9]);
  deepEqual(gatherLabels(labels, [5, 0, 2]), new Uint8Array([9, 3, 4]));
  const y = gatherOneHot(labels, [5, 0]);
  equal(y.length, 20);
  deepEqual([...y].map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0), [9, 13]);
  equal(y.reduce((a, b) => a + b, 0), 2);
  throws(() => gatherOneHot(labels, [5], 5), /label 9/);
});
