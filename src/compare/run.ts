/**
 * `runComparison`: a user's initializer module from its file to the report.
 *
 * 1. Read the reference store (`<reference>/results.db`, the store the
 *    committed leaderboard is built from).
 * 2. Open the module in a sandbox (bundling refuses imports that are not its
 *    own relative files; a syntax error, a throwing load or a malformed
 *    default export fail here) and check it: the same seed twice gives the
 *    same bytes, another seed other bytes, every reply passes the host's
 *    checks, on a dense layer (and a conv layer, and a given mask, when the
 *    method declares them).
 * 3. Plan the tracks (`plan.ts`) and choose the backend; unless baselines are
 *    re-run, every reference row used must have this run's backend, tfjs,
 *    Deno, V8 and results versions, else the mismatch is named and nothing
 *    runs.
 * 4. Register the module as a method (`entry.ts`) and run its cells with the
 *    grid runner into `<out>/runs-<digest>.db` (resumable: finished cells are
 *    skipped; the store is per module digest, so an edited module starts
 *    afresh), one fresh sandbox per cell. The first failure of the module
 *    (a reply that fails a check, an exception, a timeout, …) stops the run
 *    without recording that cell. With `rerunBaselines` the baseline cells
 *    run first, into `<out>/baselines.db`.
 * 5. Rank with the board's aggregation (the user's rows as a submission) and
 *    write `report.json` and `report.md` into `<out>`.
 *
 * @module
 */

import { basename, join } from "node:path";
import { buildLeaderboard, provenanceOf, readStoreSource } from "../board/mod.ts";
import { type Job, jobKey, runProvenance } from "../cell/mod.ts";
import {
  expandGrid,
  type PresetName,
  type ProgressSink,
  realRun,
  type ReproductionSpec,
  type RunFn,
  runJobs,
  silentProgress,
} from "../grid/mod.ts";
import { type InitRequest, registerMethod } from "../init/mod.ts";
import { type BackendName, useBackend } from "../nn/mod.ts";
import { methodNames } from "../prune/mod.ts";
import { stream } from "../rng/mod.ts";
import { openStore, type ResultStore, type StoredRow, StoreError } from "../store/mod.ts";
import type { MethodDescription } from "./contract.ts";
import { checkDeterminism } from "./determinism.ts";
import { DEFAULT_SCORED_WITH, sandboxedMethod } from "./entry.ts";
import { checkOf } from "./errors.ts";
import { reportMarkdown } from "./markdown.ts";
import { TIE_MARGIN } from "./outcomes.ts";
import { CompareInputError, type ComparisonPlan, planComparison } from "./plan.ts";
import { type CompareReport, compareReport } from "./report.ts";
import { openSandbox, type OpenSandboxOptions, type Sandbox } from "./sandbox.ts";
import { currentVersions, describeMismatches, versionMismatches } from "./versions.ts";

/**
 * The module failed a check of the sandbox (it does not load, does not
 * describe itself, throws, returns a result that fails a check, is not
 * deterministic, times out, …): the CLI prints it and exits 6.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ModuleRejectedError } from "./run.ts";
 * const e = new ModuleRejectedError("syntax", "module m.ts:3:1: Expected ';'");
 * equal(e.check, "syntax");
 * ```
 */
export class ModuleRejectedError extends Error {
  /** The sandbox check that failed (see `SandboxCheck`), or `"describe"` for a taken name. */
  readonly check: string;
  /** @param check the check @param message what happened @param options the cause */
  constructor(check: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModuleRejectedError";
    this.check = check;
  }
}

/**
 * Options of {@linkcode runComparison}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CompareOptions } from "./run.ts";
 * const o: Pick<CompareOptions, "module" | "rerunBaselines"> = { module: "m.ts", rerunBaselines: false };
 * equal(o.rerunBaselines, false);
 * ```
 */
