import { deepEqual, equal, throws } from "node:assert/strict";
import { cellConfig, defaultCellConfig, validateCellConfig } from "./config.ts";

Deno.test("defaultCellConfig is the EOI paper's MNIST MLP recipe", () => {
  const d = defaultCellConfig;
  deepEqual(
    [d.batchSize, d.momentum, d.learningRate, d.weightDecay, d.biasVariance, d.ablation],
    [128, 0.9, 0.01, 1e-4, 0, "none"],
  );
  deepEqual([d.dataset, d.architecture, d.depth, d.width, d.epochs], ["mnist", "mlp", 6, 100, 100]);
  equal(d.steps, undefined);
  equal(d.trainExamples, undefined);
  equal(d.weightVariance, undefined);
});

Deno.test("cellConfig() fills defaults, keeps overrides and freezes the result", () => {
  const c = cellConfig({
    dataset: "synthetic",
    steps: 10,
    trainExamples: 500,
    weightVariance: 1.05,
  });
  equal(c.dataset, "synthetic");
  equal(c.steps, 10);
  equal(c.trainExamples, 500);
  equal(c.weightVariance, 1.05);
  equal(c.batchSize, 128);
  equal(Object.isFrozen(c), true);
  // undefined keeps the default and is dropped from the result.
  const u = cellConfig({ density: undefined, steps: undefined });
  equal(u.density, defaultCellConfig.density);
  equal("steps" in u, false);
  deepEqual(cellConfig(), defaultCellConfig);
});

Deno.test("cellConfig() errors name the field and the offending value", () => {
  const cases: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [{ density: 0 }, RangeError, /density must be in \(0, 1\]; got 0/],
    [{ density: 1.5 }, RangeError, /density .*got 1\.5/],
    [{ density: Number.NaN }, RangeError, /density .*got NaN/],
    [{ density: "0.1" }, TypeError, /density must be a number; got "0\.1"/],
    [{ depth: 2.5 }, RangeError, /depth must be a positive integer; got 2\.5/],
    [{ width: 0 }, RangeError, /width .*got 0/],
    [{ epochs: -1 }, RangeError, /epochs .*got -1/],
    [{ steps: 0 }, RangeError, /steps .*got 0/],
    [{ trainExamples: 1.5 }, RangeError, /trainExamples .*got 1\.5/],
    [{ batchSize: 0 }, RangeError, /batchSize .*got 0/],
    [{ learningRate: 0 }, RangeError, /learningRate must be finite and > 0; got 0/],
    [{ learningRate: Infinity }, RangeError, /learningRate .*got Infinity/],
    [{ momentum: 1 }, RangeError, /momentum must be in \[0, 1\); got 1/],
    [{ weightDecay: -1e-4 }, RangeError, /weightDecay .*got -0\.0001/],
    [{ biasVariance: -1 }, RangeError, /biasVariance .*got -1/],
    [{ weightVariance: 0 }, RangeError, /weightVariance .*got 0/],
    [{ seed: 1.5 }, RangeError, /seed must be a safe integer; got 1\.5/],
    [{ dataset: "cifar10" }, RangeError, /dataset must be one of .*got "cifar10"/],
    [{ architecture: "resnet" }, RangeError, /architecture .*got "resnet"/],
    [{ activation: "gelu" }, RangeError, /activation .*got "gelu"/],
    [{ allocation: "random" }, RangeError, /allocation .*got "random"/],
    [{ ablation: "shuffle" }, RangeError, /ablation .*got "shuffle"/],
    [{ method: "EOI" }, RangeError, /method must be a kebab-case name .*got "EOI"/],
    [{ method: 3 }, TypeError, /method must be a string; got 3/],
    [{ learning_rate: 0.1 }, TypeError, /unknown field "learning_rate" \(value 0\.1\)/],
  ];
  for (const [partial, kind, pattern] of cases) {
    throws(() => cellConfig(partial as never), (e: unknown) => {
      equal(e instanceof kind, true, `${JSON.stringify(partial)} threw ${String(e)}`);
      equal(pattern.test((e as Error).message), true, `${(e as Error).message} !~ ${pattern}`);
      equal((e as Error).message.startsWith("validateCellConfig:"), true);
      return true;
    });
  }
});

Deno.test("validateCellConfig() rejects non-objects and missing required fields", () => {
  throws(() => validateCellConfig(null), /expected an object; got null/);
  throws(() => validateCellConfig([1]), TypeError);
  const { depth: _depth, ...rest } = defaultCellConfig;
  throws(() => validateCellConfig(rest), /depth must be a number; got undefined/);
  throws(() => cellConfig("x" as never), /cellConfig: expected an object; got "x"/);
});
