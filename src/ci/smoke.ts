/**
 * The accuracy smoke check of CI: re-run a few cells of every reproduction's
 * quick preset and compare them with the committed reference store
 * (`leaderboard/results.db`).
 *
 * - **Selection follows the reference.** The cells are taken from what the
 *   reference store holds for the current code's quick-preset grids (cells
 *   are content-addressed: the same id and seed mean the same job), the
 *   cheapest first by their recorded wall time (ties by id), at most
 *   `perReproduction` per reproduction and while their recorded time fits
 *   `budgetSeconds` (always at least one). Regenerating the reference
 *   (`deno task board:reference`) changes the subset with no edit here.
 * - **Stale reference.** A reproduction none of whose current cells is in
 *   the reference (after a `RESULTS_VERSION` bump, a changed spec, …) fails
 *   the check, naming the reproduction and the command that regenerates it.
 * - **Comparison.** A training cell on the same backend, engine and versions
 *   (tfjs, Deno, V8, OS, architecture) must give the bit-identical
 *   final-weight digest; otherwise its test accuracy must be within
 *   {@linkcode SMOKE_TOLERANCE}`.accuracy`. A measure cell must give the same
 *   figures (timings excluded) exactly on the same versions, else within
 *   `measure`. A mismatch names the cell, the expected and the measured figure.
 *
 * Pure functions; the command is `smoke_main.ts` (`deno task smoke`).
 *
 * @module
 */

import { type Cell, RESULTS_VERSION } from "../cell/mod.ts";
import type { StoredRow } from "../store/mod.ts";

/**
 * A reproduction's current quick-preset cells (from `expandGrid`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SmokeGrid } from "./smoke.ts";
 * const g: SmokeGrid = { reproduction: "r", cells: [] };
 * equal(g.cells.length, 0);
 * ```
 */
export interface SmokeGrid {
  /** Reproduction name. */
  readonly reproduction: string;
  /** Its cells with their ids. */
  readonly cells: readonly { readonly id: string; readonly cell: Cell }[];
}

/**
 * How many cells the smoke check takes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SMOKE_DEFAULTS, type SmokeOptions } from "./smoke.ts";
 * const o: SmokeOptions = { ...SMOKE_DEFAULTS, perReproduction: 1 };
 * equal(o.perReproduction, 1);
 * ```
 */
export interface SmokeOptions {
  /** At most this many cells per reproduction. */
  readonly perReproduction: number;
  /** A second and later cell is taken only while the recorded wall seconds stay within this. */
  readonly budgetSeconds: number;
}

/** Defaults: 3 cells per reproduction within 20 recorded seconds (≈ 4 minutes in all). */
export const SMOKE_DEFAULTS: SmokeOptions = { perReproduction: 3, budgetSeconds: 20 };

/**
 * Tolerances when the environment differs from the reference's: absolute
 * test-accuracy difference of a training cell, absolute difference of a
 * measure cell's figures.
 */
export const SMOKE_TOLERANCE = { accuracy: 0.02, measure: 1e-6 } as const;

/**
 * One job of the smoke check with its reference row.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SmokeJob } from "./smoke.ts";
 * const j = { reproduction: "r", id: "a", seed: 0 } as Partial<SmokeJob>;
 * equal(j.seed, 0);
 * ```
 */
export interface SmokeJob {
  /** Reproduction the cell belongs to. */
  readonly reproduction: string;
  /** Cell id. */
  readonly id: string;
  /** Seed of the reference row. */
  readonly seed: number;
  /** The cell (from the current grid). */
  readonly cell: Cell;
  /** The reference row it is compared with. */
  readonly reference: StoredRow;
}

/**
 * A reproduction the reference has nothing for.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Stale } from "./smoke.ts";
 * const s: Stale = { reproduction: "r", message: "stale" };
 * equal(s.reproduction, "r");
 * ```
 */
export interface Stale {
  /** Reproduction name. */
  readonly reproduction: string;
  /** Why, and how to regenerate the reference. */
  readonly message: string;
}

/**
 * Picks the smoke jobs from the reference rows (see module doc).
 * Deterministic: depends only on the grids, the rows and the options.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { selectSmoke } from "./smoke.ts";
 * const { jobs, stale } = selectSmoke([{ reproduction: "r", cells: [] }], []);
 * equal(jobs.length, 0);
 * equal(stale[0].reproduction, "r");
 * ```
 */
