/**
 * From rows and reproduction specs to the {@linkcode Leaderboard} (the data of
 * leaderboard.json, which every page is rendered from). Pure and
 * deterministic: the same rows give the same bytes.
 *
 * - Membership: a row belongs to a reproduction when its cell id is in the
 *   reproduction's grid under either preset. Rows in no grid (submitted rows,
 *   rows of other experiments) join every reproduction track with their track
 *   config, else a track "outside the reproductions".
 * - Tracks: training cells sharing dataset, architecture, depth, width,
 *   activation, density, allocation and budget (steps, epochs, training and
 *   evaluation examples, batch size, learning rate, momentum, weight decay,
 *   bias variance). Each other config field (method, ablation, weight
 *   variance) makes a record's variant.
 * - Values: test accuracy of ok runs; a diverged run counts as chance
 *   accuracy ({@linkcode DIVERGED_AS}, as the reproductions' verdicts do); a
 *   failed run is no result and is only counted.
 * - Verdicts: per reproduction and preset with at least one row, the
 *   reproduction's checks on its grid's rows (`evaluateVerdict`).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { canonicalJson } from "../cell/mod.ts";
import { expandGrid, presetsOf } from "../grid/mod.ts";
import type { ExpandedGrid, PresetName, ReproductionSpec } from "../grid/mod.ts";
import { MEASURE_EXTRA_METHODS } from "../cell/mod.ts";
import { mean } from "../grid/mod.ts";
import { describeCheck, evaluateVerdict, type Summary } from "../grid/mod.ts";
import { getMethod, methods as registryMethods } from "../init/mod.ts";
import { networkEntries } from "../prune/mod.ts";
import type { StoredRow } from "../store/mod.ts";
import {
  BEST,
  competitionRanks,
  CONFIDENCE_LEVEL,
  estimate,
  roundStat,
  versusBest,
} from "./rank.ts";
import { type BoardRow, type BoardSource, collectRows, rowsCanonicalJson } from "./rows.ts";
import {
  type BoardRecord,
  type ComparisonInfo,
  type Leaderboard,
  LEADERBOARD_SCHEMA,
  LEADERBOARD_SCHEMA_VERSION,
  type MeasureRecord,
  type MethodInfo,
  type PresetVerdict,
  type ReproductionInfo,
  type RowProvenance,
  type SourceInfo,
  type TrackInfo,
} from "./schema.ts";

/**
 * Test accuracy a diverged run counts as: chance on the suite's 10-class
 * datasets (MNIST, Fashion-MNIST, synthetic).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DIVERGED_AS } from "./aggregate.ts";
 * equal(DIVERGED_AS, 0.1);
 * ```
 */
export const DIVERGED_AS = 0.1;

/**
 * Config fields that define a track (the rest define a record's variant).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { TRACK_FIELDS } from "./aggregate.ts";
 * ok(TRACK_FIELDS.includes("density") && !TRACK_FIELDS.includes("method"));
 * ```
 */
export const TRACK_FIELDS: readonly string[] = [
  "dataset",
  "architecture",
  "depth",
  "width",
  "activation",
  "density",
  "allocation",
  "steps",
  "epochs",
  "trainExamples",
  "evaluationExamples",
  "batchSize",
  "learningRate",
  "momentum",
  "weightDecay",
  "biasVariance",
];

/**
 * What {@linkcode buildLeaderboard} is built from.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BoardInput } from "./aggregate.ts";
 * const input: BoardInput = { specs: [], sources: [] };
 * equal(input.sources.length, 0);
 * ```
 */
export interface BoardInput {
  /** The reproductions (claims, grids, checks). */
  readonly specs: readonly ReproductionSpec[];
  /** Stores and submission files, in priority order for duplicate rows. */
  readonly sources: readonly BoardSource[];
}

function _sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function _cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function _sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort(_cmp);
}

function _num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function _get(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const p of path.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function _meanOf(rows: readonly StoredRow[], path: string): number | null {
  const xs = rows.map((r) => _num(_get(r.result, path))).filter((x): x is number => x !== null);
  return xs.length === 0 ? null : roundStat(mean(xs));
}

function _pick(config: Readonly<Record<string, unknown>>, fields: readonly string[]) {
  const o: Record<string, unknown> = {};
  for (const f of fields) o[f] = config[f] ?? null;
  return o;
}

function _variant(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!TRACK_FIELDS.includes(k)) o[k] = v;
  return o;
}

