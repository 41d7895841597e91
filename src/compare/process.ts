/**
 * The sandboxed child process: its command line, and the host's handle on it
 * (process tree, resident memory, kill).
 *
 * The child is `deno run` with no `--allow-*` flag and `--no-prompt` (every
 * permission request is denied without asking), `--no-remote`, `--no-npm`,
 * `--cached-only`, `--no-lock`, `--no-config`, `--no-code-cache` and a V8 heap
 * cap, started with a cleared environment (only `DENO_DIR`, an empty
 * directory, and `NO_COLOR`). Around it, when available:
 *
 * - `prlimit --cpu=<s> --data=<bytes> --core=0` (util-linux): kernel limits
 *   on CPU time (a backstop that holds even if the host dies without killing
 *   the child) and on the process's writable private memory (so a large
 *   `ArrayBuffer` fails to allocate instead of growing until the watchdog
 *   sees it), and no core dumps;
 * - `bwrap` (bubblewrap) with `--unshare-all` (no network, own pid, ipc, uts,
 *   user and cgroup namespaces), `--die-with-parent`, `--new-session`,
 *   `--cap-drop ALL`, uid/gid 65534, and a filesystem holding only the Deno
 *   binary, the shared libraries `ldd` lists for it, the bundle (read-only,
 *   at `/sandbox`), an empty read-only `DENO_DIR`, a `/proc` of the sandbox's
 *   own pid namespace (Deno's stack-size probe reads `/proc/self/maps`; it
 *   panics without it) and a minimal `/dev`; the root is remounted read-only.
 *
 * @module
 */

import { SandboxError } from "./errors.ts";

/** Where the bundle is mounted inside bubblewrap. */
export const SANDBOX_MOUNT = "/sandbox";
/** Where the (empty) Deno cache directory is mounted inside bubblewrap. */
export const SANDBOX_DENO_DIR = "/deno_dir";
/** The unprivileged uid and gid the child runs as under bubblewrap. */
export const SANDBOX_UID = 65534;

/**
 * The flags of the child's `deno run`, ending with the script.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { childDenoArgs } from "./process.ts";
 * const args = childDenoArgs(256, "main.ts");
 * ok(args.includes("--no-prompt"));
 * equal(args.some((a) => a.startsWith("--allow") || a === "-A"), false);
 * equal(args.at(-1), "main.ts");
 * ```
 */
export function childDenoArgs(heapMiB: number, script: string): string[] {
  return [
    "run",
    "--no-prompt",
    "--no-remote",
    "--no-npm",
    "--cached-only",
    "--no-lock",
    "--no-config",
    "--no-code-cache",
    `--v8-flags=--max-old-space-size=${heapMiB}`,
    script,
  ];
}

/** What bubblewrap needs to run the Deno binary, or why it cannot be used. */
export type BwrapPlan =
  | { readonly ok: true; readonly bwrap: string; readonly binds: readonly string[] }
  | { readonly ok: false; readonly reason: string };

const _plans = new Map<string, Promise<BwrapPlan>>();

/**
 * Finds `bwrap` and the shared libraries of `denoPath` (from `ldd`), and
 * checks once per process that `deno --version` runs inside bubblewrap with
 * only those files. The result is cached per Deno binary.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { bwrapPlan } from "./process.ts";
 * const plan = await bwrapPlan(Deno.execPath());
 * equal(typeof plan.ok, "boolean");
 * ```
 */
export function bwrapPlan(denoPath: string): Promise<BwrapPlan> {
  let plan = _plans.get(denoPath);
  if (plan === undefined) {
    plan = _probeBwrap(denoPath);
    _plans.set(denoPath, plan);
  }
  return plan;
}