export interface CompareOptions {
  /** The user's module. */
  readonly module: string;
  /** The reproductions whose tracks are compared. */
  readonly specs: readonly ReproductionSpec[];
  /** The preset; default the one most of the reference store's rows belong to. */
  readonly preset?: string;
  /** Seeds replacing the preset's. */
  readonly seeds?: readonly number[];
  /** The reference directory (holding `results.db`). */
  readonly reference: string;
  /** Track ids or reproduction names; default all. */
  readonly tracks?: readonly string[];
  /** Re-run the baselines here instead of reading the reference rows. */
  readonly rerunBaselines: boolean;
  /** Output directory (stores and reports); default {@linkcode defaultOutDir} of the method. */
  readonly out?: string;
  /** tfjs backend. */
  readonly backend: BackendName;
  /** Tie margin (see `comparePair`); default `TIE_MARGIN`. */
  readonly margin?: number;
  /** Options of every sandbox (limits, bubblewrap). */
  readonly sandbox?: OpenSandboxOptions;
  /** Builds the job runner; default `realRun`. */
  readonly makeRun?: (backend: BackendName) => RunFn | Promise<RunFn>;
  /** Progress display for `jobs` runs of which `skipped` are done; default none. */
  readonly progress?: (total: number, skipped: number) => ProgressSink;
  /** Aborting stops the run (finished cells are kept). */
  readonly signal?: AbortSignal;
  /** Where notes go (one line each). */
  readonly log?: (text: string) => void;
}

/**
 * Result of {@linkcode runComparison}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CompareOutcome } from "./run.ts";
 * const interrupted = (o: Pick<CompareOutcome, "interrupted">) => o.interrupted;
 * equal(interrupted({ interrupted: true }), true);
 * ```
 */
export interface CompareOutcome {
  /** The report (absent when interrupted). */
  readonly report?: CompareReport;
  /** The report as Markdown (absent when interrupted). */
  readonly markdown?: string;
  /** Paths of report.json and report.md (absent when interrupted). */
  readonly files?: { readonly json: string; readonly markdown: string };
  /** The user's rows of the planned cells (what `--submit` writes). */
  readonly userRows: readonly StoredRow[];
  /** The module's description. */
  readonly method: MethodDescription;
  /** User cells recorded as failed (not for a module check). */
  readonly failedCells: number;
  /** The run was stopped by the signal. */
  readonly interrupted: boolean;
  /** The plan. */
  readonly plan: ComparisonPlan;
}

/**
 * Where a comparison writes when no `out` is given: `results/compare/<name>`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultOutDir } from "./run.ts";
 * equal(defaultOutDir("sparse-glorot"), "results/compare/sparse-glorot");
 * ```
 */
export function defaultOutDir(name: string): string {
  return join("results", "compare", name);
}

/** Per-cell sandboxes live as long as a cell may (the per-call limit bounds the work). */
const _CELL_SANDBOX_MS = 7 * 24 * 3600 * 1000;

function _rejected(e: unknown, what: string): ModuleRejectedError {
  const check = checkOf(e) ?? "load";
  const message = (e as Error)?.message ?? String(e);
  return new ModuleRejectedError(check, `${what}: ${message}`, { cause: e });
}

/** The preset most reference rows belong to (ties: the first the specs list). */
function _defaultPreset(specs: readonly ReproductionSpec[], rows: readonly StoredRow[]): string {
  const train = specs.filter((s) => s.kind === "train");
  const names = train.length === 0 ? ["quick"] : Object.keys(train[0].presets);
  const have = new Set(rows.map((r) => jobKey(r.cellId, r.seed)));
  let best = names[0];
  let bestCount = -1;
  for (const name of names) {
    let count = 0;
    for (const s of train) {
      if (!Object.hasOwn(s.presets, name)) continue;
      for (const j of expandGrid(s, name as PresetName).jobs) {
        if (have.has(jobKey(j.id, j.seed))) count++;
      }
    }
    if (count > bestCount) [best, bestCount] = [name, count];
  }
  return best;
}

