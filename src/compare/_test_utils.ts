/**
 * Test helpers for the compare sandbox: filling in a hostile fixture's
 * placeholders, and the control experiment — the same bundle, the same child
 * runner and protocol, but run with `deno run -A` and the host's environment
 * and no bubblewrap — which shows that each hostile fixture really would do
 * harm outside the sandbox (so each isolation test can fail).
 *
 * @module
 */

import { join } from "node:path";
import { buildBundle } from "./bundle.ts";
import { encodeFrame, FrameReader } from "./frames.ts";

/** The directory of the hostile fixtures. */
export const TESTDATA = new URL("./testdata/", import.meta.url).pathname;

/**
 * Copies `testdata/<fixture>` to `<dir>/<name>` with each placeholder
 * replaced, and returns the new file's path.
 */
export async function materialize(
  fixture: string,
  dir: string,
  replacements: Record<string, string> = {},
  name = fixture.replace(/\.txt$/, ""),
): Promise<string> {
  let text = await Deno.readTextFile(join(TESTDATA, fixture));
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  const path = join(dir, name);
  await Deno.writeTextFile(path, text);
  return path;
}

/** What the unsandboxed child said: its hello header and its reply to one initialize. */
export interface ControlRun {
  readonly hello: Record<string, unknown>;
  readonly reply: Record<string, unknown> | undefined;
}

/**
 * Runs a single-file module the way the sandbox does, but with every
 * permission, the host's environment and no import check (the bundle of a
 * harmless module with the hostile file in its place): the control
 * experiment for the isolation tests.
 */
export async function runUnsandboxed(modulePath: string): Promise<ControlRun> {
  const dir = await Deno.makeTempDir({ prefix: "sparse-init-control-" });
  try {
    const bundle = await buildBundle(join(TESTDATA, "throws.ts"), dir);
    await Deno.copyFile(modulePath, join(bundle.dir, bundle.entry));
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", "--no-lock", join(bundle.dir, "main.ts")],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = new FrameReader(child.stdout);
    const limits = () => ({ maxHeaderBytes: 1 << 20, maxBodyBytes: 1 << 20 });
    const hello = (await reader.read(limits))!.header as Record<string, unknown>;
    let reply: Record<string, unknown> | undefined;
    const writer = child.stdin.getWriter();
    if (hello.type === "hello") {
      const shape = { kind: "dense", inFeatures: 4, outFeatures: 4 };
      await writer.write(encodeFrame({
        type: "initialize",
        id: 1,
        shape,
        density: 0.5,
        activation: "linear",
        hasMask: false,
        seed: 0,
        path: [],
        size: 16,
      }));
      reply = (await reader.read(limits))?.header as Record<string, unknown>;
    }
    await writer.close().catch(() => {});
    await reader.cancel();
    await child.status;
    return { hello, reply };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Parses the `REPORT {...}` a hostile fixture throws. */
export function report(message: string): Record<string, string> {
  const m = /REPORT (\{.*\})/.exec(message);
  if (m === null) throw new Error(`no REPORT in ${JSON.stringify(message)}`);
  return JSON.parse(m[1]);
}
