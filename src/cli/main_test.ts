import { deepEqual, equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { main, parseSeeds } from "./main.ts";
import { EXIT } from "./exit_codes.ts";
import type { RunFn } from "../grid/mod.ts";
import { openStore, rowsFromCsv } from "../store/mod.ts";

const CLI = new URL("./main.ts", import.meta.url).pathname;

async function _spawn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function _spec(name: string, winner: string) {
  return {
    name,
    title: `Fake claim ${name}`,
    claim: { text: `${winner} is best.`, source: "test" },
    kind: "train",
    axes: {
      datasets: ["synthetic"],
      architectures: ["mlp"],
      depths: [1],
      widths: [8],
      activations: ["tanh"],
      methods: ["eoi", "sao", "pruned-orthogonal"],
      allocations: ["uniform"],
      densities: [0.25, 0.5],
    },
    presets: {
      quick: { budget: { steps: 1, seeds: [0, 1] } },
      paper: { budget: { epochs: 1, seeds: [0, 1, 2] } },
    },
    verdict: {
      checks: [{
        kind: "best",
        metric: "testAccuracy",
        best: { method: winner },
        test: "mean-greater",
      }],
    },
  };
}

/** Fake runner: eoi 0.9, others 0.8, plus a little seed noise. */
const fake: RunFn = (job) => {
  const c = job.cell.config as { method: string };
  return Promise.resolve({
    status: "ok",
    testAccuracy: (c.method === "eoi" ? 0.9 : 0.8) + job.seed * 0.001,
  });
};

async function _withDir(f: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "cli_test_" });
  try {
    await Deno.mkdir(`${dir}/repro`);
    await Deno.writeTextFile(
      `${dir}/repro/eoi-wins.json`,
      JSON.stringify(_spec("eoi-wins", "eoi")),
    );
    await Deno.writeTextFile(
      `${dir}/repro/sao-wins.json`,
      JSON.stringify(_spec("sao-wins", "sao")),
    );
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function _cli(dir: string, run: RunFn = fake) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    call: (args: string[]) =>
      main(args, {
        dir: `${dir}/repro`,
        makeRun: () => run,
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
      }),
  };
}

Deno.test("the CLI entry prints real --help for every command and exits 0", async () => {
  const top = await _spawn(["--help"]);
  equal(top.code, 0);
  for (
    const word of [
      "reproduce",
      "report",
      "status",
      "list",
      "export",
      "merge",
      "Exit codes",
      "3  store error",
    ]
  ) {
    ok(top.stdout.includes(word), `top-level help lacks ${word}:\n${top.stdout}`);
  }
  const sub = await _spawn(["reproduce", "--help"]);
  equal(sub.code, 0);
  for (
    const word of [
      "--preset",
      "--backend",
      "--shard",
      "--store",
      "--seeds",
      "--retry-failed",
      "0-based",
    ]
  ) {
    ok(sub.stdout.includes(word), `reproduce --help lacks ${word}:\n${sub.stdout}`);
  }
  for (const cmd of ["status", "export", "merge", "list", "report"]) {
    const r = await _spawn([cmd, "--help"]);
    equal(r.code, 0, cmd);
    ok(r.stdout.includes("Usage:"), cmd);
  }
});

Deno.test("the CLI entry exits 2 on usage errors and lists valid names", async () => {
  equal((await _spawn(["frobnicate"])).code, EXIT.USAGE);
  const unknown = await _spawn(["reproduce", "no-such-claim", "--store", "/nonexistent/never.db"]);
  equal(unknown.code, EXIT.USAGE);
  ok(
    unknown.stderr.includes("valid names:") && unknown.stderr.includes("mlp-mnist"),
    unknown.stderr,
  );
  const preset = await _spawn(["reproduce", "--preset", "huge"]);
  equal(preset.code, EXIT.USAGE);
  ok(preset.stderr.includes("quick, paper"), preset.stderr);
  equal((await _spawn(["status", "--shard", "4/4"])).code, EXIT.USAGE);
});

Deno.test("reproduce runs, reports claim vs measured, resumes, and exits 1 when a claim does not hold", () =>
  _withDir(async (dir) => {
    const store = `${dir}/r.db`;
    const c = _cli(dir);
    equal(await c.call(["reproduce", "--store", store, "--quiet"]), EXIT.CLAIM_DOES_NOT_HOLD);
    const text = c.out.join("");
    ok(/eoi-wins \(quick\)[\s\S]*Verdict: HOLDS/.test(text), text);
    ok(/sao-wins \(quick\)[\s\S]*Verdict: DOES NOT HOLD/.test(text), text);
    ok(text.includes("0.9005 ± 7.07e-4 (n=2)"), text);
    equal(await c.call(["reproduce", "eoi-wins", "--store", store, "--quiet"]), EXIT.OK);
    ok(c.err.join("").includes("0 ok, 0 diverged, 0 failed; 12 already done"), c.err.join(""));
    const one = _cli(dir);
    equal(
      await one.call([
        "reproduce",
        "eoi-wins",
        "--store",
        `${dir}/one.db`,
        "--quiet",
        "--seeds",
        "0",
      ]),
      EXIT.OK,
    );
    ok(one.out.join("").includes("NOT ENOUGH SEEDS"), one.out.join(""));
    equal(await c.call(["status", "--store", store]), EXIT.OK);
    ok(/eoi-wins\s+12\s+12\s+0\s+0\s+0/.test(c.out.join("")), c.out.join(""));
  }));