export function selectSmoke(
  grids: readonly SmokeGrid[],
  rows: readonly StoredRow[],
  options: SmokeOptions = SMOKE_DEFAULTS,
): { jobs: SmokeJob[]; stale: Stale[] } {
  const byCell = new Map<string, StoredRow>();
  for (const r of rows) {
    if (r.status === "failed" || r.resultsVersion !== RESULTS_VERSION) continue;
    const seen = byCell.get(r.cellId);
    if (seen === undefined || r.seed < seen.seed) byCell.set(r.cellId, r);
  }
  const versions = [...new Set(rows.map((r) => r.resultsVersion))].sort((a, b) => a - b);
  const jobs: SmokeJob[] = [];
  const stale: Stale[] = [];
  for (const g of [...grids].sort((a, b) => a.reproduction.localeCompare(b.reproduction))) {
    const seen = new Set<string>();
    const candidates = g.cells
      .filter((c) => byCell.has(c.id) && !seen.has(c.id) && seen.add(c.id))
      .map((c) => ({ ...c, row: byCell.get(c.id)! }))
      .sort((a, b) => a.row.wallSeconds - b.row.wallSeconds || (a.id < b.id ? -1 : 1));
    if (candidates.length === 0) {
      stale.push({
        reproduction: g.reproduction,
        message: `the reference store holds none of the ${g.cells.length} quick-preset cells of ` +
          `${g.reproduction} for RESULTS_VERSION ${RESULTS_VERSION} (its rows are version ${
            versions.length === 0 ? "none: it is empty" : versions.join(", ")
          }): the reference is stale; regenerate it with \`deno task board:reference\``,
      });
      continue;
    }
    let spent = 0;
    let taken = 0;
    for (const c of candidates) {
      if (taken >= options.perReproduction) break;
      if (taken > 0 && spent + c.row.wallSeconds > options.budgetSeconds) break;
      spent += c.row.wallSeconds;
      taken++;
      jobs.push({
        reproduction: g.reproduction,
        id: c.id,
        seed: c.row.seed,
        cell: c.cell,
        reference: c.row,
      });
    }
  }
  return { jobs, stale };
}

/**
 * What bit-identity depends on: backend, engine and versions.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { trainEnvironment } from "./smoke.ts";
 * const env = trainEnvironment({ provenance: { backend: "wasm", tfjsVersion: "4.22.0",
 *   denoVersion: "2.9.6", v8Version: "15", os: "linux", arch: "x86_64" } }, {});
 * equal(env.engine, "tfjs");
 * ```
 */
export function trainEnvironment(
  result: Record<string, unknown>,
  config: Record<string, unknown>,
): Record<string, string> {
  const p = (result.provenance ?? {}) as Record<string, unknown>;
  return {
    backend: String(p.backend),
    engine: String(p.engine ?? config.engine ?? "tfjs"),
    tfjsVersion: String(p.tfjsVersion),
    denoVersion: String(p.denoVersion),
    v8Version: String(p.v8Version),
    os: String(p.os),
    arch: String(p.arch),
  };
}

/**
 * What a measure cell's exact figures depend on: Deno, V8, OS, architecture.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { measureEnvironment } from "./smoke.ts";
 * equal(measureEnvironment({ denoVersion: "2.9.6", v8Version: "x", os: "linux", arch: "x86_64" }).os, "linux");
 * ```
 */
export function measureEnvironment(machine: Record<string, unknown>): Record<string, string> {
  return {
    denoVersion: String(machine.denoVersion),
    v8Version: String(machine.v8Version),
    os: String(machine.os),
    arch: String(machine.arch),
  };
}

/** Measure-result fields that are timings (never compared). */
const _TIMING_FIELDS = new Set(["seconds", "secondsAll", "wallSeconds"]);

/**
 * The outcome of one smoke job.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SmokeOutcome } from "./smoke.ts";
 * const o: SmokeOutcome = { ok: true, mode: "digest", line: "ok" };
 * equal(o.mode, "digest");
 * ```
 */
export interface SmokeOutcome {
  /** The cell matched the reference. */
  readonly ok: boolean;
  /** What was compared: the digest (same environment), accuracy within tolerance, measure figures exactly or within tolerance. */
  readonly mode: "digest" | "accuracy" | "measure-exact" | "measure-tolerance" | "status";
  /** One line naming the cell, the expected and the measured figure. */
  readonly line: string;
}

function _differs(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys(a).filter((k) => a[k] !== b[k]).map((k) => `${k} ${a[k]} → ${b[k]}`);
}

