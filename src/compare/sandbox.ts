/**
 * `openSandbox`: runs a stranger's initializer module in a separate,
 * killable, permission-less process and checks every reply.
 *
 * Opening a sandbox bundles the module (see `bundle.ts`: only its own
 * relative files), starts the child (see `process.ts`: `deno run` with no
 * permissions, a heap cap, a kernel data-size limit and, where available,
 * bubblewrap with nothing but Deno, its libraries and the bundle visible),
 * and waits for the module's self-description. Each `initialize` call sends
 * one request frame and waits for one reply frame under a wall-clock
 * timeout; a watchdog samples the process tree's resident memory every few
 * tens of milliseconds. On a timeout, memory overrun, protocol violation
 * (garbage on stdout, a frame over its size bound, an unexpected message) or
 * an unexpected exit, the whole process tree is killed with SIGKILL and the
 * sandbox is failed: the pending and all later calls reject with that error.
 * An error thrown by the user's code, or a reply that fails a check, fails
 * only that call.
 *
 * A Deno `Worker` with `permissions: "none"` is not such a sandbox: it can
 * import absolute file paths, has no memory limit of its own (its heap OOM
 * kills the host) and cannot be stopped while it spins.
 *
 * @module
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { InitializedLayer, InitRequest } from "../init/mod.ts";
import { buildBundle, type Bundle } from "./bundle.ts";
import { type MethodDescription, validateDescription } from "./contract.ts";
import { checkOf, SandboxError, sanitize, show, violation } from "./errors.ts";
import { encodeFrame, type Frame, FrameError, FrameReader } from "./frames.ts";
import {
  bwrapPlan,
  childCommand,
  findPrlimit,
  killChild,
  processTree,
  residentBytes,
  SANDBOX_MOUNT,
  spawnChild,
} from "./process.ts";
import { _exact, callLabel, type CallOptions, checkRequest, checkResult } from "./validate.ts";

/** Options of {@linkcode openSandbox}; every limit has a default. */
export interface OpenSandboxOptions {
  /** The directory the module's imports must stay in; default the module's directory. */
  readonly root?: string;
  /** `"auto"` (default): use bubblewrap when it works here; `"require"`: fail without it; `"off"`. */
  readonly bwrap?: "auto" | "require" | "off";
  /** Kill the child when its process tree's resident memory exceeds this; default 2 GiB. */
  readonly memoryCapBytes?: number;
  /** V8 old-space cap of the child, MiB; default 512. */
  readonly heapMiB?: number;
  /**
   * Kernel limit on the child's writable private memory (`prlimit --data`),
   * bytes; default `memoryCapBytes` + 1 GiB (Deno reserves about 0.55 GB at
   * start); `false` for none.
   */
  readonly dataLimitBytes?: number | false;
  /** Wall-clock limit per `initialize` call, ms; default 60,000. */
  readonly callTimeoutMs?: number;
  /** Wall-clock limit for bundling, start and loading the module, ms; default 30,000. */
  readonly startupTimeoutMs?: number;
  /** Wall-clock limit for the child's whole life, ms; default 3,600,000. */
  readonly totalTimeoutMs?: number;
  /** Largest kernel (entries) per call; default 2^24. */
  readonly maxEntries?: number;
  /** How far (in weights) a self-masked result's kept count may be from `density · size`; default 1. */
  readonly densityToleranceWeights?: number;
  /** Memory watchdog period, ms; default 50. */
  readonly watchIntervalMs?: number;
  /** The Deno binary of the child; default `Deno.execPath()`. */
  readonly denoPath?: string;
}

/** How the child was isolated. */
export interface Isolation {
  /** Whether it runs under bubblewrap. */
  readonly bwrap: boolean;
  /** Why not, when it does not. */
  readonly bwrapReason?: string;
  /** The `prlimit --data` limit, or `undefined` if none was applied. */
  readonly dataLimitBytes?: number;
  /** The `prlimit --cpu` limit in CPU seconds, or `undefined` if `prlimit` is missing. */
  readonly cpuLimitSeconds?: number;
  /** The resident-memory cap of the watchdog. */
  readonly memoryCapBytes: number;
  /** The V8 heap cap, MiB. */
  readonly heapMiB: number;
  /** The child's exact command line (program first). */
  readonly command: readonly string[];
}

