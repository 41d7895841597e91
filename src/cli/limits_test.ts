import { equal, ok } from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { EXIT } from "./exit_codes.ts";
import { main } from "./main.ts";

const TINY = new URL("../grid/testdata/tiny/", import.meta.url).pathname;

Deno.test("reproduce --max-parameters/--max-depth/--max-layer-elements: checked flags, cells refused with the limit named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "limits_test_" });
  try {
    const store = `${dir}/r.db`;
    const base = ["reproduce", "--reproductions", TINY, "--store", store, "--no-site", "--quiet"];
    for (
      const [flag, bad] of [["--max-depth", "0"], ["--max-parameters", "1e9"], [
        "--max-layer-elements",
        "-5",
      ]]
    ) {
      const err: string[] = [];
      equal(
        await main([...base, flag, bad], { stdout: () => {}, stderr: (t) => err.push(t) }),
        EXIT.USAGE,
      );
      equal(err.join(""), `error: ${flag}: expected a positive integer; got "${bad}"\n`);
    }
    const err: string[] = [];
    const code = await main([...base, "--no-report", "--max-parameters", "100"], {
      stdout: () => {},
      stderr: (t) => err.push(t),
    });
    equal(code, EXIT.CELLS_FAILED, err.join(""));
    const s = openStore(store, { readOnly: true });
    const rows = s.rows();
    s.close();
    equal(rows.length, 12);
    for (const r of rows) {
      equal(r.status, "failed");
      ok(
        /^RangeError: runCell\("[a-z-]+", mlp depth 2 width 16\): the network has 12960 kernel entries in 3 layers, above the limit of 100 \(maxParameters, --max-parameters\)$/
          .test(r.message!),
        r.message!,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
