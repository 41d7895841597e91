import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { type Rng, stream } from "../rng/mod.ts";
import { givensDense, givensSparseOrthogonal } from "./givens.ts";
import { matrixOrthogonalityError } from "./gram.ts";

/**
 * The textbook EOI loop (dense row-major, full recount after every rotation,
 * as the authors' code does), recording every intermediate matrix's count.
 */
function naiveEoi(rng: Rng, r: number, c: number, density: number) {
  const a = new Float64Array(r * c);
  for (let j = 0; j < r; j++) a[j * c + j] = 1;
  const count = () => a.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
  const snapshots = [Float64Array.from(a)];
  const counts = [count()];
  while (counts[counts.length - 1] < density * r * c * (1 - 1e-12)) {
    const i = rng.int(c);
    let j = rng.int(c - 1);
    if (j >= i) j++;
    const th = 2 * Math.PI * rng.uniform();
    const cs = Math.cos(th), sn = Math.sin(th);
    for (let t = 0; t < r; t++) {
      const x = a[t * c + i], y = a[t * c + j];
      a[t * c + i] = cs * x + sn * y;
      a[t * c + j] = cs * y - sn * x;
    }
    snapshots.push(Float64Array.from(a));
    counts.push(count());
  }
  return { snapshots, counts };
}

const SHAPES: [number, number][] = [[64, 64], [32, 80], [37, 53], [1, 7], [5, 5]];

Deno.test("givensSparseOrthogonal() keeps rows orthonormal to 1e-12 from the minimum density to 1", () => {
  for (const [r, c] of SHAPES) {
    for (const d of [1 / c, 0.03, 0.1, 0.25, 0.5, 0.9, 1]) {
      if (d < 1 / c) continue;
      const g = givensSparseOrthogonal(stream(7, `${r}x${c}`, `${d}`), r, c, d);
      const err = matrixOrthogonalityError(givensDense(g), r, c);
      ok(err <= 1e-12, `${r}x${c} at ${d}: error ${err}`);
    }
  }
});

Deno.test("givensSparseOrthogonal() matches the naive full-recount loop and keeps the closer of the last two", () => {
  for (const [r, c] of SHAPES) {
    for (const d of [1 / c, 0.1, 0.37, 0.75, 1]) {
      if (d < 1 / c) continue;
      const seed = r * 1000 + c;
      const g = givensSparseOrthogonal(stream(seed, "eoi", `${d}`), r, c, d);
      const { snapshots, counts } = naiveEoi(stream(seed, "eoi", `${d}`), r, c, d);
      const target = d * r * c;
      const last = counts.length - 1;
      // The rule: the last matrix reached the target; keep it unless the previous is as close.
      const keep =
        last > 0 && Math.abs(counts[last - 1] - target) <= Math.abs(counts[last] - target)
          ? last - 1
          : last;
      equal(g.nonZeros, counts[keep], `${r}x${c} at ${d}`);
      equal(g.rotations, keep);
      const dense = givensDense(g);
      const ref = snapshots[keep].map((v) => v + 0); // canonical +0
      deepEqual(dense, ref, `${r}x${c} at ${d}: values differ from the dense loop`);
      ok(g.nonZeros >= target * (1 - 1e-12) || keep === last - 1);
      equal(g.values.every((v) => v !== 0), true);
    }
  }
});

Deno.test("givensSparseOrthogonal() returns the padded identity at the minimum density 1/c", () => {
  const g = givensSparseOrthogonal(stream(0, "min"), 3, 5, 1 / 5);
  equal(g.rotations, 0);
  deepEqual([...givensDense(g)], [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
});

Deno.test("givensSparseOrthogonal() reaches density exactly 1 and terminates", () => {
  for (const [r, c] of [[64, 64], [32, 80], [1, 2], [1, 1]] as const) {
    const g = givensSparseOrthogonal(stream(3, "full"), r, c, 1);
    equal(g.nonZeros, r * c);
  }
});

Deno.test("givensSparseOrthogonal() is deterministic per stream and differs across streams", () => {
  const a = givensSparseOrthogonal(stream(1, "det"), 40, 60, 0.2);
  const b = givensSparseOrthogonal(stream(1, "det"), 40, 60, 0.2);
  const c = givensSparseOrthogonal(stream(2, "det"), 40, 60, 0.2);
  deepEqual(givensDense(a), givensDense(b));
  ok(givensDense(a).some((v, k) => v !== givensDense(c)[k]));
});

Deno.test("givensSparseOrthogonal() rejects tall shapes, bad dimensions and densities outside [1/c, 1]", () => {
  throws(() => givensSparseOrthogonal(stream(0, "e"), 5, 3, 0.5), /rows ≤ cols; got 5x3/);
  throws(() => givensSparseOrthogonal(stream(0, "e"), 0, 3, 0.5), RangeError);
  throws(() => givensSparseOrthogonal(stream(0, "e"), 2.5, 3, 0.5), RangeError);
  throws(() => givensSparseOrthogonal(stream(0, "e"), 4, 8, 0.1), /\[1\/8, 1\] for 4x8; got 0\.1/);
  throws(() => givensSparseOrthogonal(stream(0, "e"), 4, 8, 1.5), RangeError);
  throws(() => givensSparseOrthogonal(stream(0, "e"), 4, 8, NaN), RangeError);
});
