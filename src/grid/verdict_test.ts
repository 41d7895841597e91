import { equal, ok } from "node:assert/strict";
import { evaluateCheck, evaluateVerdict, extensionLines } from "./verdict.ts";
import type { Check } from "./spec.ts";
import type { StoredRow } from "../store/mod.ts";
import { pairedTTest, studentTUpper } from "./stats.ts";

function _row(
  cellId: string,
  config: Record<string, unknown>,
  seed: number,
  result: Record<string, unknown>,
  status: StoredRow["status"] = "ok",
): StoredRow {
  return {
    cellId,
    seed,
    kind: "train",
    status,
    message: null,
    config,
    result,
    wallSeconds: 0,
    gitCommit: "x",
    machine: {},
    resultsVersion: 1,
    finishedAt: "2026-01-01T00:00:00.000Z",
  };
}

/** Rows for methods × densities × seeds with accuracy = f(method, density, seed). */
function _grid(
  methods: string[],
  densities: number[],
  seeds: number[],
  acc: (m: string, d: number, s: number) => number,
) {
  const rows: StoredRow[] = [];
  for (const m of methods) {
    for (const d of densities) {
      for (const s of seeds) {
        rows.push(
          _row(`${m}@${d}`, { method: m, density: d, activation: "tanh" }, s, {
            testAccuracy: acc(m, d, s),
          }),
        );
      }
    }
  }
  return rows;
}

const best: Check = {
  kind: "best",
  metric: "testAccuracy",
  best: { method: "eoi" },
  among: { method: ["pruned-orthogonal", "sao"] },
  test: "mean-greater",
};

Deno.test("a best check holds when the best method wins in every group", () => {
  const rows = _grid(
    ["eoi", "pruned-orthogonal", "sao"],
    [0.05, 0.1],
    [0, 1],
    (m, d, s) => (m === "eoi" ? 0.9 : 0.8) + d + s * 0.001,
  );
  const r = evaluateCheck(best, rows);
  equal(r.verdict, "holds");
  equal(r.comparisons.length, 4); // 2 densities × 2 competitors
  ok(
    r.comparisons.every((c) => c.group === "density=0.05" || c.group === "density=0.1"),
    r.comparisons[0].group,
  );
  equal(evaluateVerdict([best], rows, 0).verdict, "holds");
});

Deno.test("a best check does not hold when a competitor wins in one group", () => {
  const rows = _grid(
    ["eoi", "pruned-orthogonal", "sao"],
    [0.05, 0.1],
    [0, 1],
    (m, d) => (m === "eoi" ? 0.9 : 0.8) + (m === "sao" && d === 0.1 ? 0.2 : 0),
  );
  const r = evaluateCheck(best, rows);
  equal(r.verdict, "does not hold");
  equal(r.comparisons.filter((c) => c.outcome === "fails").length, 1);
  equal(evaluateVerdict([best], rows, 0).verdict, "does not hold");
  // lowerIsBetter flips the comparison
  equal(
    evaluateCheck(
      { ...best, lowerIsBetter: true } as Check,
      _grid(["eoi", "sao"], [0.1], [0, 1], (m) => (m === "eoi" ? 1 : 2)),
    ).verdict,
    "holds",
  );
});

Deno.test("one seed per side is inconclusive, never a verdict", () => {
  const rows = _grid(["eoi", "sao"], [0.1], [0], (m) => (m === "eoi" ? 0.9 : 0.8));
  equal(evaluateCheck(best, rows).verdict, "inconclusive");
  equal(evaluateVerdict([best], rows, 0).verdict, "inconclusive");
  equal(evaluateCheck({ ...best, minSeeds: 1 } as Check, rows).verdict, "holds");
});

Deno.test("missing jobs or nothing to compare make the verdict incomplete", () => {
  const rows = _grid(["eoi", "sao"], [0.1], [0, 1], (m) => (m === "eoi" ? 0.9 : 0.8));
  equal(evaluateVerdict([best], rows, 1).verdict, "incomplete");
  equal(evaluateVerdict([best], [], 0).verdict, "incomplete");
});

