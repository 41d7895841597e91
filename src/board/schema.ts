/**
 * The leaderboard's data: the versioned schema of `leaderboard.json` (what
 * `board` writes and `compare` reads) and of submission files (what
 * `compare --submit` writes and `board` reads).
 *
 * `leaderboard.json`, schema `"sparse-init-leaderboard"`, `schemaVersion` 1:
 *
 * - `metric`: what tracks are ranked by (`testAccuracy`, higher is better),
 *   the value a diverged run counts as (`divergedAs`, chance accuracy) and the
 *   confidence level of every interval (0.95).
 * - `sources`: each store and submission read (file name, row counts, a
 *   SHA-256 of its rows' canonical JSON); `skipped`: rows left out and why.
 * - `provenance`: the union over all rows of git commits, backends, tfjs,
 *   Deno and V8 versions, machines, and the first and last `finishedAt`.
 * - `reproductions`: claim, source and, per preset found in the stores, the
 *   verdict with every check's comparisons (measured vs compared-with).
 * - `methods`: every method that appears (or is registered), with its
 *   description and paper, and whether it is a per-layer registry entry,
 *   network-level, or submitted.
 * - `tracks`: a reproduction's training cells that share dataset,
 *   architecture, depth, width, activation, density, allocation and budget.
 * - `records`: ONE RECORD PER METHOD PER TRACK (see {@linkcode BoardRecord}):
 *   test accuracy over seeds, its 95% t-interval, the paired difference to the
 *   track's best with its 95% paired-t interval, whether it is tied with the
 *   best, how many seeds a decision would need, densities, parameters,
 *   multiply-adds, budget, metrics at init and provenance (cell ids, seeds).
 * - `measures`: measure cells (exactness, generation time) per method, shape
 *   and density.
 *
 * Numbers are JSON numbers (`null` where undefined); keys are sorted when
 * written. Readers check `schema` and `schemaVersion` with
 * {@linkcode parseLeaderboard}.
 *
 * A submission file (`"sparse-init-submission"`, `version` 1) is
 * `{ format, version, method: { name, description, paper?, url? }, rows }`
 * where `rows` are results-store rows (`StoredRow`: cellId, seed, kind,
 * status, message, config, result, wallSeconds, gitCommit, machine,
 * resultsVersion, finishedAt) whose `config.method` is `method.name`. `board`
 * reads every `*.json` in `submissions/` (or the `--submitted` directories),
 * ranks those rows in the tracks whose config they share, and marks them
 * "submitted".
 *
 * @module
 */

import type { StoredRow } from "../store/mod.ts";

/**
 * The `schema` field of leaderboard.json.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LEADERBOARD_SCHEMA } from "./schema.ts";
 * equal(LEADERBOARD_SCHEMA, "sparse-init-leaderboard");
 * ```
 */
export const LEADERBOARD_SCHEMA = "sparse-init-leaderboard";

/**
 * The version of leaderboard.json this code writes and reads. Bump it when a
 * field changes meaning or is removed.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LEADERBOARD_SCHEMA_VERSION } from "./schema.ts";
 * equal(LEADERBOARD_SCHEMA_VERSION, 1);
 * ```
 */
export const LEADERBOARD_SCHEMA_VERSION = 1;

/**
 * The `format` field of a submission file.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SUBMISSION_FORMAT } from "./schema.ts";
 * equal(SUBMISSION_FORMAT, "sparse-init-submission");
 * ```
 */
export const SUBMISSION_FORMAT = "sparse-init-submission";

/**
 * The version of submission files this code reads.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SUBMISSION_VERSION } from "./schema.ts";
 * equal(SUBMISSION_VERSION, 1);
 * ```
 */
export const SUBMISSION_VERSION = 1;

/**
 * Bad leaderboard or submission input: the message names the file and field.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { BoardInputError } from "./schema.ts";
 * ok(new BoardInputError("x") instanceof TypeError);
 * ```
 */
export class BoardInputError extends TypeError {
  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoardInputError } from "./schema.ts";
   * equal(new BoardInputError("x").name, "BoardInputError");
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "BoardInputError";
  }
}

/**
 * Mean, spread and interval of one quantity over seeds.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Estimate } from "./schema.ts";
 * const e: Estimate = { n: 2, mean: 0.9, std: 0.01, ci95: [0.81, 0.99] };
 * equal(e.ci95?.[0], 0.81);
 * ```
 */