/**
 * Versions and machines of `rows`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { provenanceOf } from "./aggregate.ts";
 * deepEqual(provenanceOf([]).gitCommits, []);
 * ```
 */
export function provenanceOf(rows: readonly StoredRow[]): RowProvenance {
  const s = (f: (r: StoredRow) => unknown) =>
    _sortedUnique(
      rows.map(f).filter((x): x is string => typeof x === "string" && x !== ""),
    );
  const m = (r: StoredRow) => r.machine as Record<string, unknown>;
  const p = (r: StoredRow) => (r.result.provenance ?? {}) as Record<string, unknown>;
  const times = rows.map((r) => r.finishedAt).filter((t) => typeof t === "string").sort(_cmp);
  return {
    gitCommits: s((r) => r.gitCommit),
    backends: s((r) => p(r).backend),
    tfjsVersions: s((r) => p(r).tfjsVersion),
    denoVersions: s((r) => p(r).denoVersion ?? m(r).denoVersion),
    v8Versions: s((r) => p(r).v8Version ?? m(r).v8Version),
    machines: s((r) => {
      const x = m(r);
      if (typeof x !== "object" || x === null || Object.keys(x).length === 0) return undefined;
      return `${x.hostname ?? "unknown"}: ${x.cpuModel ?? "unknown cpu"}, ${
        x.cores ?? "?"
      } cores, ${x.os ?? "?"} ${x.arch ?? "?"}`;
    }),
    finishedFirst: times[0] ?? null,
    finishedLast: times[times.length - 1] ?? null,
  };
}

function _fmtNumber(x: unknown): string {
  if (typeof x !== "number") return String(x);
  return Number.isInteger(x) ? x.toLocaleString("en-US") : String(x);
}

function _budgetText(c: Readonly<Record<string, unknown>>): string {
  const steps = _num(c.steps);
  const len = steps !== null
    ? `${_fmtNumber(steps)} step${steps === 1 ? "" : "s"}`
    : `${_fmtNumber(c.epochs)} epochs`;
  const ex = _num(c.trainExamples);
  return ex === null ? len : `${len} on ${_fmtNumber(ex)} examples`;
}

/**
 * The key that makes a row's track: the canonical JSON of its config's
 * {@linkcode TRACK_FIELDS} (missing fields as `null`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { trackKey } from "./aggregate.ts";
 * equal(trackKey({ method: "eoi", density: 0.1 }), trackKey({ method: "sao", density: 0.1 }));
 * ```
 */
export function trackKey(config: Readonly<Record<string, unknown>>): string {
  return canonicalJson(_pick(config, TRACK_FIELDS));
}

/**
 * A track's id on the board: the reproduction's name (`"other"` for none) and
 * the first 12 hex digits of the SHA-256 of its {@linkcode trackKey}.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { trackId, trackKey } from "./aggregate.ts";
 * ok(/^mlp-mnist-[0-9a-f]{12}$/.test(trackId("mlp-mnist", trackKey({ density: 0.1 }))));
 * ```
 */
export function trackId(reproduction: string | null, key: string): string {
  return `${reproduction ?? "other"}-${_sha(key).slice(0, 12)}`;
}

/**
 * A track's one-line title from its config (dataset, architecture, activation,
 * density, allocation, budget), as the board shows it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { trackTitle } from "./aggregate.ts";
 * equal(
 *   trackTitle({ dataset: "mnist", architecture: "mlp", depth: 6, width: 100, activation: "tanh",
 *     density: 0.1, allocation: "erk", steps: 300, trainExamples: 12800 }),
 *   "mnist · mlp 6×100 · tanh · density 0.1 · erk · 300 steps on 12,800 examples",
 * );
 * ```
 */
export function trackTitle(config: Readonly<Record<string, unknown>>): string {
  return _trackTitle(config, false);
}

