/**
 * Tries to run a subprocess that would create a marker file (path filled in
 * by the test); initialize throws a report of what happened.
 *
 * @module
 */

const MARKER = "__MARKER_PATH__";
const outcomes: Record<string, string> = {};
async function attempt(name: string, f: () => unknown): Promise<void> {
  try {
    outcomes[name] = "ALLOWED " + String(await f()).slice(0, 200);
  } catch (e) {
    outcomes[name] = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 200);
  }
}

const script = `echo pwned > ${MARKER}`;
await attempt(
  "command-sync",
  () => new Deno.Command("/bin/sh", { args: ["-c", script] }).outputSync().code,
);
await attempt(
  "command-spawn",
  async () => (await new Deno.Command("/bin/sh", { args: ["-c", script] }).spawn().status).code,
);
await attempt("node-child-process", async () => {
  const cp = await import(["node", "child_process"].join(":"));
  return cp.execSync(script);
});

export default {
  name: "subprocess",
  description: "Tries to run a subprocess.",
  initialize(): never {
    throw new Error("REPORT " + JSON.stringify(outcomes));
  },
};
