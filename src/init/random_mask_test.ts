import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { maskCount, randomMask, requestMask } from "./random_mask.ts";
import type { StreamFor } from "./types.ts";

const streams = (seed: number): StreamFor => (purpose) => stream(seed, "test", purpose);
const ones = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

Deno.test("maskCount() rounds density·size, keeps at least one entry and at most all", () => {
  equal(maskCount(1000, 0.1), 100);
  equal(maskCount(10, 0.25), 3); // 2.5 rounds half up
  equal(maskCount(10, 0.24), 2);
  equal(maskCount(1000, 1e-9), 1);
  equal(maskCount(7, 1), 7);
  equal(maskCount(3, 0.999), 3);
});

Deno.test("maskCount() rejects a bad size or a density outside (0, 1]", () => {
  throws(() => maskCount(0, 0.5), /maskCount: size.*got 0/);
  throws(() => maskCount(2.5, 0.5), RangeError);
  throws(() => maskCount(10, 0), /maskCount: density.*got 0 \(size 10\)/);
  throws(() => maskCount(10, 1.5), RangeError);
  throws(() => maskCount(10, NaN), RangeError);
});

Deno.test("randomMask() keeps exactly count entries, all 0/1", () => {
  for (const [size, count] of [[1, 1], [10, 0], [10, 10], [1000, 1], [1000, 37], [1000, 999]]) {
    const m = randomMask(stream(size + count, "t"), size, count);
    equal(m.length, size);
    equal(ones(m), count);
    ok(m.every((v) => v === 0 || v === 1));
  }
});

Deno.test("randomMask() places entries uniformly (chi-square over 2000 draws)", () => {
  const size = 20, count = 5, draws = 2000;
  const hits = new Float64Array(size);
  const rng = stream(11, "uniformity");
  for (let d = 0; d < draws; d++) randomMask(rng, size, count).forEach((v, i) => hits[i] += v);
  const expected = (draws * count) / size;
  let chi2 = 0;
  for (const h of hits) chi2 += (h - expected) ** 2 / expected;
  // 19 degrees of freedom; P(chi2 > 50) < 1e-4. Positions are negatively correlated within a
  // draw, which only lowers the statistic.
  ok(chi2 < 50, `chi2 = ${chi2}`);
  ok(chi2 > 1, `chi2 = ${chi2} is implausibly small`);
});

Deno.test("randomMask() is deterministic per stream and differs across seeds", () => {
  deepEqual(randomMask(stream(1, "m"), 500, 50), randomMask(stream(1, "m"), 500, 50));
  notDeepEqual(randomMask(stream(1, "m"), 500, 50), randomMask(stream(2, "m"), 500, 50));
});

Deno.test("randomMask() rejects a bad size or count", () => {
  throws(() => randomMask(stream(0, "e"), -1, 0), /randomMask: size.*got -1/);
  throws(() => randomMask(stream(0, "e"), 10, 11), /randomMask: count.*\[0, 10\].*got 11/);
  throws(() => randomMask(stream(0, "e"), 10, 1.5), RangeError);
});

const shape = { kind: "dense", inFeatures: 6, outFeatures: 5 } as const;

Deno.test("requestMask() draws maskCount entries from the mask stream, or all ones at density 1", () => {
  const m = requestMask({ shape, density: 0.2, activation: "linear" }, streams(3), "t");
  equal(ones(m), 6);
  deepEqual(m, randomMask(stream(3, "test", "mask"), 30, 6));
  let drew = false;
  const full = requestMask({ shape, density: 1, activation: "linear" }, (p) => {
    drew = true;
    return stream(0, p);
  }, "t");
  equal(ones(full), 30);
  equal(drew, false);
});

Deno.test("requestMask() returns a copy of a given mask, even an all-zero one", () => {
  const given = new Uint8Array(30);
  given[4] = 1;
  const m = requestMask(
    { shape, density: 0.5, activation: "linear", mask: given },
    streams(0),
    "t",
  );
  deepEqual(m, given);
  ok(m !== given);
  deepEqual(
    requestMask(
      { shape, density: 0.5, activation: "linear", mask: new Uint8Array(30) },
      streams(0),
      "t",
    ),
    new Uint8Array(30),
  );
});

Deno.test("requestMask() rejects a wrong-length or non-binary mask and a bad density", () => {
  throws(
    () =>
      requestMask(
        { shape, density: 0.5, activation: "linear", mask: new Uint8Array(29) },
        streams(0),
        "who",
      ),
    /who: mask must be a Uint8Array of length 30 for dense 6x5; got length 29/,
  );
  const two = new Uint8Array(30);
  two[3] = 2;
  throws(
    () => requestMask({ shape, density: 0.5, activation: "linear", mask: two }, streams(0), "who"),
    /who: mask entries must be 0 or 1 for dense 6x5; got 2 at index 3/,
  );
  throws(
    () => requestMask({ shape, density: 0, activation: "linear" }, streams(0), "who"),
    /who: density must be in \(0, 1\] for dense 6x5; got 0/,
  );
});
