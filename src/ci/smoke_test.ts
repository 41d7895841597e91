import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { type Cell, cellId, machineInfo, RESULTS_VERSION } from "../cell/mod.ts";
import { realRun } from "../grid/mod.ts";
import { openStore, type StoredRow } from "../store/mod.ts";
import {
  compareSmoke,
  selectSmoke,
  SMOKE_TOLERANCE,
  type SmokeGrid,
  type SmokeJob,
} from "./smoke.ts";
import { smokeGrids, smokeMain } from "./smoke_main.ts";

const TESTDATA = new URL("./testdata/", import.meta.url).pathname;

const PROVENANCE = {
  backend: "wasm",
  tfjsVersion: "4.22.0",
  denoVersion: "2.9.6",
  v8Version: "15.0",
  os: "linux",
  arch: "x86_64",
};

function _cell(method: string, density = 0.5): { id: string; cell: Cell } {
  const cell = {
    kind: "train",
    config: { dataset: "synthetic", method, density, depth: 1, allocation: "uniform" },
  } as unknown as Cell;
  return { id: cellId(cell), cell };
}

function _row(id: string, over: Partial<StoredRow> = {}, result: Record<string, unknown> = {}) {
  return {
    cellId: id,
    seed: 0,
    kind: "train",
    status: "ok",
    message: null,
    config: {},
    result: {
      status: "ok",
      testAccuracy: 0.8,
      weightsDigest: "d".repeat(64),
      provenance: PROVENANCE,
      ...result,
    },
    wallSeconds: 1,
    gitCommit: "x",
    machine: {},
    resultsVersion: RESULTS_VERSION,
    finishedAt: "2026-01-01T00:00:00.000Z",
    ...over,
  } as StoredRow;
}

Deno.test("selectSmoke takes the cheapest reference cells per reproduction within k and the budget", () => {
  const cells = ["a", "b", "c", "d", "e"].map((m) => _cell(m));
  const grid: SmokeGrid = { reproduction: "r", cells };
  const rows = [
    _row(cells[0].id, { wallSeconds: 9 }),
    _row(cells[1].id, { wallSeconds: 2, seed: 1 }),
    _row(cells[1].id, { wallSeconds: 3, seed: 0 }), // the lowest seed is the one taken
    _row(cells[2].id, { wallSeconds: 5 }),
    _row(cells[3].id, { wallSeconds: 4, status: "failed" }), // failed rows are not references
    _row(cells[4].id, { wallSeconds: 1, resultsVersion: RESULTS_VERSION + 1 }), // other version
  ];
  const { jobs, stale } = selectSmoke([grid], rows, { perReproduction: 3, budgetSeconds: 10 });
  deepEqual(stale, []);
  // cost order: b (3 s, seed 0), c (5 s), a (9 s) would exceed 10 s
  deepEqual(jobs.map((j) => [j.id, j.seed]), [[cells[1].id, 0], [cells[2].id, 0]]);
  equal(selectSmoke([grid], rows, { perReproduction: 1, budgetSeconds: 100 }).jobs.length, 1);
  // the first cell is always taken, whatever its cost
  equal(selectSmoke([grid], rows, { perReproduction: 3, budgetSeconds: 0 }).jobs.length, 1);
  // deterministic: the row order does not matter
  deepEqual(
    selectSmoke([grid], [...rows].reverse(), { perReproduction: 3, budgetSeconds: 10 }).jobs
      .map((j) => j.id),
    jobs.map((j) => j.id),
  );
});

Deno.test("selectSmoke names a reproduction with no reference cells as a stale reference", () => {
  const grid: SmokeGrid = { reproduction: "depth", cells: [_cell("a")] };
  const old = _row("f".repeat(64), { resultsVersion: RESULTS_VERSION - 1 });
  const { jobs, stale } = selectSmoke([grid], [old]);
  equal(jobs.length, 0);
  equal(stale.length, 1);
  equal(stale[0].reproduction, "depth");
  match(stale[0].message, new RegExp(`RESULTS_VERSION ${RESULTS_VERSION}`));
  match(stale[0].message, new RegExp(`its rows are version ${RESULTS_VERSION - 1}`));
  match(stale[0].message, /the reference is stale; regenerate it with `deno task board:reference`/);
  match(selectSmoke([grid], []).stale[0].message, /version none: it is empty/);
});