export interface Estimate {
  /** Number of values (seeds). */
  readonly n: number;
  /** Mean; `null` when n = 0. */
  readonly mean: number | null;
  /** Sample standard deviation; `null` when n = 0 (0 for one value). */
  readonly std: number | null;
  /** 95% Student-t interval of the mean; `null` when n < 2. */
  readonly ci95: readonly [number, number] | null;
}

/**
 * How a record compares with its track's best (paired over shared seeds).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { VersusBest } from "./schema.ts";
 * const v: VersusBest = {
 *   isBest: false, sharedSeeds: [0, 1], n: 2, meanDifference: -0.02, std: 0.01,
 *   ci95: [-0.11, 0.07], tied: true, decided: false, seedsToDecide: 7,
 *   note: "undecidable with 2 shared seeds",
 * };
 * equal(v.tied, true);
 * ```
 */
export interface VersusBest {
  /** True for the best record itself (then the other fields describe nothing). */
  readonly isBest: boolean;
  /** Seeds with a value for both this record and the best. */
  readonly sharedSeeds: readonly number[];
  /** Number of shared seeds. */
  readonly n: number;
  /** Mean of (this − best) over shared seeds; `null` without shared seeds. */
  readonly meanDifference: number | null;
  /** Sample std of the paired differences; `null` for n < 2. */
  readonly std: number | null;
  /** 95% paired-t interval of the mean difference; `null` for n < 2. */
  readonly ci95: readonly [number, number] | null;
  /** The interval contains 0 (`null` when there is no interval). */
  readonly tied: boolean | null;
  /** The difference is resolved: the interval excludes 0. */
  readonly decided: boolean;
  /**
   * Undecided only: shared seeds a decision would need at the observed mean
   * difference and paired std (smallest n with t_{n−1,0.975}·std/√n < |mean
   * difference|); `null` when it cannot be estimated.
   */
  readonly seedsToDecide: number | null;
  /** One plain sentence saying what can and cannot be concluded. */
  readonly note: string;
}

/**
 * Versions and machines behind some rows.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RowProvenance } from "./schema.ts";
 * const p: RowProvenance = {
 *   gitCommits: ["abc"], backends: ["wasm"], tfjsVersions: ["4.22.0"], denoVersions: ["2.9.6"],
 *   v8Versions: ["14"], machines: ["host: cpu, 2 cores, linux x86_64"],
 *   finishedFirst: "2026-01-01T00:00:00.000Z", finishedLast: "2026-01-01T00:00:00.000Z",
 * };
 * equal(p.backends[0], "wasm");
 * ```
 */
export interface RowProvenance {
  /** Distinct git commits of the code that produced the rows, sorted. */
  readonly gitCommits: readonly string[];
  /** Distinct tfjs backends (train rows), sorted. */
  readonly backends: readonly string[];
  /** Distinct tfjs versions, sorted. */
  readonly tfjsVersions: readonly string[];
  /** Distinct Deno versions, sorted. */
  readonly denoVersions: readonly string[];
  /** Distinct V8 versions, sorted. */
  readonly v8Versions: readonly string[];
  /** Distinct machines as `host: cpu model, N cores, os arch`, sorted. */
  readonly machines: readonly string[];
  /** Earliest `finishedAt` (ISO-8601, from the store); `null` without rows. */
  readonly finishedFirst: string | null;
  /** Latest `finishedAt`; `null` without rows. */
  readonly finishedLast: string | null;
}

/**
 * One method (with its variant: allocation, ablation, other settings) in one
 * track.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BoardRecord } from "./schema.ts";
 * const label = (r: Pick<BoardRecord, "label" | "submitted">) =>
 *   r.submitted ? `${r.label} (submitted)` : r.label;
 * equal(label({ label: "eoi (uniform)", submitted: false }), "eoi (uniform)");
 * ```
 */
