/**
 * `deno task bench:peers`: our simd engine against PyTorch (Debian's
 * python3-torch on OpenBLAS, one thread) on the same training steps, in
 * alternating runs so both share the machine's drift; optionally the tfjs
 * engine too (`--tfjs`, the "before"). Prints per-case medians, the ratio
 * simd / PyTorch with the goal of issue 10 (judged on wall time), the same
 * ratio in CPU time of each process (steadier on a shared machine), and peak
 * resident memory.
 *
 * PyTorch is skipped, with a message, when `/usr/bin/python3` cannot import
 * torch (install: `apt-get install -y python3-torch libopenblas0-pthread`).
 *
 * Usage: `deno task bench:peers [--rounds N] [--tfjs] [--only name,name] [--python path]`.
 *
 * @module
 */

import type { PeerCase } from "./deno_step.ts";

interface _Case extends PeerCase {
  /** Largest simd / PyTorch ratio the goal allows. */
  readonly goal: number;
  /** The goal also asks for peak RSS no higher than PyTorch's. */
  readonly rssGoal?: boolean;
}

const CASES: readonly _Case[] = [
  { name: "mlp-784-100x6-d0.1", architecture: "mlp", depth: 6, width: 100, density: 0.1 },
  { name: "mlp-784-100x6-dense", architecture: "mlp", depth: 6, width: 100, density: 1, goal: 1.5 },
  { name: "mlp-784-128x16-d0.1", architecture: "mlp", depth: 16, width: 128, density: 0.1 },
  {
    name: "mlp-784-128x16-d0.01",
    architecture: "mlp",
    depth: 16,
    width: 128,
    density: 0.01,
    goal: 1 / 3,
  },
  {
    name: "mlp-784-128x1000-d0.125",
    architecture: "mlp",
    depth: 1000,
    width: 128,
    density: 0.125,
    allocation: "uniform-skip",
    warmup: 1,
    steps: 5,
    rssGoal: true,
  },
  {
    name: "cnn-16x8-d0.125",
    architecture: "cnn",
    depth: 16,
    width: 8,
    density: 0.125,
    goal: 1.5,
    warmup: 1,
    steps: 5,
  },
  {
    name: "cnn-16x32-d0.125",
    architecture: "cnn",
    depth: 16,
    width: 32,
    density: 0.125,
    goal: 1.5,
    warmup: 1,
    steps: 3,
  },
].map((c) => ({ allocation: "uniform", warmup: 5, steps: 30, goal: 1, ...c }) as _Case);

/** The Python that has Debian's python3-torch (`--python` overrides). */
let PYTHON = "/usr/bin/python3";
const here = new URL(".", import.meta.url).pathname;

interface _Run {
  readonly medianMs: number;
  readonly medianCpuMs: number;
  readonly peakRssMb: number;
  readonly [key: string]: unknown;
}

