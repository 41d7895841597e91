/**
 * Which cells `compare` runs: the comparison tracks of the reproductions
 * under a preset, the user's cells in each (same config as the track's
 * baselines, method replaced, the same paired seeds) and the baselines'
 * rows found in the reference store.
 *
 * - A track is what the board ranks: a train reproduction's cells sharing
 *   dataset, architecture, depth, width, activation, density, allocation and
 *   budget (`trackKey`); its id is the board's (`trackId`), so the ids of the
 *   reference leaderboard's tracks select them.
 * - The user's cell in a track copies the track's first cell in grid order
 *   whose ablation is `"none"` (so its weight variance, bias variance and
 *   recipe are the baselines'), with `method` replaced; it runs with the
 *   track's seeds (the preset's, or `seeds`): the seeds the reference ran, so
 *   every comparison is paired.
 * - Left out, with the reason: tracks with an init-only budget (at most one
 *   step: their accuracy is not a training result), tracks whose network has
 *   a layer kind the method does not support, and, unless baselines are
 *   re-run, tracks with no baseline row in the reference store.
 *
 * @module
 */

import { type Cell, type Job, jobKey, jobsFor, type TrainConfig } from "../cell/mod.ts";
import { trackId, trackKey, trackTitle } from "../board/mod.ts";
import { expandGrid, type PresetName, type ReproductionSpec } from "../grid/mod.ts";
import { layerShapes } from "../nn/mod.ts";
import type { StoredRow } from "../store/mod.ts";
import type { MethodDescription } from "./contract.ts";

/**
 * A problem with what `compare` was asked to do (an unknown track or preset,
 * mismatched baselines, nothing to compare): the CLI prints it and exits 2.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CompareInputError } from "./plan.ts";
 * equal(new CompareInputError("no such track").name, "CompareInputError");
 * ```
 */
export class CompareInputError extends Error {
  /** @param message what was wrong, naming the value. */
  constructor(message: string) {
    super(message);
    this.name = "CompareInputError";
  }
}

/**
 * What {@linkcode planComparison} works from.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PlanInput } from "./plan.ts";
 * const input: PlanInput = {
 *   specs: [], preset: "quick", referenceRows: [], rerunBaselines: false,
 *   method: { name: "m", description: "d", kinds: ["dense"], takesMask: true },
 * };
 * equal(input.preset, "quick");
 * ```
 */
export interface PlanInput {
  /** The reproductions (only train reproductions have tracks). */
  readonly specs: readonly ReproductionSpec[];
  /** The preset whose grids make the tracks. */
  readonly preset: string;
  /** Seeds replacing the preset's. */
  readonly seeds?: readonly number[];
  /** The user's method. */
  readonly method: MethodDescription;
  /** Every row of the reference store. */
  readonly referenceRows: readonly StoredRow[];
  /** Track ids or reproduction names to keep; default all. */
  readonly tracks?: readonly string[];
  /** Baselines will be re-run: keep tracks the reference has no row of. */
  readonly rerunBaselines: boolean;
}

/**
 * One track to compare in.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PlannedTrack } from "./plan.ts";
 * const seedsOf = (t: Pick<PlannedTrack, "seeds">) => t.seeds.length;
 * equal(seedsOf({ seeds: [0, 1] }), 2);
 * ```
 */
export interface PlannedTrack {
  /** The board's track id. */
  readonly id: string;
  /** The reproduction it belongs to. */
  readonly reproduction: string;
  /** One-line title. */
  readonly title: string;
  /** The track's key (`trackKey`). */
  readonly key: string;
  /** The paired seeds. */
  readonly seeds: readonly number[];
  /** The user's cell config (a baseline's, method replaced). */
  readonly userConfig: TrainConfig;
  /** The user's jobs: one per seed. */
  readonly userJobs: readonly Job[];
  /** Every baseline job of the track (its grid cells × seeds). */
  readonly baselineJobs: readonly Job[];
  /** The reference store's rows of `baselineJobs`. */
  readonly referenceRows: readonly StoredRow[];
}

/**
 * A track left out and why.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SkippedTrack } from "./plan.ts";
 * const s: SkippedTrack = { id: "x-1", reproduction: "x", title: "t", reason: "init-only" };
 * equal(s.reason, "init-only");
 * ```
 */
export interface SkippedTrack {
  /** The board's track id. */
  readonly id: string;
  /** The reproduction. */
  readonly reproduction: string;
  /** One-line title. */
  readonly title: string;
  /** Why it is not compared. */
  readonly reason: string;
}

/**
 * Result of {@linkcode planComparison}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ComparisonPlan } from "./plan.ts";
 * const plan: ComparisonPlan = { preset: "quick", tracks: [], skipped: [] };
 * equal(plan.tracks.length, 0);
 * ```
 */
export interface ComparisonPlan {
  /** The preset. */
  readonly preset: string;
  /** Tracks to compare in, in reproduction then grid order. */
  readonly tracks: readonly PlannedTrack[];
  /** Tracks left out. */
  readonly skipped: readonly SkippedTrack[];
}

interface _Draft {
  readonly id: string;
  readonly reproduction: string;
  readonly key: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly cells: { readonly id: string; readonly cell: Cell }[];
  readonly seeds: readonly number[];
}

/** The layer kinds a track's network has. */
function _kinds(config: Readonly<Record<string, unknown>>): Set<string> {
  const shapes = layerShapes({
    architecture: config.architecture as "mlp" | "cnn",
    inputShape: [8, 8, 1], // the kinds do not depend on the image size
    depth: Number(config.depth),
    width: Number(config.width),
    classes: 10,
    activation: config.activation as "tanh",
  });
  return new Set(shapes.map((s) => s.kind));
}