function _trackTitle(c: Readonly<Record<string, unknown>>, recipe: boolean): string {
  const parts = [
    String(c.dataset),
    `${c.architecture} ${c.depth}×${c.width}`,
    String(c.activation),
    `density ${c.density}`,
    String(c.allocation),
    _budgetText(c),
  ];
  if (recipe) {
    parts.push(
      `batch ${c.batchSize}, lr ${c.learningRate}, momentum ${c.momentum}, wd ${c.weightDecay}, σ_b² ${c.biasVariance}`,
    );
  }
  return parts.join(" · ");
}

interface _Track {
  readonly reproduction: string | null;
  readonly key: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly rows: BoardRow[];
}

function _labelFor(
  variant: Readonly<Record<string, unknown>>,
  allocation: string,
  varying: readonly string[],
): string {
  const extras = varying.filter((k) => k !== "method").map((k) => {
    const v = variant[k];
    return k === "ablation" ? String(v ?? "none") : `${k}=${v === undefined ? "default" : v}`;
  });
  return `${variant.method} (${[allocation, ...extras].join(", ")})`;
}

function _records(track: _Track, trackId: string): BoardRecord[] {
  const groups = new Map<
    string,
    { variant: Record<string, unknown>; submitted: boolean; rows: BoardRow[] }
  >();
  for (const r of track.rows) {
    const variant = _variant(r.config);
    const k = canonicalJson({ variant, submitted: r.submitted });
    if (!groups.has(k)) groups.set(k, { variant, submitted: r.submitted, rows: [] });
    groups.get(k)!.rows.push(r);
  }
  const keys = new Set<string>();
  for (const g of groups.values()) for (const k of Object.keys(g.variant)) keys.add(k);
  const varying = [...keys].sort(_cmp).filter((k) => {
    const vals = new Set([...groups.values()].map((g) => canonicalJson(g.variant[k] ?? null)));
    return vals.size > 1;
  });
  const allocation = String(track.config.allocation);
  const drafts = [...groups.entries()].map(([k, g]) => {
    const rows = [...g.rows].sort((a, b) => a.seed - b.seed);
    const seeds: number[] = [];
    const values: number[] = [];
    const divergedSeeds: number[] = [];
    const failedSeeds: number[] = [];
    const messages: { seed: number; message: string }[] = [];
    for (const r of rows) {
      if (r.status === "failed") failedSeeds.push(r.seed);
      else {
        seeds.push(r.seed);
        if (r.status === "diverged") {
          divergedSeeds.push(r.seed);
          values.push(DIVERGED_AS);
        } else values.push(r.result.testAccuracy as number);
      }
      if (r.status !== "ok" && r.message !== null) {
        messages.push({ seed: r.seed, message: r.message.slice(0, 200) });
      }
    }
    const withResult = rows.filter((r) => r.status !== "failed");
    return {
      id: `${trackId}-${_sha(k).slice(0, 8)}`,
      label: _labelFor(g.variant, allocation, varying),
      variant: g.variant,
      submitted: g.submitted,
      rows,
      withResult,
      seeds,
      values,
      divergedSeeds,
      failedSeeds,
      messages,
      est: estimate(values),
    };
  });
  drafts.sort((a, b) => {
    const am = a.est.mean;
    const bm = b.est.mean;
    if (am !== bm) {
      if (am === null) return 1;
      if (bm === null) return -1;
      return bm - am;
    }
    return _cmp(a.label, b.label) || (a.submitted === b.submitted ? 0 : a.submitted ? 1 : -1);
  });
  const ranks = competitionRanks(drafts.map((d) => d.est.mean));
  const best = drafts.length > 0 && drafts[0].est.mean !== null ? drafts[0] : null;
  return drafts.map((d, i) => ({
    id: d.id,
    track: trackId,
    reproduction: track.reproduction,
    method: String(d.variant.method),
    allocation,
    variant: d.variant,
    label: d.label,
    submitted: d.submitted,
    rank: ranks[i],
    testAccuracy: d.est,
    seeds: d.seeds,
    values: d.values,
    divergedSeeds: d.divergedSeeds,
    failedSeeds: d.failedSeeds,
    messages: d.messages,
    versusBest: best === null || d.est.mean === null
      ? null
      : d === best
      ? BEST
      : versusBest(d, best),
    requestedDensity: Number(track.config.density),
    achievedDensity: _meanOf(d.withResult, "atInit.networkDensity"),
    trainableParameters: _meanOf(d.withResult, "accounting.trainableParameters"),
    sparseMultiplyAdds: _meanOf(d.withResult, "accounting.sparseMultiplyAdds"),
    dctOffsetMultiplyAdds: _meanOf(d.withResult, "accounting.dctOffsetMultiplyAdds"),
    denseMultiplyAdds: _meanOf(d.withResult, "accounting.denseMultiplyAdds"),
    steps: _meanOf(d.withResult, "steps"),
    atInit: {
      jacobianMean: _meanOf(d.withResult, "atInit.jacobian.mean"),
      jacobianMax: _meanOf(d.withResult, "atInit.jacobian.max"),
      jacobianMin: _meanOf(d.withResult, "atInit.jacobian.min"),
      gradientNorm: _meanOf(d.withResult, "atInit.gradientNorm"),
      logitsStd: _meanOf(d.withResult, "atInit.logitsStd"),
    },
    wallSeconds: roundStat(mean(d.rows.map((r) => r.wallSeconds))),
    cellIds: _sortedUnique(d.rows.map((r) => r.cellId)),
    provenance: provenanceOf(d.rows),
  }));
}