Deno.test("failed cells are recorded, reported with exit 4, and retried with --retry-failed", () =>
  _withDir(async (dir) => {
    const store = `${dir}/r.db`;
    let broken = true;
    const flaky: RunFn = (job, ctx) => {
      if (broken && (job.cell.config as { method: string }).method === "sao") {
        throw new Error("out of memory");
      }
      return fake(job, ctx);
    };
    const c = _cli(dir, flaky);
    equal(await c.call(["reproduce", "eoi-wins", "--store", store, "--quiet"]), EXIT.CELLS_FAILED);
    ok(c.out.join("").includes("INCOMPLETE"), c.out.join(""));
    broken = false;
    equal(
      await c.call(["reproduce", "eoi-wins", "--store", store, "--quiet"]),
      EXIT.CELLS_FAILED,
      "not retried by default",
    );
    equal(
      await c.call(["reproduce", "eoi-wins", "--store", store, "--quiet", "--retry-failed"]),
      EXIT.OK,
    );
  }));

Deno.test("shards run disjointly and merge (twice, idempotently) into the full result; export round-trips", () =>
  _withDir(async (dir) => {
    const c = _cli(dir);
    equal(
      await c.call(["reproduce", "--store", `${dir}/full.db`, "--quiet", "--no-report"]),
      EXIT.OK,
    );
    for (const k of [0, 1, 2]) {
      equal(
        await c.call([
          "reproduce",
          "--shard",
          `${k}/3`,
          "--store",
          `${dir}/s${k}.db`,
          "--quiet",
          "--no-report",
        ]),
        EXIT.OK,
      );
    }
    const sizes = [0, 1, 2].map((k) => {
      const s = openStore(`${dir}/s${k}.db`, { readOnly: true });
      const n = s.rows().length;
      s.close();
      return n;
    });
    equal(sizes.reduce((a, b) => a + b, 0), 12, "both specs share their 6 cells × 2 seeds");
    const shards = [0, 1, 2].map((k) => `${dir}/s${k}.db`);
    equal(await c.call(["merge", ...shards, "--store", `${dir}/merged.db`]), EXIT.OK);
    equal(await c.call(["merge", ...shards, "--store", `${dir}/merged.db`]), EXIT.OK);
    ok(c.err.join("").includes("0 written"));
    const keys = (p: string) => {
      const s = openStore(p, { readOnly: true });
      const r = s.rows().map((x) => `${x.cellId}:${x.seed}:${x.result.testAccuracy}`);
      s.close();
      return r;
    };
    deepEqual(keys(`${dir}/merged.db`), keys(`${dir}/full.db`));
    equal(await c.call(["report", "--store", `${dir}/merged.db`]), EXIT.CLAIM_DOES_NOT_HOLD);
    equal(
      await c.call([
        "export",
        "--store",
        `${dir}/merged.db`,
        "--format",
        "csv",
        "--out",
        `${dir}/x.csv`,
      ]),
      EXIT.OK,
    );
    equal(rowsFromCsv(await Deno.readTextFile(`${dir}/x.csv`)).length, 12);
    equal(await c.call(["merge", `${dir}/missing.db`, "--store", `${dir}/merged.db`]), EXIT.USAGE);
  }));

Deno.test("a store locked by another process gives exit 3 with a clear message", () =>
  _withDir(async (dir) => {
    const path = `${dir}/r.db`;
    openStore(path).close();
    const other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
    other.exec("INSERT INTO meta (key, value) VALUES ('held', 'yes')");
    try {
      const c = _cli(dir);
      equal(
        await c.call([
          "reproduce",
          "eoi-wins",
          "--store",
          path,
          "--busy-timeout",
          "100",
          "--quiet",
        ]),
        EXIT.STORE_ERROR,
      );
      ok(/store .*r\.db.*locked.*busy_timeout=100 ms/.test(c.err.join("")), c.err.join(""));
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
  }));

Deno.test("parseSeeds reads lists and ranges and rejects junk", () => {
  deepEqual(parseSeeds("0-4"), [0, 1, 2, 3, 4]);
  deepEqual(parseSeeds("3,1,3"), [3, 1]);
  for (const bad of ["", "a", "4-2", "1,,2"]) {
    let threw = false;
    try {
      parseSeeds(bad);
    } catch (e) {
      threw = e instanceof RangeError;
    }
    ok(threw, bad);
  }
});

Deno.test("--reproductions <dir> reads reproduction files from another directory", async () => {
  await _withDir(async (dir) => {
    const out: string[] = [];
    const deps = { makeRun: () => fake, stdout: (t: string) => out.push(t), stderr: () => {} };
    const store = `${dir}/r.db`;
    const args = ["--reproductions", `${dir}/repro`, "--store", store];
    equal(await main(["reproduce", "eoi-wins", ...args, "--no-report"], deps), EXIT.OK);
    equal(await main(["status", "eoi-wins", ...args], deps), EXIT.OK);
    ok(/eoi-wins\s+12\s+12\s/.test(out.join("")), out.join(""));
    // Same cells as eoi-wins, already run: the fake runner makes EOI, not SAO, the best.
    equal(await main(["report", "sao-wins", ...args], deps), EXIT.CLAIM_DOES_NOT_HOLD);
    equal(await main(["report", "mlp-mnist", ...args], deps), EXIT.USAGE, "not in that directory");
  });
});
