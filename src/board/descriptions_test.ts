/** Every allocation and ablation a cell may name has a catalog entry. */

import { deepEqual, equal, ok } from "node:assert/strict";
import { methods } from "../init/mod.ts";
import { ABLATIONS, allocations, networkEntries, networkEntry } from "../prune/mod.ts";

Deno.test("catalog: every cell allocation and ablation is described", () => {
  for (const { name } of allocations()) equal(networkEntry(name)?.kind, "allocation", name);
  for (const a of ABLATIONS) equal(networkEntry(a)?.kind, "ablation", a);
});

Deno.test("catalog: names are unique, none shadows a registry method, texts are non-empty", () => {
  const names = networkEntries().map((e) => e.name);
  deepEqual([...new Set(names)], names);
  const registry = new Set(methods().map((m) => m.name));
  for (const e of networkEntries()) {
    ok(!registry.has(e.name), `${e.name} is also a registry method`);
    ok(e.description.trim().length > 0, e.name);
  }
});
