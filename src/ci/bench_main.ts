/**
 * The speed commands of CI (docs/benchmarks.md):
 *
 * ```sh
 * deno task bench:ci        # k runs of `deno bench --json bench/` (CI set), figures to
 *                           # results/bench/benchmark.json (customSmallerIsBetter), then the gate
 * deno task bench:gate      # the gate alone, on results/bench/figures.json
 * deno task bench:baseline  # 3 measurements of k runs; each figure's median becomes the
 *                           # baseline in bench/baseline.json (the one deliberate update)
 * deno task bench:noise     # run-to-run noise over many runs; --write sets the thresholds
 * ```
 *
 * Options: `--runs k` (default: the baseline's), `--out dir` (default
 * `results/bench`), `--baseline file` (default `bench/baseline.json`),
 * `--no-gate` (bench:ci only writes the figures), `--measurements m`
 * (bench:baseline, default 3), `--from dir` (bench:noise and bench:baseline
 * use raw runs saved there instead of running), `--write` (bench:noise stores
 * the thresholds it derives in the baseline file; the default threshold is
 * their median, the others are listed per figure).
 *
 * Exit codes: 0 ok, 1 a figure regressed past its threshold (or a baseline
 * figure is missing), 2 usage error or a benchmark failed.
 *
 * @module
 */

import { join } from "node:path";
import {
  actionEntries,
  type Aggregate,
  baselineFigures,
  type BaselineFile,
  type BenchEntry,
  confirmGate,
  type Figure,
  type FigureMethod,
  type FigureNoise,
  figureNoise,
  figuresOf,
  formatGateReport,
  gate,
  type GateReport,
  parseBenchJson,
  type RunStatistic,
  thresholdFromNoise,
  validateBaseline,
} from "./bench_figures.ts";

/** Where the committed baseline lives, relative to the repository root. */
export const BASELINE_PATH = "bench/baseline.json";

/** The measurement used when there is no baseline file yet. */
export const DEFAULT_METHOD: FigureMethod = { statistic: "min", aggregate: "pooled-min", runs: 3 };

/** Layer sizes of the init benchmarks in the CI set (`SPARSE_INIT_BENCH_SIZES`). */
export const CI_SIZES: readonly number[] = [256, 512];

/** Safety factor and floor of the thresholds `bench:noise --write` derives. */
export const THRESHOLD_RULE = { margin: 1.5, floor: 0.1 } as const;

/** The options the bench commands take (checked against the workflow by its test). */
export const BENCH_OPTIONS: readonly string[] = [
  "--runs",
  "--out",
  "--baseline",
  "--no-gate",
  "--from",
  "--write",
  "--measurements",
];

/** Where `bench:ci` writes the figures, relative to the repository root. */
export const FIGURES_DIR = "results/bench";

const ROOT = new URL("../../", import.meta.url).pathname;

interface _Args {
  readonly command: string;
  readonly runs?: number;
  readonly out: string;
  readonly baseline: string;
  readonly gate: boolean;
  readonly from?: string;
  readonly write: boolean;
  readonly measurements: number;
}

class _Usage extends Error {}

function _parse(args: readonly string[]): _Args {
  const [command, ...rest] = args;
  if (!["ci", "gate", "baseline", "noise"].includes(command)) {
    throw new _Usage(
      `bench: unknown command ${JSON.stringify(command)}; one of ci, gate, baseline, noise`,
    );
  }
  let runs: number | undefined;
  let out = join(ROOT, FIGURES_DIR);
  let baseline = join(ROOT, BASELINE_PATH);
  let gateOn = true;
  let from: string | undefined;
  let write = false;
  let measurements = 3;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) throw new _Usage(`bench ${command}: ${a} needs a value`);
      return rest[++i];
    };
    if (a === "--runs") {
      const v = value();
      runs = Number(v);
      if (!(Number.isInteger(runs) && runs >= 1)) {
        throw new _Usage(`bench ${command}: --runs must be an integer ≥ 1; got ${v}`);
      }
    } else if (a === "--measurements") {
      const v = value();
      measurements = Number(v);
      if (!(Number.isInteger(measurements) && measurements >= 1)) {
        throw new _Usage(`bench ${command}: --measurements must be an integer ≥ 1; got ${v}`);
      }
    } else if (a === "--out") out = value();
    else if (a === "--baseline") baseline = value();
    else if (a === "--from") from = value();
    else if (a === "--no-gate") gateOn = false;
    else if (a === "--write") write = true;
    else throw new _Usage(`bench ${command}: unknown option ${JSON.stringify(a)}`);
  }
  return { command, runs, out, baseline, gate: gateOn, from, write, measurements };
}

