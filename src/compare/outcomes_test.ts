import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { comparePair, holm, TIE_MARGIN, twoSidedP } from "./outcomes.ts";

const near = (a: number | null, b: number, tol = 1e-4) =>
  ok(a !== null && Math.abs(a - b) < tol, `${a} is not ${b} ± ${tol}`);

Deno.test("holm: hand-computed step-down adjustments, the monotone max, and null entries", () => {
  // m = 3, sorted 0.01, 0.03, 0.04: 3·0.01 = 0.03; 2·0.03 = 0.06; max(0.06, 1·0.04) = 0.06.
  // Only the smallest is rejected (without the running max the last would read 0.04 ≤ 0.05).
  const a = holm([0.03, 0.01, 0.04]);
  deepEqual(a.adjusted, [0.06, 0.03, 0.06]);
  deepEqual(a.rejected, [false, true, false]);
  equal(a.tests, 3);
  // m = 3: 0.001·3 = 0.003, 0.02·2 = 0.04, 0.5 → reject the first two.
  deepEqual(holm([0.5, 0.02, 0.001]).rejected, [false, true, true]);
  // Bonferroni would reject neither at 0.05 (0.06, 0.06); Holm does not either: same first step.
  deepEqual(holm([0.03, 0.03]).adjusted, [0.06, 0.06]);
  // Holm is more powerful than Bonferroni: 0.02·2 = 0.04, then 0.045·1 → both rejected.
  deepEqual(holm([0.045, 0.02]).rejected, [true, true]);
  // null = not a test: left out of m and never rejected.
  const b = holm([null, 0.02, null, 0.03]);
  deepEqual(b.adjusted, [null, 0.04, null, 0.04]);
  deepEqual(b.rejected, [false, true, false, true]);
  equal(b.tests, 2);
  deepEqual(holm([]).rejected, []);
  // Capped at 1.
  deepEqual(holm([0.9, 0.8]).adjusted, [1, 1]);
  throws(() => holm([1.5]), /p-values must be in \[0, 1\] or null; got 1.5 at index 0/);
  throws(() => holm([0.1], 0), /alpha must be in \(0, 1\)/);
});

Deno.test("comparePair: an undecided difference is inconclusive, with a hand-computed interval, p, P(beats) and seeds to decide", () => {
  // d = [0.1, 0.2, 0.3]: m = 0.2, s = 0.1, se = 0.1/√3; t = 3.4641 (df 2), t_{0.975,2} = 4.302653.
  const c = comparePair(
    { seeds: [0, 1, 2], values: [0.6, 0.7, 0.8] },
    { seeds: [0, 1, 2], values: [0.5, 0.5, 0.5] },
  );
  equal(c.outcome, "inconclusive");
  near(c.meanDifference, 0.2, 1e-12);
  near(c.std, 0.1, 1e-12);
  near(c.ci95![0], 0.2 - 4.302653 * 0.1 / Math.sqrt(3), 1e-6);
  near(c.ci95![1], 0.2 + 4.302653 * 0.1 / Math.sqrt(3), 1e-6);
  // df 2: P(T > t) = (1 − t/√(t² + 2)) / 2 exactly.
  const t = 0.2 / (0.1 / Math.sqrt(3));
  const upper = (1 - t / Math.sqrt(t * t + 2)) / 2;
  near(c.pTwoSided, 2 * upper, 1e-9);
  near(c.pBeats, 1 - upper, 1e-9);
  equal(c.seedsHigher, 3);
  // n = 3: 4.303·0.1/√3 = 0.248 > 0.2; n = 4: 3.182·0.1/2 = 0.159 < 0.2.
  equal(c.seedsToDecide, 4);
  ok(/about 4 shared seeds would decide/.test(c.note), c.note);
});