export interface BoardRecord {
  /** Stable id: `<track id>/<hash of the variant>`. */
  readonly id: string;
  /** The track's id. */
  readonly track: string;
  /** The reproduction the track belongs to (`null`: results outside every reproduction). */
  readonly reproduction: string | null;
  /** The method name (`config.method`). */
  readonly method: string;
  /** The density allocation or pruning score. */
  readonly allocation: string;
  /** The config fields that are not the track's (method, ablation, weightVariance, …). */
  readonly variant: Readonly<Record<string, unknown>>;
  /** Human label: method, allocation and the variant fields that differ within the track. */
  readonly label: string;
  /** True for rows read from a submission file. */
  readonly submitted: boolean;
  /** 1 = best mean; equal means share a rank; `null` without any value. */
  readonly rank: number | null;
  /** Test accuracy over seeds (diverged runs count as `metric.divergedAs`). */
  readonly testAccuracy: Estimate;
  /** Seeds with a value, ascending. */
  readonly seeds: readonly number[];
  /** The value of each seed in `seeds` (same order). */
  readonly values: readonly number[];
  /** Seeds whose run diverged (their value is `metric.divergedAs`). */
  readonly divergedSeeds: readonly number[];
  /** Seeds whose run failed (no value). */
  readonly failedSeeds: readonly number[];
  /** Messages of failed and diverged runs, by seed (first 200 characters). */
  readonly messages: readonly { readonly seed: number; readonly message: string }[];
  /** Comparison with the track's best. */
  readonly versusBest: VersusBest | null;
  /** The density the config asked for. */
  readonly requestedDensity: number;
  /** Mean achieved network density at init (non-zeros over kernel entries). */
  readonly achievedDensity: number | null;
  /** Mean trainable parameters (kept kernel entries, biases, DCT+S scalars). */
  readonly trainableParameters: number | null;
  /** Mean multiply-adds per example over kept entries. */
  readonly sparseMultiplyAdds: number | null;
  /** Mean multiply-adds per example of frozen DCT offsets (DCT+S; else 0). */
  readonly dctOffsetMultiplyAdds: number | null;
  /** Mean multiply-adds per example if every kernel were dense. */
  readonly denseMultiplyAdds: number | null;
  /** Mean optimiser steps actually done. */
  readonly steps: number | null;
  /** Means over seeds of the metrics at initialization. */
  readonly atInit: {
    readonly jacobianMean: number | null;
    readonly jacobianMax: number | null;
    readonly jacobianMin: number | null;
    readonly gradientNorm: number | null;
    readonly logitsStd: number | null;
  };
  /** Mean wall-clock seconds per run. */
  readonly wallSeconds: number | null;
  /** Cell ids of the rows (one per variant normally). */
  readonly cellIds: readonly string[];
  /** Versions and machines of the rows. */
  readonly provenance: RowProvenance;
}

/**
 * A track: cells of one reproduction sharing everything but the method.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TrackInfo } from "./schema.ts";
 * const initOnly = (t: Pick<TrackInfo, "budget">) => t.budget.steps !== null && t.budget.steps <= 1;
 * equal(initOnly({ budget: { steps: 1, epochs: 100, trainExamples: 1280, evaluationExamples: null,
 *   batchSize: 128, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4, biasVariance: 0 } }), true);
 * ```
 */
export interface TrackInfo {
  /** Stable id: `<reproduction or "other">-<12 hex of the track's config hash>`. */
  readonly id: string;
  /** The reproduction (`null`: not part of any). */
  readonly reproduction: string | null;
  /** Human title, e.g. `mnist · mlp 6×100 · tanh · density 0.1 · uniform · 300 steps`. */
  readonly title: string;
  /** The shared config. */
  readonly config: {
    readonly dataset: string;
    readonly architecture: string;
    readonly depth: number;
    readonly width: number;
    readonly activation: string;
    readonly density: number;
    readonly allocation: string;
  };
  /** The shared budget and training recipe. */
  readonly budget: {
    readonly steps: number | null;
    readonly epochs: number | null;
    readonly trainExamples: number | null;
    readonly evaluationExamples: number | null;
    readonly batchSize: number | null;
    readonly learningRate: number | null;
    readonly momentum: number | null;
    readonly weightDecay: number | null;
    readonly biasVariance: number | null;
  };
  /** True when the budget is at most one step: accuracy is not a training result there. */
  readonly initOnly: boolean;
  /** The best record's id (`null` when no record has a value). */
  readonly best: string | null;
  /** Ids of the track's records, in rank order. */
  readonly records: readonly string[];
  /** Plain-language summary of what the seeds can decide in this track. */
  readonly note: string;
}

/**
 * One comparison of a check (from `evaluateVerdict`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ComparisonInfo } from "./schema.ts";
 * const c: ComparisonInfo = {
 *   group: "density=0.1", measured: { label: "method=eoi", n: 2, mean: 0.9, std: 0.01 },
 *   against: null, outcome: "holds", detail: "min 0.9 > 0.5",
 * };
 * equal(c.against, null);
 * ```
 */
