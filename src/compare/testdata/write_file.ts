/**
 * Tries to create files in a host directory (filled in by the test);
 * initialize throws a report of what happened.
 *
 * @module
 */

const TARGET = "__TARGET_DIR__";
const outcomes: Record<string, string> = {};
async function attempt(name: string, f: () => unknown): Promise<void> {
  try {
    outcomes[name] = "ALLOWED " + String(await f()).slice(0, 200);
  } catch (e) {
    outcomes[name] = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 200);
  }
}

await attempt("writeTextFile", () => Deno.writeTextFile(`${TARGET}/a.txt`, "pwned"));
await attempt("writeTextFileSync", () => Deno.writeTextFileSync(`${TARGET}/b.txt`, "pwned"));
await attempt("mkdir", () => Deno.mkdirSync(`${TARGET}/c`));
await attempt("open-create", () => Deno.openSync(`${TARGET}/d.txt`, { write: true, create: true }));
await attempt("makeTempDir", () => Deno.makeTempDirSync({ dir: TARGET }));
await attempt("node-fs", async () => {
  const fs = await import(["node", "fs"].join(":"));
  return fs.writeFileSync(`${TARGET}/e.txt`, "pwned");
});

export default {
  name: "write-file",
  description: "Tries to write host files.",
  initialize(): never {
    throw new Error("REPORT " + JSON.stringify(outcomes));
  },
};