function _readBaseline(path: string): BaselineFile | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return validateBaseline(JSON.parse(text));
}

/** One `deno bench --json bench/` run of the CI set; throws with deno's stderr if it fails. */
async function _benchRun(
  sizes: readonly number[],
): Promise<{ text: string; entries: BenchEntry[] }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bench", "-A", "--json", "bench/"],
    cwd: ROOT,
    env: { SPARSE_INIT_BENCH_SIZES: sizes.join(","), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `deno bench failed (exit ${out.code}):\n${new TextDecoder().decode(out.stderr).slice(-3000)}`,
    );
  }
  return { text, entries: parseBenchJson(text) };
}

function _measured(): string {
  const [l1, l5, l15] = Deno.loadavg();
  let cpu = "unknown CPU";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  return `${new Date().toISOString()}, ${cpu}, ${navigator.hardwareConcurrency} cores, ` +
    `load average ${l1.toFixed(2)} ${l5.toFixed(2)} ${l15.toFixed(2)} before the runs`;
}

async function _measure(
  method: FigureMethod,
  sizes: readonly number[],
  out: string,
  log: (t: string) => void,
): Promise<Figure[]> {
  Deno.mkdirSync(out, { recursive: true });
  const runs: BenchEntry[][] = [];
  for (let i = 0; i < method.runs; i++) {
    const t0 = performance.now();
    const { text, entries } = await _benchRun(sizes);
    Deno.writeTextFileSync(join(out, `raw-${i + 1}.json`), text);
    runs.push(entries);
    log(`bench run ${i + 1}/${method.runs}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return figuresOf(runs, method);
}

/** Runs `total` raw bench runs into `dir` (`run-NN.json`, load before each in `run-NN.uptime`). */
async function _collect(
  total: number,
  sizes: readonly number[],
  dir: string,
  log: (t: string) => void,
): Promise<BenchEntry[][]> {
  Deno.mkdirSync(dir, { recursive: true });
  const raw: BenchEntry[][] = [];
  for (let i = 0; i < total; i++) {
    const stem = join(dir, `run-${String(i + 1).padStart(2, "0")}`);
    Deno.writeTextFileSync(
      `${stem}.uptime`,
      `load average: ${Deno.loadavg()[0].toFixed(2)}\n${_measured()}\n`,
    );
    const t0 = performance.now();
    const { text, entries } = await _benchRun(sizes);
    Deno.writeTextFileSync(`${stem}.json`, text);
    raw.push(entries);
    log(`bench run ${i + 1}/${total}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return raw;
}

/** The raw runs saved in `dir` (`run-NN.json`), in name order. */
function _readRaw(dir: string): BenchEntry[][] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => /^run-\d+\.json$/.test(n))
    .sort().map((n) => parseBenchJson(Deno.readTextFileSync(join(dir, n))));
}

function _table(figures: readonly Figure[]): string {
  const w = Math.max(...figures.map((f) => f.name.length));
  return figures.map((f) =>
    `${f.name.padEnd(w)}  ${f.value.toPrecision(4).padStart(9)} x baseline  (runs: ${
      f.runs.map((x) => x.toPrecision(3)).join(", ")
    })`
  ).join("\n") + "\n";
}

function _noiseTable(rows: readonly FigureNoise[]): string {
  const w = Math.max(...rows.map((r) => r.name.length));
  return rows.map((r) =>
    `${r.name.padEnd(w)}  median ${r.median.toPrecision(4).padStart(8)}  cv ${
      (100 * r.cv).toFixed(1).padStart(5)
    }%  max/min ${r.maxOverMin.toFixed(3)}`
  ).join("\n") + "\n";
}

/**
 * Runs one bench command; returns the exit code.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { benchMain } from "./bench_main.ts";
 * equal(await benchMain(["nope"], { stdout: () => {}, stderr: () => {} }), 2);
 * ```
 */
