/**
 * `cluster:slurm` on a real single-node Slurm cluster started by the test
 * (see `_local_slurm.ts`): the merged store equals a one-machine run, a
 * re-run changes nothing, and a shard task cancelled mid-run is recovered by
 * the resubmission.
 *
 * Needs root and Debian's `slurm-wlm` and `munge`; fails when they are
 * missing unless `SPARSE_INIT_SKIP_SLURM=1` says to skip it.
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { missingSlurmPrograms, startLocalSlurm } from "./_local_slurm.ts";
import { planShards } from "./plan.ts";
import { openStore, type StoredRow } from "../store/mod.ts";
import { shardStore } from "./slurm_script.ts";

const SKIP = Deno.env.get("SPARSE_INIT_SKIP_SLURM") === "1";
const REPO = new URL("../../", import.meta.url).pathname;
const SPECS = new URL("./testdata/", import.meta.url).pathname;
const NAME = "slurm-tiny";
const SHARDS = 4;
const JOB_NAME = "sparse-init-test";
const dec = new TextDecoder();

function _rows(path: string): StoredRow[] {
  const store = openStore(path, { readOnly: true });
  try {
    return store.rows().sort((a, b) =>
      a.cellId < b.cellId ? -1 : a.cellId > b.cellId ? 1 : a.seed - b.seed
    );
  } finally {
    store.close();
  }
}

/** A row without the fields that legitimately differ between runs: timings and provenance. */
function _comparable(r: StoredRow) {
  const { wallSeconds: _w, provenance: _p, ...result } = r.result;
  return {
    cellId: r.cellId,
    seed: r.seed,
    kind: r.kind,
    status: r.status,
    message: r.message,
    config: r.config,
    result,
    gitCommit: r.gitCommit,
    resultsVersion: r.resultsVersion,
  };
}

function _rowCount(path: string): number {
  try {
    Deno.statSync(path);
    return _rows(path).length;
  } catch {
    return 0; // not created yet, or its schema not written yet
  }
}