Deno.test("comparePair: beats and loses only when the 95% interval excludes 0", () => {
  // d = [−0.1, −0.09, −0.11]: m = −0.1, s = 0.01; half-width 4.302653·0.01/√3 = 0.02484.
  const lose = comparePair(
    { seeds: [0, 1, 2], values: [0.5, 0.52, 0.51] },
    { seeds: [0, 1, 2], values: [0.6, 0.61, 0.62] },
  );
  equal(lose.outcome, "loses");
  near(lose.ci95![1], -0.1 + 0.024841, 1e-5);
  const t = 0.1 / (0.01 / Math.sqrt(3));
  near(lose.pBeats, (1 - t / Math.sqrt(t * t + 2)) / 2, 1e-9); // P(T_2 < −17.32)
  equal(lose.seedsLower, 3);
  ok(/lower by 0.100/.test(lose.note), lose.note);
  // Mirror image: beats.
  const win = comparePair(
    { seeds: [0, 1, 2], values: [0.6, 0.61, 0.62] },
    { seeds: [0, 1, 2], values: [0.5, 0.52, 0.51] },
  );
  equal(win.outcome, "beats");
  near(win.pBeats! + lose.pBeats!, 1, 1e-12);
  // Zero spread with a non-zero difference: a degenerate interval [m, m], p = 0, P(beats) = 1.
  const constant = comparePair(
    { seeds: [0, 1], values: [0.5, 0.75] }, // exact in binary: d = [0.25, 0.25]
    { seeds: [0, 1], values: [0.25, 0.5] },
  );
  equal(constant.outcome, "beats");
  equal(constant.pTwoSided, 0);
  equal(constant.pBeats, 1);
});

Deno.test("comparePair: tied only when the interval lies within ±margin; identical values are tied", () => {
  const same = comparePair(
    { seeds: [0, 1], values: [0.1135, 0.1135] },
    { seeds: [0, 1], values: [0.1135, 0.1135] },
  );
  equal(same.outcome, "tied");
  equal(same.pBeats, 0.5);
  equal(same.pTwoSided, 1);
  equal(same.seedsEqual, 2);
  // d = [0.002, −0.002, 0.001, −0.001]: m = 0, s = 0.001826; half-width 3.182·s/2 = 0.002905.
  const user = [0.802, 0.798, 0.801, 0.799];
  const entry = { seeds: [0, 1, 2, 3], values: [0.8, 0.8, 0.8, 0.8] };
  const tight = comparePair({ seeds: [0, 1, 2, 3], values: user }, entry);
  equal(tight.outcome, "tied");
  // The same data with a margin narrower than the half-width: inconclusive, and no number of
  // seeds decides a mean difference of exactly 0.
  const strict = comparePair({ seeds: [0, 1, 2, 3], values: user }, entry, 0.002);
  equal(strict.outcome, "inconclusive");
  equal(strict.seedsToDecide, null);
  ok(/no number of seeds/.test(strict.note), strict.note);
  equal(TIE_MARGIN, 0.01);
  throws(() => comparePair(entry, entry, -1), /margin must be a number >= 0; got -1/);
});

Deno.test("comparePair pairs by seed over the shared seeds only; fewer than two is inconclusive", () => {
  const c = comparePair(
    { seeds: [2, 0, 1], values: [0.7, 0.5, 0.6] },
    { seeds: [1, 2, 3], values: [0.4, 0.5, 0.9] },
  );
  deepEqual(c.sharedSeeds, [1, 2]);
  near(c.meanDifference, 0.2, 1e-12); // (0.6 − 0.4 + 0.7 − 0.5) / 2
  const one = comparePair({ seeds: [0], values: [0.9] }, { seeds: [0, 1], values: [0.8, 0.7] });
  equal(one.outcome, "inconclusive");
  equal(one.ci95, null);
  equal(one.pBeats, null);
  ok(/one shared seed/.test(one.note));
  const none = comparePair({ seeds: [5], values: [0.9] }, { seeds: [0], values: [0.8] });
  equal(none.n, 0);
  equal(none.meanDifference, null);
  ok(/no shared seed/.test(none.note));
});

Deno.test("twoSidedP: symmetric in sign, 1 for no difference", () => {
  const a = [0.6, 0.72, 0.8];
  const b = [0.5, 0.5, 0.5];
  near(twoSidedP(a, b), twoSidedP(b, a), 1e-12);
  equal(twoSidedP(b, b), 1);
});