Deno.test("failed rows are ignored and diverged rows count as divergedAs when set", () => {
  const rows = _grid(["eoi", "sao"], [0.1], [0, 1], (m) => (m === "eoi" ? 0.9 : 0.8));
  rows.push(
    _row(
      "eoi@0.1",
      { method: "eoi", density: 0.1, activation: "tanh" },
      2,
      { testAccuracy: null },
      "diverged",
    ),
  );
  rows.push(_row("eoi@0.1", { method: "eoi", density: 0.1, activation: "tanh" }, 3, {}, "failed"));
  const r = evaluateCheck({ ...best, divergedAs: 0.1 } as Check, rows);
  equal(r.comparisons[0].left.n, 3);
  ok(Math.abs(r.comparisons[0].left.mean - (0.9 + 0.9 + 0.1) / 3) < 1e-12);
  equal(evaluateCheck(best, rows).comparisons[0].left.n, 2);
});

Deno.test("paired-t pairs seeds: significant holds, significant the other way fails, else inconclusive", () => {
  const paired: Check = { ...best, test: "paired-t" } as Check;
  const seeds = [0, 1, 2, 3, 4];
  const consistent = _grid(
    ["eoi", "sao"],
    [0.1],
    seeds,
    (m, _d, s) => 0.8 + s * 0.02 + (m === "eoi" ? 0.01 + (s % 2) * 0.001 : 0),
  );
  equal(evaluateCheck(paired, consistent).verdict, "holds");
  const noisy = _grid(
    ["eoi", "sao"],
    [0.1],
    seeds,
    (m, _d, s) => 0.8 + (m === "eoi" ? [0.05, -0.04, 0.03, -0.05, 0.02][s] : 0),
  );
  equal(evaluateCheck(paired, noisy).verdict, "inconclusive");
  const worse = _grid(
    ["eoi", "sao"],
    [0.1],
    seeds,
    (m, _d, s) => 0.8 + s * 0.02 - (m === "eoi" ? 0.01 + (s % 2) * 0.001 : 0),
  );
  equal(evaluateCheck(paired, worse).verdict, "does not hold");
  equal(
    evaluateCheck(paired, _grid(["eoi", "sao"], [0.1], [0], () => 0.5)).verdict,
    "inconclusive",
  );
});

Deno.test("threshold checks aggregate per group and compare with the bounds", () => {
  const rows = _grid(
    ["eoi", "pruned-orthogonal"],
    [0.125],
    [0, 1],
    (m) => (m === "eoi" ? 0.95 : 0.1),
  );
  const trains: Check = {
    kind: "threshold",
    metric: "testAccuracy",
    where: { method: "eoi" },
    aggregate: "mean",
    above: 0.5,
  };
  const fails: Check = {
    kind: "threshold",
    metric: "testAccuracy",
    where: { method: "pruned-orthogonal" },
    aggregate: "max",
    below: 0.2,
  };
  equal(evaluateCheck(trains, rows).verdict, "holds");
  equal(evaluateCheck(fails, rows).verdict, "holds");
  equal(
    evaluateCheck({ ...trains, where: { method: "pruned-orthogonal" } } as Check, rows).verdict,
    "does not hold",
  );
  equal(evaluateVerdict([trains, fails], rows, 0).verdict, "holds");
  equal(evaluateCheck(trains, rows.slice(0, 1)).verdict, "inconclusive");
});

Deno.test("close checks pair each config with its counterpart and respect the tolerance", () => {
  const rows: StoredRow[] = [];
  for (const alloc of ["snip", "grasp"]) {
    for (const abl of ["none", "shuffle-mask"]) {
      for (const s of [0, 1]) {
        const acc = alloc === "grasp" && abl === "shuffle-mask" ? 0.8 : 0.9;
        rows.push(
          _row(`${alloc}/${abl}`, { allocation: alloc, ablation: abl }, s, { testAccuracy: acc }),
        );
      }
    }
  }
  const close: Check = {
    kind: "close",
    metric: "testAccuracy",
    a: { ablation: "none" },
    b: { ablation: "shuffle-mask" },
    tolerance: 0.03,
  };
  const r = evaluateCheck(close, rows);
  equal(r.comparisons.length, 2);
  equal(r.verdict, "does not hold");
  equal(evaluateCheck({ ...close, tolerance: 0.2 } as Check, rows).verdict, "holds");
});

