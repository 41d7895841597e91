import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { competitionRanks, estimate, versusBest } from "./rank.ts";

const best = { seeds: [0, 1, 2, 3], values: [0.9, 0.91, 0.92, 0.93] };

Deno.test("versusBest: no shared seed and one shared seed are undecidable, and say why", () => {
  const none = versusBest({ seeds: [7], values: [0.5] }, best);
  equal(none.n, 0);
  equal(none.tied, null);
  equal(none.decided, false);
  ok(none.note.includes("no seed shared"));
  const one = versusBest({ seeds: [2, 9], values: [0.5, 0.6] }, best);
  equal(one.n, 1);
  equal(one.meanDifference, -0.42);
  equal(one.ci95, null);
  ok(one.note.includes("at least 2"));
});

Deno.test("versusBest pairs by seed, not by position", () => {
  const v = versusBest({ seeds: [3, 0], values: [0.93, 0.9] }, best);
  deepEqual(v.sharedSeeds, [0, 3]);
  equal(v.meanDifference, 0);
  equal(v.tied, true);
});

Deno.test("versusBest: a constant gap is decided even with two seeds", () => {
  const v = versusBest({ seeds: [0, 1], values: [0.8, 0.81] }, best);
  equal(v.std, 0);
  equal(v.tied, false);
  equal(v.decided, true);
});

Deno.test("estimate and competition ranks", () => {
  deepEqual(estimate([]), { n: 0, mean: null, std: null, ci95: null });
  equal(estimate([1, 1]).ci95![0], 1);
  deepEqual(competitionRanks([0.9, 0.9, 0.8, null, null]), [1, 1, 3, null, null]);
  throws(() => competitionRanks([0.8, 0.9]), RangeError);
  throws(() => competitionRanks([null, 0.9]), RangeError);
});