/** An open sandbox around one user module. Close it (or `await using` it). */
export interface Sandbox extends AsyncDisposable {
  /** The module's validated self-description. */
  readonly describe: MethodDescription;
  /** The module's real path. */
  readonly module: string;
  /** SHA-256 of the module's files as bundled (see `Bundle.digest`). */
  readonly digest: string;
  /** Whether the child runs under bubblewrap. */
  readonly usedBwrap: boolean;
  /** Every isolation setting, with the command line. */
  readonly isolation: Isolation;
  /**
   * Runs the module's `initialize` on a request with streams
   * `stream(seed, ...path, purpose)`, and checks the reply.
   *
   * @throws {TypeError | RangeError} (rejects) for a bad request or a reply that fails a check.
   * @throws {SandboxError} (rejects) when the user's code throws (`threw`), or the sandbox
   *   failed (`timeout`, `memory`, `protocol`, `exited`, `closed`).
   */
  initialize(request: InitRequest, call: CallOptions): Promise<InitializedLayer>;
  /** Kills the child (if alive) and removes the bundle. Idempotent. */
  close(): Promise<void>;
  /** Every pid of the child's process tree seen so far. */
  pids(): number[];
  /** The child's stderr so far (sanitized, bounded). */
  stderr(): string;
  /** The highest resident memory of the process tree the watchdog saw, bytes. */
  peakResidentBytes(): number;
  /** The sandbox's failure, if it failed or was closed. */
  failure(): Error | undefined;
}

const _GiB = 2 ** 30;
const _MAX_HEADER = 256 * 1024;
const _STDERR_HEAD = 16 * 1024;
const _STDERR_TAIL = 48 * 1024;
/** How long a killed child's bubblewrap monitors get to reap it before the whole tree is killed. */
const _KILL_GRACE_MS = 2000;

interface _Resolved {
  readonly root?: string;
  readonly bwrap: "auto" | "require" | "off";
  readonly memoryCapBytes: number;
  readonly heapMiB: number;
  readonly dataLimitBytes: number | false;
  readonly callTimeoutMs: number;
  readonly startupTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxEntries: number;
  readonly densityToleranceWeights: number;
  readonly watchIntervalMs: number;
  readonly denoPath: string;
}

function _resolve(options: OpenSandboxOptions): _Resolved {
  const positive = (key: keyof OpenSandboxOptions, fallback: number): number => {
    const v = options[key] ?? fallback;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      throw new RangeError(`openSandbox: ${key} must be a positive integer; got ${show(v)}`);
    }
    return v;
  };
  const bwrap = options.bwrap ?? "auto";
  if (!["auto", "require", "off"].includes(bwrap)) {
    throw new RangeError(
      `openSandbox: bwrap must be "auto", "require" or "off"; got ${show(bwrap)}`,
    );
  }
  const memoryCapBytes = positive("memoryCapBytes", 2 * _GiB);
  const tolerance = options.densityToleranceWeights ?? 1;
  if (typeof tolerance !== "number" || !(tolerance >= 0)) {
    throw new RangeError(
      `openSandbox: densityToleranceWeights must be a number >= 0; got ${show(tolerance)}`,
    );
  }
  return {
    ...(options.root === undefined ? {} : { root: options.root }),
    bwrap,
    memoryCapBytes,
    heapMiB: positive("heapMiB", 512),
    dataLimitBytes: options.dataLimitBytes === false
      ? false
      : positive("dataLimitBytes", memoryCapBytes + _GiB),
    callTimeoutMs: positive("callTimeoutMs", 60_000),
    startupTimeoutMs: positive("startupTimeoutMs", 30_000),
    totalTimeoutMs: positive("totalTimeoutMs", 3_600_000),
    maxEntries: positive("maxEntries", 2 ** 24),
    densityToleranceWeights: tolerance,
    watchIntervalMs: positive("watchIntervalMs", 50),
    denoPath: options.denoPath ?? Deno.execPath(),
  };
}

