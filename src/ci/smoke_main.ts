/**
 * `deno task smoke`: the accuracy smoke check (see `smoke.ts`). Re-runs a
 * few quick-preset cells of every reproduction, chosen from what the
 * reference store holds, and compares each with its reference row.
 *
 * ```sh
 * deno task smoke [--reference leaderboard/results.db] [--per-reproduction 3]
 *                 [--budget 20] [--list] [--out results/smoke.json]
 * ```
 *
 * `--list` prints the selection without running it. Exit codes: 0 every cell
 * matches, 1 a mismatch or a stale reference (the lines say which), 2 usage
 * error, 3 the reference store cannot be read.
 *
 * @module
 */

import { dirname, join } from "node:path";
import type { BackendName } from "../nn/mod.ts";
import { machineInfo } from "../cell/mod.ts";
import { expandGrid, loadReproductions, realRun, type RunFn } from "../grid/mod.ts";
import { openStore } from "../store/mod.ts";
import {
  compareSmoke,
  measureEnvironment,
  selectSmoke,
  SMOKE_DEFAULTS,
  type SmokeGrid,
  type SmokeOutcome,
} from "./smoke.ts";

/** The options `deno task smoke` takes (checked against `.ci/run` and the workflow by a test). */
export const SMOKE_OPTIONS: readonly string[] = [
  "--reference",
  "--per-reproduction",
  "--budget",
  "--list",
  "--out",
];

const ROOT = new URL("../../", import.meta.url).pathname;

/** Options of {@linkcode smokeMain} besides the arguments (tests point it elsewhere). */
export interface SmokeIo {
  /** Standard output. */
  readonly stdout: (t: string) => void;
  /** Standard error. */
  readonly stderr: (t: string) => void;
  /** Directory of the reproduction specs (default `reproductions/`). */
  readonly reproductionsDir?: string;
}

/**
 * The current quick-preset grids of every reproduction in `dir`, under the
 * engine choices a reference can have been made with (`auto` and `tfjs`).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { smokeGrids } from "./smoke_main.ts";
 * ok((await smokeGrids()).length > 0);
 * ```
 */
export async function smokeGrids(dir?: string): Promise<SmokeGrid[]> {
  const specs = await loadReproductions([], dir);
  return specs.map((spec) => {
    const cells = new Map<string, SmokeGrid["cells"][number]>();
    for (const engine of ["auto", "tfjs"] as const) {
      for (const c of expandGrid(spec, "quick", { engine }).cells) cells.set(c.id, c);
    }
    return { reproduction: spec.name, cells: [...cells.values()] };
  });
}

/**
 * Runs the smoke check; returns the exit code.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { smokeMain } from "./smoke_main.ts";
 * equal(await smokeMain(["--bogus"], { stdout: () => {}, stderr: () => {} }), 2);
 * ```
 */
export async function smokeMain(args: readonly string[], io: SmokeIo): Promise<number> {
  let reference = join(ROOT, "leaderboard/results.db");
  let out: string | undefined;
  let list = false;
  const options = { ...SMOKE_DEFAULTS };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const num = (what: string) => {
      const v = Number(args[++i]);
      if (!(Number.isFinite(v) && v >= (what === "--budget" ? 0 : 1))) {
        throw new RangeError(`smoke: ${what} needs a number; got ${JSON.stringify(args[i])}`);
      }
      return v;
    };
    try {
      if (a === "--reference" && i + 1 < args.length) reference = args[++i];
      else if (a === "--out" && i + 1 < args.length) out = args[++i];
      else if (a === "--per-reproduction") options.perReproduction = num(a);
      else if (a === "--budget") options.budgetSeconds = num(a);
      else if (a === "--list") list = true;
      else {
        throw new RangeError(
          `smoke: unknown argument ${JSON.stringify(a)}; usage: [--reference store.db] ` +
            "[--per-reproduction k] [--budget seconds] [--list] [--out file.json]",
        );
      }
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      return 2;
    }
  }
  let rows;
  try {
    const store = openStore(reference, { readOnly: true });
    try {
      rows = store.rows();
    } finally {
      store.close();
    }
  } catch (e) {
    io.stderr(
      `smoke: cannot read the reference store ${reference}: ${
        (e as Error).message
      } (regenerate it with \`deno task board:reference\`)\n`,
    );
    return 3;
  }
  const grids = await smokeGrids(io.reproductionsDir);
  const { jobs, stale } = selectSmoke(grids, rows, options);
  for (const s of stale) io.stderr(`STALE REFERENCE ${s.reproduction}: ${s.message}\n`);
  const recorded = jobs.reduce((t, j) => t + j.reference.wallSeconds, 0);
  io.stdout(
    `smoke: ${jobs.length} cells of ${
      grids.length - stale.length
    } reproductions from ${reference} ` +
      `(${options.perReproduction} per reproduction at most, cheapest first, ${options.budgetSeconds} s ` +
      `recorded budget; ${recorded.toFixed(0)} s recorded in all)\n`,
  );
  if (list) {
    for (const j of jobs) {
      io.stdout(
        `${j.reproduction} ${j.id} seed ${j.seed} (${
          j.reference.wallSeconds.toFixed(2)
        } s recorded)\n`,
      );
    }
    return stale.length > 0 ? 1 : 0;
  }
  const runners = new Map<BackendName, RunFn>();
  const machine = measureEnvironment(machineInfo() as unknown as Record<string, unknown>);
  const outcomes: (SmokeOutcome & { id: string; seed: number; seconds: number })[] = [];
  for (const job of jobs) {
    const p = (job.reference.result.provenance ?? {}) as Record<string, unknown>;
    const backend: BackendName = p.backend === "cpu" ? "cpu" : "wasm";
    if (!runners.has(backend)) runners.set(backend, realRun(backend));
    const t0 = performance.now();
    const measured = await runners.get(backend)!(
      { id: job.id, seed: job.seed, cell: job.cell },
      { onProgress: () => {} },
    ) as unknown as Record<string, unknown>;
    const seconds = (performance.now() - t0) / 1000;
    const outcome = compareSmoke(job, measured, job.cell.kind === "train" ? undefined : machine);
    outcomes.push({ ...outcome, id: job.id, seed: job.seed, seconds });
    (outcome.ok ? io.stdout : io.stderr)(`${outcome.line} [${seconds.toFixed(1)} s]\n`);
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  if (out !== undefined) {
    Deno.mkdirSync(dirname(out), { recursive: true });
    Deno.writeTextFileSync(out, JSON.stringify({ reference, stale, outcomes }, null, 2) + "\n");
  }
  const verdict = failed === 0 && stale.length === 0;
  (verdict ? io.stdout : io.stderr)(
    `smoke: ${verdict ? "ok" : "FAILED"}, ${
      outcomes.length - failed
    } of ${outcomes.length} cells ` +
      `match the reference${failed > 0 ? `, ${failed} mismatch` : ""}${
        stale.length > 0
          ? `, ${stale.length} reproduction${stale.length === 1 ? "" : "s"} with a stale reference`
          : ""
      }\n`,
  );
  return verdict ? 0 : 1;
}

if (import.meta.main) {
  const enc = new TextEncoder();
  Deno.exit(
    await smokeMain(Deno.args, {
      stdout: (t) => Deno.stdout.writeSync(enc.encode(t)),
      stderr: (t) => Deno.stderr.writeSync(enc.encode(t)),
    }),
  );
}
