import { equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { cellId, RESULTS_VERSION } from "../cell/mod.ts";
import { parseLeaderboard } from "../board/mod.ts";
import { openStore } from "../store/mod.ts";
import type { RunFn } from "../grid/mod.ts";
import { EXIT } from "./exit_codes.ts";
import { main } from "./main.ts";

const _SPEC = {
  name: "tiny-train",
  title: "Tiny training reproduction",
  claim: { text: "EOI beats kaiming.", source: "test" },
  kind: "train",
  axes: {
    datasets: ["synthetic"],
    architectures: ["mlp"],
    depths: [1, 2],
    widths: [8],
    activations: ["tanh"],
    methods: ["eoi", "pruned-orthogonal", "kaiming"],
    allocations: ["uniform"],
    densities: [0.5, 1],
  },
  presets: {
    quick: { budget: { steps: 10, seeds: [0, 1, 2] } },
    paper: { budget: { steps: 20, seeds: [0, 1, 2] } },
  },
  verdict: {
    checks: [{
      kind: "best",
      metric: "testAccuracy",
      best: { method: "eoi" },
      among: { method: "kaiming" },
      test: "paired-t",
    }],
  },
};

/** Fake runner: fixed accuracies per method with a little seed noise; kaiming at depth 2 diverges. */
const _fake: RunFn = (job) => {
  const c = job.cell.config as unknown as Record<string, unknown>;
  if (c.method === "kaiming" && c.depth === 2 && job.seed === 2) {
    return Promise.resolve({ status: "diverged", message: "loss is NaN at step 3" });
  }
  const base = c.method === "eoi" ? 0.9 : c.method === "kaiming" ? 0.5 : 0.85;
  return Promise.resolve({ status: "ok", testAccuracy: base + job.seed * 0.01 });
};

async function _withRepro(f: (dir: string) => Promise<void>) {
  const dir = Deno.makeTempDirSync({ prefix: "board_cli_" });
  try {
    Deno.mkdirSync(`${dir}/repro`);
    Deno.writeTextFileSync(`${dir}/repro/tiny-train.json`, JSON.stringify(_SPEC));
    await f(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function _io(dir: string, run: RunFn = _fake) {
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

/** A store filled by `reproduce` with the fake runner. */
async function _store(dir: string, path = `${dir}/r.db`): Promise<string> {
  const code = await _io(dir).call(["reproduce", "--store", path, "--quiet", "--no-site"]);
  ok(code === EXIT.OK || code === EXIT.CLAIM_DOES_NOT_HOLD, `reproduce exit ${code}`);
  return path;
}

Deno.test("board: builds the site, prints its path; default out is site/ beside the store", async () => {
  await _withRepro(async (dir) => {
    const store = await _store(dir);
    const db = new DatabaseSync(store);
    db.prepare(
      `INSERT INTO results (cell_id, seed, kind, status, message, config, result, wall_seconds,
        git_commit, machine, results_version, finished_at) VALUES (?, 0, 'train', 'ok', NULL, '{}',
        '{"testAccuracy": 0.9', 1, 'x', '{}', ?, '2026-01-01T00:00:00.000Z')`,
    ).run("c".repeat(64), RESULTS_VERSION);
    db.close();
    const c = _io(dir);
    equal(await c.call(["board", "--store", store, "--submitted", `${dir}/none`]), EXIT.OK);
    ok(c.out.join("").includes(`site: ${dir}/site/index.html`));
    ok(Deno.statSync(`${dir}/site/leaderboard.json`).isFile);
    const err = c.err.join("");
    ok(
      err.includes(
        `warning: skipped r.db cell ${"c".repeat(64)} seed 0: column result is not valid JSON`,
      ),
    );
    ok(err.includes("4 track(s), 12 record(s)"));
  });
});

Deno.test("board: store errors exit 3 with a clear message", async () => {
  await _withRepro(async (dir) => {
    openStore(`${dir}/v2.db`).close();
    const db = new DatabaseSync(`${dir}/v2.db`);
    db.exec("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    db.close();
    Deno.writeTextFileSync(`${dir}/junk.db`, "not a database at all, just text".repeat(40));
    const c = _io(dir);
    for (const s of ["v2.db", "junk.db", "none.db"]) {
      equal(
        await c.call(["board", "--store", `${dir}/${s}`, "--out", `${dir}/s`]),
        EXIT.STORE_ERROR,
        s,
      );
    }
    const err = c.err.join("");
    ok(err.includes("schema_version is 2, expected 1"));
    ok(err.includes("none.db does not exist"));
  });
});

Deno.test("board: a bad submission file is a usage error naming the file", async () => {
  await _withRepro(async (dir) => {
    await _store(dir);
    Deno.mkdirSync(`${dir}/subs`);
    Deno.writeTextFileSync(
      `${dir}/subs/x.json`,
      JSON.stringify({ format: "sparse-init-submission", version: 3 }),
    );
    const c = _io(dir);
    equal(
      await c.call(["board", "--store", `${dir}/r.db`, "--submitted", `${dir}/subs`]),
      EXIT.USAGE,
    );
    ok(c.err.join("").includes("x.json: submission format version 3 is not supported"));
  });
});

Deno.test("reproduce ends by building the site and printing its path; --no-site skips it", async () => {
  await _withRepro(async (dir) => {
    const c = _io(dir);
    const code = await c.call([
      "reproduce",
      "--store",
      `${dir}/run/r.db`,
      "--quiet",
      "--no-report",
    ]);
    equal(code, EXIT.OK);
    ok(c.out.join("").includes(`site: ${dir}/run/site/index.html`), c.out.join(""));
    ok(Deno.readTextFileSync(`${dir}/run/site/index.html`).includes("tiny-train"));
    const d = _io(dir);
    await d.call([
      "reproduce",
      "--store",
      `${dir}/run2/r.db`,
      "--quiet",
      "--no-report",
      "--no-site",
    ]);
    ok(!d.out.join("").includes("site:"));
    let exists = true;
    try {
      Deno.statSync(`${dir}/run2/site`);
    } catch {
      exists = false;
    }
    equal(exists, false);
  });
});

Deno.test("board: a submitted entry from a submissions directory is ranked and marked", async () => {
  await _withRepro(async (dir) => {
    const store = openStore(await _store(dir), { readOnly: true });
    const stored = store.rows();
    store.close();
    const rows = stored.filter((r) => r.config.method === "eoi").map((r) => {
      const config = { ...r.config, method: "my-init" };
      return { ...r, config, cellId: cellId({ kind: "train", config } as never) };
    });
    Deno.mkdirSync(`${dir}/subs`);
    Deno.writeTextFileSync(
      `${dir}/subs/my-init.json`,
      JSON.stringify({
        format: "sparse-init-submission",
        version: 1,
        method: { name: "my-init", description: "My initializer", url: "https://example.org/x" },
        rows,
      }),
    );
    const c = _io(dir);
    const code = await c.call([
      "board",
      "--store",
      `${dir}/r.db`,
      "--submitted",
      `${dir}/subs`,
      "--out",
      `${dir}/site`,
    ]);
    equal(code, EXIT.OK);
    const index = Deno.readTextFileSync(`${dir}/site/index.html`);
    ok(
      /href="methods\/submitted-my-init.html">my-init \(uniform\)<\/a>\s*<span class="badge submitted">submitted<\/span>/
        .test(index),
    );
    const page = Deno.readTextFileSync(`${dir}/site/methods/submitted-my-init.html`);
    ok(page.includes('href="https://example.org/x"') && page.includes("My initializer"));
    const json = parseLeaderboard(Deno.readTextFileSync(`${dir}/site/leaderboard.json`), "x");
    equal(json.records.filter((r) => r.submitted).length, 4);
  });
});

Deno.test("board:reference --from copies a store and writes the two files a rebuild reproduces", async () => {
  await _withRepro(async (dir) => {
    const { referenceMain } = await import("./board_reference.ts");
    const { referenceFiles, repositorySpecs } = await import("../board/mod.ts");
    const store = await _store(dir);
    const out: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => out.push(t),
      dir: `${dir}/ref`,
    };
    equal(await referenceMain(["--from", store], io), EXIT.OK);
    const again = referenceFiles(`${dir}/ref/results.db`, await repositorySpecs());
    for (const [name, text] of again) equal(Deno.readTextFileSync(`${dir}/ref/${name}`), text);
    equal(await referenceMain(["--rebuild"], io), EXIT.OK);
    equal(await referenceMain(["--from", `${dir}/missing.db`], io), EXIT.STORE_ERROR);
  });
});
