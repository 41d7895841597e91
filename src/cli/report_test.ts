import { equal, ok } from "node:assert/strict";
import type { RunFn } from "../grid/mod.ts";
import { captureCli, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

Deno.test("report reads verdicts from the store without running anything", () =>
  withFakeReproductions(async (dir) => {
    const store = `${dir}/r.db`;
    equal(
      await captureCli(dir).call(["reproduce", "--store", store, "--quiet", "--no-report"]),
      EXIT.OK,
    );
    const never: RunFn = () => {
      throw new Error("report must not run jobs");
    };
    const c = captureCli(dir, never);
    equal(await c.call(["report", "eoi-wins", "--store", store]), EXIT.OK);
    ok(c.out.join("").includes("Verdict: HOLDS"), c.out.join(""));
    equal(await c.call(["report", "sao-wins", "--store", store]), EXIT.CLAIM_DOES_NOT_HOLD);
    const other = captureCli(dir, never);
    equal(await other.call(["report", "eoi-wins", "--store", store, "--seeds", "7"]), EXIT.OK);
    ok(other.out.join("").includes("INCOMPLETE"), other.out.join(""));
    equal(await other.call(["report", "--store", `${dir}/missing.db`]), EXIT.STORE_ERROR);
  }));

Deno.test("report: the verdict is the paper checks'; extensions beside it; inconclusive exits 5; tables only read DESCRIBED", () =>
  withFakeReproductions(async (dir) => {
    const base = JSON.parse(await Deno.readTextFile(`${dir}/repro/eoi-wins.json`));
    const paired = (best: string, among: string, tag: string, label: string) => ({
      kind: "best",
      tag,
      label,
      metric: "testAccuracy",
      best: { method: best },
      among: { method: among },
      test: "paired",
    });
    const spec = {
      ...base,
      name: "tagged",
      presets: { ...base.presets, quick: { budget: { steps: 1, seeds: [0, 1, 2] } } },
      verdict: {
        checks: [
          paired("eoi", "pruned-orthogonal", "paper", "EOI vs pruned orthogonal"),
          paired("eoi", "sao", "extension", "EOI vs SAO"),
        ],
      },
    };
    await Deno.writeTextFile(`${dir}/repro/tagged.json`, JSON.stringify(spec));
    const described = {
      ...spec,
      name: "tables",
      verdict: { checks: [{ kind: "describe", metric: "testAccuracy" }] },
    };
    await Deno.writeTextFile(`${dir}/repro/tables.json`, JSON.stringify(described));
    // eoi: 0.9; sao: 0.95 (consistently better); pruned-orthogonal: noisy around eoi.
    const noise = [0.03, -0.02, 0.01];
    const run: RunFn = (job) => {
      const m = (job.cell.config as { method: string }).method;
      const acc = m === "eoi" ? 0.9 : m === "sao" ? 0.95 : 0.9 + noise[job.seed];
      return Promise.resolve({ status: "ok", testAccuracy: acc + job.seed * 0.001 });
    };
    const store = `${dir}/t.db`;
    const c = captureCli(dir, run);
    equal(
      await c.call(["reproduce", "tagged", "--store", store, "--quiet", "--no-site"]),
      EXIT.INCONCLUSIVE,
    );
    const text = c.out.join("");
    ok(text.includes("Verdict: INCONCLUSIVE"), text);
    ok(
      /Extensions \(comparisons the paper did not run; not part of the verdict\):\n {2}- EOI vs SAO \[density=0\.25\]: method=sao better by 0\.0500 ± 0\.0000 \(95% paired, n=3\)/
        .test(text),
      text,
    );
    ok(text.includes("Check 2 [extension]: EOI vs SAO"), text);
    ok(/contains 0; ≈\d+ seeds would decide it/.test(text), text);
    const t = captureCli(dir, run);
    equal(await t.call(["reproduce", "tables", "--store", store, "--quiet", "--no-site"]), EXIT.OK);
    ok(t.out.join("").includes("Verdict: DESCRIBED"), t.out.join(""));
  }));