export interface ComparisonInfo {
  /** The group compared in. */
  readonly group: string;
  /** The side under test. */
  readonly measured: {
    readonly label: string;
    readonly n: number;
    readonly mean: number | null;
    readonly std: number | null;
  };
  /** What it was compared with (`null` for thresholds and tables). */
  readonly against: {
    readonly label: string;
    readonly n: number;
    readonly mean: number | null;
    readonly std: number | null;
  } | null;
  /** `holds`, `fails`, `inconclusive` or `info`. */
  readonly outcome: string;
  /** The test, e.g. `mean 0.91 > 0.88`. */
  readonly detail: string;
}

/**
 * A reproduction's verdict under one preset.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PresetVerdict } from "./schema.ts";
 * const v: PresetVerdict = {
 *   preset: "quick", description: null, jobs: 4, finished: 4, missing: 0, failed: 0,
 *   verdict: "holds", checks: [],
 * };
 * equal(v.jobs - v.missing, v.finished);
 * ```
 */
export interface PresetVerdict {
  /** `quick` or `paper`. */
  readonly preset: string;
  /** The preset's description from the spec. */
  readonly description: string | null;
  /** Jobs of the grid (cells × the preset's seeds). */
  readonly jobs: number;
  /** Jobs with a final (ok or diverged) row. */
  readonly finished: number;
  /** Jobs without a final row (not run or failed). */
  readonly missing: number;
  /** Jobs whose row is failed. */
  readonly failed: number;
  /**
   * `holds`, `does not hold`, `inconclusive`, `incomplete` or `described`,
   * from the reproduction's `paper` checks only.
   */
  readonly verdict: string;
  /** Every check, in spec order. */
  readonly checks: readonly {
    readonly label: string;
    readonly description: string;
    readonly kind: string;
    /** `paper` (part of the verdict) or `extension` (reported beside it). */
    readonly tag: string;
    readonly verdict: string;
    readonly comparisons: readonly ComparisonInfo[];
  }[];
}

/**
 * A reproduction: its claim and verdicts.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ReproductionInfo } from "./schema.ts";
 * const r: ReproductionInfo = {
 *   name: "x", title: "t", claim: { text: "c", source: "s" }, kind: "train", notes: null,
 *   verdicts: [],
 * };
 * equal(r.verdicts.length, 0); // no results in any store
 * ```
 */
export interface ReproductionInfo {
  /** Name (file name without `.json`). */
  readonly name: string;
  /** One-line title. */
  readonly title: string;
  /** The claim and where it comes from. */
  readonly claim: { readonly text: string; readonly source: string };
  /** `train` or `measure`. */
  readonly kind: string;
  /** The spec's free-form notes. */
  readonly notes: string | null;
  /** One verdict per preset that has at least one row in the stores. */
  readonly verdicts: readonly PresetVerdict[];
}

/**
 * A method's description.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MethodInfo } from "./schema.ts";
 * const m: MethodInfo = { name: "eoi", description: "…", paper: "Nowak et al.", level: "layer", url: null };
 * equal(m.level, "layer");
 * ```
 */
export interface MethodInfo {
  /** The name used in configs. */
  readonly name: string;
  /** What it does (registry, network catalog, or the submission). */
  readonly description: string;
  /** Its paper (short citation). */
  readonly paper: string;
  /** `layer` (registry), `network`, `measure` (measure cells only), `submitted`, or `unknown`. */
  readonly level: "layer" | "network" | "measure" | "submitted" | "unknown";
  /** Submitted methods: an `https://` link given by the submitter. */
  readonly url: string | null;
}

/**
 * Measure cells of one method, shape and density.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MeasureRecord } from "./schema.ts";
 * const entriesOf = (m: Pick<MeasureRecord, "shape">) => m.shape.reduce((a, b) => a * b, 1);
 * equal(entriesOf({ shape: [256, 256] }), 65536);
 * ```
 */
export interface MeasureRecord {
  /** The reproduction (`null`: not part of any). */
  readonly reproduction: string | null;
  /** `exactness` or `timing`. */
  readonly measure: string;
  /** The initializer (or `dct-offset`). */
  readonly method: string;
  /** Kernel dimensions (`[in, out]` or `[kh, kw, cin, cout]`). */
  readonly shape: readonly number[];
  /** Kernel entries (product of `shape`). */
  readonly entries: number;
  /** Requested density. */
  readonly density: number;
  /** Activation the initializer was told about. */
  readonly activation: string;
  /** Seeds with an ok row, ascending. */
  readonly seeds: readonly number[];
  /** Seeds whose row failed. */
  readonly failedSeeds: readonly number[];
  /** Seeds where the initializer rejected the request (e.g. SAO's supported densities). */
  readonly unsupportedSeeds: readonly number[];
  /** Mean achieved density over supported seeds. */
  readonly achievedDensity: number | null;
  /** Largest |achieved − requested| density. */
  readonly densityErrorMax: number | null;
  /** Largest orthogonality error (max |G − I|). */
  readonly orthogonalityErrorMax: number | null;
  /** Smallest mask-is-support flag (1: every mask equals the non-zero pattern). */
  readonly maskIsSupportMin: number | null;
  /** Timing: seconds per generation over seeds (each seed's median of repeats). */
  readonly seconds: Estimate | null;
  /** The rows' cell ids. */
  readonly cellIds: readonly string[];
  /** Versions and machines of the rows. */
  readonly provenance: RowProvenance;
}

