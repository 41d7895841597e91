import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { type Cell, jobsFor } from "../cell/mod.ts";
import { type RunFn, runJobs } from "./runner.ts";
import { createProgress } from "./progress.ts";
import { claimant, openStore, StoreError } from "../store/mod.ts";
import { DatabaseSync } from "node:sqlite";

const provenance = {
  gitCommit: "abc",
  machine: {
    os: "linux",
    arch: "x86_64",
    cpuModel: "cpu",
    cores: 2,
    hostname: "h",
    denoVersion: "2",
    v8Version: "1",
  },
};

function _cells(n: number): Cell[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: "measure",
    config: {
      measure: "exactness",
      method: "eoi",
      shape: { kind: "dense", inFeatures: i + 2, outFeatures: 2 },
      density: 1,
      activation: "tanh",
    },
  }));
}

const jobs = _cells(4).flatMap((c) => jobsFor(c, [0, 1]));

Deno.test("the runner records throws and failed/diverged results and goes on with the grid", async () => {
  const store = openStore(":memory:");
  let calls = 0;
  const run: RunFn = (job) => {
    calls++;
    const i = jobs.indexOf(job);
    if (i === 1) return Promise.reject(new RangeError("bad thing"));
    if (i === 2) {
      return Promise.resolve({ status: "diverged", message: "NaN at step 3", divergedAtStep: 3 });
    }
    if (i === 3) return Promise.resolve({ status: "weird" });
    return Promise.resolve({ status: "ok", values: new Float32Array([1, 2]), nan: NaN });
  };
  const s = await runJobs(jobs, store, run, { provenance });
  equal(calls, 8);
  deepEqual({ ok: s.ok, diverged: s.diverged, failed: s.failed, skipped: s.skipped }, {
    ok: 5,
    diverged: 1,
    failed: 2,
    skipped: 0,
  });
  const rows = store.rows();
  const byKey = new Map(rows.map((r) => [`${r.cellId}:${r.seed}`, r]));
  const r1 = byKey.get(`${jobs[1].id}:${jobs[1].seed}`)!;
  equal(r1.status, "failed");
  equal(r1.message, "RangeError: bad thing");
  equal(byKey.get(`${jobs[3].id}:${jobs[3].seed}`)!.message, 'run returned unknown status "weird"');
  const r0 = byKey.get(`${jobs[0].id}:${jobs[0].seed}`)!;
  deepEqual(r0.result.values, [1, 2]);
  equal(r0.result.nan, null);
  equal(r0.gitCommit, "abc");
  equal("seed" in r0.config, false);
  store.close();
});

Deno.test("re-running skips finished jobs; --retry-failed re-runs only failed ones, never diverged", async () => {
  const store = openStore(":memory:");
  const failing = new Set([jobs[0].id + ":0"]);
  const run: RunFn = (job) =>
    Promise.resolve(
      failing.has(`${job.id}:${job.seed}`)
        ? { status: "failed", message: "flaky" }
        : job === jobs[5]
        ? { status: "diverged" }
        : { status: "ok" },
    );
  await runJobs(jobs, store, run, { provenance });
  let calls = 0;
  const counting: RunFn = (job) => {
    calls++;
    return run(job, { onProgress: () => {} });
  };
  const again = await runJobs(jobs, store, counting, { provenance });
  equal(calls, 0);
  equal(again.skipped, 8);
  failing.clear();
  const retry = await runJobs(jobs, store, counting, { provenance, retryFailed: true });
  equal(calls, 1);
  equal(retry.ok, 1);
  deepEqual(store.counts(), { ok: 7, diverged: 1, failed: 0 });
  store.close();
});

Deno.test("an abort mid-job records nothing for that job, so it runs again on resume", async () => {
  const store = openStore(":memory:");
  const controller = new AbortController();
  const run: RunFn = (job) => {
    if (job === jobs[2]) controller.abort();
    return Promise.resolve({ status: "ok" });
  };
  const s = await runJobs(jobs, store, run, { provenance, signal: controller.signal });
  equal(s.aborted, true);
  equal(store.rows().length, 2);
  const resumed = await runJobs(jobs, store, () => Promise.resolve({ status: "ok" }), {
    provenance,
  });
  equal(resumed.ok, 6);
  equal(store.rows().length, 8);
  store.close();
});