/** The tracks of the train reproductions' grids under the preset, in order. */
function _drafts(input: PlanInput): _Draft[] {
  const drafts = new Map<string, _Draft>();
  for (const spec of input.specs) {
    if (spec.kind !== "train") continue;
    if (!Object.hasOwn(spec.presets, input.preset)) {
      throw new CompareInputError(
        `--preset: reproduction ${JSON.stringify(spec.name)} defines no preset ${
          JSON.stringify(input.preset)
        }; it defines ${Object.keys(spec.presets).join(", ")}`,
      );
    }
    const grid = expandGrid(spec, input.preset as PresetName, input.seeds);
    for (const c of grid.cells) {
      if (c.cell.kind !== "train") continue;
      const config = c.cell.config as unknown as Record<string, unknown>;
      const key = trackKey(config);
      const id = trackId(spec.name, key);
      if (!drafts.has(id)) {
        drafts.set(id, { id, reproduction: spec.name, key, config, cells: [], seeds: grid.seeds });
      }
      drafts.get(id)!.cells.push(c);
    }
  }
  return [...drafts.values()];
}

/** Keeps the drafts a `--tracks` list names (ids or reproduction names). */
function _filter(drafts: _Draft[], wanted: readonly string[] | undefined): _Draft[] {
  if (wanted === undefined || wanted.length === 0) return drafts;
  for (const w of wanted) {
    if (!drafts.some((d) => d.id === w || d.reproduction === w)) {
      const repros = [...new Set(drafts.map((d) => d.reproduction))];
      throw new CompareInputError(
        `--tracks: ${JSON.stringify(w)} is neither a track id nor a reproduction with tracks; ` +
          `reproductions: ${repros.join(", ")}; tracks: ${drafts.map((d) => d.id).join(", ")}`,
      );
    }
  }
  return drafts.filter((d) => wanted.includes(d.id) || wanted.includes(d.reproduction));
}

/**
 * The comparison tracks (see the module doc for every rule).
 *
 * @throws {CompareInputError} for a preset a train reproduction does not
 *   define, or a `tracks` entry that names no track or reproduction.
 * @example A tiny synthetic reproduction: one track, the user's cell copies a baseline's
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { validateReproduction } from "../grid/mod.ts";
 * import { planComparison } from "./plan.ts";
 * const spec = validateReproduction({
 *   name: "tiny", title: "t", kind: "train", claim: { text: "c", source: "s" },
 *   axes: { datasets: ["synthetic"], architectures: ["mlp"], depths: [1], widths: [8],
 *     activations: ["tanh"], methods: ["eoi", "pruned-kaiming"], allocations: ["uniform"],
 *     densities: [0.5] },
 *   presets: { quick: { budget: { steps: 5, seeds: [0, 1] } }, paper: { budget: { epochs: 1, seeds: [0] } } },
 *   verdict: { checks: [{ kind: "describe", metric: "testAccuracy" }] },
 * }, "tiny.json");
 * const method = { name: "mine", description: "d", kinds: ["dense"], takesMask: true } as const;
 * const plan = planComparison({ specs: [spec], preset: "quick", method, referenceRows: [], rerunBaselines: true });
 * equal(plan.tracks.length, 1);
 * equal(plan.tracks[0].userConfig.method, "mine");
 * equal(plan.tracks[0].userJobs.length, 2);
 * equal(plan.tracks[0].baselineJobs.length, 4);
 * ```
 */
export function planComparison(input: PlanInput): ComparisonPlan {
  const drafts = _filter(_drafts(input), input.tracks);
  const byKey = new Map(input.referenceRows.map((r) => [jobKey(r.cellId, r.seed), r]));
  const tracks: PlannedTrack[] = [];
  const skipped: SkippedTrack[] = [];
  for (const d of drafts) {
    const title = trackTitle(d.config);
    const skip = (reason: string) =>
      skipped.push({ id: d.id, reproduction: d.reproduction, title, reason });
    const steps = d.config.steps;
    if (typeof steps === "number" ? steps <= 1 : d.config.epochs === 0) {
      skip("init-only budget (at most one step): its accuracy is not a training result");
      continue;
    }
    const missingKinds = [..._kinds(d.config)].filter((k) =>
      !input.method.kinds.includes(k as never)
    );
    if (missingKinds.length > 0) {
      skip(
        `its ${d.config.architecture} has ${
          missingKinds.join(" and ")
        } layers; the method supports ${input.method.kinds.join(" and ")} only`,
      );
      continue;
    }
    const baselineJobs = d.cells.flatMap((c) => jobsFor(c.cell, d.seeds));
    const referenceRows = baselineJobs.map((j) => byKey.get(jobKey(j.id, j.seed)))
      .filter((r): r is StoredRow => r !== undefined);
    if (referenceRows.length === 0 && !input.rerunBaselines) {
      skip(
        "the reference store has no baseline row of it (not in the reference leaderboard); " +
          "--rerun-baselines runs its baselines here",
      );
      continue;
    }
    const template = d.cells.find((c) => (c.cell.config as TrainConfig).ablation === "none") ??
      d.cells[0];
    const userConfig: TrainConfig = {
      ...(template.cell.config as TrainConfig),
      ablation: "none",
      method: input.method.name,
    };
    tracks.push({
      id: d.id,
      reproduction: d.reproduction,
      title,
      key: d.key,
      seeds: d.seeds,
      userConfig,
      userJobs: jobsFor({ kind: "train", config: userConfig }, d.seeds),
      baselineJobs,
      referenceRows,
    });
  }
  return { preset: input.preset, tracks, skipped };
}
