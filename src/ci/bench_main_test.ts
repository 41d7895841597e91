import { equal, match } from "node:assert/strict";
import { join } from "node:path";
import { benchMain } from "./bench_main.ts";

Deno.test("bench:gate fails with the benchmark, baseline figure, new figure and threshold", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "bench-gate-" });
  try {
    const baseline = join(dir, "baseline.json");
    Deno.writeTextFileSync(
      baseline,
      JSON.stringify({
        version: 1,
        method: { statistic: "min", aggregate: "pooled-min", runs: 3 },
        sizes: [256],
        measured: "test",
        figures: { "256x256: eoi d=0.1": 0.7, "train-step: wasm": 0.08 },
        threshold: 0.3,
        thresholds: { "train-step: wasm": 1 },
      }),
    );
    const figures = (eoi: number, wasm: number) =>
      Deno.writeTextFileSync(
        join(dir, "figures.json"),
        JSON.stringify([
          { name: "256x256: eoi d=0.1", baseline: "fill", value: eoi, runs: [eoi] },
          { name: "train-step: wasm", baseline: "cpu", value: wasm, runs: [wasm] },
        ]),
      );
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    const args = ["gate", "--out", dir, "--baseline", baseline];

    figures(0.8, 0.15); // +14% within 30%, +88% within 100%
    equal(await benchMain(args, io), 0, out.join(""));
    match(
      out.join(""),
      /speed gate: ok, 2 figures within their thresholds \(largest change \+87\.5%/,
    );

    out.length = 0;
    figures(1.4, 0.15); // +100% > 30%
    equal(await benchMain(args, io), 1);
    match(
      out.join(""),
      /REGRESSION 256x256: eoi d=0\.1: baseline 0\.7 x baseline, now 1\.4 x baseline \(\+100\.0%; threshold \+30\.0%\)/,
    );
    match(out.join(""), /speed gate: FAILED, 1 of 2 figures regressed/);

    out.length = 0;
    equal(await benchMain(["gate", "--out", dir, "--baseline", join(dir, "none.json")], io), 2);
    match(out.join(""), /no baseline at .*none\.json; create it with deno task bench:baseline/);
    equal(await benchMain(["ci", "--runs", "0"], io), 2);
    equal(await benchMain(["ci", "--bogus"], io), 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