Deno.test("a store error stops the run with StoreError and keeps the rows already written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/r.db`;
    const store = openStore(path, { busyTimeoutMs: 50 });
    let other: DatabaseSync | undefined;
    const run: RunFn = (job) => {
      if (job === jobs[3]) {
        other = new DatabaseSync(path);
        other.exec("BEGIN IMMEDIATE");
        other.exec("INSERT INTO meta (key, value) VALUES ('x', 'y')");
      }
      return Promise.resolve({ status: "ok" });
    };
    await rejects(() => runJobs(jobs, store, run, { provenance }), StoreError);
    other!.exec("ROLLBACK");
    other!.close();
    equal(store.rows().length, 3);
    store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("progress prints plain lines off a terminal and redraws one line on a terminal", async () => {
  const plain: string[] = [];
  const store = openStore(":memory:");
  await runJobs(jobs.slice(0, 2), store, (_j, ctx) => {
    ctx.onProgress(5, 10);
    return Promise.resolve({ status: "ok" });
  }, {
    provenance,
    progress: createProgress({ total: 2, skipped: 0, tty: false, write: (t) => plain.push(t) }),
  });
  const text = plain.join("");
  ok(text.includes("[1/2] ok") && text.includes("[2/2] ok") && text.includes("ETA"), text);
  equal(text.includes("\r"), false);
  const tty: string[] = [];
  let t = 0;
  const p = createProgress({
    total: 2,
    skipped: 1,
    tty: true,
    write: (s) => tty.push(s),
    now: () => (t += 1000),
  });
  p.start("cell a", 0);
  p.step(5, 10);
  p.finish("failed", 1, "boom");
  p.close();
  const out = tty.join("");
  ok(
    out.includes("\r") && out.includes("cell a") && out.includes("50%") && out.includes("failed"),
    out,
  );
  const beats: string[] = [];
  let u = 0;
  const q = createProgress({
    total: 1,
    skipped: 0,
    tty: false,
    write: (s) => beats.push(s),
    now: () => u,
  });
  q.start("long cell", 0);
  for (let i = 1; i <= 4; i++) {
    u = i * 20000;
    q.step(i, 4);
  }
  q.finish("ok", 80);
  equal(beats.filter((b) => b.includes("... step")).length, 2, beats.join(""));
  store.close();
});

Deno.test("two claiming runners on one store file run each job once and count only what they wrote", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/r.db`;
    const a = openStore(path);
    const b = openStore(path);
    const ran: string[] = [];
    const slow: RunFn = async (job) => {
      ran.push(`${job.id}:${job.seed}`);
      await new Promise((r) => setTimeout(r, 5));
      return { status: "ok" };
    };
    const [sa, sb] = await Promise.all([
      runJobs(jobs, a, slow, { provenance, claims: claimant(), pollMs: 5 }),
      runJobs(jobs, b, slow, { provenance, claims: claimant(), pollMs: 5 }),
    ]);
    equal(ran.length, 8, "each job ran once");
    equal(new Set(ran).size, 8);
    equal(sa.ok + sb.ok, 8);
    equal(sa.byOthers + sb.byOthers, 8);
    ok(sa.ok > 0 && sb.ok > 0, "both runners ran some jobs");
    equal(a.claims.active().length, 0, "no claim left");
    a.close();
    b.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without claims, a row another runner wrote first is not counted as written (put's result)", async () => {
  const store = openStore(":memory:");
  // Another runner finishes each job while this one runs it.
  const s = await runJobs(jobs, store, (job) => {
    store.put({
      cellId: job.id,
      seed: job.seed,
      kind: "measure",
      status: "ok",
      message: null,
      config: {},
      result: { by: "other" },
      wallSeconds: 0,
      gitCommit: "x",
      machine: {},
      resultsVersion: 1,
      finishedAt: new Date().toISOString(),
    });
    return Promise.resolve({ status: "ok" });
  }, { provenance });
  equal(s.ok, 0);
  equal(s.byOthers, 8);
  ok(store.rows().every((r) => r.result.by === "other"));
  store.close();
});

Deno.test("a claim of a dead process is taken over at once; a live one is waited for; an expired lease is taken", async () => {
  const store = openStore(":memory:");
  const [job] = jobs;
  // A process that has exited: its claim is dead.
  const gone = new Deno.Command(Deno.execPath(), { args: ["eval", ""] }).spawn();
  await gone.status;
  store.claims.claim({ cellId: job.id, seed: job.seed }, claimant({ pid: gone.pid }));
  const s = await runJobs([job], store, () => Promise.resolve({ status: "ok" }), {
    provenance,
    claims: claimant(),
  });
  equal(s.ok, 1);
  // A live claim of this (alive) process by another runner: wait, then see its row and skip.
  const other = claimant();
  const [, job2] = jobs;
  store.claims.claim({ cellId: job2.id, seed: job2.seed }, other);
  setTimeout(() => {
    store.put({
      cellId: job2.id,
      seed: job2.seed,
      kind: "measure",
      status: "ok",
      message: null,
      config: {},
      result: {},
      wallSeconds: 0,
      gitCommit: "x",
      machine: {},
      resultsVersion: 1,
      finishedAt: new Date().toISOString(),
    }, other.owner);
  }, 30);
  let calls = 0;
  const s2 = await runJobs([job2], store, () => {
    calls++;
    return Promise.resolve({ status: "ok" });
  }, { provenance, claims: claimant(), pollMs: 5 });
  equal(calls, 0);
  equal(s2.byOthers, 1);
  equal(store.claims.active().length, 0, "the result's write removed the other runner's claim");
  // A claim on another host whose lease has expired is taken over.
  const [, , job3] = jobs;
  let t = 1000;
  store.claims.claim(
    { cellId: job3.id, seed: job3.seed },
    claimant({ host: "elsewhere", leaseMs: 10, now: () => t }),
  );
  equal(
    store.claims.claim({ cellId: job3.id, seed: job3.seed }, claimant({ now: () => t })),
    "busy",
  );
  t = 1011;
  equal(
    store.claims.claim({ cellId: job3.id, seed: job3.seed }, claimant({ now: () => t })),
    "claimed",
  );
  store.close();
});

Deno.test("with retryFailed, a failed row is claimed again once, not after this run rewrote it", () => {
  const store = openStore(":memory:");
  const [job] = jobs;
  const row = {
    cellId: job.id,
    seed: job.seed,
    kind: "measure" as const,
    status: "failed" as const,
    message: "boom",
    config: {},
    result: {},
    wallSeconds: 0,
    gitCommit: "x",
    machine: {},
    resultsVersion: 1,
    finishedAt: "2020-01-01T00:00:00.000Z",
  };
  store.put(row);
  const since = "2021-01-01T00:00:00.000Z";
  equal(store.claims.claim({ cellId: job.id, seed: job.seed }, claimant({ since })), "done");
  const retry = claimant({ since, retryFailed: true });
  equal(store.claims.claim({ cellId: job.id, seed: job.seed }, retry), "claimed");
  store.put({ ...row, finishedAt: "2022-01-01T00:00:00.000Z" }, retry.owner);
  equal(
    store.claims.claim({ cellId: job.id, seed: job.seed }, claimant({ since, retryFailed: true })),
    "done",
  );
  store.close();
});

Deno.test("a dead worker's claim is left to its live parent (which records the crash), taken by others", async () => {
  const store = openStore(":memory:");
  const [job] = jobs;
  const gone = new Deno.Command(Deno.execPath(), { args: ["eval", ""] }).spawn();
  await gone.status;
  // The dead worker and the sibling share this (live) process as parent.
  store.claims.claim(
    { cellId: job.id, seed: job.seed },
    claimant({ pid: gone.pid, parent: Deno.pid }),
  );
  const key = { cellId: job.id, seed: job.seed };
  equal(store.claims.claim(key, claimant({ parent: Deno.pid })), "busy");
  equal(store.claims.heldBy(gone.pid).length, 1);
  equal(store.claims.claim(key, claimant()), "claimed");
  store.close();
});