export async function benchMain(
  args: readonly string[],
  io: { stdout: (t: string) => void; stderr: (t: string) => void },
): Promise<number> {
  let a: _Args;
  try {
    a = _parse(args);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 2;
  }
  try {
    const base = _readBaseline(a.baseline);
    const method: FigureMethod = {
      ...(base?.method ?? DEFAULT_METHOD),
      ...(a.runs ? { runs: a.runs } : {}),
    };
    const sizes = base?.sizes ?? CI_SIZES;
    if (a.command === "baseline") {
      const measured = _measured();
      const raw = a.from !== undefined
        ? _readRaw(a.from)
        : await _collect(method.runs * a.measurements, sizes, join(a.out, "baseline"), io.stderr);
      const figures = baselineFigures(raw, method);
      const measurements = Math.floor(raw.length / method.runs);
      const next: BaselineFile = {
        version: 1,
        method,
        sizes,
        measured:
          `${a.from === undefined ? measured : `from ${a.from}`}; median of ${measurements} ` +
          `measurements of ${method.runs} runs each`,
        figures,
        threshold: base?.threshold ?? 0.25,
        thresholds: base?.thresholds ?? {},
        thresholdsFrom: base?.thresholdsFrom,
      };
      if (base !== undefined) {
        io.stdout(
          "the new baseline against the old one:\n" +
            formatGateReport(
              gate(
                base,
                Object.entries(figures).map(([name, value]) => ({
                  name,
                  baseline: "",
                  value,
                  runs: [value],
                })),
              ),
            ) + "\n",
        );
      }
      Deno.writeTextFileSync(a.baseline, _baselineText(next));
      io.stdout(`wrote ${a.baseline}: commit it to make these figures the baseline\n`);
      return 0;
    }
    if (a.command === "ci") {
      const figures = await _measure(method, sizes, a.out, io.stderr);
      io.stdout(_table(figures));
      Deno.writeTextFileSync(
        join(a.out, "benchmark.json"),
        JSON.stringify(actionEntries(figures, method), null, 2) + "\n",
      );
      Deno.writeTextFileSync(join(a.out, "figures.json"), JSON.stringify(figures, null, 2) + "\n");
      io.stdout(`wrote ${join(a.out, "benchmark.json")} (customSmallerIsBetter)\n`);
      if (!a.gate) return 0;
      if (base === undefined) return _gate(base, figures, a.baseline, io);
      const first = gate(base, figures);
      if (first.ok || first.missing.length > 0) return _report(first, io);
      // Regressions flagged: measure again; a figure fails only if it regresses twice.
      io.stdout(
        formatGateReport(first) + "\n" +
          `speed gate: ${first.regressions.length} figure(s) above their thresholds; measuring again ` +
          `to confirm (a figure fails only if the second measurement regresses too)\n`,
      );
      const again = await _measure(method, sizes, join(a.out, "confirm"), io.stderr);
      io.stdout(_table(again));
      return _report(confirmGate(first, gate(base, again)), io);
    }
    if (a.command === "gate") {
      const path = join(a.out, "figures.json");
      const figures = JSON.parse(Deno.readTextFileSync(path)) as Figure[];
      return _gate(base, figures, a.baseline, io);
    }
    // noise
    const dir = a.from ?? join(a.out, "noise");
    const raw = a.from !== undefined
      ? _readRaw(dir)
      : await _collect(a.runs ?? 30, sizes, dir, io.stderr);
    io.stdout(`${raw.length} raw runs from ${dir}\n`);
    const k = method.runs;
    const summary: string[] = [];
    for (const runs of [...new Set([1, k, 5])]) {
      if (Math.floor(raw.length / runs) < 2) continue;
      for (const statistic of ["min", "avg"] as RunStatistic[]) {
        const aggregates = runs === 1 ? ["median"] : ["median", "min", "pooled-min"];
        for (const aggregate of aggregates as Aggregate[]) {
          const m = { statistic, aggregate, runs };
          const noise = figureNoise(raw, m);
          const cvs = noise.map((n) => n.cv);
          const worst = Math.max(...noise.map((n) => n.maxOverMin));
          summary.push(
            `${statistic} per run, ${aggregate} of ${runs}: ${noise[0].samples} measurements; ` +
              `median cv ${(100 * _median(cvs)).toFixed(1)}%, max cv ${
                (100 * Math.max(...cvs)).toFixed(1)
              }%, worst max/min ${worst.toFixed(3)}`,
          );
          io.stdout(`\n## ${summary.at(-1)}\n${_noiseTable(noise)}`);
        }
      }
    }
    io.stdout(`\n## summary\n${summary.join("\n")}\n`);
    const chosen = figureNoise(raw, method);
    const thresholds = Object.fromEntries(
      chosen.map((n) => [n.name, thresholdFromNoise(n.maxOverMin, THRESHOLD_RULE)]),
    );
    io.stdout(
      `\nthresholds for ${method.statistic} per run, ${method.aggregate} of ${method.runs} ` +
        `(${THRESHOLD_RULE.margin} × worst change, at least ${
          100 * THRESHOLD_RULE.floor
        }%, up to 5%):\n${
          Object.entries(thresholds).map(([n, t]) => `${n}: ${(100 * t).toFixed(0)}%`).join("\n")
        }\n`,
    );
    if (a.write) {
      if (base === undefined) {
        io.stderr(`bench noise --write: no ${a.baseline}; run deno task bench:baseline first\n`);
        return 2;
      }
      const values = Object.values(thresholds);
      const common = _median(values);
      const loads = raw.length > 0 ? _loads(dir) : "";
      const next: BaselineFile = {
        ...base,
        thresholdsFrom: `deno task bench:noise: ${raw.length} runs of ${sizes.join(",")} ` +
          `(${Math.floor(raw.length / method.runs)} measurements of ${method.runs}), ${
            new Date().toISOString().slice(0, 10)
          }${loads}; ${THRESHOLD_RULE.margin} × the worst change between two measurements, ` +
          `at least ${100 * THRESHOLD_RULE.floor}%`,
        threshold: common,
        thresholds: Object.fromEntries(Object.entries(thresholds).filter(([, t]) => t !== common)),
      };
      Deno.writeTextFileSync(a.baseline, _baselineText(next));
      io.stdout(`wrote the thresholds to ${a.baseline} (default ${(100 * common).toFixed(0)}%)\n`);
    }
    return 0;
  } catch (e) {
    io.stderr(`bench ${a.command}: ${(e as Error).message}\n`);
    return 2;
  }
}