function _trackNote(t: { initOnly: boolean }, recs: readonly BoardRecord[]): string {
  const parts: string[] = [];
  if (t.initOnly) {
    parts.push(
      "Init-only budget: accuracy after at most one step is not a training result; this track is here for its metrics at initialization.",
    );
  }
  const withValues = recs.filter((r) => r.testAccuracy.n > 0);
  if (withValues.length === 0) {
    parts.push("No run of this track has a result yet.");
    return parts.join(" ");
  }
  const ns = _sortedUnique(withValues.map((r) => String(r.testAccuracy.n))).map(Number)
    .sort((a, b) => a - b);
  parts.push(
    `Seeds per method: ${ns.length === 1 ? ns[0] : `${ns[0]}–${ns[ns.length - 1]}`}.`,
  );
  const others = withValues.filter((r) => r.versusBest !== null && !r.versusBest.isBest);
  if (others.length === 0) return parts.join(" ");
  const tied = others.filter((r) => r.versusBest!.tied === true);
  const undecidable = others.filter((r) => r.versusBest!.tied === null);
  const decided = others.filter((r) => r.versusBest!.decided);
  const n = others.length;
  if (decided.length > 0) {
    parts.push(`Below the best (95% paired interval excludes 0): ${decided.length} of ${n}.`);
  }
  if (tied.length > 0) {
    const need = tied.map((r) => r.versusBest!.seedsToDecide).filter((x): x is number =>
      x !== null
    );
    const lo = Math.min(...need);
    const hi = Math.max(...need);
    parts.push(
      `Tied with the best, i.e. too few seeds to tell apart: ${tied.length} of ${n}${
        need.length > 0
          ? ` (deciding ${tied.length === 1 ? "it" : "them"} would take about ${lo}${
            hi !== lo ? `–${hi}` : ""
          } shared seeds at the observed spread)`
          : ""
      }.`,
    );
  }
  if (undecidable.length > 0) {
    parts.push(
      `Not comparable (fewer than 2 seeds shared with the best): ${undecidable.length} of ${n}.`,
    );
  }
  return parts.join(" ");
}

function _sum(s: Summary) {
  return {
    label: s.label,
    n: s.n,
    mean: roundStat(s.mean),
    std: roundStat(s.std),
  };
}

/**
 * Engine choices whose grids the board reads: the default (simd where it runs a cell) and tfjs
 * (stores written before engines existed). A cell's engine is part of its id.
 */
const _ENGINE_CHOICES = ["auto", "tfjs"] as const;

/** The preset's grid under the first engine choice with a row in the store (else the default). */
function _gridWithRows(
  spec: ReproductionSpec,
  preset: PresetName,
  byKey: ReadonlyMap<string, BoardRow>,
): ExpandedGrid {
  const grids = _ENGINE_CHOICES.map((engine) => expandGrid(spec, preset, { engine }));
  return grids.find((g) => g.jobs.some((j) => byKey.has(`${j.id}:${j.seed}`))) ?? grids[0];
}

