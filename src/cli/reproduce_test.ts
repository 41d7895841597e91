import { equal, ok } from "node:assert/strict";
import type { RunFn } from "../grid/mod.ts";
import { captureCli, fakeRun, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

Deno.test("reproduce runs, reports claim vs measured, resumes, and exits 1 when a claim does not hold", () =>
  withFakeReproductions(async (dir) => {
    const store = `${dir}/r.db`;
    const c = captureCli(dir);
    equal(await c.call(["reproduce", "--store", store, "--quiet"]), EXIT.CLAIM_DOES_NOT_HOLD);
    const text = c.out.join("");
    ok(/eoi-wins \(quick\)[\s\S]*Verdict: HOLDS/.test(text), text);
    ok(/sao-wins \(quick\)[\s\S]*Verdict: DOES NOT HOLD/.test(text), text);
    ok(text.includes("0.9005 ± 7.07e-4 (n=2)"), text);
    ok(
      /estimate: 12 job\(s\) to run, about \S+ in this process/.test(c.err.join("")),
      c.err.join(""),
    );
    equal(await c.call(["reproduce", "eoi-wins", "--store", store, "--quiet"]), EXIT.OK);
    ok(c.err.join("").includes("0 ok, 0 diverged, 0 failed; 12 already done"), c.err.join(""));
    const one = captureCli(dir);
    equal(
      await one.call([
        "reproduce",
        "eoi-wins",
        "--store",
        `${dir}/one.db`,
        "--quiet",
        "--seeds",
        "0",
      ]),
      EXIT.INCONCLUSIVE,
    );
    ok(one.out.join("").includes("Verdict: INCONCLUSIVE"), one.out.join(""));
    equal(await c.call(["status", "--store", store]), EXIT.OK);
    ok(/eoi-wins\s+12\s+12\s+0\s+0\s+0/.test(c.out.join("")), c.out.join(""));
  }));

Deno.test("failed cells are recorded, reported with exit 4, and retried with --retry-failed", () =>
  withFakeReproductions(async (dir) => {
    const store = `${dir}/r.db`;
    let broken = true;
    const flaky: RunFn = (job, ctx) => {
      if (broken && (job.cell.config as { method: string }).method === "sao") {
        throw new Error("out of memory");
      }
      return fakeRun(job, ctx);
    };
    const c = captureCli(dir, flaky);
    equal(await c.call(["reproduce", "eoi-wins", "--store", store, "--quiet"]), EXIT.CELLS_FAILED);
    ok(c.out.join("").includes("INCOMPLETE"), c.out.join(""));
    broken = false;
    equal(
      await c.call(["reproduce", "eoi-wins", "--store", store, "--quiet"]),
      EXIT.CELLS_FAILED,
      "not retried by default",
    );
    equal(
      await c.call(["reproduce", "eoi-wins", "--store", store, "--quiet", "--retry-failed"]),
      EXIT.OK,
    );
  }));

Deno.test("--engine: auto and simd train on simd (own ids), tfjs keeps the old ids; report and status follow", () =>
  withFakeReproductions(async (dir) => {
    const seen = new Map<string, Set<string>>();
    const spy: RunFn = (job, ctx) => {
      const engine = (job.cell.config as { engine?: string }).engine ?? "tfjs";
      if (!seen.has(engine)) seen.set(engine, new Set());
      seen.get(engine)!.add(job.id);
      return fakeRun(job, ctx);
    };
    for (const engine of ["auto", "tfjs", "simd"]) {
      const store = `${dir}/${engine}.db`;
      const c = captureCli(dir, spy);
      const args = ["eoi-wins", "--store", store, "--engine", engine];
      equal(await c.call(["reproduce", ...args, "--quiet", "--no-site"]), EXIT.OK);
      equal(await c.call(["report", ...args]), EXIT.OK);
      // Under the other engine the same store holds none of these cells.
      const other = captureCli(dir, spy);
      await other.call([
        "status",
        "eoi-wins",
        "--store",
        store,
        "--engine",
        engine === "tfjs" ? "simd" : "tfjs",
      ]);
      ok(/eoi-wins\s+12\s+0\s+0\s+0\s+12/.test(other.out.join("")), other.out.join(""));
    }
    equal(seen.get("simd")!.size, 6);
    equal(seen.get("tfjs")!.size, 6);
    for (const id of seen.get("simd")!) equal(seen.get("tfjs")!.has(id), false);
    equal(await captureCli(dir).call(["reproduce", "eoi-wins", "--engine", "torch"]), EXIT.USAGE);
  }));