/** The baseline file's text, keys in a fixed order. */
function _baselineText(b: BaselineFile): string {
  const ordered = {
    version: b.version,
    method: b.method,
    sizes: b.sizes,
    measured: b.measured,
    figures: b.figures,
    threshold: b.threshold,
    thresholds: b.thresholds,
    thresholdsFrom: b.thresholdsFrom,
  };
  return JSON.stringify(ordered, null, 2) + "\n";
}

/** "; 1-minute load average min/median/max …" from the `.uptime` files beside the runs. */
function _loads(dir: string): string {
  const loads: number[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (!e.name.endsWith(".uptime")) continue;
    const m = /load average:?\s*([\d.]+)/.exec(Deno.readTextFileSync(join(dir, e.name)));
    if (m !== null) loads.push(Number(m[1]));
  }
  if (loads.length === 0) return "";
  loads.sort((a, b) => a - b);
  return `; 1-minute load average before each run: min ${loads[0]}, median ${_median(loads)}, max ${
    loads.at(-1)
  } (2 cores)`;
}

function _median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[s.length >> 1];
}

/** Prints a gate report (to stderr when it fails); returns the exit code. */
function _report(
  report: GateReport,
  io: { stdout: (t: string) => void; stderr: (t: string) => void },
): number {
  (report.ok ? io.stdout : io.stderr)(formatGateReport(report) + "\n");
  return report.ok ? 0 : 1;
}

function _gate(
  base: BaselineFile | undefined,
  figures: readonly Figure[],
  path: string,
  io: { stdout: (t: string) => void; stderr: (t: string) => void },
): number {
  if (base === undefined) {
    io.stderr(`speed gate: no baseline at ${path}; create it with deno task bench:baseline\n`);
    return 2;
  }
  return _report(gate(base, figures), io);
}

if (import.meta.main) {
  const enc = new TextEncoder();
  Deno.exit(
    await benchMain(Deno.args, {
      stdout: (t) => Deno.stdout.writeSync(enc.encode(t)),
      stderr: (t) => Deno.stderr.writeSync(enc.encode(t)),
    }),
  );
}
