import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import {
  actionEntries,
  aggregateRatios,
  type BaselineFile,
  type BenchEntry,
  figureNoise,
  figuresOf,
  formatGateReport,
  gate,
  groupRatios,
  parseBenchJson,
  thresholdFromNoise,
  validateBaseline,
} from "./bench_figures.ts";

const s = (min: number, avg = min) => ({ n: 10, min, max: avg * 2, avg, p75: avg });

function _run(fill: number, eoi: number, qr = 100, eoiQr = eoi): BenchEntry[] {
  return [
    { group: "256x256", name: "fill", baseline: true, stats: s(fill, fill * 1.5) },
    { group: "256x256", name: "eoi d=0.1", baseline: false, stats: s(eoi, eoi * 2) },
    { group: "256x256 vs orthogonal", name: "qr", baseline: true, stats: s(qr) },
    { group: "256x256 vs orthogonal", name: "eoi d=0.1", baseline: false, stats: s(eoiQr) },
  ];
}

const BASE: BaselineFile = {
  version: 1,
  method: { statistic: "min", aggregate: "median", runs: 3 },
  sizes: [256],
  threshold: 0.25,
  thresholds: { "256x256: eoi d=0.1": 0.5 },
  figures: { "256x256: eoi d=0.1": 2, "256x256 vs orthogonal: eoi d=0.1": 0.1 },
  measured: "test",
};

Deno.test("parseBenchJson reads Deno 2's --json output and names a failed benchmark", () => {
  const text = JSON.stringify({
    version: 1,
    benches: [
      {
        origin: "file:///x_bench.ts",
        group: "g",
        name: "a",
        baseline: true,
        results: [{ ok: { n: 2, min: 1, max: 2, avg: 1.5, p75: 2, p99: 2, highPrecision: true } }],
      },
      { group: null, name: "b", baseline: false, results: [{ ok: s(3) }] },
    ],
  });
  deepEqual(parseBenchJson(text), [
    { group: "g", name: "a", baseline: true, stats: { n: 2, min: 1, max: 2, avg: 1.5, p75: 2 } },
    { group: null, name: "b", baseline: false, stats: { n: 10, min: 3, max: 6, avg: 3, p75: 3 } },
  ]);
  throws(
    () =>
      parseBenchJson(JSON.stringify({ benches: [{ name: "boom", results: [{ failed: "x" }] }] })),
    /"boom" has no ok result/,
  );
  throws(() => parseBenchJson("not json"), /not JSON/);
});

Deno.test("groupRatios divides by the group's baseline and refuses groups without exactly one", () => {
  const r = groupRatios(_run(10, 30, 200, 20), "min");
  deepEqual(r, [
    { name: "256x256: eoi d=0.1", baseline: "fill", ratio: 3 },
    { name: "256x256 vs orthogonal: eoi d=0.1", baseline: "qr", ratio: 0.1 },
  ]);
  equal(groupRatios(_run(10, 30), "avg")[0].ratio, 4); // 60 / 15
  throws(
    () => groupRatios([{ group: "g", name: "a", baseline: false, stats: s(1) }], "min"),
    /group "g" has 0 baselines/,
  );
  throws(
    () => groupRatios([{ group: null, name: "lonely", baseline: false, stats: s(1) }], "min"),
    /"lonely" has no group/,
  );
});

Deno.test("aggregateRatios: median or min over runs, in the first run's order", () => {
  const runs = [_run(10, 30), _run(10, 10), _run(10, 20)].map((r) => groupRatios(r, "min"));
  const med = aggregateRatios(runs, "median");
  equal(med[0].value, 2);
  deepEqual(med[0].runs, [3, 1, 2]);
  equal(aggregateRatios(runs, "min")[0].value, 1);
  throws(() => aggregateRatios([runs[0], runs[1].slice(1)], "median"), /run 2 has no figure/);
});

Deno.test("actionEntries writes customSmallerIsBetter entries with unit 'x baseline'", () => {
  const figs = aggregateRatios(
    [_run(10, 30), _run(10, 10), _run(10, 20)].map((r) => groupRatios(r, "min")),
    "median",
  );
  const [e] = actionEntries(figs, BASE.method);
  equal(e.name, "256x256: eoi d=0.1");
  equal(e.unit, "x baseline");
  equal(e.value, 2);
  equal(e.range, "± 1");
  match(e.extra!, /ratio to "fill" in the same run; min per run, median of 3 runs: 3, 1, 2/);
  for (const x of actionEntries(figs, BASE.method)) {
    ok(typeof x.name === "string" && typeof x.value === "number" && typeof x.unit === "string");
  }
});

