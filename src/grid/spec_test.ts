import { equal, ok, rejects, throws } from "node:assert/strict";
import { loadReproductionFile, SpecError, validateReproduction } from "./spec.ts";
import { expandGrid } from "./expand.ts";
import { loadReproductions, reproductionNames } from "./catalog.ts";

function _valid(): Record<string, unknown> {
  return {
    name: "tiny",
    title: "Tiny",
    claim: { text: "EOI beats SAO.", source: "nowhere" },
    kind: "train",
    axes: {
      datasets: ["synthetic"],
      architectures: ["mlp"],
      depths: [1],
      widths: [8],
      activations: ["tanh"],
      methods: ["eoi", "sao"],
      allocations: ["uniform"],
      densities: [0.5],
    },
    presets: {
      quick: { budget: { steps: 2, seeds: [0, 1] } },
      paper: { budget: { epochs: 1, seeds: [0, 1, 2] } },
    },
    verdict: {
      checks: [{ kind: "best", metric: "testAccuracy", best: { method: "eoi" }, test: "paired-t" }],
    },
  };
}

function _with(path: string, value: unknown): Record<string, unknown> {
  const spec = structuredClone(_valid());
  const parts = path.split(".");
  let o: Record<string, unknown> = spec;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  if (value === undefined) delete o[parts.at(-1)!];
  else o[parts.at(-1)!] = value;
  return spec;
}

Deno.test("a valid spec passes validation and expands to its Cartesian product", () => {
  const spec = validateReproduction(_valid(), "tiny.json");
  const grid = expandGrid(spec, "quick");
  equal(grid.cells.length, 2);
  equal(grid.jobs.length, 4);
  equal(expandGrid(spec, "paper").jobs.length, 6);
  equal(expandGrid(spec, "quick", [7]).jobs.length, 2);
  const cfg = grid.cells[0].cell.config as unknown as Record<string, unknown>;
  equal(cfg.steps, 2);
  equal(cfg.batchSize, 128);
  equal("seed" in cfg, false);
});

Deno.test("each malformed field is reported with its path and value", () => {
  const cases: [string, unknown, RegExp][] = [
    ["title", undefined, /field "title" must be a non-empty string; got undefined/],
    ["kind", "bogus", /field "kind" must be one of: train, measure; got "bogus"/],
    ["name", "Bad Name", /field "name" must be kebab-case/],
    ["claim.text", "", /field "claim.text"/],
    [
      "axes.methods",
      ["eoi", "eio"],
      /field "axes.methods\[1\]" must be one of: .*eoi.*; got "eio"/,
    ],
    [
      "axes.datasets",
      ["cifar10"],
      /field "axes.datasets\[0\]" must be one of: mnist, fashion-mnist, synthetic; got "cifar10"/,
    ],
    ["axes.densities", [0], /field "axes.densities\[0\]" must be in \(0, 1\]; got 0/],
    ["axes.densities", [1.5], /field "axes.densities\[0\]" must be a number in \[0, 1\]; got 1.5/],
    ["axes.depths", [2.5], /field "axes.depths\[0\]" must be an integer/],
    ["axes.methods", [], /field "axes.methods" must be a non-empty array; got \[\]/],
    ["axes.methods", ["eoi", "eoi"], /field "axes.methods\[1\]" is a duplicate/],
    ["axes.shapes", [[3, 3]], /field "axes.shapes" is not an axis of train reproductions/],
    ["axes.colour", ["red"], /field "axes.colour" is not a known field/],
    [
      "presets.quick.budget.seeds",
      [-1],
      /field "presets.quick.budget.seeds\[0\]" must be an integer/,
    ],
    ["presets.paper", undefined, /field "presets.paper" must be an object; got undefined/],
    ["presets.quick.budget.steps", "many", /field "presets.quick.budget.steps"/],
    [
      "presets.quick.budget.evaluationExamples",
      0,
      /field "presets.quick.budget.evaluationExamples"/,
    ],
    ["verdict.checks", [], /field "verdict.checks" must be a non-empty array/],
    [
      "verdict.checks",
      [{ kind: "best", metric: "x", best: {}, test: "t-test" }],
      /field "verdict.checks\[0\].test" must be one of: paired, mean-greater, paired-t/,
    ],
    [
      "verdict.checks",
      [{ kind: "threshold", metric: "x", aggregate: "mean" }],
      /needs `above` or `below`/,
    ],
    [
      "verdict.checks",
      [{ kind: "close", metric: "x y", a: {}, b: {}, tolerance: 1 }],
      /field "verdict.checks\[0\].metric" must be a dotted path/,
    ],
    [
      "verdict.checks",
      [{ kind: "best", metric: "x", best: { method: [] }, test: "paired-t" }],
      /field "verdict.checks\[0\].best.method"/,
    ],
    [
      "fixed",
      { learningRate: -1 },
      /field "fixed.learningRate" must be finite and > 0; got -1/,
    ],
    ["fixed", { lr: 0.1 }, /field "fixed.lr" is not a known field/],
  ];
  for (const [path, value, re] of cases) {
    throws(() => validateReproduction(_with(path, value), "tiny.json"), (e: Error) => {
      ok(e instanceof SpecError, `${path}: ${e}`);
      ok(e.message.startsWith("tiny.json: "), e.message);
      ok(re.test(e.message), `${path}: message was: ${e.message}`);
      return true;
    });
  }
});

