/**
 * Where and with what a grid ran: git commit and machine. Read once per run.
 *
 * @module
 */

/**
 * The machine a result was produced on.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type Machine, machineInfo } from "./provenance.ts";
 * const machine: Machine = machineInfo();
 * equal(machine.os, Deno.build.os);
 * ```
 */
export interface Machine {
  /** Operating system (`Deno.build.os`). */
  readonly os: string;
  /** CPU architecture (`Deno.build.arch`). */
  readonly arch: string;
  /** From /proc/cpuinfo's "model name" when readable, else "unknown". */
  readonly cpuModel: string;
  /** Logical cores (`navigator.hardwareConcurrency`). */
  readonly cores: number;
  /** Host name, or "unknown" without `--allow-sys`. */
  readonly hostname: string;
  /** Version of Deno. */
  readonly denoVersion: string;
  /** Version of V8. */
  readonly v8Version: string;
}

/**
 * Git commit and machine, recorded beside every result.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { machineInfo, type RunProvenance } from "./provenance.ts";
 * const provenance: RunProvenance = { gitCommit: "unknown", machine: machineInfo() };
 * equal(provenance.machine.denoVersion, Deno.version.deno);
 * ```
 */
export interface RunProvenance {
  /** `git rev-parse HEAD`, suffixed `-dirty` when the work tree has changes; "unknown" without git. */
  readonly gitCommit: string;
  /** The machine the run is on. */
  readonly machine: Machine;
}

/**
 * Describes this machine. Never throws: unreadable fields become "unknown".
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { machineInfo } from "./provenance.ts";
 * ok(machineInfo().cores >= 1);
 * ```
 */
export function machineInfo(): Machine {
  let cpuModel = "unknown";
  try {
    const text = Deno.readTextFileSync("/proc/cpuinfo");
    const m = /^model name\s*:\s*(.+)$/m.exec(text);
    if (m !== null) cpuModel = m[1].trim();
  } catch {
    // not Linux, or not allowed: keep "unknown"
  }
  let hostname = "unknown";
  try {
    hostname = Deno.hostname();
  } catch {
    // no --allow-sys
  }
  return {
    os: Deno.build.os,
    arch: Deno.build.arch,
    cpuModel,
    cores: navigator.hardwareConcurrency ?? 1,
    hostname,
    denoVersion: Deno.version.deno,
    v8Version: Deno.version.v8,
  };
}

/**
 * The current git commit (`-dirty` if tracked files changed), or "unknown".
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { gitCommit } from "./provenance.ts";
 * ok((await gitCommit()).length > 0);
 * ```
 */
export async function gitCommit(cwd?: string): Promise<string> {
  try {
    const head = await new Deno.Command("git", {
      args: ["rev-parse", "HEAD"],
      cwd,
      stdout: "piped",
      stderr: "null",
    })
      .output();
    if (!head.success) return "unknown";
    const sha = new TextDecoder().decode(head.stdout).trim();
    const st = await new Deno.Command("git", {
      args: ["status", "--porcelain", "--untracked-files=no"],
      cwd,
      stdout: "piped",
      stderr: "null",
    }).output();
    const dirty = st.success && new TextDecoder().decode(st.stdout).trim().length > 0;
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return "unknown";
  }
}

/**
 * Git commit and machine together.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { runProvenance } from "./provenance.ts";
 * ok((await runProvenance()).machine.arch.length > 0);
 * ```
 */
export async function runProvenance(cwd?: string): Promise<RunProvenance> {
  return { gitCommit: await gitCommit(cwd), machine: machineInfo() };
}
