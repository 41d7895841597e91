import { equal, ok } from "node:assert/strict";
import { methods } from "../init/mod.ts";
import { allocations, networkMethods } from "../prune/mod.ts";
import { captureCli, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

Deno.test("list prints each reproduction, each method and each allocation exactly once", () =>
  withFakeReproductions(async (dir) => {
    const c = captureCli(dir);
    equal(await c.call(["list"]), EXIT.OK);
    const text = c.out.join("");
    ok(/eoi-wins\s+train\s+quick\s+12 jobs, paper\s+18 jobs/.test(text), text);
    const listed = (name: string) =>
      text.split("\n").filter((l) => l.trim().split(/\s+/)[0] === name).length;
    for (const m of [...methods(), ...networkMethods()]) equal(listed(m.name), 1, m.name);
    for (const a of allocations()) equal(listed(a.name), 1, a.name);
    equal(listed("dct-plus-sparse"), 1);
  }));
