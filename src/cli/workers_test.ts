import { deepEqual, equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openStore, type StoredRow } from "../store/mod.ts";
import { CLI } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";
import { parseWorkers } from "./workers.ts";

/** A tiny synthetic grid: 12 jobs, 200 steps each (about a second per cell). */
const TINY = new URL("../grid/testdata/tiny/", import.meta.url).pathname;

function _cli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "reproduce", "--reproductions", TINY, "--no-site", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function _run(args: string[]): Promise<{ code: number; stderr: string }> {
  const out = await _cli(args).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** Every stored field except the timings (wall seconds, twice) and the time written. */
function _comparable(path: string): unknown[] {
  const store = openStore(path, { readOnly: true });
  try {
    return store.rows().map((r: StoredRow) => {
      const { wallSeconds: _w, finishedAt: _f, ...rest } = r;
      const { wallSeconds: _rw, ...result } = r.result;
      return { ...rest, result };
    });
  } finally {
    store.close();
  }
}

function _liveClaims(path: string): { pid: number; n: number }[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT pid, COUNT(*) AS n FROM claims GROUP BY pid").all().map((r) => ({
      pid: Number(r.pid),
      n: Number(r.n),
    }));
  } finally {
    db.close();
  }
}

async function _waitFor(f: () => boolean, what: string, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function _rowCount(path: string): number {
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

Deno.test("parseWorkers accepts positive integers and auto, and names a bad value", () => {
  equal(parseWorkers("3"), 3);
  ok(parseWorkers("auto") >= 1);
  for (const bad of ["0", "-1", "1.5", "two", "", "1e3", "257"]) {
    let message = "";
    try {
      parseWorkers(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    equal(message, `--workers: expected a positive integer or "auto"; got "${bad}"`);
  }
});

Deno.test("--workers 2 writes the same bytes as --workers 1, with true counts, and leaves no claims", async () => {
  const dir = await Deno.makeTempDir({ prefix: "workers_test_" });
  try {
    const one = await _run(["--store", `${dir}/one.db`, "--workers", "1", "--no-report"]);
    equal(one.code, EXIT.OK, one.stderr);
    ok(one.stderr.includes("ran 12 job(s): 12 ok, 0 diverged, 0 failed"), one.stderr);
    const two = await _run(["--store", `${dir}/two.db`, "--workers", "2", "--no-report"]);
    equal(two.code, EXIT.OK, two.stderr);
    ok(two.stderr.includes("ran 12 job(s): 12 ok, 0 diverged, 0 failed"), two.stderr);
    ok(two.stderr.includes("on 2 workers"), two.stderr);
    // One progress display, drawn by the parent from the store: a line per job, in any order.
    ok(two.stderr.includes("running 12 job(s) on 2 worker(s)"), two.stderr);
    for (let i = 1; i <= 12; i++) ok(two.stderr.includes(`[${i}/12] ok `), two.stderr);
    const a = _comparable(`${dir}/one.db`);
    equal(a.length, 12);
    deepEqual(_comparable(`${dir}/two.db`), a);
    deepEqual(_liveClaims(`${dir}/two.db`), []);
    // A second run finds everything done and runs nothing.
    const again = await _run(["--store", `${dir}/two.db`, "--workers", "2", "--no-report"]);
    equal(again.code, EXIT.OK, again.stderr);
    ok(again.stderr.includes("ran 0 job(s)") && again.stderr.includes("12 already done"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--workers auto (the task's default) runs an in-memory store in one process; --workers 2 there is a usage error", async () => {
  const auto = await _run(["--store", ":memory:", "--workers", "auto", "--no-report"]);
  equal(auto.code, EXIT.OK, auto.stderr);
  ok(auto.stderr.includes("ran 12 job(s): 12 ok, 0 diverged, 0 failed"), auto.stderr);
  ok(!auto.stderr.includes("worker(s)"), auto.stderr);
  const two = await _run(["--store", ":memory:", "--workers", "2", "--no-report"]);
  equal(two.code, EXIT.USAGE, two.stderr);
  ok(
    two.stderr.includes("worker processes cannot share an in-memory store (:memory:)"),
    two.stderr,
  );
});

Deno.test("deno task reproduce uses every CPU (--workers auto)", () => {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));
  ok(/ reproduce --workers auto$/.test(config.tasks.reproduce), config.tasks.reproduce);
});

Deno.test("two separate runners on one store share the grid: each job written once, counts add up", async () => {
  const dir = await Deno.makeTempDir({ prefix: "workers_test_" });
  try {
    const store = `${dir}/shared.db`;
    const [a, b] = await Promise.all([
      _run(["--store", store, "--no-report"]),
      _run(["--store", store, "--no-report"]),
    ]);
    equal(a.code, EXIT.OK, a.stderr);
    equal(b.code, EXIT.OK, b.stderr);
    const ran = (t: string) => Number(/ran (\d+) job\(s\)/.exec(t)![1]);
    // The two runs together wrote the 12 rows exactly once.
    equal(ran(a.stderr) + ran(b.stderr), 12, a.stderr + b.stderr);
    equal(_rowCount(store), 12);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a worker killed mid-cell is a recorded failure, not a hang; --retry-failed completes the grid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "workers_test_" });
  try {
    const store = `${dir}/crash.db`;
    const child = _cli(["--store", store, "--workers", "2", "--no-report"]);
    let victim = 0;
    await _waitFor(() => {
      if (_rowCount(store) < 2) return false; // past startup: the workers are running cells
      let claims: { pid: number; n: number }[] = [];
      try {
        claims = _liveClaims(store);
      } catch {
        return false;
      }
      const c = claims.find((x) => x.pid !== child.pid);
      if (c === undefined) return false;
      victim = c.pid;
      return true;
    }, "a worker's claim");
    Deno.kill(victim, "SIGKILL");
    const out = await child.output();
    const err = new TextDecoder().decode(out.stderr);
    equal(out.code, EXIT.CELLS_FAILED, err);
    ok(new RegExp(`worker process ${victim} was killed by SIGKILL`).test(err), err);
    const s = openStore(store, { readOnly: true });
    const rows = s.rows();
    s.close();
    equal(rows.length, 12, "every other job ran on the remaining and the new worker");
    const failed = rows.filter((r) => r.status === "failed");
    equal(failed.length, 1);
    ok(failed[0].message!.startsWith(`worker process ${victim} was killed by SIGKILL`));
    const retry = await _run(["--store", store, "--workers", "2", "--no-report", "--retry-failed"]);
    equal(retry.code, EXIT.OK, retry.stderr);
    ok(retry.stderr.includes("ran 1 job(s): 1 ok"), retry.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Ctrl-C stops the parent and every worker with exit 130, keeping finished cells", async () => {
  const dir = await Deno.makeTempDir({ prefix: "workers_test_" });
  try {
    const store = `${dir}/int.db`;
    const child = _cli(["--store", store, "--workers", "2", "--no-report"]);
    await _waitFor(() => _rowCount(store) >= 2, "two finished rows");
    const pids = _liveClaims(store).map((c) => c.pid);
    child.kill("SIGINT");
    const out = await child.output();
    const err = new TextDecoder().decode(out.stderr);
    equal(out.code, EXIT.INTERRUPTED, err);
    const kept = _rowCount(store);
    ok(kept >= 2 && kept < 12, `kept ${kept}`);
    // The workers are gone too.
    for (const pid of pids) {
      await _waitFor(
        () => {
          try {
            Deno.readTextFileSync(`/proc/${pid}/stat`);
            return false;
          } catch {
            return true;
          }
        },
        `worker ${pid} to exit`,
        10_000,
      );
    }
    const resumed = await _run(["--store", store, "--workers", "2", "--no-report"]);
    equal(resumed.code, EXIT.OK, resumed.stderr);
    ok(resumed.stderr.includes(`${kept} already done`), resumed.stderr);
    equal(_rowCount(store), 12);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
