import { equal, ok, throws } from "node:assert/strict";
import { meanInterval, seedsToDecide, studentTQuantile, studentTUpper } from "./stats.ts";

Deno.test("studentTQuantile matches the t table at 0.975 and inverts studentTUpper", () => {
  // Two-sided 95% critical values, e.g. from any statistics textbook's t table.
  const table: [number, number][] = [
    [1, 12.706205],
    [2, 4.302653],
    [3, 3.182446],
    [5, 2.570582],
    [10, 2.228139],
    [30, 2.042272],
    [1000, 1.962339],
  ];
  for (const [df, t] of table) ok(Math.abs(studentTQuantile(0.975, df) - t) < 1e-5, `df=${df}`);
  for (const p of [0.6, 0.9, 0.99, 0.999]) {
    ok(Math.abs(studentTUpper(studentTQuantile(p, 7), 7) - (1 - p)) < 1e-10);
  }
  equal(studentTQuantile(0.5, 3), 0);
  ok(Math.abs(studentTQuantile(0.025, 4) + 2.776445) < 1e-5);
  throws(() => studentTQuantile(1, 3), RangeError);
  throws(() => studentTQuantile(0.5, 0), RangeError);
});

Deno.test("meanInterval: mean ± t·s/√n, null below two values", () => {
  const ci = meanInterval([1, 2, 3, 4])!;
  equal(ci.mean, 2.5);
  ok(Math.abs(ci.halfWidth - 3.182446 * Math.sqrt(5 / 3) / 2) < 1e-5);
  equal(meanInterval([1]), null);
  throws(() => meanInterval([1, 2], 1), RangeError);
});

Deno.test("seedsToDecide is the smallest n whose interval excludes the difference", () => {
  for (const [d, s] of [[0.01, 0.01], [0.003, 0.02], [0.1, 0.01], [0.05, 0.2]]) {
    const n = seedsToDecide(d, s)!;
    const half = (k: number) => studentTQuantile(0.975, k - 1) * s / Math.sqrt(k);
    ok(half(n) < d, `${d} ${s}`);
    if (n > 2) ok(!(half(n - 1) < d), `${d} ${s} minimal`);
  }
  equal(seedsToDecide(0.1, 0), 2);
  equal(seedsToDecide(1e-9, 1, 0.95, 1000), null);
  throws(() => seedsToDecide(0.1, -1), RangeError);
});
