import { deepEqual, equal, ok } from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { fakeCells, fakeValue } from "./testdata/fake_grid.ts";
import { jobsFor } from "../cell/mod.ts";
import { stream } from "../rng/mod.ts";

const WORKER = new URL("./testdata/fake_grid.ts", import.meta.url).pathname;
const CELLS = 150;
const SEEDS = 2;

function _keys(path: string): Set<string> {
  const s = openStore(path, { readOnly: true });
  try {
    return new Set(s.rows().map((r) => `${r.cellId}:${r.seed}`));
  } finally {
    s.close();
  }
}

Deno.test("kill -9 at random moments, then resuming, loses no finished cell and duplicates none", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kill_test_" });
  const path = `${dir}/grid.db`;
  try {
    const rng = stream(0, "kill-test");
    let before = new Set<string>();
    let kills = 0;
    let partial = 0;
    for (let round = 0; round < 6; round++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", WORKER, path, String(CELLS), String(SEEDS)],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      // Kill between 150 ms and 1.2 s after the start (startup included): some kills land mid-write.
      const delay = 150 + rng.int(1050);
      const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), delay));
      const outcome = await Promise.race([child.status.then(() => "exited" as const), timer]);
      if (outcome === "timeout") {
        try {
          child.kill("SIGKILL");
          kills++;
        } catch {
          // already exited
        }
      }
      const status = await child.status;
      await child.stderr.cancel();
      if (outcome === "exited") equal(status.code, 0);
      try {
        await Deno.stat(path);
      } catch {
        continue; // killed before the store was created
      }
      const after = _keys(path);
      for (const k of before) ok(after.has(k), `finished cell ${k} lost after kill ${round}`);
      if (outcome === "timeout" && after.size > 0 && after.size < CELLS * SEEDS) partial++;
      before = after;
    }
    ok(kills >= 1, "at least one kill happened");
    ok(partial >= 1, "at least one kill interrupted a run that had written some but not all cells");
    console.log(`kills: ${kills}, mid-run kills: ${partial}, rows before resuming: ${before.size}`);
    // Resume to completion.
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", WORKER, path, String(CELLS), String(SEEDS)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const summary = JSON.parse(new TextDecoder().decode(out.stdout));
    equal(summary.skipped + summary.ok, CELLS * SEEDS);
    const store = openStore(path, { readOnly: true });
    try {
      equal(store.integrityCheck(), "ok");
      const rows = store.rows();
      const expected = fakeCells(CELLS).flatMap((c) =>
        jobsFor(c, Array.from({ length: SEEDS }, (_, i) => i))
      );
      equal(rows.length, expected.length);
      deepEqual(
        new Set(rows.map((r) => `${r.cellId}:${r.seed}`)),
        new Set(expected.map((j) => `${j.id}:${j.seed}`)),
      );
      for (const r of rows) {
        const shape = (r.config as { shape: { inFeatures: number } }).shape;
        equal(r.result.value, fakeValue(shape.inFeatures, r.seed));
        equal((r.result.curves as { trainLoss: number[] }).trainLoss.length, 12000);
      }
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