function _verdicts(spec: ReproductionSpec, byKey: ReadonlyMap<string, BoardRow>): PresetVerdict[] {
  const out: PresetVerdict[] = [];
  for (const preset of presetsOf(spec)) {
    const grid = _gridWithRows(spec, preset, byKey);
    const rows: StoredRow[] = [];
    let failed = 0;
    let missing = 0;
    let present = 0;
    for (const j of grid.jobs) {
      const r = byKey.get(`${j.id}:${j.seed}`);
      if (r === undefined) missing++;
      else {
        present++;
        if (r.status === "failed") {
          failed++;
          missing++;
        } else rows.push(r);
      }
    }
    if (present === 0) continue;
    const report = evaluateVerdict(spec.verdict.checks, rows, missing);
    out.push({
      preset,
      description: spec.presets[preset]?.description ?? null,
      jobs: grid.jobs.length,
      finished: rows.length,
      missing,
      failed,
      verdict: report.verdict,
      checks: report.checks.map((c) => {
        const where = c.check.where === undefined ? "" : ` where ${JSON.stringify(c.check.where)}`;
        return {
          label: c.check.label ?? describeCheck(c.check),
          description: describeCheck(c.check) + where,
          kind: c.check.kind,
          tag: c.tag,
          verdict: c.verdict,
          comparisons: c.comparisons.map((m): ComparisonInfo => ({
            group: m.group,
            measured: _sum(m.left),
            against: m.right === undefined ? null : _sum(m.right),
            outcome: m.outcome,
            detail: m.detail,
          })),
        };
      }),
    });
  }
  return out;
}

function _dims(shape: unknown): number[] {
  const s = shape as Record<string, unknown>;
  if (s.kind === "dense") return [Number(s.inFeatures), Number(s.outFeatures)];
  return [
    Number(s.kernelHeight),
    Number(s.kernelWidth),
    Number(s.inChannels),
    Number(s.outChannels),
  ];
}

function _measures(groups: ReadonlyMap<string, { repro: string | null; rows: BoardRow[] }>) {
  const out: MeasureRecord[] = [];
  for (const { repro, rows } of groups.values()) {
    const sorted = [...rows].sort((a, b) => a.seed - b.seed);
    const c = sorted[0].config;
    const ok = sorted.filter((r) => r.status === "ok");
    const supported = ok.filter((r) => r.result.supported !== false);
    const nums = (k: string) =>
      supported.map((r) => _num(r.result[k])).filter((x): x is number => x !== null);
    const max = (k: string) => nums(k).length === 0 ? null : roundStat(Math.max(...nums(k)));
    const secs = nums("seconds");
    const dims = _dims(c.shape);
    out.push({
      reproduction: repro,
      measure: String(c.measure),
      method: String(c.method),
      shape: dims,
      entries: dims.reduce((a, b) => a * b, 1),
      density: Number(c.density),
      activation: String(c.activation),
      seeds: ok.map((r) => r.seed),
      failedSeeds: sorted.filter((r) => r.status !== "ok").map((r) => r.seed),
      unsupportedSeeds: ok.filter((r) => r.result.supported === false).map((r) => r.seed),
      achievedDensity: nums("achievedDensity").length === 0
        ? null
        : roundStat(mean(nums("achievedDensity"))),
      densityErrorMax: max("densityError"),
      orthogonalityErrorMax: max("orthogonalityError"),
      maskIsSupportMin: nums("maskIsSupport").length === 0
        ? null
        : Math.min(...nums("maskIsSupport")),
      seconds: c.measure === "timing" && secs.length > 0 ? estimate(secs) : null,
      cellIds: _sortedUnique(sorted.map((r) => r.cellId)),
      provenance: provenanceOf(sorted),
    });
  }
  const key = (m: MeasureRecord) =>
    canonicalJson([m.reproduction ?? "~", m.measure, m.method, m.entries, m.shape, m.density]);
  return out.sort((a, b) => _cmp(key(a), key(b)));
}

