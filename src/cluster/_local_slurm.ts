/**
 * A throw-away single-node Slurm cluster for tests: `munged`, `slurmctld` and
 * `slurmd` (Debian's `munge` and `slurm-wlm`) on loopback, with a generated
 * `slurm.conf`, their own munge key and socket, free non-default ports, and
 * every state, spool, pid and log file in one temporary directory, so nothing
 * global (`/etc/munge`, `/etc/slurm`, `/run/munge`) is read or written.
 * Stopped by the process ids in the daemons' pid files. Needs root (the
 * daemons run as root, `SlurmUser=root`).
 *
 * @module
 */

/**
 * Programs the cluster needs.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { SLURM_PROGRAMS } from "./_local_slurm.ts";
 * ok(SLURM_PROGRAMS.includes("slurmctld"));
 * ```
 */
export const SLURM_PROGRAMS: readonly string[] = [
  "munged",
  "mungekey",
  "slurmctld",
  "slurmd",
  "sbatch",
  "squeue",
  "scontrol",
  "scancel",
  "sinfo",
];

/**
 * The programs of {@linkcode SLURM_PROGRAMS} not found on PATH (or in
 * `/usr/sbin`, where Debian puts the daemons).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { missingSlurmPrograms } from "./_local_slurm.ts";
 * ok(Array.isArray(missingSlurmPrograms()));
 * ```
 */
export function missingSlurmPrograms(): string[] {
  return SLURM_PROGRAMS.filter((p) => _which(p) === undefined);
}

function _which(program: string): string | undefined {
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/sbin", "/usr/bin"];
  return dirs.filter((d) => d !== "").map((d) => `${d}/${program}`).find(_isFile);
}

/**
 * A running cluster.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LocalSlurm } from "./_local_slurm.ts";
 * const describe = (c: LocalSlurm) => `${c.node} (${c.cpus} CPUs)`;
 * equal(typeof describe, "function");
 * ```
 */
export interface LocalSlurm {
  /** The temporary directory holding everything. */
  readonly dir: string;
  /** The generated `slurm.conf`. */
  readonly conf: string;
  /** Environment for client commands (`SLURM_CONF`). */
  readonly env: Readonly<Record<string, string>>;
  /** The node's name (this machine's short host name). */
  readonly node: string;
  /** The node's CPUs (this machine's). */
  readonly cpus: number;
  /** Cancels every job, stops the daemons by pid and removes `dir`. */
  stop(): Promise<void>;
}

function _isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

