/**
 * Tries to reach a loopback server the test started (port filled in by the
 * test) by TCP, HTTP, WebSocket and a remote import, and to listen;
 * initialize throws a report of what happened.
 *
 * @module
 */

const PORT = Number("__PORT__");
const outcomes: Record<string, string> = {};
async function attempt(name: string, f: () => unknown): Promise<void> {
  try {
    outcomes[name] = "ALLOWED " + String(await f()).slice(0, 200);
  } catch (e) {
    outcomes[name] = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 200);
  }
}

await attempt("connect", async () => {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: PORT });
  await conn.write(new TextEncoder().encode("hello from the sandbox\n"));
  conn.close();
  return "connected";
});
await attempt("fetch", async () => (await fetch(`http://127.0.0.1:${PORT}/`)).status);
await attempt("websocket", () => {
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/`);
  ws.close();
  return "opened";
});
await attempt("remote-import", () => import(["http://127.0.0.1:", PORT, "/x.ts"].join("")));
await attempt("listen", () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listener.close();
  return "listening";
});

export default {
  name: "net",
  description: "Tries to use the network.",
  initialize(): never {
    throw new Error("REPORT " + JSON.stringify(outcomes));
  },
};
