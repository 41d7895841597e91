import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { matrixOrthogonalityError } from "./gram.ts";
import { haarOrthogonal } from "./haar.ts";

Deno.test("haarOrthogonal() is orthonormal along the smaller side to 1e-12 for square, wide and tall shapes", () => {
  for (const [r, c] of [[64, 64], [32, 80], [80, 32], [37, 53], [1, 9], [9, 1], [1, 1]]) {
    const q = haarOrthogonal(stream(0, `${r}x${c}`), r, c);
    equal(q.length, r * c);
    const err = matrixOrthogonalityError(q, r, c);
    ok(err <= 1e-12, `${r}x${c}: ${err}`);
  }
});

Deno.test("haarOrthogonal() is deterministic per stream and differs across seeds", () => {
  deepEqual(haarOrthogonal(stream(5, "q"), 6, 4), haarOrthogonal(stream(5, "q"), 6, 4));
  ok(
    haarOrthogonal(stream(5, "q"), 6, 4).some((v, k) =>
      v !== haarOrthogonal(stream(6, "q"), 6, 4)[k]
    ),
  );
});

Deno.test("haarOrthogonal() entries have Haar moments: mean 0 and variance 1/n (over 2000 seeds)", () => {
  // For a Haar n×n matrix every entry has mean 0 and variance 1/n; without the
  // sign fix the diagonal would be biased (Mezzadri 2007).
  const n = 5, seeds = 2000;
  for (const at of [0, 6, 24]) { // (0,0), (1,1), (4,4): the diagonal is where a missing sign fix shows
    let s = 0, s2 = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const v = haarOrthogonal(stream(seed, "moments"), n, n)[at];
      s += v;
      s2 += v * v;
    }
    const mean = s / seeds, variance = s2 / seeds - mean * mean;
    // sd of the mean = sqrt(1/(n·seeds)) ≈ 0.01: allow 5 sd
    ok(Math.abs(mean) < 0.05, `entry ${at}: mean ${mean}`);
    ok(Math.abs(variance - 1 / n) < 0.03, `entry ${at}: variance ${variance}`);
  }
});

Deno.test("haarOrthogonal() rejects non-positive or fractional dimensions, naming the shape", () => {
  throws(
    () => haarOrthogonal(stream(0, "e"), 0, 3),
    /rows must be a positive integer; got 0 \(shape 0x3\)/,
  );
  throws(() => haarOrthogonal(stream(0, "e"), 3, 1.5), /cols must be a positive integer; got 1\.5/);
});
