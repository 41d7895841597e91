/**
 * Tries to read a host file every way it can (the test fills in the path and
 * opens the filled-in copy); initialize throws a report of what happened.
 *
 * @module
 */

const SECRET = "__SECRET_PATH__";
const outcomes: Record<string, string> = {};
async function attempt(name: string, f: () => unknown): Promise<void> {
  try {
    outcomes[name] = "ALLOWED " + String(await f()).slice(0, 200);
  } catch (e) {
    outcomes[name] = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 200);
  }
}

await attempt("readTextFile", () => Deno.readTextFile(SECRET));
await attempt("readTextFileSync", () => Deno.readTextFileSync(SECRET));
await attempt("fetch-file-url", async () => await (await fetch("file://" + SECRET)).text());
await attempt("json-import-computed", async () => {
  const m = await import([SECRET].join(""), { with: { type: "json" } });
  return JSON.stringify(m.default);
});
await attempt("node-fs", async () => {
  const fs = await import(["node", "fs"].join(":"));
  return fs.readFileSync(SECRET, "utf8");
});
await attempt("readDir-root", () => [...Deno.readDirSync("/")].map((e) => e.name).join(","));

export default {
  name: "read-file",
  description: "Tries to read a host file.",
  initialize(): never {
    throw new Error("REPORT " + JSON.stringify(outcomes));
  },
};