Deno.test("describe tables never change the verdict", () => {
  const rows = _grid(["eoi"], [0.1], [0, 1], () => 0.9);
  const describe: Check = { kind: "describe", metric: "testAccuracy" };
  const trains: Check = {
    kind: "threshold",
    metric: "testAccuracy",
    aggregate: "mean",
    above: 0.5,
  };
  equal(evaluateVerdict([trains, describe], rows, 0).verdict, "holds");
  equal(evaluateCheck(describe, rows).comparisons[0].outcome, "info");
});

Deno.test("the t distribution and paired t-test match tabulated values", () => {
  ok(Math.abs(studentTUpper(12.706, 1) - 0.025) < 1e-4);
  ok(Math.abs(studentTUpper(2.776, 4) - 0.025) < 1e-4);
  ok(Math.abs(studentTUpper(0, 7) - 0.5) < 1e-12);
  ok(Math.abs(studentTUpper(-1.833, 9) - 0.95) < 1e-4);
  const t = pairedTTest([1, 2, 3, 4], [0, 0, 1, 1]);
  // d = [1, 2, 2, 3]: mean 2, sd sqrt(2/3), t = 2 / (sqrt(2/3)/2) = 4.899, df 3 → p ≈ 0.00813
  ok(Math.abs(t.t - 4.898979) < 1e-5, String(t.t));
  ok(Math.abs(t.p - 0.008138) < 1e-4, String(t.p));
  equal(pairedTTest([1, 1], [0, 0]).p, 0);
});

Deno.test("distanceTo compares distances to a target, lower being better", () => {
  const rows = _grid(["eoi", "sao"], [0.1], [0, 1], (m) => (m === "eoi" ? 0.9 : 1e-20));
  const check: Check = {
    kind: "best",
    metric: "testAccuracy",
    best: { method: "eoi" },
    test: "mean-greater",
    distanceTo: 1,
  };
  equal(evaluateCheck(check, rows).verdict, "holds");
  equal(evaluateCheck({ ...check, distanceTo: 0 } as Check, rows).verdict, "does not hold");
});

Deno.test("a reproduction with only describe checks is 'described', never 'holds'", () => {
  const rows = [0, 1].map((s) => _row("a", { method: "eoi" }, s, { seconds: 1 + s }));
  const describe: Check = { kind: "describe", metric: "seconds" };
  equal(evaluateVerdict([describe], rows, 0).verdict, "described");
  equal(evaluateVerdict([describe], rows, 1).verdict, "incomplete");
  const threshold: Check = { kind: "threshold", metric: "seconds", aggregate: "max", below: 5 };
  equal(evaluateVerdict([describe, threshold], rows, 0).verdict, "holds");
});

Deno.test("paired: the 95% interval of seed-paired differences decides; containing 0 is inconclusive with the seeds needed", () => {
  const paired: Check = { ...best, among: { method: "sao" }, test: "paired" } as Check;
  const seeds = [0, 1, 2, 3, 4, 5];
  // A large seed effect shared by both methods: pairing removes it.
  const shift = (s: number) => [0.3, -0.2, 0.1, -0.3, 0.2, 0][s];
  const up = [0.011, 0.009, 0.012, 0.008, 0.010, 0.010];
  const better = _grid(
    ["eoi", "sao"],
    [0.1],
    seeds,
    (m, _d, s) => 0.5 + shift(s) + (m === "eoi" ? up[s] : 0),
  );
  const r = evaluateCheck(paired, better);
  equal(r.verdict, "holds");
  const iv = r.comparisons[0].interval!;
  equal(iv.n, 6);
  ok(Math.abs(iv.mean - 0.01) < 1e-9 && iv.low > 0 && iv.high < 0.02, JSON.stringify(iv));
  const worse = _grid(
    ["eoi", "sao"],
    [0.1],
    seeds,
    (m, _d, s) => 0.5 + shift(s) - (m === "eoi" ? up[s] : 0),
  );
  equal(evaluateCheck(paired, worse).verdict, "does not hold");
  ok(evaluateCheck(paired, worse).comparisons[0].interval!.high < 0);
  const noise = [0.02, -0.015, 0.01, -0.01, 0.015, -0.005];
  const unclear = _grid(
    ["eoi", "sao"],
    [0.1],
    seeds,
    (m, _d, s) => 0.5 + shift(s) + (m === "eoi" ? 0.003 + noise[s] : 0),
  );
  const u = evaluateCheck(paired, unclear);
  equal(u.verdict, "inconclusive");
  const c = u.comparisons[0];
  ok(c.interval!.low < 0 && c.interval!.high > 0);
  ok(typeof c.seedsNeeded === "number" && c.seedsNeeded > 6, String(c.seedsNeeded));
  ok(c.detail.includes("contains 0") && c.detail.includes(`≈${c.seedsNeeded} seeds`), c.detail);
  // Identical values: the interval is [0, 0]; no number of seeds decides it.
  const tie = evaluateCheck(paired, _grid(["eoi", "sao"], [0.1], seeds, () => 0.1135));
  equal(tie.verdict, "inconclusive");
  equal(tie.comparisons[0].seedsNeeded, null);
  // Lower is better flips the direction.
  equal(evaluateCheck({ ...paired, lowerIsBetter: true } as Check, worse).verdict, "holds");
});

