import { equal, ok } from "node:assert/strict";
import type { RunFn } from "../grid/mod.ts";
import { captureCli, fakeRun, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

Deno.test("status counts ok, diverged, failed and left jobs per reproduction; exit 4 with failures", () =>
  withFakeReproductions(async (dir) => {
    const store = `${dir}/r.db`;
    const c = captureCli(dir);
    equal(await c.call(["status", "--store", store]), EXIT.STORE_ERROR, "no store yet");
    const mixed: RunFn = (job, ctx) => {
      const method = (job.cell.config as { method: string }).method;
      if (method === "sao") return Promise.resolve({ status: "diverged" });
      if (method === "pruned-orthogonal" && job.seed === 1) throw new Error("boom");
      return fakeRun(job, ctx);
    };
    const run = captureCli(dir, mixed);
    await run.call(["reproduce", "eoi-wins", "--store", store, "--quiet", "--no-report"]);
    const after = captureCli(dir);
    equal(await after.call(["status", "sao-wins", "--store", store, "--seeds", "5"]), EXIT.OK);
    ok(/sao-wins\s+6\s+0\s+0\s+0\s+6/.test(after.out.join("")), after.out.join(""));
    equal(await after.call(["status", "eoi-wins", "--store", store]), EXIT.CELLS_FAILED);
    ok(/eoi-wins\s+12\s+6\s+4\s+2\s+0/.test(after.out.join("")), after.out.join(""));
    equal(await after.call(["status", "eoi-wins", "--store", store, "--shard", "0/1"]), 4);
    // The left jobs' estimate: nothing left is 0s; six left cost something.
    ok(/eoi-wins\s+12\s+6\s+4\s+2\s+0\s+0s\n/.test(after.out.join("")), after.out.join(""));
    ok(/sao-wins\s+6\s+0\s+0\s+0\s+6\s+\d+(m\d\ds|s|h\d\dm)\n/.test(after.out.join("")));
    const both = captureCli(dir);
    await both.call(["status", "eoi-wins", "sao-wins", "--store", store]);
    ok(/\nall\s+(\d+)\s+/.test(both.out.join("")), both.out.join(""));
  }));