function _job(over: Partial<StoredRow> = {}, result: Record<string, unknown> = {}): SmokeJob {
  const c = _cell("eoi");
  return {
    reproduction: "mlp",
    id: c.id,
    seed: 0,
    cell: c.cell,
    reference: _row(c.id, over, result),
  };
}

Deno.test("compareSmoke: same environment ⇒ the digest must be identical; a perturbed one is named", () => {
  const job = _job();
  const same = compareSmoke(job, { ...job.reference.result });
  equal(same.ok, true);
  equal(same.mode, "digest");
  const bad = compareSmoke(job, { ...job.reference.result, weightsDigest: "e".repeat(64) });
  equal(bad.ok, false);
  equal(bad.mode, "digest");
  match(bad.line, new RegExp(`MISMATCH mlp cell ${job.id.slice(0, 12)} seed 0 \\(eoi`));
  match(bad.line, new RegExp(`digest expected ${"d".repeat(64)}, measured ${"e".repeat(64)}`));
  // a digest mismatch fails even when the accuracy is the same
  equal(bad.line.includes("test accuracy expected 0.8, measured 0.8"), true);
});

Deno.test("compareSmoke: other versions ⇒ accuracy within the tolerance; a perturbed one is named", () => {
  const job = _job();
  const other = { ...PROVENANCE, v8Version: "16.0" };
  const near = compareSmoke(job, {
    status: "ok",
    testAccuracy: 0.8 + SMOKE_TOLERANCE.accuracy / 2,
    weightsDigest: "e".repeat(64),
    provenance: other,
  });
  equal(near.ok, true);
  equal(near.mode, "accuracy");
  match(near.line, /digest not compared: v8Version 15\.0 → 16\.0/);
  const far = compareSmoke(job, {
    status: "ok",
    testAccuracy: 0.75,
    weightsDigest: "d".repeat(64),
    provenance: other,
  });
  equal(far.ok, false);
  match(
    far.line,
    /MISMATCH .*test accuracy expected 0\.8, measured 0\.75 \(\|Δ\| 0\.0500, tolerance 0\.02/,
  );
  // a result stored before engines existed reads as the tfjs engine; simd is another environment
  const simd = compareSmoke(job, {
    ...job.reference.result,
    provenance: { ...PROVENANCE, engine: "simd" },
  });
  equal(simd.mode, "accuracy");
  const status = compareSmoke(job, {
    status: "diverged",
    testAccuracy: null,
    provenance: PROVENANCE,
  });
  equal(status.ok, false);
  match(status.line, /status expected ok, measured diverged/);
});

Deno.test("compareSmoke: measure cells compare every non-timing figure", () => {
  const cell = {
    kind: "measure",
    config: { measure: "exactness", method: "eoi", density: 0.5 },
  } as unknown as Cell;
  const machine = { denoVersion: "2.9.6", v8Version: "15", os: "linux", arch: "x86_64" };
  const reference = _row(cellId(cell), { kind: "measure", machine }, {
    orthogonalityError: 1e-8,
    achievedDensity: 0.5,
    seconds: 0.1,
    wallSeconds: 0.2,
  });
  const job: SmokeJob = {
    reproduction: "exactness",
    id: reference.cellId,
    seed: 0,
    cell,
    reference,
  };
  const rerun = { ...reference.result, seconds: 9, wallSeconds: 9 };
  equal(compareSmoke(job, rerun, machine).ok, true);
  const off = compareSmoke(job, { ...rerun, orthogonalityError: 2e-8 }, machine);
  equal(off.ok, false);
  match(
    off.line,
    /orthogonalityError expected 1e-8, measured 2e-8 \(same versions: must be identical\)/,
  );
  const elsewhere = { ...machine, v8Version: "16" };
  equal(compareSmoke(job, { ...rerun, orthogonalityError: 2e-8 }, elsewhere).ok, true);
  const density = compareSmoke(job, { ...rerun, achievedDensity: 0.6 }, elsewhere);
  equal(density.ok, false);
  match(density.line, /achievedDensity expected 0\.5, measured 0\.6 \(tolerance 0\.000001\)/);
});

Deno.test("the committed reference gives a deterministic selection covering every reproduction", async () => {
  const store = openStore(new URL("../../leaderboard/results.db", import.meta.url).pathname, {
    readOnly: true,
  });
  const rows = store.rows();
  store.close();
  const grids = await smokeGrids();
  const a = selectSmoke(grids, rows);
  const b = selectSmoke([...grids].reverse(), [...rows].reverse());
  deepEqual(a.jobs.map((j) => `${j.id}:${j.seed}`), b.jobs.map((j) => `${j.id}:${j.seed}`));
  const covered = new Set([
    ...a.jobs.map((j) => j.reproduction),
    ...a.stale.map((s) => s.reproduction),
  ]);
  deepEqual([...covered].sort(), grids.map((g) => g.reproduction).sort());
});

/** Writes a reference store of the fixture reproductions by running them for real. */
async function _reference(dir: string): Promise<{ path: string; rows: StoredRow[] }> {
  const run = realRun("cpu");
  const rows: StoredRow[] = [];
  for (const g of await smokeGrids(TESTDATA)) {
    for (const { id, cell } of g.cells) {
      const result = await run({ id, seed: 0, cell }, { onProgress: () => {} });
      rows.push({
        cellId: id,
        seed: 0,
        kind: cell.kind,
        status: result.status as StoredRow["status"],
        message: null,
        config: cell.config as unknown as Record<string, unknown>,
        result: result as unknown as Record<string, unknown>,
        wallSeconds: 0.1,
        gitCommit: "test",
        machine: machineInfo() as unknown as Record<string, unknown>,
        resultsVersion: RESULTS_VERSION,
        finishedAt: "2026-01-01T00:00:00.000Z",
      });
    }
  }
  const path = join(dir, "ref.db");
  _write(path, rows);
  return { path, rows };
}

function _write(path: string, rows: readonly StoredRow[]): void {
  try {
    Deno.removeSync(path);
  } catch { /* first write */ }
  const store = openStore(path);
  store.putMany(rows);
  store.close();
}

Deno.test("smokeMain re-runs the fixture cells: identical, then a perturbed digest and a stale reference fail", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "smoke-test-" });
  try {
    const { path, rows } = await _reference(dir);
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      reproductionsDir: TESTDATA,
    };
    const report = join(dir, "smoke.json");
    equal(await smokeMain(["--reference", path, "--out", report], io), 0, err.join(""));
    match(out.join(""), /final-weight digest [0-9a-f]{16}… identical/);
    match(out.join(""), /ok tiny-measure cell .*identical figures/);
    match(out.join(""), /smoke: ok, 4 of 4 cells match the reference/); // 1 measure + 3 of the 4 train cells
    equal(JSON.parse(Deno.readTextFileSync(report)).outcomes.length, 4);

    // Perturb the digest of the first train cell the check runs.
    const train = rows.filter((r) => r.kind === "train").sort((
      a,
      b,
    ) => (a.cellId < b.cellId ? -1 : 1));
    const victim = train[0];
    _write(
      path,
      rows.map((r) =>
        r === victim ? { ...r, result: { ...r.result, weightsDigest: "0".repeat(64) } } : r
      ),
    );
    out.length = err.length = 0;
    equal(await smokeMain(["--reference", path, "--per-reproduction", "1"], io), 1);
    const text = err.join("");
    match(text, new RegExp(`MISMATCH tiny-train cell ${victim.cellId.slice(0, 12)} seed 0`));
    match(
      text,
      new RegExp(`digest expected ${"0".repeat(64)}, measured ${victim.result.weightsDigest}`),
    );
    match(text, /smoke: FAILED, 1 of 2 cells match the reference, 1 mismatch/);

    // Rows of another results version: every reproduction is stale.
    _write(path, rows.map((r) => ({ ...r, resultsVersion: RESULTS_VERSION + 1 })));
    out.length = err.length = 0;
    equal(await smokeMain(["--reference", path], io), 1);
    match(
      err.join(""),
      /STALE REFERENCE tiny-measure: .*regenerate it with `deno task board:reference`/,
    );
    match(err.join(""), /STALE REFERENCE tiny-train/);

    // A missing store is a store error naming it.
    out.length = err.length = 0;
    equal(await smokeMain(["--reference", join(dir, "none.db")], io), 3);
    match(err.join(""), /cannot read the reference store .*none\.db/);
    ok(out.length >= 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
