import { equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openStore } from "../store/mod.ts";
import { captureCli, spawnCli, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

Deno.test("the CLI entry prints real --help for every command and exits 0", async () => {
  const top = await spawnCli(["--help"]);
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
  const sub = await spawnCli(["reproduce", "--help"]);
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
    const r = await spawnCli([cmd, "--help"]);
    equal(r.code, 0, cmd);
    ok(r.stdout.includes("Usage:"), cmd);
  }
});

Deno.test("the CLI entry exits 2 on usage errors and lists valid names", async () => {
  equal((await spawnCli(["frobnicate"])).code, EXIT.USAGE);
  const unknown = await spawnCli([
    "reproduce",
    "no-such-claim",
    "--store",
    "/nonexistent/never.db",
  ]);
  equal(unknown.code, EXIT.USAGE);
  ok(
    unknown.stderr.includes("valid names:") && unknown.stderr.includes("mlp-mnist"),
    unknown.stderr,
  );
  const preset = await spawnCli(["reproduce", "--preset", "huge"]);
  equal(preset.code, EXIT.USAGE);
  ok(preset.stderr.includes("quick, standard, paper"), preset.stderr);
  equal((await spawnCli(["status", "--shard", "4/4"])).code, EXIT.USAGE);
});

Deno.test("a store locked by another process gives exit 3 with a clear message", () =>
  withFakeReproductions(async (dir) => {
    const path = `${dir}/r.db`;
    openStore(path).close();
    const other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
    other.exec("INSERT INTO meta (key, value) VALUES ('held', 'yes')");
    try {
      const c = captureCli(dir);
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

Deno.test("--reproductions <dir> reads reproduction files from another directory", async () => {
  await withFakeReproductions(async (dir) => {
    const c = captureCli("/nonexistent");
    const store = `${dir}/r.db`;
    const args = ["--reproductions", `${dir}/repro`, "--store", store];
    equal(await c.call(["reproduce", "eoi-wins", ...args, "--no-report"]), EXIT.OK);
    equal(await c.call(["status", "eoi-wins", ...args]), EXIT.OK);
    ok(/eoi-wins\s+12\s+12\s/.test(c.out.join("")), c.out.join(""));
    // Same cells as eoi-wins, already run: the fake runner makes EOI, not SAO, the best.
    equal(await c.call(["report", "sao-wins", ...args]), EXIT.CLAIM_DOES_NOT_HOLD);
    equal(await c.call(["report", "mlp-mnist", ...args]), EXIT.USAGE, "not in that directory");
  });
});