/** The first `name` that exists as a file in the usual binary directories. */
async function _which(name: string): Promise<string | undefined> {
  for (const dir of ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"]) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return `${dir}/${name}`;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Absolute paths of the shared libraries `ldd` lists (the loader included). */
export function _parseLdd(text: string): string[] {
  const libs = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /(?:=>\s*)?(\/[^\s]+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs];
}

async function _probeBwrap(denoPath: string): Promise<BwrapPlan> {
  const bwrap = await _which("bwrap");
  if (bwrap === undefined) {
    return { ok: false, reason: "bwrap not found (apt-get install bubblewrap)" };
  }
  const ldd = await _which("ldd");
  if (ldd === undefined) {
    return { ok: false, reason: "ldd not found: cannot list Deno's libraries" };
  }
  const lddOut = await new Deno.Command(ldd, { args: [denoPath], stdout: "piped", stderr: "piped" })
    .output();
  const libs = _parseLdd(new TextDecoder().decode(lddOut.stdout));
  if (!lddOut.success || libs.length === 0) {
    return { ok: false, reason: `ldd ${denoPath} listed no libraries (exit ${lddOut.code})` };
  }
  const binds: string[] = [];
  for (const f of [denoPath, ...libs]) binds.push("--ro-bind", f, f);
  const probe = await new Deno.Command(bwrap, {
    args: [...bwrapBaseArgs(), ...binds, "--remount-ro", "/", "--", denoPath, "--version"],
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(probe.stdout);
  if (!probe.success || !text.startsWith("deno ")) {
    const err = new TextDecoder().decode(probe.stderr).trim().slice(0, 300);
    return { ok: false, reason: `bwrap cannot run deno here (exit ${probe.code}): ${err}` };
  }
  return { ok: true, bwrap, binds };
}

/**
 * The bubblewrap flags every sandbox uses, before its binds: new namespaces
 * of every kind, uid/gid 65534, no capabilities, death with the parent, Deno
 * as the namespace's pid 1 (so bwrap reaps it and nothing is left as a
 * zombie), a new session, a cleared environment, its own `/proc` and a
 * minimal `/dev`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { bwrapBaseArgs } from "./process.ts";
 * ok(bwrapBaseArgs().includes("--unshare-all"));
 * ```
 */
export function bwrapBaseArgs(): string[] {
  return [
    "--unshare-all",
    "--unshare-user",
    "--uid",
    String(SANDBOX_UID),
    "--gid",
    String(SANDBOX_UID),
    "--cap-drop",
    "ALL",
    "--die-with-parent",
    "--as-pid-1",
    "--new-session",
    "--clearenv",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
  ];
}

/** Options of {@linkcode childCommand}. */
export interface ChildCommandOptions {
  /** The Deno binary. */
  readonly denoPath: string;
  /** The bundle directory (holding `main.ts`). */
  readonly bundleDir: string;
  /** An empty directory for the child's `DENO_DIR`. */
  readonly denoDir: string;
  /** V8 old-space cap, MiB. */
  readonly heapMiB: number;
  /** `prlimit --data` in bytes, or `undefined` for none. */
  readonly dataLimitBytes?: number;
  /** `prlimit --cpu` in CPU seconds (a backstop that needs no host), or `undefined` for none. */
  readonly cpuLimitSeconds?: number;
  /** The `prlimit` binary; without it no kernel limit is set. */
  readonly prlimit?: string;
  /** A bubblewrap plan, or `undefined` to run without it. */
  readonly bwrap?: BwrapPlan & { ok: true };
}

/** A command to spawn: program, arguments, working directory, environment. */
export interface ChildCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The exact command line of the sandboxed child.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { childCommand } from "./process.ts";
 * const c = childCommand({ denoPath: "/bin/deno", bundleDir: "/tmp/b", denoDir: "/tmp/d", heapMiB: 64 });
 * equal(c.command, "/bin/deno");
 * equal(c.cwd, "/tmp/b");
 * deepEqual(c.env, { DENO_DIR: "/tmp/d", NO_COLOR: "1" });
 * ```
 */
export function childCommand(options: ChildCommandOptions): ChildCommand {
  const { denoPath, bundleDir, denoDir, heapMiB, bwrap } = options;
  let argv: string[];
  let env: Record<string, string>;
  if (bwrap !== undefined) {
    argv = [
      bwrap.bwrap,
      ...bwrapBaseArgs(),
      ...bwrap.binds,
      "--ro-bind",
      bundleDir,
      SANDBOX_MOUNT,
      "--ro-bind",
      denoDir,
      SANDBOX_DENO_DIR,
      "--remount-ro",
      "/",
      "--setenv",
      "DENO_DIR",
      SANDBOX_DENO_DIR,
      "--setenv",
      "NO_COLOR",
      "1",
      "--chdir",
      SANDBOX_MOUNT,
      "--",
      denoPath,
      ...childDenoArgs(heapMiB, "main.ts"),
    ];
    env = {};
  } else {
    argv = [denoPath, ...childDenoArgs(heapMiB, "main.ts")];
    env = { DENO_DIR: denoDir, NO_COLOR: "1" };
  }
  const { prlimit, dataLimitBytes, cpuLimitSeconds } = options;
  if (prlimit !== undefined) {
    const limits = ["--core=0"];
    if (dataLimitBytes !== undefined) limits.unshift(`--data=${dataLimitBytes}`);
    if (cpuLimitSeconds !== undefined) limits.unshift(`--cpu=${cpuLimitSeconds}`);
    argv = [prlimit, ...limits, "--", ...argv];
  }
  return { command: argv[0], args: argv.slice(1), cwd: bundleDir, env };
}

/**
 * The `prlimit` binary (util-linux), if the machine has one.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { findPrlimit } from "./process.ts";
 * const prlimit = await findPrlimit();
 * equal(prlimit === undefined || prlimit.endsWith("/prlimit"), true);
 * ```
 */
export function findPrlimit(): Promise<string | undefined> {
  return _which("prlimit");
}

/**
 * Pids of `pid` and all its descendants (from `/proc/<pid>/task/<tid>/children`),
 * parents before children. Empty once the process is gone.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { processTree } from "./process.ts";
 * equal(processTree(Deno.pid)[0], Deno.pid);
 * ```
 */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    let tasks: Deno.DirEntry[];
    try {
      tasks = [...Deno.readDirSync(`/proc/${p}/task`)];
    } catch {
      continue; // gone
    }
    out.push(p);
    for (const t of tasks) {
      try {
        const text = Deno.readTextFileSync(`/proc/${p}/task/${t.name}/children`).trim();
        if (text !== "") { for (const c of text.split(/\s+/)) queue.push(Number(c)); }
      } catch {
        // the thread ended
      }
    }
  }
  return out;
}

/**
 * Resident memory of a process in bytes (`VmRSS` of `/proc/<pid>/status`), 0 if it is gone.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { residentBytes } from "./process.ts";
 * ok(residentBytes(Deno.pid) > 0);
 * ```
 */
export function residentBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Whether `pid` is a live process (exists and is not a zombie).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isAlive } from "./process.ts";
 * equal(isAlive(Deno.pid), true);
 * ```
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/**
 * Sends SIGKILL to `pid` and every descendant (collected first, so none is
 * lost when its parent dies) and returns the pids signalled. Processes
 * already gone are skipped.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isAlive, killTree } from "./process.ts";
 * const child = new Deno.Command("sleep", { args: ["60"] }).spawn();
 * killTree(child.pid);
 * await child.status;
 * equal(isAlive(child.pid), false);
 * ```
 */
export function killTree(pid: number): number[] {
  const pids = processTree(pid);
  for (const p of pids.length > 0 ? pids : [pid]) _kill(p);
  return pids;
}

function _kill(pid: number): void {
  try {
    Deno.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** The `comm` name of a process, or `undefined` if it is gone. */
function _comm(pid: number): string | undefined {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/comm`).trim();
  } catch {
    return undefined;
  }
}

/**
 * Kills a sandboxed child and returns the pids it signalled. Every process
 * of the tree that is not a bubblewrap monitor (the Deno process, and
 * anything it could have started) gets SIGKILL first, so each bwrap parent
 * reaps its child and exits in turn and nothing is left as a zombie; if the
 * tree's root has not exited after `graceMs`, the whole tree gets SIGKILL.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isAlive, killChild } from "./process.ts";
 * const child = new Deno.Command("sleep", { args: ["60"] }).spawn();
 * await killChild(child, 1000);
 * equal(isAlive(child.pid), false);
 * ```
 */
export async function killChild(proc: Deno.ChildProcess, graceMs: number): Promise<number[]> {
  const tree = processTree(proc.pid);
  const users = tree.filter((p) => _comm(p) !== "bwrap");
  for (const p of users.length > 0 ? users : [proc.pid]) _kill(p);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = await Promise.race([
    proc.status.then(() => false),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(true), graceMs)),
  ]);
  clearTimeout(timer);
  if (late) {
    for (const p of killTree(proc.pid)) tree.push(p);
    _kill(proc.pid);
    await proc.status;
  }
  return tree;
}

/**
 * Spawns a child command with piped stdio and exactly the command's environment.
 *
 * @throws {SandboxError} `spawn` if the program cannot be started.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { spawnChild } from "./process.ts";
 * const child = spawnChild({ command: "/bin/sh", args: ["-c", "echo $X"], cwd: "/", env: { X: "1" } });
 * await child.stdin.close();
 * equal(await new Response(child.stdout).text(), "1\n");
 * await child.stderr.cancel();
 * await child.status;
 * ```
 */
export function spawnChild(command: ChildCommand): Deno.ChildProcess {
  try {
    return new Deno.Command(command.command, {
      args: [...command.args],
      cwd: command.cwd,
      clearEnv: true,
      env: { ...command.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new SandboxError("spawn", `cannot start ${command.command}: ${(e as Error).message}`);
  }
}
