import { deepEqual, equal, ok } from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { fakeCells, fakeValue } from "./testdata/fake_grid.ts";
import { jobsFor } from "../cell/mod.ts";
import { stream } from "../rng/mod.ts";
import { DatabaseSync } from "node:sqlite";

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

/** The CLI, spawned by path (a subprocess, not an import). */
const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const TINY = new URL("./testdata/tiny/", import.meta.url).pathname;
/** 24 real training jobs of 20 steps on synthetic data. */
const TINY_ARGS = ["--preset", "paper", "--seeds", "0-5", "--no-site", "--no-report", "--quiet"];
const TINY_JOBS = 36;

function _count(path: string): number {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return Number(db.prepare("SELECT COUNT(*) AS n FROM results").get()!.n);
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

function _reproduce(store: string, workers: number): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      CLI,
      "reproduce",
      "--reproductions",
      TINY,
      "--store",
      store,
      "--workers",
      String(workers),
      ...TINY_ARGS,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Every stored field except timings and the time written, by key. */
function _fields(path: string): Map<string, unknown> {
  const s = openStore(path, { readOnly: true });
  try {
    equal(s.integrityCheck(), "ok");
    return new Map(
      s.rows().map((r) => {
        const { wallSeconds: _w, finishedAt: _f, ...rest } = r;
        const { wallSeconds: _rw, ...result } = r.result;
        return [`${r.cellId}:${r.seed}`, { ...rest, result }];
      }),
    );
  } finally {
    s.close();
  }
}

Deno.test("real cells under ≥ 20 random SIGKILLs and some SIGINTs, on 1 and 2 workers, end as a clean run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kill_test_real_" });
  try {
    const clean = `${dir}/clean.db`;
    const c = _reproduce(clean, 1);
    const cs = await c.status;
    equal(cs.code, 0, new TextDecoder().decode((await c.stderr.getReader().read()).value));
    const expected = _fields(clean);
    equal(expected.size, TINY_JOBS);

    // When a store completes between kills, it is checked whole and the next round starts a new
    // one, so that every kill lands in an unfinished grid.
    let completed = 0;
    let path = `${dir}/killed-0.db`;
    const rng = stream(0, "kill-test-real");
    let kills = 0;
    let interrupts = 0;
    let midRun = 0;
    let before = new Map<string, unknown>();
    for (let round = 0; kills < 20 || interrupts < 3; round++) {
      ok(round < 80, "the loop ends");
      const workers = 1 + (round % 2);
      const child = _reproduce(path, workers);
      const sigint = round % 6 === 5;
      const exited = child.status.then(() => "exited" as const);
      // A third of the kills at a random time from the start (startup takes about a second); the
      // others 0–0.5 s after the run wrote its first row, so that most land among running cells.
      const timer = (async () => {
        if (round % 3 !== 0) {
          const n0 = _count(path);
          const t0 = Date.now();
          while (_count(path) === n0 && Date.now() - t0 < 8000) {
            await new Promise((r) => setTimeout(r, 20));
          }
          await new Promise((r) => setTimeout(r, rng.int(500)));
        } else await new Promise((r) => setTimeout(r, 300 + rng.int(2200)));
        return "timeout" as const;
      })();
      const outcome = await Promise.race([exited, timer]);
      if (outcome === "timeout") {
        try {
          child.kill(sigint ? "SIGINT" : "SIGKILL");
          if (sigint) interrupts++;
          else kills++;
        } catch {
          // it had just exited
        }
      }
      const status = await child.status;
      await child.stderr.cancel();
      if (outcome === "exited") equal(status.code, 0);
      else if (sigint) ok(status.code === 130 || status.code === 0, `SIGINT gave ${status.code}`);
      let after: Map<string, unknown>;
      try {
        await Deno.stat(path);
        after = _fields(path);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue; // killed before the store existed
        throw e;
      }
      // No finished cell lost or changed; every row is whole and equals the clean run's.
      for (const [k, v] of before) {
        deepEqual(after.get(k), v, `row ${k} changed after round ${round}`);
      }
      for (const [k, v] of after) {
        deepEqual(v, expected.get(k), `row ${k} differs from the clean run`);
      }
      if (outcome === "timeout" && after.size > before.size && after.size < TINY_JOBS) midRun++;
      before = after;
      if (after.size === TINY_JOBS) {
        deepEqual(after, expected);
        path = `${dir}/killed-${++completed}.db`;
        before = new Map();
      }
    }
    console.log(
      `kills: ${kills}, interrupts: ${interrupts}, rounds adding rows: ${midRun}, grids completed under kills: ${completed}`,
    );
    ok(midRun >= 5, "many rounds were interrupted after writing some but not all rows");
    // Resume to completion (2 workers), wait for every orphaned worker, compare everything.
    const last = _reproduce(path, 2);
    equal((await last.status).code, 0);
    await last.stderr.cancel();
    const final = _fields(path);
    deepEqual(final, expected);
    const digests = (m: Map<string, unknown>) =>
      [...m].map((
        [k, v],
      ) => [k, (v as { result: { weightsDigest: unknown } }).result.weightsDigest]);
    deepEqual(digests(final), digests(expected));
    ok(digests(final).every(([, d]) => typeof d === "string" && d.length === 64));
  } finally {
    // A worker whose parent was killed during its startup may still open the store for a moment
    // (it sees its stdin closed and stops before running anything): retry the removal.
    await _removeWithRetry(dir);
  }
});

/** Removes `dir`, retrying for up to 10 s while a stopping worker still holds files in it. */
async function _removeWithRetry(dir: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      return await Deno.remove(dir, { recursive: true });
    } catch (e) {
      if (attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