/** Smoke checks of a freshly opened module: determinism and every reply check. */
async function _preflight(sandbox: Sandbox, plan: ComparisonPlan): Promise<void> {
  const first = plan.tracks[0];
  const seed = first.seeds[0] ?? 0;
  const activation = first.userConfig.activation;
  const density = first.userConfig.density;
  const requests: InitRequest[] = [];
  const d = sandbox.describe;
  if (d.kinds.includes("dense")) {
    requests.push({
      shape: { kind: "dense", inFeatures: 64, outFeatures: 32 },
      density,
      activation,
    });
  }
  if (d.kinds.includes("conv")) {
    requests.push({
      shape: { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 8, outChannels: 8 },
      density,
      activation,
    });
  }
  if (d.takesMask) {
    const rng = stream(0, "compare/preflight", "mask");
    const mask = Uint8Array.from({ length: 64 * 32 }, () => rng.uniform() < 0.5 ? 1 : 0);
    requests.push({ ...requests[0], density: 0.5, mask });
  }
  for (const request of requests) {
    await checkDeterminism(sandbox, request, { seed, path: ["compare/preflight"] });
  }
}

/** Rows of `store` whose versions differ from this run's: a usage error naming them. */
function _checkStoreVersions(store: ResultStore, path: string): void {
  const rows = store.rows();
  const mismatches = versionMismatches(rows, currentVersions());
  if (mismatches.length > 0) {
    throw new CompareInputError(
      `${path} holds rows made with other versions (${
        describeMismatches(mismatches, rows.length)
      }); delete it or choose another --out`,
    );
  }
}