/**
 * A source read (a store or a submission file).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceInfo } from "./schema.ts";
 * const s: SourceInfo = {
 *   name: "results.db", kind: "store", rows: 0, ok: 0, diverged: 0, failed: 0, skipped: 0,
 *   duplicates: 0, rowsSha256: "",
 * };
 * equal(s.kind, "store");
 * ```
 */
export interface SourceInfo {
  /** File name (without directories, so builds do not depend on where files sit). */
  readonly name: string;
  /** `store` or `submission`. */
  readonly kind: "store" | "submission";
  /** Rows read (valid ones). */
  readonly rows: number;
  /** Of which ok. */
  readonly ok: number;
  /** Of which diverged. */
  readonly diverged: number;
  /** Of which failed. */
  readonly failed: number;
  /** Rows skipped (corrupt, invalid, another results version): listed in `skipped`. */
  readonly skipped: number;
  /** Rows left out because an earlier source holds the same (cell id, seed). */
  readonly duplicates: number;
  /** SHA-256 of the canonical JSON of the valid rows, in key order. */
  readonly rowsSha256: string;
}

/**
 * A row left out of the leaderboard, and why.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SkippedRow } from "./schema.ts";
 * const s: SkippedRow = { source: "results.db", cellId: "ab", seed: 0, reason: "result.testAccuracy is not a number" };
 * equal(s.seed, 0);
 * ```
 */
export interface SkippedRow {
  /** Which source it came from. */
  readonly source: string;
  /** Its cell id. */
  readonly cellId: string;
  /** Its seed. */
  readonly seed: number;
  /** Why it was skipped. */
  readonly reason: string;
}

/**
 * The whole of leaderboard.json.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LEADERBOARD_SCHEMA_VERSION, type Leaderboard } from "./schema.ts";
 * const version = (b: Pick<Leaderboard, "schemaVersion">) => b.schemaVersion;
 * equal(version({ schemaVersion: LEADERBOARD_SCHEMA_VERSION }), 1);
 * ```
 */
export interface Leaderboard {
  /** Always {@linkcode LEADERBOARD_SCHEMA}. */
  readonly schema: typeof LEADERBOARD_SCHEMA;
  /** Always {@linkcode LEADERBOARD_SCHEMA_VERSION}. */
  readonly schemaVersion: typeof LEADERBOARD_SCHEMA_VERSION;
  /** The ranking metric and the statistics' conventions. */
  readonly metric: {
    readonly name: "testAccuracy";
    readonly higherIsBetter: true;
    readonly divergedAs: number;
    readonly confidenceLevel: number;
  };
  /** What was read. */
  readonly sources: readonly SourceInfo[];
  /** Rows left out. */
  readonly skipped: readonly SkippedRow[];
  /** Versions and machines of every row used. */
  readonly provenance: RowProvenance;
  /** Every reproduction given to the build. */
  readonly reproductions: readonly ReproductionInfo[];
  /** Every method that appears in a record or measure, and every registered one. */
  readonly methods: readonly MethodInfo[];
  /** Every track, reproductions in order, then by title. */
  readonly tracks: readonly TrackInfo[];
  /** One per method (variant) per track. */
  readonly records: readonly BoardRecord[];
  /** Measure cells aggregated per method, shape and density. */
  readonly measures: readonly MeasureRecord[];
}

/**
 * A submitted method's self-description.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SubmittedMethod } from "./schema.ts";
 * const m: SubmittedMethod = { name: "my-init", description: "mine", paper: null, url: null };
 * equal(m.name, "my-init");
 * ```
 */
export interface SubmittedMethod {
  /** The name used in the rows' `config.method`. */
  readonly name: string;
  /** What it does. */
  readonly description: string;
  /** A citation, if any. */
  readonly paper: string | null;
  /** An `https://` link, if any. */
  readonly url: string | null;
}

