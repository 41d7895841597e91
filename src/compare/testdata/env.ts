/**
 * Tries to read the environment (the test sets SPARSE_INIT_TEST_SECRET in the
 * host); initialize throws a report of what happened.
 *
 * @module
 */

const outcomes: Record<string, string> = {};
async function attempt(name: string, f: () => unknown): Promise<void> {
  try {
    outcomes[name] = "ALLOWED " + String(await f()).slice(0, 200);
  } catch (e) {
    outcomes[name] = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 200);
  }
}

await attempt("env-get", () => Deno.env.get("SPARSE_INIT_TEST_SECRET"));
await attempt("env-toObject", () => JSON.stringify(Deno.env.toObject()));
await attempt("node-process-env", async () => {
  const process = await import(["node", "process"].join(":"));
  return process.env.SPARSE_INIT_TEST_SECRET;
});
await attempt("proc-environ", () => Deno.readTextFileSync("/proc/self/environ"));

export default {
  name: "env",
  description: "Tries to read the environment.",
  initialize(): never {
    throw new Error("REPORT " + JSON.stringify(outcomes));
  },
};