async function _sh(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(_which(cmd) ?? cmd, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

async function _must(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = await _sh(cmd, args, env);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.code}): ${r.err}${r.out}`);
  }
  return r;
}

async function _until(what: string, ms: number, ok: () => Promise<boolean> | boolean) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`local slurm: timed out after ${ms} ms waiting for ${what}`);
}

function _freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function _alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z /.test(stat); // a zombie has exited
  } catch {
    return false;
  }
}

function _pid(path: string): number | undefined {
  try {
    const n = Number(Deno.readTextFileSync(path).trim());
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function _stopPid(pid: number | undefined) {
  if (pid === undefined || !_alive(pid)) return;
  Deno.kill(pid, "SIGTERM");
  try {
    await _until(`pid ${pid} to exit`, 15_000, () => !_alive(pid));
  } catch {
    if (_alive(pid)) Deno.kill(pid, "SIGKILL");
  }
}

/**
 * The `slurm.conf` of a one-node cluster on loopback.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { slurmConf } from "./_local_slurm.ts";
 * const text = slurmConf({ dir: "/t", node: "vm", cpus: 2, ctldPort: 7001, slurmdPort: 7002 });
 * ok(text.includes("NodeName=vm NodeAddr=127.0.0.1 CPUs=2"));
 * ok(text.includes("AuthInfo=socket=/t/sock/munge.socket"));
 * ```
 */
export function slurmConf(
  o: { dir: string; node: string; cpus: number; ctldPort: number; slurmdPort: number },
): string {
  const d = o.dir;
  return [
    "ClusterName=sparseinit-test",
    `SlurmctldHost=${o.node}(127.0.0.1)`,
    `SlurmctldPort=${o.ctldPort}`,
    `SlurmdPort=${o.slurmdPort}`,
    "SlurmUser=root",
    "SlurmdUser=root",
    "AuthType=auth/munge",
    "CredType=cred/munge",
    `AuthInfo=socket=${d}/sock/munge.socket`,
    `StateSaveLocation=${d}/state`,
    `SlurmdSpoolDir=${d}/spool`,
    `SlurmctldPidFile=${d}/run/slurmctld.pid`,
    `SlurmdPidFile=${d}/run/slurmd.pid`,
    `SlurmctldLogFile=${d}/log/slurmctld.log`,
    `SlurmdLogFile=${d}/log/slurmd.log`,
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core",
    "AccountingStorageType=accounting_storage/none",
    "JobAcctGatherType=jobacct_gather/none",
    "JobCompType=jobcomp/none",
    "MpiDefault=none",
    "ReturnToService=2",
    "SchedulerType=sched/backfill",
    // Keep finished jobs' records long enough for scontrol (the default, 300 s).
    "MinJobAge=300",
    "KillWait=5",
    `NodeName=${o.node} NodeAddr=127.0.0.1 CPUs=${o.cpus} State=UNKNOWN`,
    `PartitionName=test Nodes=${o.node} Default=YES MaxTime=INFINITE State=UP`,
    "",
  ].join("\n");
}

/**
 * Starts munged, slurmctld and slurmd in a new temporary directory and waits
 * until the node is idle. On failure everything started is stopped again and
 * the error includes the daemons' log tails.
 *
 * @throws {Error} if a program is missing or a daemon does not come up.
 * @example
 * ```ts ignore
 * import { startLocalSlurm } from "./_local_slurm.ts";
 * const cluster = await startLocalSlurm();
 * try {
 *   // run sbatch etc. with env: cluster.env
 * } finally {
 *   await cluster.stop();
 * }
 * ```
 */
export async function startLocalSlurm(): Promise<LocalSlurm> {
  const missing = missingSlurmPrograms();
  if (missing.length > 0) {
    throw new Error(`local slurm: missing programs ${missing.join(", ")}`);
  }
  const dir = await Deno.makeTempDir({ prefix: "local_slurm_" });
  // munged insists the socket's directory chain is searchable by all and the key private.
  await Deno.chmod(dir, 0o755);
  for (
    const [sub, mode] of [["key", 0o700], ["sock", 0o755], ["state", 0o700], ["spool", 0o755], [
      "run",
      0o755,
    ], ["log", 0o755]] as const
  ) {
    await Deno.mkdir(`${dir}/${sub}`, { mode });
    await Deno.chmod(`${dir}/${sub}`, mode);
  }
  const node = Deno.hostname().split(".")[0];
  const cpus = navigator.hardwareConcurrency;
  const conf = `${dir}/slurm.conf`;
  const env = { SLURM_CONF: conf };
  const pids = {
    munged: `${dir}/key/munged.pid`,
    slurmctld: `${dir}/run/slurmctld.pid`,
    slurmd: `${dir}/run/slurmd.pid`,
  };
  const stop = async () => {
    if (_pid(pids.slurmctld) !== undefined && _alive(_pid(pids.slurmctld)!)) {
      await _sh("scancel", ["--user=root"], env);
      try {
        await _until("jobs to end", 30_000, async () => {
          const r = await _sh("squeue", ["-h"], env);
          return r.code !== 0 || r.out.trim() === "";
        });
      } catch { /* stop the daemons anyway */ }
    }
    await _stopPid(_pid(pids.slurmd));
    await _stopPid(_pid(pids.slurmctld));
    await _stopPid(_pid(pids.munged));
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await _must("mungekey", ["--create", `--keyfile=${dir}/key/munge.key`]);
    await _must("munged", [
      `--key-file=${dir}/key/munge.key`,
      `--socket=${dir}/sock/munge.socket`,
      `--pid-file=${pids.munged}`,
      `--log-file=${dir}/key/munged.log`,
      `--seed-file=${dir}/key/munged.seed`,
    ]);
    const ctldPort = _freePort();
    let slurmdPort = _freePort();
    while (slurmdPort === ctldPort) slurmdPort = _freePort();
    await Deno.writeTextFile(conf, slurmConf({ dir, node, cpus, ctldPort, slurmdPort }));
    await _must("slurmctld", ["-f", conf], env);
    await _until(
      "slurmctld",
      30_000,
      async () => (await _sh("scontrol", ["ping"], env)).out.includes("UP"),
    );
    await _must("slurmd", ["-f", conf], env);
    await _until("the node to be idle", 60_000, async () => {
      const r = await _sh("sinfo", ["-h", "-N", "-o", "%T"], env);
      return r.code === 0 && r.out.trim().startsWith("idle");
    });
  } catch (e) {
    const logs = [`${dir}/key/munged.log`, `${dir}/log/slurmctld.log`, `${dir}/log/slurmd.log`]
      .map((p) => {
        try {
          return `--- ${p}\n${Deno.readTextFileSync(p).split("\n").slice(-15).join("\n")}`;
        } catch {
          return `--- ${p}: none`;
        }
      }).join("\n");
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${logs}`);
  }
  return { dir, conf, env, node, cpus, stop };
}