function _methods(
  used: ReadonlySet<string>,
  submitted: ReadonlyMap<string, BoardSource["method"]>,
): MethodInfo[] {
  const out = new Map<string, MethodInfo>();
  for (const m of registryMethods()) {
    out.set(m.name, {
      name: m.name,
      description: m.description,
      paper: m.paper,
      level: "layer",
      url: null,
    });
  }
  for (const e of networkEntries()) {
    if (e.kind === "method" && !out.has(e.name)) {
      out.set(e.name, {
        name: e.name,
        description: e.description,
        paper: e.paper,
        level: "network",
        url: null,
      });
    }
  }
  for (const name of MEASURE_EXTRA_METHODS) {
    if (name === "dct-offset" && !out.has(name)) {
      out.set(name, {
        name,
        description:
          "The frozen orthonormal DCT-II offset of a DCT+S layer (dctOffset); measured for exactness, never trained",
        paper: getMethod("dct-plus-sparse").paper,
        level: "measure",
        url: null,
      });
    }
  }
  for (const [name, m] of submitted) {
    if (m === undefined) continue;
    const url = m.url !== null && /^https:\/\/[^\s"'<>]+$/.test(m.url) ? m.url : null;
    out.set(`submitted:${name}`, {
      name,
      description: m.description,
      paper: m.paper ?? "",
      level: "submitted",
      url,
    });
  }
  for (const name of used) {
    if (!out.has(name) && !out.has(`submitted:${name}`)) {
      out.set(name, {
        name,
        description: "(not described: not a method of this suite's registry)",
        paper: "",
        level: "unknown",
        url: null,
      });
    }
  }
  return [...out.values()].sort((a, b) =>
    _cmp(a.name, b.name) ||
    _cmp(a.level === "submitted" ? "1" : "0", b.level === "submitted" ? "1" : "0")
  );
}

/**
 * Builds the leaderboard (see the module doc for every rule).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLeaderboard } from "./aggregate.ts";
 * const board = buildLeaderboard({ specs: [], sources: [] });
 * equal(board.schemaVersion, 1);
 * equal(board.records.length, 0);
 * ```
 */
export function buildLeaderboard(input: BoardInput): Leaderboard {
  const collected = collectRows(input.sources);
  const membership = new Map<string, string[]>();
  for (const spec of input.specs) {
    for (const preset of presetsOf(spec)) {
      const cells = _ENGINE_CHOICES.flatMap((engine) => expandGrid(spec, preset, { engine }).cells);
      for (const c of cells) {
        const list = membership.get(c.id) ?? [];
        if (!list.includes(spec.name)) list.push(spec.name);
        membership.set(c.id, list);
      }
    }
  }
  const specOrder = new Map(input.specs.map((s, i) => [s.name, i]));

  const tracks = new Map<string, _Track>();
  const addTo = (repro: string | null, key: string, row: BoardRow) => {
    const k = `${repro ?? ""}\u0000${key}`;
    if (!tracks.has(k)) {
      tracks.set(k, { reproduction: repro, key, config: row.config, rows: [] });
    }
    tracks.get(k)!.rows.push(row);
  };
  const stray: BoardRow[] = [];
  const measureGroups = new Map<string, { repro: string | null; rows: BoardRow[] }>();
  for (const row of collected.rows) {
    const repros = membership.get(row.cellId) ?? [];
    if (row.kind === "measure") {
      for (const repro of repros.length === 0 ? [null] : repros) {
        const k = `${repro ?? ""}\u0000${row.cellId}`;
        if (!measureGroups.has(k)) measureGroups.set(k, { repro, rows: [] });
        measureGroups.get(k)!.rows.push(row);
      }
      continue;
    }
    const key = trackKey(row.config);
    if (repros.length === 0) stray.push(row);
    for (const repro of repros) addTo(repro, key, row);
  }
  for (const row of stray) {
    const key = trackKey(row.config);
    const hosts = [...tracks.values()].filter((t) => t.key === key && t.reproduction !== null)
      .map((t) => t.reproduction);
    for (const repro of hosts.length === 0 ? [null] : hosts) addTo(repro, key, row);
  }

  const trackList = [...tracks.values()];
  const titleCount = new Map<string, number>();
  for (const t of trackList) {
    const k = `${t.reproduction}\u0000${_trackTitle(t.config, false)}`;
    titleCount.set(k, (titleCount.get(k) ?? 0) + 1);
  }
  const infos: TrackInfo[] = [];
  const records: BoardRecord[] = [];
  const drafts = trackList.map((t) => {
    const plain = _trackTitle(t.config, false);
    const title = (titleCount.get(`${t.reproduction}\u0000${plain}`) ?? 0) > 1
      ? _trackTitle(t.config, true)
      : plain;
    return { t, title };
  });
  drafts.sort((a, b) => {
    const ra = a.t.reproduction === null ? Infinity : specOrder.get(a.t.reproduction) ?? Infinity;
    const rb = b.t.reproduction === null ? Infinity : specOrder.get(b.t.reproduction) ?? Infinity;
    if (ra !== rb) return ra - rb;
    const ca = a.t.config;
    const cb = b.t.config;
    return _cmp(String(ca.activation), String(cb.activation)) ||
      Number(ca.depth) - Number(cb.depth) || Number(ca.density) - Number(cb.density) ||
      _cmp(String(ca.allocation), String(cb.allocation)) || _cmp(a.title, b.title) ||
      _cmp(a.t.key, b.t.key);
  });
  for (const { t, title } of drafts) {
    const id = trackId(t.reproduction, t.key);
    const recs = _records(t, id);
    const c = t.config;
    const steps = _num(c.steps);
    const initOnly = steps !== null ? steps <= 1 : _num(c.epochs) === 0;
    records.push(...recs);
    infos.push({
      id,
      reproduction: t.reproduction,
      title,
      config: {
        dataset: String(c.dataset),
        architecture: String(c.architecture),
        depth: Number(c.depth),
        width: Number(c.width),
        activation: String(c.activation),
        density: Number(c.density),
        allocation: String(c.allocation),
      },
      budget: {
        steps,
        epochs: _num(c.epochs),
        trainExamples: _num(c.trainExamples),
        evaluationExamples: _num(c.evaluationExamples),
        batchSize: _num(c.batchSize),
        learningRate: _num(c.learningRate),
        momentum: _num(c.momentum),
        weightDecay: _num(c.weightDecay),
        biasVariance: _num(c.biasVariance),
      },
      initOnly,
      best: recs.length > 0 && recs[0].testAccuracy.mean !== null ? recs[0].id : null,
      records: recs.map((r) => r.id),
      note: _trackNote({ initOnly }, recs),
    });
  }

  const byKey = new Map(
    collected.rows.filter((r) => !r.submitted).map((r) => [`${r.cellId}:${r.seed}`, r]),
  );
  const reproductions: ReproductionInfo[] = input.specs.map((spec) => ({
    name: spec.name,
    title: spec.title,
    claim: { text: spec.claim.text, source: spec.claim.source },
    kind: spec.kind,
    notes: spec.notes ?? null,
    verdicts: _verdicts(spec, byKey),
  }));

  const sources: SourceInfo[] = input.sources.map((s) => {
    const st = collected.perSource.get(s.name)!;
    const count = (x: string) => st.used.filter((r) => r.status === x).length;
    return {
      name: s.name,
      kind: s.kind,
      rows: st.used.length,
      ok: count("ok"),
      diverged: count("diverged"),
      failed: count("failed"),
      skipped: st.skipped,
      duplicates: st.duplicates,
      rowsSha256: _sha(rowsCanonicalJson(st.used)),
    };
  });

  const measures = _measures(measureGroups);
  const used = new Set<string>([
    ...records.map((r) => r.method),
    ...measures.map((m) => m.method),
  ]);
  const submitted = new Map(
    input.sources.filter((s) => s.kind === "submission" && s.method !== undefined)
      .map((s) => [s.method!.name, s.method]),
  );
  return {
    schema: LEADERBOARD_SCHEMA,
    schemaVersion: LEADERBOARD_SCHEMA_VERSION,
    metric: {
      name: "testAccuracy",
      higherIsBetter: true,
      divergedAs: DIVERGED_AS,
      confidenceLevel: CONFIDENCE_LEVEL,
    },
    sources,
    skipped: collected.skipped,
    provenance: provenanceOf(collected.rows),
    reproductions,
    methods: _methods(used, submitted),
    tracks: infos,
    records,
    measures,
  };
}