/**
 * Opens a sandbox around the user's initializer module at `modulePath`.
 *
 * @throws {RangeError} (rejects) for an invalid option.
 * @throws {SandboxError} (rejects) `import` or `syntax` for a module that may not or cannot be
 *   bundled, `load` when loading it throws, `spawn`, `timeout`, `memory` or `exited` when the
 *   child fails to start.
 * @throws {TypeError | RangeError} (rejects) `describe` for a malformed default export.
 * @example A sparse Glorot initializer, run in its own process
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openSandbox } from "./sandbox.ts";
 * await using sandbox = await openSandbox("examples/sparse_glorot.ts");
 * equal(sandbox.describe.name, "sparse-glorot");
 * const shape = { kind: "dense", inFeatures: 32, outFeatures: 16 } as const;
 * const layer = await sandbox.initialize({ shape, density: 0.25, activation: "tanh" }, { seed: 0 });
 * equal(layer.density, 0.25);
 * ```
 */
export async function openSandbox(
  modulePath: string,
  options: OpenSandboxOptions = {},
): Promise<Sandbox> {
  const opts = _resolve(options);
  const dir = await Deno.makeTempDir({ prefix: "sparse-init-sandbox-" });
  try {
    const bundleDir = join(dir, "bundle");
    await Deno.mkdir(bundleDir);
    const bundle = await buildBundle(modulePath, bundleDir, {
      ...(opts.root === undefined ? {} : { root: opts.root }),
      denoPath: opts.denoPath,
      timeoutMs: opts.startupTimeoutMs,
    });
    return await _startSandbox(bundle, dir, options);
  } catch (e) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw e;
  }
}

/**
 * Starts the child on an already built bundle inside `tempDir` (removed on
 * close). For tests that need to run a bundle the bundler would refuse.
 */
export async function _startSandbox(
  bundle: Bundle,
  tempDir: string,
  options: OpenSandboxOptions,
): Promise<Sandbox> {
  const opts = _resolve(options);
  const denoDir = join(tempDir, "deno_dir");
  await Deno.mkdir(denoDir, { recursive: true });
  let bwrapReason: string | undefined;
  let plan = undefined;
  if (opts.bwrap === "off") bwrapReason = 'bwrap: "off" was asked for';
  else {
    const p = await bwrapPlan(opts.denoPath);
    if (p.ok) plan = p;
    else if (opts.bwrap === "require") {
      throw new SandboxError("spawn", `bwrap is required but cannot be used: ${p.reason}`);
    } else bwrapReason = p.reason;
  }
  const prlimit = await findPrlimit();
  const dataLimitBytes = prlimit === undefined || opts.dataLimitBytes === false
    ? undefined
    : opts.dataLimitBytes;
  // CPU time can run ahead of wall time (V8's GC threads), hence twice the budget plus slack.
  const cpuLimitSeconds = prlimit === undefined
    ? undefined
    : 2 * Math.ceil(opts.totalTimeoutMs / 1000) + 60;
  const command = childCommand({
    denoPath: opts.denoPath,
    bundleDir: bundle.dir,
    denoDir,
    heapMiB: opts.heapMiB,
    ...(prlimit === undefined ? {} : { prlimit, cpuLimitSeconds }),
    ...(dataLimitBytes === undefined ? {} : { dataLimitBytes }),
    ...(plan === undefined ? {} : { bwrap: plan }),
  });
  const isolation: Isolation = {
    bwrap: plan !== undefined,
    ...(bwrapReason === undefined ? {} : { bwrapReason }),
    ...(dataLimitBytes === undefined ? {} : { dataLimitBytes }),
    ...(cpuLimitSeconds === undefined ? {} : { cpuLimitSeconds }),
    memoryCapBytes: opts.memoryCapBytes,
    heapMiB: opts.heapMiB,
    command: [command.command, ...command.args],
  };
  const userDir = join(bundle.dir, "user");
  const rootUrl = pathToFileURL(bundle.root).href + "/";
  const rewrites: [string, string][] = [
    [pathToFileURL(userDir).href + "/", rootUrl],
    [`file://${SANDBOX_MOUNT}/user/`, rootUrl],
    [userDir + "/", bundle.root + "/"],
    [`${SANDBOX_MOUNT}/user/`, bundle.root + "/"],
    [pathToFileURL(bundle.dir).href + "/", "sandbox:"],
    [`file://${SANDBOX_MOUNT}/`, "sandbox:"],
  ];
  const host = new _Host(spawnChild(command), bundle, tempDir, opts, isolation, rewrites);
  try {
    await host.start();
  } catch (e) {
    await host.close();
    throw e;
  }
  return host;
}