Deno.test("a required axis missing after merging blocks is named by expandGrid", () => {
  const spec = validateReproduction(_with("axes.widths", undefined), "tiny.json");
  throws(() => expandGrid(spec, "quick"), /tiny block 0: axis "widths" is missing/);
});

Deno.test("loading checks JSON syntax and that the name matches the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/other.json`, JSON.stringify(_valid()));
    await rejects(
      () => loadReproductionFile(`${dir}/other.json`),
      /field "name" must equal the file name "other"; got "tiny"/,
    );
    await Deno.writeTextFile(`${dir}/tiny.json`, JSON.stringify(_valid()));
    equal((await loadReproductionFile(`${dir}/tiny.json`)).name, "tiny");
    await rejects(
      () => loadReproductions(["tiny", "nope"], dir),
      /unknown reproduction "nope"; valid names: other, tiny/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every shipped reproduction validates, has all three presets, says what each changes, and tags its checks", async () => {
  const names = reproductionNames();
  ok(names.length >= 9, names.join(", "));
  const specs = await loadReproductions([]);
  for (const s of specs) {
    ok(expandGrid(s, "quick").jobs.length > 0, s.name);
    ok(expandGrid(s, "standard").jobs.length > 0, s.name);
    ok(expandGrid(s, "paper").jobs.length >= expandGrid(s, "quick").jobs.length, s.name);
    for (const p of ["quick", "standard", "paper"] as const) {
      ok((s.presets[p]?.changes ?? "").length > 20, `${s.name} ${p}: changes`);
    }
    ok((s.presets.standard?.expectedCost ?? "").length > 5, `${s.name}: standard expectedCost`);
    for (const c of s.verdict.checks) {
      if (c.kind !== "describe") {
        ok(c.tag === "paper" || c.tag === "extension", `${s.name}: ${c.label}`);
      }
    }
    ok(s.verdict.checks.some((c) => c.kind !== "describe" && c.tag === "paper"), s.name);
  }
});

Deno.test("a spec value the cells reject is a SpecError at load, with the cells' own rule", () => {
  const cases: [string, unknown, RegExp][] = [
    ["fixed", { learningRate: 0 }, /field "fixed\.learningRate" must be finite and > 0; got 0$/],
    ["fixed", { learningRate: "0.1" }, /field "fixed\.learningRate" must be a number; got "0\.1"$/],
    ["fixed", { momentum: 1 }, /field "fixed\.momentum" must be in \[0, 1\); got 1$/],
    [
      "fixed",
      { weightVariance: 0 },
      /field "fixed\.weightVariance" must be finite and > 0; got 0$/,
    ],
    ["fixed", { batchSize: 1.5 }, /field "fixed\.batchSize" must be a positive integer; got 1\.5$/],
    [
      "presets.quick.fixed",
      { learningRate: -1 },
      /field "presets\.quick\.fixed\.learningRate" must be finite and > 0; got -1$/,
    ],
    [
      "presets.quick.budget.steps",
      0,
      /field "presets\.quick\.budget\.steps" must be a positive integer; got 0$/,
    ],
    [
      "presets.paper.budget.epochs",
      0,
      /field "presets\.paper\.budget\.epochs" must be a positive integer; got 0$/,
    ],
  ];
  for (const [path, value, message] of cases) {
    throws(
      () => validateReproduction(_with(path, value), "tiny.json"),
      (e: Error) => e instanceof SpecError && message.test(e.message),
      `${path} = ${JSON.stringify(value)}`,
    );
  }
  validateReproduction(_with("fixed", { learningRate: 0.5, momentum: 0, weightDecay: 0 }), "t");
});

Deno.test("a block's fixed overrides the preset's for its cells only; a missing preset is named", () => {
  const spec = validateReproduction({
    ..._valid(),
    blocks: [{}, { methods: ["eoi"], fixed: { weightVariance: 2 } }],
  }, "tiny.json");
  const cells = expandGrid(spec, "quick").cells.map((c) =>
    c.cell.config as Record<string, unknown>
  );
  ok(cells.some((c) => c.weightVariance === 2 && c.method === "eoi"));
  ok(cells.some((c) => c.weightVariance === undefined && c.method === "eoi"));
  throws(() => expandGrid(spec, "standard"), /tiny has no "standard" preset/);
  throws(
    () => validateReproduction({ ..._valid(), blocks: [{ fixed: { lr: 1 } }] }, "tiny.json"),
    /field "blocks\[0\]\.fixed\.lr" is not a known field/,
  );
  throws(
    () => validateReproduction({ ..._valid(), fixed: { normalization: "zscore" } }, "tiny.json"),
    /field "fixed\.normalization" must be one of: standardize, unit/,
  );
});
