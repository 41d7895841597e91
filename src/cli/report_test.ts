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