type _Pending =
  | {
    readonly kind: "hello";
    readonly resolve: (d: MethodDescription) => void;
    readonly reject: (e: Error) => void;
  }
  | {
    readonly kind: "call";
    readonly id: number;
    readonly size: number;
    readonly resolve: (f: Frame) => void;
    readonly reject: (e: Error) => void;
  };

/** The host's side of one sandbox. */
class _Host implements Sandbox {
  describe!: MethodDescription;
  readonly module: string;
  readonly digest: string;
  readonly usedBwrap: boolean;
  readonly isolation: Isolation;
  #proc: Deno.ChildProcess;
  #bundle: Bundle;
  #tempDir: string;
  #opts: _Resolved;
  #rewrites: readonly (readonly [string, string])[];
  #reader: FrameReader;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #pending: _Pending | null = null;
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #pids = new Set<number>();
  #peak = 0;
  #stderrHead = new Uint8Array(0);
  #stderrTail: Uint8Array[] = [];
  #stderrTailBytes = 0;
  #stderrDropped = 0;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #totalTimer: ReturnType<typeof setTimeout> | undefined;
  #stdoutDone: Promise<void>;
  #stderrDone: Promise<void>;
  #exited: Promise<void>;
  #killed: Promise<void> = Promise.resolve();

  constructor(
    proc: Deno.ChildProcess,
    bundle: Bundle,
    tempDir: string,
    opts: _Resolved,
    isolation: Isolation,
    rewrites: readonly (readonly [string, string])[],
  ) {
    this.#proc = proc;
    this.#bundle = bundle;
    this.#tempDir = tempDir;
    this.#opts = opts;
    this.module = bundle.module;
    this.digest = bundle.digest;
    this.isolation = isolation;
    this.usedBwrap = isolation.bwrap;
    this.#rewrites = rewrites;
    this.#pids.add(proc.pid);
    this.#reader = new FrameReader(proc.stdout);
    this.#writer = proc.stdin.getWriter();
    this.#stdoutDone = this.#pumpStdout();
    this.#stderrDone = this.#pumpStderr();
    this.#exited = this.#watchExit();
    this.#watchdog = setInterval(() => this.#watch(), opts.watchIntervalMs);
    this.#totalTimer = setTimeout(
      () =>
        this.#fail(
          new SandboxError(
            "timeout",
            `module ${this.module}: the child ran longer than totalTimeoutMs ` +
              `${opts.totalTimeoutMs} ms; killed`,
          ),
        ),
      opts.totalTimeoutMs,
    );
  }

  /** Waits for the module's self-description (or its load error) under the startup timeout. */
  async start(): Promise<void> {
    const hello = new Promise<MethodDescription>((resolve, reject) => {
      this.#pending = { kind: "hello", resolve, reject };
    });
    const timer = setTimeout(
      () =>
        this.#fail(
          new SandboxError(
            "timeout",
            `module ${this.module}: no description within startupTimeoutMs ` +
              `${this.#opts.startupTimeoutMs} ms after start (does loading it loop?); killed`,
          ),
        ),
      this.#opts.startupTimeoutMs,
    );
    try {
      this.describe = await hello;
    } finally {
      clearTimeout(timer);
    }
    this.#watch();
  }

  initialize(request: InitRequest, call: CallOptions): Promise<InitializedLayer> {
    if (this.#failure !== undefined) return Promise.reject(this.#closedError());
    let checked;
    try {
      checked = checkRequest(this.describe, request, call, this.#opts.maxEntries);
    } catch (e) {
      return Promise.reject(e);
    }
    const run = this.#queue.then(() => this.#call(checked));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #call(checked: ReturnType<typeof checkRequest>): Promise<InitializedLayer> {
    if (this.#failure !== undefined) throw this.#closedError();
    const { shape, density } = checked.fields;
    const label = callLabel(this.describe.name, shape);
    const id = this.#nextId++;
    const reply = new Promise<Frame>((resolve, reject) => {
      this.#pending = { kind: "call", id, size: checked.size, resolve, reject };
    });
    const timer = setTimeout(
      () =>
        this.#fail(
          new SandboxError(
            "timeout",
            `${label}: no reply within callTimeoutMs ${this.#opts.callTimeoutMs} ms; killed`,
          ),
        ),
      this.#opts.callTimeoutMs,
    );
    let frame: Frame;
    try {
      this.#writer.write(
        encodeFrame(
          { type: "initialize", id, ...checked.fields },
          checked.given ?? new Uint8Array(0),
        ),
      ).catch(() => {}); // a dead child: the exit watcher reports it
      frame = await reply;
    } finally {
      clearTimeout(timer);
      this.#pending = null;
    }
    const h = frame.header as Record<string, unknown>;
    if (h.type === "error") {
      throw new SandboxError("threw", `${label}: initialize threw ${this.#userError(h.error)}`);
    }
    return checkResult(h.value, frame.body, {
      method: this.describe.name,
      shape,
      density,
      ...(checked.given === undefined ? {} : { given: checked.given }),
      densityToleranceWeights: this.#opts.densityToleranceWeights,
    });
  }

  /** Routes one frame from the child to what waits for it; anything unexpected fails the sandbox. */
  #deliver(frame: Frame): void {
    const p = this.#pending;
    const what = `module ${this.module}: message from the child`;
    const h = _exact(frame.header, ["type"], ["id", "value", "error", "fields", "exports"], what);
    if (p === null) {
      throw violation(TypeError, "protocol", `${what}: unexpected ${show(h.type)} while idle`);
    }
    if (p.kind === "hello") {
      if (h.type === "load-error") {
        _exact(h, ["type", "error"], [], what);
        p.reject(
          new SandboxError(
            "load",
            `module ${this.module}: loading it threw ${this.#userError(h.error)}`,
          ),
        );
        return;
      }
      if (h.type !== "hello") {
        throw violation(TypeError, "protocol", `${what}: expected hello; got ${show(h.type)}`);
      }
      _exact(h, ["type", "fields", "exports"], [], what);
      const fields = h.fields as Record<string, unknown> | null;
      if (fields !== null && typeof fields === "object" && fields.$type === "undefined") {
        const names = Array.isArray(h.exports) ? h.exports.map(String).join(", ") : "";
        p.reject(violation(
          TypeError,
          "describe",
          `module ${this.module}: no default export; export default { name, description, ` +
            `initialize, ... }${names === "" ? "" : ` (it exports: ${sanitize(names, [], 300)})`}`,
        ));
        return;
      }
      try {
        p.resolve(validateDescription(fields, this.module));
      } catch (e) {
        const kind = e instanceof RangeError ? RangeError : TypeError;
        p.reject(violation(kind, "describe", sanitize((e as Error).message, this.#rewrites)));
      }
      return;
    }
    if (h.type !== "result" && h.type !== "error") {
      throw violation(TypeError, "protocol", `${what}: expected a result; got ${show(h.type)}`);
    }
    _exact(h, ["type", "id", h.type === "result" ? "value" : "error"], [], what);
    if (h.id !== p.id) {
      throw violation(
        TypeError,
        "protocol",
        `${what}: reply to call ${show(h.id)}; expected ${p.id}`,
      );
    }
    p.resolve(frame);
  }

  /** `Name: message` of an error the user's code threw, sanitized, with its first frame in the user's files. */
  #userError(error: unknown): string {
    const e = _exact(error, ["name", "message", "stack"], [], "the error report");
    const clean = (v: unknown, max: number) => sanitize(String(v), this.#rewrites, max);
    const name = clean(e.name, 100) || "Error";
    const message = clean(e.message, 2000);
    const root = pathToFileURL(this.#bundle.root).href;
    const at = clean(e.stack, 8000).split("\n").find((l) => /^\s*at /.test(l) && l.includes(root));
    return `${name}: ${message}${at && !message.includes(at.trim()) ? `\n    ${at.trim()}` : ""}`;
  }

  async #pumpStdout(): Promise<void> {
    try {
      for (;;) {
        const frame = await this.#reader.read(() => ({
          maxHeaderBytes: _MAX_HEADER,
          maxBodyBytes: this.#pending?.kind === "call" ? 5 * this.#pending.size : 0,
        }));
        if (frame === null) return;
        this.#deliver(frame);
      }
    } catch (e) {
      if (this.#failure !== undefined) return;
      const message = e instanceof FrameError || checkOf(e) === "protocol"
        ? (e as Error).message.replace(/^\[protocol\] /, "")
        : String(e);
      this.#fail(
        new SandboxError(
          "protocol",
          `module ${this.module}: ${sanitize(message, this.#rewrites, 1000)}; killed`,
        ),
      );
    }
  }

  async #pumpStderr(): Promise<void> {
    try {
      for await (const chunk of this.#proc.stderr) {
        if (this.#stderrHead.length < _STDERR_HEAD) {
          const take = chunk.subarray(0, _STDERR_HEAD - this.#stderrHead.length);
          const head = new Uint8Array(this.#stderrHead.length + take.length);
          head.set(this.#stderrHead);
          head.set(take, this.#stderrHead.length);
          this.#stderrHead = head;
          if (take.length === chunk.length) continue;
          this.#stderrTail.push(chunk.subarray(take.length));
        } else this.#stderrTail.push(chunk);
        this.#stderrTailBytes += this.#stderrTail.at(-1)!.length;
        while (this.#stderrTailBytes - this.#stderrTail[0].length >= _STDERR_TAIL) {
          this.#stderrDropped += this.#stderrTail[0].length;
          this.#stderrTailBytes -= this.#stderrTail.shift()!.length;
        }
      }
    } catch {
      // the pipe broke with the child: keep what was read
    }
  }

  async #watchExit(): Promise<void> {
    const status = await this.#proc.status;
    await this.#stdoutDone;
    await this.#stderrDone;
    if (this.#failure !== undefined) return;
    const stderr = this.stderr();
    const how = status.signal !== null ? `signal ${status.signal}` : `exit code ${status.code}`;
    const oom = /out of memory|heap limit|allocation failed/i.test(stderr);
    this.#fail(
      new SandboxError(
        oom ? "memory" : "exited",
        `module ${this.module}: the child died (${how})${
          oom ? ` out of memory (V8 heap cap ${this.#opts.heapMiB} MiB)` : ""
        }${this.#pending?.kind === "call" ? " during initialize" : ""}; stderr: ${
          stderr.slice(-1500) || "(empty)"
        }`,
      ),
    );
  }

  /** One watchdog tick: records the tree's pids and kills it over the memory cap. */
  #watch(): void {
    if (this.#failure !== undefined) return;
    const tree = processTree(this.#proc.pid);
    let rss = 0;
    for (const p of tree) {
      this.#pids.add(p);
      rss += residentBytes(p);
    }
    this.#peak = Math.max(this.#peak, rss);
    if (rss > this.#opts.memoryCapBytes) {
      const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
      this.#fail(
        new SandboxError(
          "memory",
          `module ${this.module}: resident memory ${mib(rss)} exceeds memoryCapBytes ` +
            `${mib(this.#opts.memoryCapBytes)}; killed`,
        ),
      );
    }
  }

  /** Fails the sandbox once: kills the tree and rejects what is pending. */
  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    clearInterval(this.#watchdog);
    clearTimeout(this.#totalTimer);
    this.#killed = killChild(this.#proc, _KILL_GRACE_MS).then((pids) => {
      for (const p of pids) this.#pids.add(p);
    });
    const p = this.#pending;
    this.#pending = null;
    p?.reject(error);
  }

  #closedError(): Error {
    const f = this.#failure!;
    if (checkOf(f) === "closed") return f;
    return new SandboxError("closed", `the sandbox failed earlier: ${f.message}`);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#fail(new SandboxError("closed", `module ${this.module}: the sandbox was closed`));
      await this.#writer.abort().catch(() => {});
      await this.#killed;
      await this.#exited;
      await this.#reader.cancel();
      await Deno.remove(this.#tempDir, { recursive: true }).catch(() => {});
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  pids(): number[] {
    return [...this.#pids];
  }

  peakResidentBytes(): number {
    return this.#peak;
  }

  failure(): Error | undefined {
    return this.#failure;
  }

  stderr(): string {
    const parts = [this.#stderrHead, ...this.#stderrTail];
    const dropped = this.#stderrDropped;
    const text = parts.map((p, i) =>
      (i === 1 && dropped > 0 ? `\n[... ${dropped} bytes ...]\n` : "") +
      new TextDecoder().decode(p)
    ).join("");
    return sanitize(text, this.#rewrites, _STDERR_HEAD + _STDERR_TAIL + 100);
  }
}
