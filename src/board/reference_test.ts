import { equal, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { REFERENCE_DIR, referenceFiles, repositorySpecs } from "./reference.ts";
import { parseLeaderboard } from "./schema.ts";

Deno.test("the committed reference leaderboard is exactly what its committed store builds", async () => {
  const store = `${REFERENCE_DIR}results.db`;
  ok(existsSync(store), `${store} is committed`);
  const files = referenceFiles(store, await repositorySpecs());
  for (const [name, text] of files) {
    const committed = Deno.readTextFileSync(`${REFERENCE_DIR}${name}`);
    equal(
      committed === text,
      true,
      `leaderboard/${name} differs from a rebuild of leaderboard/results.db; run "deno task board:reference --rebuild"`,
    );
  }
  const board = parseLeaderboard(files.get("leaderboard.json")!, "leaderboard.json");
  ok(board.records.length > 0, "the reference has results");
  ok(board.provenance.gitCommits.length > 0);
});

Deno.test("a read-only open of the committed store leaves no -wal or -shm files behind", async () => {
  referenceFiles(`${REFERENCE_DIR}results.db`, await repositorySpecs());
  equal(existsSync(`${REFERENCE_DIR}results.db-wal`), false);
  equal(existsSync(`${REFERENCE_DIR}results.db-shm`), false);
});
