/**
 * Asks for every permission, synchronously and asynchronously; initialize
 * throws a report of the answers.
 *
 * @module
 */

const outcomes: Record<string, string> = {};
const names = ["read", "write", "net", "env", "run", "sys", "ffi", "import"] as const;
for (const name of names) {
  try {
    outcomes[name] = Deno.permissions.requestSync({ name } as Deno.PermissionDescriptor).state;
  } catch (e) {
    outcomes[name] = `${(e as Error).name}: ${(e as Error).message}`;
  }
}
try {
  outcomes["read-async"] = (await Deno.permissions.request({ name: "read", path: "/" })).state;
} catch (e) {
  outcomes["read-async"] = `${(e as Error).name}: ${(e as Error).message}`;
}

export default {
  name: "permission",
  description: "Asks for permissions.",
  initialize(): never {
    throw new Error("REPORT " + JSON.stringify(outcomes));
  },
};