Deno.test("gate reports the benchmark, baseline figure, new figure and threshold of a regression", () => {
  const fig = (name: string, value: number) => ({ name, baseline: "b", value, runs: [value] });
  // eoi 3.2 vs 2 is +60% > its own 50%; the QR figure +20% is within the default 25%.
  const report = gate(BASE, [
    fig("256x256: eoi d=0.1", 3.2),
    fig("256x256 vs orthogonal: eoi d=0.1", 0.12),
  ]);
  equal(report.ok, false);
  equal(report.regressions.length, 1);
  deepEqual(report.regressions[0].name, "256x256: eoi d=0.1");
  const text = formatGateReport(report);
  match(
    text,
    /REGRESSION 256x256: eoi d=0\.1: baseline 2 x baseline, now 3\.2 x baseline \(\+60\.0%; threshold \+50\.0%\)/,
  );
  match(text, /speed gate: FAILED, 1 of 2 figures regressed/);

  const fine = gate(BASE, [
    fig("256x256: eoi d=0.1", 2.9),
    fig("256x256 vs orthogonal: eoi d=0.1", 0.05),
    fig("new one", 1),
  ]);
  equal(fine.ok, true);
  deepEqual(fine.added, ["new one"]);
  match(formatGateReport(fine), /speed gate: ok, 2 figures within their thresholds/);
  match(formatGateReport(fine), /new new one: no baseline yet, not gated/);

  const gone = gate(BASE, [fig("256x256: eoi d=0.1", 2)]);
  equal(gone.ok, false);
  deepEqual(gone.missing, ["256x256 vs orthogonal: eoi d=0.1"]);
  match(formatGateReport(gone), /MISSING 256x256 vs orthogonal: eoi d=0\.1/);
});

Deno.test("validateBaseline names what is wrong", () => {
  equal(validateBaseline(JSON.parse(JSON.stringify(BASE))).threshold, 0.25);
  throws(() => validateBaseline({ ...BASE, threshold: 0 }), /threshold must be a positive number/);
  throws(
    () => validateBaseline({ ...BASE, method: { statistic: "p50", aggregate: "median", runs: 3 } }),
    /method must be/,
  );
  throws(
    () => validateBaseline({ ...BASE, figures: { "g: a": -1 } }),
    /"g: a" must be a positive number/,
  );
});

Deno.test("figureNoise cuts raw runs into measurements of k and reports their spread", () => {
  const raw = [30, 10, 20, 20, 20, 20].map((eoi) => _run(10, eoi));
  const k1 = figureNoise(raw, { statistic: "min", aggregate: "median", runs: 1 });
  equal(k1[0].samples, 6);
  equal(k1[0].maxOverMin, 3);
  const k3 = figureNoise(raw, { statistic: "min", aggregate: "median", runs: 3 });
  equal(k3[0].samples, 2);
  equal(k3[0].maxOverMin, 1); // medians 2 and 2
  equal(k3[0].cv, 0);
  throws(
    () => figureNoise(raw.slice(0, 3), { statistic: "min", aggregate: "min", runs: 3 }),
    /need at least 2/,
  );
});

Deno.test("thresholdFromNoise: margin × worst change, a floor, rounded up to 5%", () => {
  equal(thresholdFromNoise(1.3, { margin: 1.5, floor: 0.1 }), 0.45);
  equal(thresholdFromNoise(1.0, { margin: 1.5, floor: 0.1 }), 0.1);
  equal(thresholdFromNoise(1.1, { margin: 1.5, floor: 0.1 }), 0.15);
});

Deno.test("figuresOf: pooled-min divides each side's best run; median/min aggregate per-run ratios", () => {
  // run 1: the baseline was disturbed (fill 20); run 2: the benchmark was (eoi 40)
  const raw = [_run(20, 20), _run(10, 40), _run(10, 30)];
  const method = { statistic: "min", runs: 3 } as const;
  const pooled = figuresOf(raw, { ...method, aggregate: "pooled-min" });
  equal(pooled[0].value, 2); // 20 / 10
  deepEqual(pooled[0].runs, [1, 4, 3]);
  equal(figuresOf(raw, { ...method, aggregate: "median" })[0].value, 3);
  equal(figuresOf(raw, { ...method, aggregate: "min" })[0].value, 1);
  throws(
    () => figuresOf([raw[0], raw[1].slice(0, 1)], { ...method, aggregate: "pooled-min" }),
    /run 2 has no figure|run 2 has no benchmark/,
  );
});