/**
 * A parsed submission file.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Submission } from "./schema.ts";
 * const s: Submission = { method: { name: "m", description: "d", paper: null, url: null }, rows: [] };
 * equal(s.rows.length, 0);
 * ```
 */
export interface Submission {
  /** Who the rows belong to. */
  readonly method: SubmittedMethod;
  /** Results-store rows (validated one by one later; bad ones are skipped). */
  readonly rows: readonly StoredRow[];
}

function _str(v: unknown, where: string, field: string, optional = false): string | null {
  if (v === undefined || v === null) {
    if (optional) return null;
    throw new BoardInputError(`${where}: field "${field}" is missing`);
  }
  if (typeof v !== "string" || v.trim() === "") {
    throw new BoardInputError(
      `${where}: field "${field}" must be a non-empty string; got ${
        JSON.stringify(v)
      } (${typeof v})`,
    );
  }
  return v;
}

/**
 * Validates a parsed submission file (format, version, method, rows array).
 * Rows are checked one by one by the board, which skips bad ones with their
 * cell id.
 *
 * @throws {BoardInputError} naming `where` and the field: not an object, wrong
 * format, another version, missing method fields, rows not an array.
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { parseSubmission } from "./schema.ts";
 * const s = parseSubmission({ format: "sparse-init-submission", version: 1,
 *   method: { name: "mine", description: "d" }, rows: [] }, "mine.json");
 * equal(s.method.paper, null);
 * throws(() => parseSubmission({ format: "sparse-init-submission", version: 2 }, "x.json"), /version 2/);
 * ```
 */
export function parseSubmission(raw: unknown, where: string): Submission {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new BoardInputError(`${where}: a submission must be a JSON object; got ${typeof raw}`);
  }
  const o = raw as Record<string, unknown>;
  if (o.format !== SUBMISSION_FORMAT) {
    throw new BoardInputError(
      `${where}: field "format" must be "${SUBMISSION_FORMAT}"; got ${JSON.stringify(o.format)}`,
    );
  }
  if (o.version !== SUBMISSION_VERSION) {
    throw new BoardInputError(
      `${where}: submission format version ${
        JSON.stringify(o.version)
      } is not supported; this board reads version ${SUBMISSION_VERSION}`,
    );
  }
  if (typeof o.method !== "object" || o.method === null || Array.isArray(o.method)) {
    throw new BoardInputError(`${where}: field "method" must be an object`);
  }
  const m = o.method as Record<string, unknown>;
  const name = _str(m.name, where, "method.name")!;
  const description = _str(m.description, where, "method.description")!;
  const paper = _str(m.paper, where, "method.paper", true);
  const url = _str(m.url, where, "method.url", true);
  if (!Array.isArray(o.rows)) {
    throw new BoardInputError(`${where}: field "rows" must be an array of results-store rows`);
  }
  return { method: { name, description, paper, url }, rows: o.rows as StoredRow[] };
}

/**
 * Parses leaderboard.json text, checking `schema` and `schemaVersion`.
 *
 * @throws {BoardInputError} for text that is not JSON, another schema, or
 * another schema version (the message says which version this code reads).
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { parseLeaderboard } from "./schema.ts";
 * throws(
 *   () => parseLeaderboard('{"schema":"sparse-init-leaderboard","schemaVersion":2}', "lb.json"),
 *   /schema version 2 .* reads version 1/,
 * );
 * ```
 */
export function parseLeaderboard(text: string, where: string): Leaderboard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BoardInputError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new BoardInputError(`${where}: a leaderboard must be a JSON object`);
  }
  const o = raw as Record<string, unknown>;
  if (o.schema !== LEADERBOARD_SCHEMA) {
    throw new BoardInputError(
      `${where}: field "schema" must be "${LEADERBOARD_SCHEMA}"; got ${JSON.stringify(o.schema)}`,
    );
  }
  if (o.schemaVersion !== LEADERBOARD_SCHEMA_VERSION) {
    throw new BoardInputError(
      `${where}: leaderboard schema version ${
        JSON.stringify(o.schemaVersion)
      } is not supported; this code reads version ${LEADERBOARD_SCHEMA_VERSION}`,
    );
  }
  for (const k of ["sources", "reproductions", "methods", "tracks", "records", "measures"]) {
    if (!Array.isArray(o[k])) throw new BoardInputError(`${where}: field "${k}" must be an array`);
  }
  return o as unknown as Leaderboard;
}
