import { deepEqual, equal } from "node:assert/strict";
import { openStore, rowsFromJson } from "../store/mod.ts";
import { captureCli, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

Deno.test("export writes every row as JSON to stdout, and the JSON reads back as the same rows", () =>
  withFakeReproductions(async (dir) => {
    const store = `${dir}/r.db`;
    const c = captureCli(dir);
    equal(await c.call(["reproduce", "--store", store, "--quiet", "--no-report"]), EXIT.OK);
    const out = captureCli(dir);
    equal(await out.call(["export", "--store", store]), EXIT.OK);
    const rows = rowsFromJson(out.out.join(""));
    equal(rows.length, 12);
    const s = openStore(store, { readOnly: true });
    deepEqual(rows, s.rows());
    s.close();
    equal(await out.call(["export", "--store", store, "--format", "xml"]), EXIT.USAGE);
  }));
