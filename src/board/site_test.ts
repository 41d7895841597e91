import { equal, ok, rejects, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { buildLeaderboard } from "./aggregate.ts";
import { buildBoard } from "./build.ts";
import { readSubmissionSources } from "./read.ts";
import { BoardInputError, type Leaderboard, parseLeaderboard } from "./schema.ts";
import { leaderboardJson, siteFiles } from "./site.ts";
import { fixtureRows, fixtureSpecs, PAYLOADS, writeFixtureStore } from "./testdata/fixture.ts";
import { openStore, StoreError } from "../store/mod.ts";

function _hostileBoard(): Leaderboard {
  const specs = fixtureSpecs(true);
  const board = buildLeaderboard({
    specs,
    sources: [
      { name: "results.db", kind: "store", rows: fixtureRows(specs), corrupt: [] },
      {
        name: `submissions/${PAYLOADS.attribute}.json`,
        kind: "submission",
        rows: [{
          ...fixtureRows(specs)[0],
          config: { ...fixtureRows(specs)[0].config, method: PAYLOADS.script },
        }],
        corrupt: [{ cellId: PAYLOADS.script, seed: 0, reason: PAYLOADS.attribute }],
        method: {
          name: PAYLOADS.script,
          description: PAYLOADS.attribute,
          paper: PAYLOADS.script,
          url: PAYLOADS.link,
        },
      },
    ],
  });
  // A leaderboard.json from elsewhere may carry anything: put payloads where rows cannot.
  return {
    ...board,
    records: board.records.map((r, i) =>
      i === 0 ? { ...r, label: PAYLOADS.script, method: PAYLOADS.attribute } : r
    ),
    tracks: board.tracks.map((t, i) => i === 0 ? { ...t, title: PAYLOADS.attribute } : t),
  };
}

Deno.test("every page escapes hostile method names, descriptions, titles and links", () => {
  const files = siteFiles(_hostileBoard());
  let pages = 0;
  for (const [path, text] of files) {
    if (!path.endsWith(".html")) continue;
    pages++;
    ok(!text.includes("<script>window.__pwned"), `${path}: raw script payload`);
    ok(!text.includes("<img src=x"), `${path}: raw img payload`);
    ok(!/href="javascript:/i.test(text), `${path}: javascript: link`);
    ok(!/onerror="window/.test(text), `${path}: live onerror attribute`);
    equal(text.match(/<script\b/g)?.length, 1, `${path}: only the page's own script`);
  }
  ok(pages > 5);
  const index = files.get("index.html")!;
  ok(index.includes("&lt;script&gt;window.__pwned"), "the payload is shown as text");
  ok(index.includes("&quot;&gt;&lt;img src=x"), "attribute payload shown as text");
  const methodPage = [...files.entries()].find(([p, t]) =>
    p.startsWith("methods/submitted-x-") && t.includes("&lt;script&gt;")
  );
  ok(methodPage !== undefined, "the hostile submitted method has a page with a safe file name");
  ok(!methodPage![1].includes(`href="${PAYLOADS.link}`));
  const md = files.get("LEADERBOARD.md")!;
  ok(!md.includes("<script>") && !md.includes("<img"), "markdown has no raw HTML");
  ok(md.includes("&lt;script&gt;"));
});

Deno.test("plots escape their text too", () => {
  const files = siteFiles(_hostileBoard());
  const index = files.get("index.html")!;
  const svgs = index.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  ok(svgs.length > 0);
  for (const s of svgs) ok(!s.includes("<script") && !s.includes("<img"), "svg text escaped");
  ok(svgs.every((s) => s.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')), "xmlns added");
});

Deno.test("an empty store builds a page that says there are no results yet", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    openStore(`${dir}/r.db`).close();
    const built = await buildBoard({
      stores: [`${dir}/r.db`],
      submissionDirs: [],
      specs: fixtureSpecs(),
      out: `${dir}/site`,
    });
    const index = Deno.readTextFileSync(built.indexPath);
    ok(index.includes("No results yet"));
    ok(Deno.readTextFileSync(`${dir}/site/LEADERBOARD.md`).includes("No results yet"));
    ok(Deno.readTextFileSync(`${dir}/site/reproductions/tiny-train.html`).includes("No results"));
    equal(built.board.records.length, 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("failed, diverged and corrupt rows are shown as such", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    writeFixtureStore(`${dir}/r.db`, fixtureSpecs(), true);
    const built = await buildBoard({
      stores: [`${dir}/r.db`],
      submissionDirs: [],
      specs: fixtureSpecs(),
      out: `${dir}/site`,
    });
    const index = Deno.readTextFileSync(built.indexPath);
    ok(index.includes("could not be used and were skipped"));
    for (const id of ["a", "b", "c"]) ok(index.includes(id.repeat(64)), `skipped ${id} listed`);
    ok(index.includes("counts as test accuracy 0.1"), "diverged convention stated");
    ok(
      /<td class="num" data-v="1" title="seed 1: Error: fixture failure">0 \/ 1<\/td>/.test(index),
    );
    ok(/title="seed 2: loss is NaN at step 3">1 \/ 0</.test(index));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("another store schema version, a non-store file or a missing store is a StoreError", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    openStore(`${dir}/v2.db`).close();
    const db = new DatabaseSync(`${dir}/v2.db`);
    db.exec("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    db.close();
    await rejects(
      () =>
        buildBoard({ stores: [`${dir}/v2.db`], submissionDirs: [], specs: [], out: `${dir}/s` }),
      (e: Error) => e instanceof StoreError && /schema_version is 2, expected 1/.test(e.message),
    );
    Deno.writeTextFileSync(`${dir}/junk.db`, "not a database at all, just text".repeat(40));
    for (const bad of ["junk.db", "none.db"]) {
      await rejects(
        () =>
          buildBoard({ stores: [`${dir}/${bad}`], submissionDirs: [], specs: [], out: `${dir}/s` }),
        StoreError,
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("submission files: another version or a bad file is a clear error naming the file", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/a.json`,
      JSON.stringify({ format: "sparse-init-submission", version: 2, method: {}, rows: [] }),
    );
    await rejects(() => readSubmissionSources(dir), /a\.json: submission format version 2/);
    Deno.writeTextFileSync(`${dir}/a.json`, "{");
    await rejects(() => readSubmissionSources(dir), BoardInputError);
    Deno.writeTextFileSync(
      `${dir}/a.json`,
      JSON.stringify({
        format: "sparse-init-submission",
        version: 1,
        method: { name: "x" },
        rows: [],
      }),
    );
    await rejects(() => readSubmissionSources(dir), /method\.description/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("leaderboard.json round-trips through parseLeaderboard; other versions are refused", () => {
  const specs = fixtureSpecs();
  const text = leaderboardJson(
    buildLeaderboard({
      specs,
      sources: [{ name: "r.db", kind: "store", rows: fixtureRows(specs), corrupt: [] }],
    }),
  );
  const back = parseLeaderboard(text, "lb.json");
  equal(leaderboardJson(back), text);
  throws(
    () => parseLeaderboard(text.replace('"schemaVersion": 1', '"schemaVersion": 9'), "lb.json"),
    /lb\.json: leaderboard schema version 9 is not supported; this code reads version 1/,
  );
  throws(() => parseLeaderboard("[]", "x"), BoardInputError);
});