async function _run(cmd: string, args: string[], env?: Record<string, string>): Promise<_Run> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args[0]} failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`,
    );
  }
  return JSON.parse(text.split("\n").pop()!) as _Run;
}

const deno = (engine: string, c: _Case) =>
  _run(Deno.execPath(), ["run", "-A", `${here}deno_step.ts`, engine, JSON.stringify(c)]);
const torch = (c: _Case) =>
  _run(PYTHON, [`${here}torch_step.py`, JSON.stringify(c)], {
    OPENBLAS_NUM_THREADS: "1",
    OMP_NUM_THREADS: "1",
  });

async function _torchAvailable(): Promise<string | null> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", "import torch"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return out.success
      ? null
      : new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "import failed";
  } catch (e) {
    return `${PYTHON} not found (${(e as Error).message})`;
  }
}

function _median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function _arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

if (import.meta.main) {
  const rounds = Number(_arg("--rounds") ?? 3);
  const withTfjs = Deno.args.includes("--tfjs");
  const only = _arg("--only")?.split(",");
  PYTHON = _arg("--python") ?? PYTHON;
  const cases = CASES.filter((c) => only === undefined || only.includes(c.name));
  if (!Number.isInteger(rounds) || rounds < 1 || cases.length === 0) {
    console.error(
      "usage: bench:peers [--rounds N ≥ 1] [--tfjs] [--only case,case]; cases: " +
        CASES.map((c) => c.name).join(", "),
    );
    Deno.exit(2);
  }
  const missing = await _torchAvailable();
  const cpu = /^model name\s*:\s*(.+)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ??
    "unknown";
  console.log(
    `machine: ${cpu}, ${navigator.hardwareConcurrency} cores; load average ${
      Deno.loadavg().map((x) => x.toFixed(2)).join(" ")
    }`,
  );
  console.log(
    `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}; batch 128, tanh, fan-in scaled weights on exact-count random masks, Nesterov SGD + weight decay; per-step medians of warm steps, median over ${rounds} alternating rounds`,
  );
  if (missing !== null) {
    console.log(
      `PyTorch: skipped (${missing}); install with: apt-get install -y python3-torch libopenblas0-pthread`,
    );
  }
  const results = new Map<string, { simd: _Run[]; torch: _Run[]; tfjs: _Run[] }>();
  for (const c of cases) results.set(c.name, { simd: [], torch: [], tfjs: [] });
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const slot = results.get(c.name)!;
      const order: ("simd" | "torch" | "tfjs")[] = r % 2 === 0
        ? ["simd", "torch"]
        : ["torch", "simd"];
      if (withTfjs && r === 0) order.push("tfjs");
      for (const who of order) {
        if (who === "torch" && missing !== null) continue;
        const run = who === "torch" ? await torch(c) : await deno(who, c);
        slot[who].push(run);
        console.error(`  round ${r + 1}/${rounds} ${c.name} ${who}: ${run.medianMs.toFixed(2)} ms`);
      }
    }
  }
  const t0 = [...results.values()].find((s) => s.torch.length > 0)?.torch[0];
  if (t0 !== undefined) {
    const gf = Number(t0.matmulGflops);
    const openblas = String(t0.blas).toLowerCase().includes("openblas");
    console.log(
      `PyTorch ${t0.torch}, ${t0.threads} thread, OPENBLAS_NUM_THREADS=${t0.openblasThreads}; BLAS mapped: ${t0.blas}; 128² float32 matmul ${
        gf.toFixed(1)
      } GFLOP/s → ${
        openblas
          ? `OpenBLAS is in use${gf < 20 ? " (a low rate for OpenBLAS: is the machine busy?)" : ""}`
          : "WARNING: torch is not on OpenBLAS (install libopenblas0-pthread)"
      }`,
    );
  }
  const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const head = [
    "case",
    ...(withTfjs ? ["tfjs ms"] : []),
    "simd ms",
    "PyTorch ms",
    "simd/PyTorch",
    "CPU-time ratio",
    "goal",
    "met",
    "peak RSS simd / PyTorch MB",
  ];
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map(() => "---").join("|")}|`);
  for (const c of cases) {
    const s = results.get(c.name)!;
    const simd = _median(s.simd.map((x) => x.medianMs));
    const hasTorch = s.torch.length > 0;
    const tm = hasTorch ? _median(s.torch.map((x) => x.medianMs)) : NaN;
    const ratio = simd / tm;
    const cpuRatio = hasTorch
      ? _median(s.simd.map((x) => x.medianCpuMs)) / _median(s.torch.map((x) => x.medianCpuMs))
      : NaN;
    const rssSimd = Math.max(...s.simd.map((x) => x.peakRssMb));
    const rssTorch = hasTorch ? Math.max(...s.torch.map((x) => x.peakRssMb)) : NaN;
    const met = !hasTorch
      ? "—"
      : ratio <= c.goal && (!c.rssGoal || rssSimd <= rssTorch)
      ? "yes"
      : "no";
    const goal = `≤ ${c.goal < 1 ? c.goal.toFixed(2) : c.goal}${c.rssGoal ? ", RSS ≤" : ""}`;
    const row = [
      c.name,
      ...(withTfjs ? [ms(s.tfjs[0].medianMs)] : []),
      ms(simd),
      hasTorch ? ms(tm) : "skipped",
      hasTorch
        ? `${ratio.toFixed(2)} (${
          ratio < 1 ? `${(1 / ratio).toFixed(1)}× faster` : `${ratio.toFixed(1)}× slower`
        })`
        : "—",
      hasTorch ? cpuRatio.toFixed(2) : "—",
      goal,
      met,
      `${rssSimd.toFixed(0)} / ${hasTorch ? rssTorch.toFixed(0) : "—"}`,
    ];
    console.log(`| ${row.join(" | ")} |`);
  }
}
