import { deepEqual, equal, ok } from "node:assert/strict";
import { openStore, rowsFromCsv } from "../store/mod.ts";
import { captureCli, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

Deno.test("shards run disjointly and merge (twice, idempotently) into the full result; export round-trips", () =>
  withFakeReproductions(async (dir) => {
    const c = captureCli(dir);
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