function _label(job: SmokeJob): string {
  const c = job.cell.config as unknown as Record<string, unknown>;
  const what = job.cell.kind === "train"
    ? `${c.method}, ${c.allocation}, d=${c.density}, depth ${c.depth}, ${c.dataset}`
    : `${c.measure} ${c.method}, d=${c.density}`;
  return `${job.reproduction} cell ${job.id.slice(0, 12)} seed ${job.seed} (${what})`;
}

/**
 * Compares a re-run with its reference row (see module doc).
 * `current` is the environment the re-run ran in: for a training cell
 * {@linkcode trainEnvironment} of the measured result (pass `undefined`),
 * for a measure cell {@linkcode measureEnvironment} of this machine.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { compareSmoke, type SmokeJob } from "./smoke.ts";
 * const provenance = { backend: "wasm", tfjsVersion: "4.22.0", denoVersion: "2.9.6", v8Version: "15",
 *   os: "linux", arch: "x86_64" };
 * const result = { status: "ok", testAccuracy: 0.9, weightsDigest: "ab", provenance };
 * const job = { reproduction: "r", id: "c".repeat(64), seed: 0,
 *   cell: { kind: "train", config: { method: "eoi" } },
 *   reference: { kind: "train", config: {}, result } } as unknown as SmokeJob;
 * equal(compareSmoke(job, result).ok, true);
 * equal(compareSmoke(job, { ...result, weightsDigest: "cd" }).ok, false);
 * ```
 */
export function compareSmoke(
  job: SmokeJob,
  measured: Record<string, unknown>,
  current?: Record<string, string>,
  tolerance: { readonly accuracy: number; readonly measure: number } = SMOKE_TOLERANCE,
): SmokeOutcome {
  const ref = job.reference.result;
  const label = _label(job);
  if (String(measured.status) !== String(ref.status)) {
    return {
      ok: false,
      mode: "status",
      line: `MISMATCH ${label}: status expected ${ref.status}, measured ${measured.status}${
        measured.message ? ` (${measured.message})` : ""
      }`,
    };
  }
  if (job.cell.kind === "train") {
    const config = job.reference.config;
    const refEnv = trainEnvironment(ref, config);
    const env = current ?? trainEnvironment(measured, config);
    const changed = _differs(refEnv, env);
    const accExpected = ref.testAccuracy as number | null;
    const accMeasured = measured.testAccuracy as number | null;
    const acc = `test accuracy expected ${accExpected}, measured ${accMeasured}`;
    if (changed.length === 0) {
      const ok = ref.weightsDigest === measured.weightsDigest;
      return {
        ok,
        mode: "digest",
        line: ok
          ? `ok ${label}: final-weight digest ${String(ref.weightsDigest).slice(0, 16)}… identical`
          : `MISMATCH ${label}: final-weight digest expected ${ref.weightsDigest}, measured ${measured.weightsDigest} ` +
            `on the same backend, engine and versions (${Object.values(env).join(", ")}); ${acc}`,
      };
    }
    const diff = accExpected === null || accMeasured === null
      ? (accExpected === accMeasured ? 0 : Infinity)
      : Math.abs(accMeasured - accExpected);
    const ok = diff <= tolerance.accuracy;
    return {
      ok,
      mode: "accuracy",
      line: `${ok ? "ok" : "MISMATCH"} ${label}: ${acc} (|Δ| ${
        Number.isFinite(diff) ? diff.toFixed(4) : "n/a"
      }, tolerance ${tolerance.accuracy}; digest not compared: ${changed.join(", ")})`,
    };
  }
  const refEnv = measureEnvironment(job.reference.machine as Record<string, unknown>);
  const changed = current === undefined ? [] : _differs(refEnv, current);
  const exact = changed.length === 0;
  for (const [k, v] of Object.entries(ref)) {
    if (_TIMING_FIELDS.has(k)) continue;
    const m = measured[k];
    const same = typeof v === "number" && typeof m === "number" && !exact
      ? Math.abs(v - m) <= tolerance.measure
      : JSON.stringify(v) === JSON.stringify(m);
    if (!same) {
      return {
        ok: false,
        mode: exact ? "measure-exact" : "measure-tolerance",
        line: `MISMATCH ${label}: ${k} expected ${JSON.stringify(v)}, measured ${
          JSON.stringify(m)
        }${exact ? " (same versions: must be identical)" : ` (tolerance ${tolerance.measure})`}`,
      };
    }
  }
  return {
    ok: true,
    mode: exact ? "measure-exact" : "measure-tolerance",
    line: `ok ${label}: ${exact ? "identical figures" : `figures within ${tolerance.measure}`}`,
  };
}