Deno.test("extension checks are reported beside the verdict, which is the paper checks' only", () => {
  const seeds = [0, 1, 2, 3, 4, 5];
  const rows = _grid(
    ["eoi", "pruned-orthogonal", "fan-in-scaled"],
    [0.1],
    seeds,
    (m, _d, s) => m === "eoi" ? 0.6 + s * 0.001 : m === "fan-in-scaled" ? 0.87 + s * 0.002 : 0.11,
  );
  const paper: Check = {
    kind: "best",
    metric: "testAccuracy",
    best: { method: "eoi" },
    among: { method: "pruned-orthogonal" },
    test: "paired",
  };
  const extension: Check = {
    kind: "best",
    tag: "extension",
    label: "EOI vs fan-in scaling",
    metric: "testAccuracy",
    best: { method: "eoi" },
    among: { method: "fan-in-scaled" },
    test: "paired",
  };
  const report = evaluateVerdict([paper, extension], rows, 0);
  equal(report.verdict, "holds");
  equal(report.checks[1].tag, "extension");
  equal(report.checks[1].verdict, "does not hold");
  const [line] = extensionLines(report);
  ok(
    /^EOI vs fan-in scaling: method=fan-in-scaled better by 0\.27\d* ± 0\.00\d+ \(95% paired, n=6\)$/
      .test(line),
    line,
  );
  // Only extensions and tables: "described", never "holds".
  equal(evaluateVerdict([extension], rows, 0).verdict, "described");
  equal(
    evaluateVerdict([{ kind: "describe", metric: "testAccuracy" }], rows, 0).verdict,
    "described",
  );
  // Missing jobs still make it incomplete.
  equal(evaluateVerdict([extension], rows, 2).verdict, "incomplete");
});

Deno.test("threshold means and close checks decide by their intervals; undecided ones are inconclusive", () => {
  const rows = _grid(["eoi"], [0.1], [0, 1, 2], (_m, _d, s) => [0.12, 0.2, 0.16][s]);
  const trains: Check = {
    kind: "threshold",
    metric: "testAccuracy",
    aggregate: "mean",
    above: 0.15,
  };
  const r = evaluateCheck(trains, rows);
  equal(r.verdict, "inconclusive"); // mean 0.16, but the interval reaches below 0.15
  ok(r.comparisons[0].interval!.low < 0 && r.comparisons[0].interval!.high > 0);
  equal(evaluateCheck({ ...trains, above: 0.05 } as Check, rows).verdict, "holds");
  equal(evaluateCheck({ ...trains, above: 0.3 } as Check, rows).verdict, "does not hold");
  const close: Check = {
    kind: "close",
    metric: "testAccuracy",
    a: { ablation: "none" },
    b: { ablation: "shuffle-mask" },
    tolerance: 0.03,
  };
  const pairs: StoredRow[] = [];
  const diffs = [0.05, -0.02, 0.04, 0.0];
  for (const s of [0, 1, 2, 3]) {
    pairs.push(_row("n", { ablation: "none" }, s, { testAccuracy: 0.8 + s * 0.01 + diffs[s] }));
    pairs.push(_row("s", { ablation: "shuffle-mask" }, s, { testAccuracy: 0.8 + s * 0.01 }));
  }
  const c = evaluateCheck(close, pairs);
  equal(c.verdict, "inconclusive");
  ok(c.comparisons[0].detail.includes("within ±0.03"), c.comparisons[0].detail);
});