async function _cli(args: string[]) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/main.ts`, ...args],
    cwd: REPO,
  }).output();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/** Runs the script; `during` runs while it does (the test's scancel). */
async function _script(
  env: Record<string, string>,
  stores: string,
  during: (ended: AbortSignal) => Promise<void> = () => Promise.resolve(),
) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${REPO}src/cluster/slurm.ts`,
      NAME,
      "--reproductions",
      SPECS,
      "--shards",
      String(SHARDS),
      "--stores",
      stores,
      "--backend",
      "wasm",
      "--poll",
      "0.5",
      "--job-name",
      JOB_NAME,
    ],
    cwd: REPO,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // A hung run must not hang the suite: the test kills its own child after 6 minutes.
  const timer = setTimeout(() => child.kill("SIGKILL"), 6 * 60_000);
  try {
    const ended = new AbortController();
    const output = child.output().finally(() => ended.abort());
    const [out] = await Promise.all([output, during(ended.signal)]);
    return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

async function _squeue(env: Record<string, string>): Promise<Map<string, string>> {
  const r = await new Deno.Command("squeue", {
    args: ["-h", "-r", `--name=${JOB_NAME}`, "-o", "%i|%T"],
    env,
  }).output();
  const out = new Map<string, string>();
  for (const line of dec.decode(r.stdout).split("\n").filter((l) => l.trim() !== "")) {
    const [id, state] = line.trim().split("|");
    out.set(id, state);
  }
  return out;
}

Deno.test({
  name: "cluster:slurm on a real one-node Slurm cluster equals a one-machine run",
  ignore: SKIP,
}, async (t) => {
  const missing = missingSlurmPrograms();
  if (missing.length > 0) {
    throw new Error(
      `Slurm/munge programs missing: ${missing.join(", ")}. Install them ` +
        `(apt-get install -y slurm-wlm munge; .ci/run does) or set SPARSE_INIT_SKIP_SLURM=1 ` +
        `to skip this test explicitly`,
    );
  }
  if (Deno.uid() !== 0) {
    throw new Error(
      "this test starts slurmctld/slurmd as root (SlurmUser=root); run it as root or set " +
        "SPARSE_INIT_SKIP_SLURM=1 to skip it explicitly",
    );
  }
  const cluster = await startLocalSlurm();
  const dir = await Deno.makeTempDir({ prefix: "slurm_cluster_test_" });
  try {
    const stores = `${dir}/stores`;
    const plan = await planShards(
      { names: [NAME], preset: "quick", shards: SHARDS, reproductions: SPECS },
      (k) => shardStore(stores, k),
    );
    const total = plan.reduce((a, p) => a + p.jobs, 0);
    const target = plan.reduce((a, p) => (p.jobs > a.jobs ? p : a));
    ok(plan.filter((p) => p.jobs > 0).length >= 2, "the fixture spreads over several shards");
    ok(target.jobs >= 3, `the largest shard has ${target.jobs} jobs; need >= 3 to kill it mid-run`);

    const one = `${dir}/one.db`;
    await t.step("one-machine run of the same reproduction", async () => {
      const r = await _cli([
        "reproduce",
        NAME,
        "--reproductions",
        SPECS,
        "--backend",
        "wasm",
        "--store",
        one,
        "--no-report",
        "--quiet",
      ]);
      equal(r.code, 0, r.err);
      equal(_rows(one).length, total);
    });
    const expected = await _cli(["report", NAME, "--reproductions", SPECS, "--store", one]);

    let killedAt = -1;
    let first: Awaited<ReturnType<typeof _script>>;
    await t.step("job array with one task cancelled mid-run, resubmitted once", async () => {
      first = await _script(cluster.env, stores, async (ended) => {
        const path = shardStore(stores, target.index);
        const id = await (async () => {
          while (true) {
            const running = [...(await _squeue(cluster.env))]
              .find(([id, s]) => id.endsWith(`_${target.index}`) && s === "RUNNING");
            if (running !== undefined && _rowCount(path) >= 1) return running[0];
            if (ended.aborted) throw new Error("the script ended before a task could be cancelled");
            await new Promise((r) => setTimeout(r, 100));
          }
        })();
        killedAt = _rowCount(path);
        const r = await new Deno.Command("scancel", { args: [id], env: cluster.env }).output();
        equal(r.code, 0, dec.decode(r.stderr));
      });
      const log = first.err;
      equal(first.code, expected.code, log);
      ok(killedAt >= 1 && killedAt < target.jobs, `cancelled after ${killedAt} of ${target.jobs}`);
      ok(
        new RegExp(`shard ${target.index} \\(job \\d+_${target.index}\\): FAILED, .*CANCELLED`)
          .test(log),
        log,
      );
      ok(log.includes(`resubmitting 1 failed task(s) once: shard(s) ${target.index}\n`), log);
      ok(log.includes(`recovered by resubmission: shard(s) ${target.index}\n`), log);
      // The resubmitted task skipped what the cancelled one had finished.
      const resumed = new RegExp(
        `\\| ran (\\d+) job\\(s\\).*; (\\d+) already done \\(shard ${target.index}/${SHARDS}\\)`,
      ).exec(log);
      ok(resumed !== null, log);
      ok(Number(resumed[2]) >= killedAt && Number(resumed[2]) < target.jobs, resumed[0]);
      equal(Number(resumed[1]) + Number(resumed[2]), target.jobs);
      ok(!log.includes("FAILED after one resubmission"), log);
      equal(first.out, expected.out);
    });

    const merged = `${stores}/all.db`;
    await t.step("the merged store holds exactly the one-machine cells, same results", () => {
      const a = _rows(merged);
      const b = _rows(one);
      deepEqual(a.map((r) => `${r.cellId}:${r.seed}`), b.map((r) => `${r.cellId}:${r.seed}`));
      deepEqual(a.map(_comparable), b.map(_comparable));
      ok(a.every((r) => r.kind !== "train" || typeof r.result.weightsDigest === "string"));
    });

    await t.step("running the script again changes nothing", async () => {
      const before = {
        merged: _rows(merged),
        shards: plan.map((p) =>
          _rowCount(shardStore(stores, p.index)) > 0 ? _rows(shardStore(stores, p.index)) : []
        ),
      };
      const again = await _script(cluster.env, stores);
      equal(again.code, first.code, again.err);
      ok(again.err.includes("not submitting"), again.err);
      ok(/\d+ row\(s\) read, 0 written/.test(again.err), again.err);
      ok(!/[1-9]\d* written/.test(again.err), again.err);
      deepEqual(_rows(merged), before.merged);
      deepEqual(
        plan.map((p) =>
          _rowCount(shardStore(stores, p.index)) > 0 ? _rows(shardStore(stores, p.index)) : []
        ),
        before.shards,
      );
      equal(again.out, first.out);
    });
  } finally {
    await cluster.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
