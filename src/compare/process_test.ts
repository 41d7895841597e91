import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { buildBundle } from "./bundle.ts";
import {
  _parseLdd,
  bwrapBaseArgs,
  bwrapPlan,
  childCommand,
  childDenoArgs,
  findPrlimit,
  killTree,
  spawnChild,
} from "./process.ts";
import { TESTDATA } from "./_test_utils.ts";

const DENO = Deno.execPath();
const PLAN = await bwrapPlan(DENO);
const HAS_SCRIPT = await Deno.stat("/usr/bin/script").then(() => true, () => false);

Deno.test("every flag of the child's deno run exists in this Deno (and none allows anything)", async () => {
  const help = new TextDecoder().decode(
    (await new Deno.Command(DENO, { args: ["run", "--help"], env: { NO_COLOR: "1" } }).output())
      .stdout,
  );
  const args = childDenoArgs(128, "main.ts");
  for (const flag of args.slice(1, -1)) {
    const name = flag.split("=")[0];
    ok(new RegExp(`\\s${name}[\\s=\\[]`).test(help), `${name} is not a flag of deno run`);
  }
  equal(args.filter((a) => /^(-A|--allow-)/.test(a)).length, 0);
  ok(args.includes("--v8-flags=--max-old-space-size=128"));
});

Deno.test("_parseLdd takes every absolute library path, the loader included", () => {
  const text = "\tlinux-vdso.so.1 (0x00007ffd)\n" +
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fa0)\n" +
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007fa1)\n";
  deepEqual(_parseLdd(text), ["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]);
});

/** Runs `deno <args>` in a pseudo-terminal (util-linux `script`) and returns its output. */
async function inTerminal(args: string[], until?: string): Promise<{ text: string; code: number }> {
  const quoted = [DENO, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  const child = new Deno.Command("/usr/bin/script", {
    args: ["-qec", quoted, "/dev/null"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  let text = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (until !== undefined && text.includes(until)) {
      killTree(child.pid);
      break;
    }
  }
  await child.stdin.close().catch(() => {});
  const status = await child.status;
  if (until !== undefined) await child.stdout.cancel().catch(() => {});
  return { text, code: status.code };
}

Deno.test({
  name:
    "on a terminal, --no-prompt denies a permission request without prompting; without it Deno prompts",
  ignore: !HAS_SCRIPT,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const probe = join(dir, "probe.ts");
      await Deno.writeTextFile(
        probe,
        `const s = Deno.permissions.requestSync({ name: "read", path: "/etc/hostname" });\n` +
          `console.log("state: " + s.state);\n`,
      );
      const sandboxed = await inTerminal(childDenoArgs(128, probe));
      ok(sandboxed.text.includes("state: denied"), sandboxed.text);
      ok(!sandboxed.text.includes("Allow?"), sandboxed.text);
      equal(sandboxed.code, 0);
      // The control: the same request without --no-prompt blocks on a prompt.
      const args = childDenoArgs(128, probe).filter((a) => a !== "--no-prompt");
      const prompted = await inTerminal(args, "Allow?");
      ok(prompted.text.includes("Deno requests read access"), prompted.text);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "under bubblewrap even a fully permitted Deno sees only its binary, libraries, /proc and /dev: no host files, env or loopback",
  ignore: !PLAN.ok,
  fn: async () => {
    if (!PLAN.ok) return;
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let connections = 0;
    const serving = (async () => {
      for await (const conn of listener) {
        connections++;
        conn.close();
      }
    })();
    const code = `
      const out = {};
      const tryIt = async (k, f) => { try { out[k] = String(await f()); } catch (e) { out[k] = e.name; } };
      await tryIt("root", () => [...Deno.readDirSync("/")].map((e) => e.name).sort().join(","));
      await tryIt("hostname", () => Deno.readTextFileSync("/etc/hostname"));
      await tryIt("work", () => Deno.readDirSync("${Deno.cwd()}"));
      await tryIt("env", () => JSON.stringify(Deno.env.toObject()));
      await tryIt("net", async () => (await Deno.connect({ hostname: "127.0.0.1", port: ${listener.addr.port} })).close());
      console.log(JSON.stringify(out));`;
    const run = async (argv: string[]) =>
      JSON.parse(
        new TextDecoder().decode(
          (await new Deno.Command(argv[0], { args: argv.slice(1), stdout: "piped" }).output())
            .stdout,
        ),
      );
    try {
      const inside = await run([
        PLAN.bwrap,
        ...bwrapBaseArgs(),
        ...PLAN.binds,
        "--tmpfs",
        "/deno_dir",
        "--setenv",
        "DENO_DIR",
        "/deno_dir",
        "--remount-ro",
        "/",
        "--",
        DENO,
        "eval",
        code,
      ]);
      const top = DENO.split("/")[1];
      deepEqual(
        inside.root.split(","),
        [...new Set(["deno_dir", "dev", "lib", "lib64", "proc", top])].sort(),
      );
      equal(inside.hostname, "NotFound");
      equal(inside.work, "NotFound");
      // Only what bwrap set and what Deno adds for itself: nothing from the host.
      const env = Object.keys(JSON.parse(inside.env)).sort();
      ok(
        env.every((k) => ["DENO_DIR", "DENO_NODE_SHIM_ACTIVE", "PATH", "PWD"].includes(k)),
        inside.env,
      );
      equal(JSON.parse(inside.env).PATH?.startsWith("/deno_dir") ?? true, true, inside.env);
      ok(["ConnectionRefused", "NetworkUnreachable"].includes(inside.net), inside.net);
      equal(connections, 0);
      // The control: the same code outside bubblewrap reads, lists and connects.
      const outside = await run([DENO, "eval", code]);
      ok(outside.hostname.length > 0 && outside.hostname !== "NotFound", outside.hostname);
      equal(outside.net, "undefined");
      equal(connections, 1);
    } finally {
      listener.close();
      await serving.catch(() => {});
    }
  },
});

const PRLIMIT = await findPrlimit();

Deno.test({
  name: "the CPU-time limit kills a spinning child by itself, with no host timer (bwrap and not)",
  ignore: PRLIMIT === undefined,
  fn: async () => {
    for (const bwrap of PLAN.ok ? [PLAN, undefined] : [undefined]) {
      const dir = await Deno.makeTempDir({ prefix: "sparse-init-cpu-" });
      try {
        const bundle = await buildBundle(join(TESTDATA, "loop_at_load.ts"), join(dir, "bundle"));
        await Deno.mkdir(join(dir, "deno_dir"));
        const command = childCommand({
          denoPath: DENO,
          bundleDir: bundle.dir,
          denoDir: join(dir, "deno_dir"),
          heapMiB: 64,
          prlimit: PRLIMIT,
          cpuLimitSeconds: 1,
          ...(bwrap === undefined ? {} : { bwrap }),
        });
        const child = spawnChild(command);
        await child.stdin.close();
        // Only a guard against a hang if the limit did not work: it fails the test.
        let guarded = false;
        const guard = setTimeout(() => {
          guarded = true;
          killTree(child.pid);
        }, 120_000);
        const [status, out, err] = await Promise.all([
          child.status,
          new Response(child.stdout).arrayBuffer(),
          new Response(child.stderr).text(),
        ]);
        clearTimeout(guard);
        equal(guarded, false, "the CPU limit did not stop the child");
        equal(out.byteLength, 0);
        ok(
          ["SIGXCPU", "SIGKILL"].includes(status.signal ?? "") ||
            [128 + 9, 128 + 24].includes(status.code),
          `bwrap ${bwrap !== undefined}: ${JSON.stringify(status)} ${err}`,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
  },
});