/**
 * Runs the whole comparison (see the module doc).
 *
 * @throws {ModuleRejectedError} (rejects) when the module fails a check.
 * @throws {CompareInputError} (rejects) for an unknown preset or track, nothing to compare,
 *   or reference rows of other versions without `rerunBaselines`.
 * @throws {StoreError} (rejects) when a store cannot be read or written.
 * @example A fake runner (no training: accuracy by method) on the tiny test reproduction
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadReproductions } from "../grid/mod.ts";
 * import { runComparison } from "./run.ts";
 * const specs = await loadReproductions([], "src/compare/testdata/ranking/reproductions");
 * const out = await Deno.makeTempDir();
 * const accuracy: Record<string, number> = { "sparse-glorot": 0.6, eoi: 0.7 };
 * const outcome = await runComparison({
 *   module: "examples/sparse_glorot.ts", specs, reference: `${out}/none`, rerunBaselines: true,
 *   out, backend: "cpu", tracks: ["tiny-ranking"], seeds: [0],
 *   makeRun: () => (job) =>
 *     Promise.resolve({ status: "ok", testAccuracy: accuracy[job.cell.config.method] ?? 0.5 }),
 * });
 * equal(outcome.report?.tracks.length, 3);
 * equal(outcome.report?.tracks[0].rank, 2); // behind eoi, ahead of pruned-kaiming and fan-in-scaled
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function runComparison(o: CompareOptions): Promise<CompareOutcome> {
  const started = performance.now();
  const log = o.log ?? (() => {});
  const margin = o.margin ?? TIE_MARGIN;
  const referenceStore = join(o.reference, "results.db");
  let referenceRows: readonly StoredRow[] = [];
  try {
    referenceRows = readStoreSource(referenceStore).rows;
  } catch (e) {
    if (!(e instanceof StoreError && o.rerunBaselines)) throw e;
    log(`note: no reference store at ${referenceStore}; every baseline runs here`);
  }

  // The module: bundled, loaded and described in a sandbox.
  let sandbox: Sandbox;
  try {
    sandbox = await openSandbox(o.module, o.sandbox);
  } catch (e) {
    throw _rejected(e, `module ${o.module} was refused`);
  }
  let describe: MethodDescription;
  let digest: string;
  let isolation: CompareReport["isolation"];
  let plan: ComparisonPlan;
  try {
    describe = sandbox.describe;
    digest = sandbox.digest;
    isolation = { bwrap: sandbox.usedBwrap, reason: sandbox.isolation.bwrapReason ?? null };
    if (methodNames().includes(describe.name)) {
      throw new ModuleRejectedError(
        "describe",
        `module ${o.module} was refused: [describe] its name ${
          JSON.stringify(describe.name)
        } is a method of the suite; give it another name`,
      );
    }
    const preset = o.preset ?? _defaultPreset(o.specs, referenceRows);
    plan = planComparison({
      specs: o.specs,
      preset,
      ...(o.seeds === undefined ? {} : { seeds: o.seeds }),
      method: describe,
      referenceRows,
      ...(o.tracks === undefined ? {} : { tracks: o.tracks }),
      rerunBaselines: o.rerunBaselines,
    });
    if (plan.tracks.length === 0) {
      throw new CompareInputError(
        `nothing to compare under preset ${JSON.stringify(preset)}: ${
          plan.skipped.length === 0
            ? "no train reproduction has a track"
            : plan.skipped.map((s) => `${s.id}: ${s.reason}`).join("; ")
        }`,
      );
    }
    await useBackend(o.backend);
    if (!o.rerunBaselines) {
      const used = plan.tracks.flatMap((t) => t.referenceRows);
      const mismatches = versionMismatches(used, currentVersions());
      if (mismatches.length > 0) {
        throw new CompareInputError(
          `the reference baselines in ${referenceStore} were made with other versions than this run ` +
            `(${
              describeMismatches(mismatches, used.length)
            }): paired differences would mix them; ` +
            "run with --rerun-baselines to re-run the baselines here",
        );
      }
    }
    try {
      await _preflight(sandbox, plan);
    } catch (e) {
      throw _rejected(e, `module ${o.module} failed the checks before any training`);
    }
  } finally {
    await sandbox.close();
  }

  const method = sandboxedMethod(o.module, describe, digest, {
    totalTimeoutMs: _CELL_SANDBOX_MS,
    ...o.sandbox,
  });
  let registration;
  try {
    registration = registerMethod(method.entry);
  } catch (e) {
    throw new ModuleRejectedError(
      "describe",
      `module ${o.module} was refused: [describe] ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  const outDir = o.out ?? defaultOutDir(describe.name);
  await Deno.mkdir(outDir, { recursive: true });
  const provenance = await runProvenance();
  const base = await (o.makeRun ?? realRun)(o.backend);
  const progress = o.progress ?? (() => silentProgress);
  const userStorePath = join(outDir, `runs-${digest.slice(0, 12)}.db`);
  const baselineStorePath = join(outDir, "baselines.db");
  let baselineRows: StoredRow[];
  let userRows: StoredRow[];
  let moduleError: Error | undefined;
  let interrupted = false;
  try {
    const allBaselines = plan.tracks.flatMap((t) => t.baselineJobs);
    if (o.rerunBaselines) {
      const store = openStore(baselineStorePath);
      try {
        _checkStoreVersions(store, baselineStorePath);
        const [left, total] = _left(allBaselines, store.doneKeys(false));
        log(`baselines: ${left} of ${total} run(s) to do into ${baselineStorePath}`);
        const summary = await runJobs(allBaselines, store, base, {
          provenance,
          progress: progress(left, total - left),
          ...(o.signal === undefined ? {} : { signal: o.signal }),
        });
        interrupted = summary.aborted;
        baselineRows = _rowsOf(store, allBaselines);
      } finally {
        store.close();
      }
    } else baselineRows = plan.tracks.flatMap((t) => [...t.referenceRows]);

    const userJobs = plan.tracks.flatMap((t) => t.userJobs);
    const stop = new AbortController();
    const signal = o.signal === undefined ? stop.signal : AbortSignal.any([o.signal, stop.signal]);
    const run: RunFn = async (job, ctx) => {
      const r = await method.withSandbox(() => base(job, ctx));
      if (r.moduleError !== undefined) {
        moduleError ??= r.moduleError;
        stop.abort(r.moduleError);
      }
      return r.value ?? { status: "failed", message: r.moduleError?.message ?? "no result" };
    };
    const store = openStore(userStorePath);
    try {
      _checkStoreVersions(store, userStorePath);
      if (!interrupted) {
        const [left, total] = _left(userJobs, store.doneKeys(true));
        log(`${describe.name}: ${left} of ${total} run(s) to do into ${userStorePath}`);
        const summary = await runJobs(userJobs, store, run, {
          provenance,
          retryFailed: true,
          progress: progress(left, total - left),
          signal,
        });
        interrupted = summary.aborted && moduleError === undefined;
      }
      userRows = _rowsOf(store, userJobs);
    } finally {
      store.close();
    }
  } finally {
    registration.unregister();
  }
  if (moduleError !== undefined) {
    throw _rejected(
      moduleError,
      `module ${o.module} failed during training (that cell is not recorded)`,
    );
  }
  const failedCells = userRows.filter((r) => r.status === "failed").length;
  if (interrupted) {
    return { userRows, method: describe, failedCells, interrupted, plan };
  }

  const paper = describe.paper ?? null;
  const board = buildLeaderboard({
    specs: o.specs,
    sources: [
      {
        name: basename(o.rerunBaselines ? baselineStorePath : referenceStore),
        kind: "store",
        rows: baselineRows,
        corrupt: [],
      },
      {
        name: `compare/${describe.name}`,
        kind: "submission",
        rows: userRows,
        corrupt: [],
        method: { name: describe.name, description: describe.description, paper, url: null },
      },
    ],
  });
  const report = compareReport({
    board,
    plan,
    margin,
    method: {
      ...describe,
      scoredWith: describe.scoredWith ?? DEFAULT_SCORED_WITH,
      scoredWithDefault: describe.scoredWith === undefined,
    },
    module: { path: o.module, digest },
    isolation,
    baselines: {
      source: o.rerunBaselines ? "rerun" : "reference",
      store: o.rerunBaselines ? baselineStorePath : referenceStore,
      provenance: provenanceOf(baselineRows),
    },
    baselineRows,
    versions: currentVersions(),
    wallSeconds: (performance.now() - started) / 1000,
  });
  const markdown = reportMarkdown(report);
  const files = { json: join(outDir, "report.json"), markdown: join(outDir, "report.md") };
  await Deno.writeTextFile(files.json, JSON.stringify(report, null, 2) + "\n");
  await Deno.writeTextFile(files.markdown, markdown);
  return { report, markdown, files, userRows, method: describe, failedCells, interrupted, plan };
}

/**
 * Distinct jobs left to run and distinct jobs in all (two reproductions'
 * tracks with the same config share the method's cells).
 */
function _left(jobs: readonly Job[], done: ReadonlySet<string>): [number, number] {
  const keys = new Set(jobs.map((j) => jobKey(j.id, j.seed)));
  return [[...keys].filter((k) => !done.has(k)).length, keys.size];
}

/** The store's rows of `jobs`, in job order. */
function _rowsOf(store: ResultStore, jobs: readonly Job[]): StoredRow[] {
  const byKey = new Map(store.rows().map((r) => [jobKey(r.cellId, r.seed), r]));
  const seen = new Set<string>();
  const out: StoredRow[] = [];
  for (const j of jobs) {
    const k = jobKey(j.id, j.seed);
    const r = byKey.get(k);
    if (r !== undefined && !seen.has(k)) {
      seen.add(k);
      out.push(r);
    }
  }
  return out;
}
