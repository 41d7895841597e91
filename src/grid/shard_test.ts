import { deepEqual, equal, throws } from "node:assert/strict";
import { cellId, jobsFor } from "../cell/mod.ts";
import { inShard, parseShard, shardOf } from "./shard.ts";

const ids = Array.from({ length: 200 }, (_, i) =>
  cellId({
    kind: "measure",
    config: {
      measure: "exactness",
      method: "eoi",
      shape: { kind: "dense", inFeatures: 8 + i, outFeatures: 8 },
      density: 0.5,
      activation: "tanh",
    },
  }));

Deno.test("shards partition cells disjointly and completely for several N", () => {
  for (const n of [1, 2, 3, 4, 7]) {
    const seen = new Map<string, number>();
    for (let k = 0; k < n; k++) {
      for (const it of inShard(ids.map((id) => ({ id })), { index: k, count: n })) {
        equal(seen.has(it.id), false, `id in two shards (N=${n})`);
        seen.set(it.id, k);
      }
    }
    equal(seen.size, ids.length, `N=${n}: every id lands in some shard`);
    if (n > 1) {
      // roughly balanced: no shard is empty with 200 ids
      equal(new Set(seen.values()).size, n);
    }
  }
});

Deno.test("all seeds of a cell land in the same shard, and the assignment is stable", () => {
  const jobs = ids.slice(0, 20).flatMap((_id, i) =>
    jobsFor({
      kind: "measure",
      config: {
        measure: "exactness",
        method: "eoi",
        shape: { kind: "dense", inFeatures: 8 + i, outFeatures: 8 },
        density: 0.5,
        activation: "tanh",
      },
    }, [0, 1, 2])
  );
  for (const j of jobs) equal(shardOf(j.id, 3), shardOf(ids[jobs.indexOf(j) / 3 | 0], 3));
  equal(shardOf("0000000000007" + "f".repeat(51), 4), 3);
});

Deno.test("parseShard accepts 0-based k/N and rejects everything else with the text", () => {
  deepEqual(parseShard(" 0/1 "), { index: 0, count: 1 });
  deepEqual(parseShard("3/4"), { index: 3, count: 4 });
  for (const bad of ["4/4", "1/0", "-1/4", "a/b", "1", "1/2/3", ""]) {
    throws(
      () => parseShard(bad),
      (e: Error) => e instanceof RangeError && e.message.includes(`"${bad}"`),
      bad,
    );
  }
  throws(() => shardOf("XYZ", 2), TypeError);
});
