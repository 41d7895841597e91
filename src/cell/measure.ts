/**
 * The runner of "measure" cells: calls an initializer directly (no network,
 * no training) and records exactness or generation time.
 *
 * - `exactness`: achieved vs requested density, orthogonality error (max |G − I|
 *   of the smaller side's Gram matrix, `orthogonalityError` with gain 1), and
 *   whether the mask equals the non-zero pattern. A `RangeError` from the
 *   initializer (e.g. SAO at a density its construction cannot reach) is a
 *   finding, not a failure: `supported: false` with the message.
 * - `timing`: median wall time over `repeats` generations (performance.now).
 *
 * `method: "dct-offset"` measures the frozen DCT matrix of a DCT+S layer
 * (`dctOffset(shape)` from src/init/dct.ts): it is dense by construction.
 *
 * @module
 */

import {
  dctOffset,
  initializeLayer,
  kernelSize,
  type LayerShape,
  orthogonalityError,
} from "../init/mod.ts";
import type { Job, MeasureConfig } from "./id.ts";

/**
 * Methods measure cells accept beyond the registry: `"dct-offset"`, the
 * frozen DCT matrix of a DCT+S layer.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { MEASURE_EXTRA_METHODS } from "./measure.ts";
 * deepEqual(MEASURE_EXTRA_METHODS, ["dct-offset"]);
 * ```
 */
export const MEASURE_EXTRA_METHODS: readonly string[] = ["dct-offset"];

/**
 * What a measure cell records.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { jobsFor } from "./id.ts";
 * import { type MeasureResult, runMeasure } from "./measure.ts";
 * const shape = { kind: "dense", inFeatures: 8, outFeatures: 8 } as const;
 * const [job] = jobsFor({ kind: "measure", config: { measure: "exactness", method: "eoi", shape, density: 0.5, activation: "tanh" } }, [0]);
 * const r: MeasureResult = await runMeasure(job);
 * equal(r.status, "ok");
 * ok(r.orthogonalityError! < 1e-5);
 * ```
 */
export interface MeasureResult {
  /** `ok`, or `failed` (see `message`). */
  readonly status: "ok" | "failed";
  /** For `failed`: what happened. */
  readonly message?: string;
  /** False when the initializer rejected the request with a RangeError. */
  readonly supported: boolean;
  /** 1 when unsupported, else 0 (a number, so verdict tables can count it). */
  readonly unsupported: number;
  /** The density the cell asked for. */
  readonly requestedDensity: number;
  /** Non-zeros of the mask over kernel entries; `null` if not measured. */
  readonly achievedDensity: number | null;
  /** |achieved − requested|. */
  readonly densityError: number | null;
  /** `orthogonalityError` of the kernel; `null` if not measured. */
  readonly orthogonalityError: number | null;
  /** 1 if every mask entry is 1 exactly where the weight is non-zero, else 0. */
  readonly maskIsSupport: number | null;
  /** Timing: median seconds of one generation. */
  readonly seconds: number | null;
  /** Timing: every repeat's seconds. */
  readonly secondsAll: readonly number[];
  /** Wall-clock seconds the cell took. */
  readonly wallSeconds: number;
}

/**
 * The functions a measure cell calls (injectable for tests).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { jobsFor } from "./id.ts";
 * import { MEASURE_DEPS, type MeasureDeps, runMeasure } from "./measure.ts";
 * const deps: MeasureDeps = { ...MEASURE_DEPS, orthogonalityError: () => 0.5 };
 * const shape = { kind: "dense", inFeatures: 4, outFeatures: 4 } as const;
 * const [job] = jobsFor({ kind: "measure", config: { measure: "exactness", method: "eoi", shape, density: 1, activation: "tanh" } }, [0]);
 * equal((await runMeasure(job, deps)).orthogonalityError, 0.5);
 * ```
 */
export interface MeasureDeps {
  /** Initializes one layer (`initializeLayer`). */
  readonly initialize: typeof initializeLayer;
  /** Orthogonality error of a kernel (`orthogonalityError`). */
  readonly orthogonalityError: (weights: ArrayLike<number>, shape: LayerShape) => number;
  /** The frozen DCT+S offset of a shape (`dctOffset`). */
  readonly dctOffset: (shape: LayerShape) => Promise<Float32Array>;
}

/**
 * The real dependencies.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MEASURE_DEPS } from "./measure.ts";
 * equal(MEASURE_DEPS.orthogonalityError([1, 0, 0, 1], { kind: "dense", inFeatures: 2, outFeatures: 2 }), 0);
 * ```
 */
export const MEASURE_DEPS: MeasureDeps = {
  initialize: initializeLayer,
  orthogonalityError: (w, s) => orthogonalityError(w, s),
  dctOffset: (s) => Promise.resolve(dctOffset(s)),
};

function _exact(
  weights: Float32Array,
  mask: Uint8Array | null,
  shape: LayerShape,
  cfg: MeasureConfig,
  deps: MeasureDeps,
) {
  const size = kernelSize(shape);
  let nz = 0;
  let support = 1;
  for (let i = 0; i < size; i++) {
    const on = weights[i] !== 0;
    if (on) nz++;
    if (mask !== null && (mask[i] === 1) !== on) support = 0;
  }
  const ones = mask === null ? nz : mask.reduce((a, b) => a + b, 0);
  const achieved = ones / size;
  return {
    achievedDensity: achieved,
    densityError: mask === null ? null : Math.abs(achieved - cfg.density),
    orthogonalityError: deps.orthogonalityError(weights, shape),
    maskIsSupport: mask === null ? null : support,
  };
}

/**
 * Options of {@linkcode runMeasure}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MeasureOptions } from "./measure.ts";
 * const options: MeasureOptions = { signal: AbortSignal.abort() };
 * equal(options.signal?.aborted, true);
 * ```
 */
export interface MeasureOptions {
  /**
   * Aborting stops a timing cell between two generations (it yields to the
   * event loop there, so a SIGINT handler can run); the result is then
   * `failed` with the message "interrupted" (a runner that aborted records
   * nothing).
   */
  readonly signal?: AbortSignal;
}

/**
 * Runs one measure job. Never throws for a cell's own failure: an unexpected
 * error gives `status: "failed"` with the message.
 *
 * @throws {TypeError} if the job is not a measure job.
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { jobsFor } from "./id.ts";
 * import { runMeasure } from "./measure.ts";
 * const [job] = jobsFor({ kind: "measure", config: { measure: "exactness", method: "orthogonal",
 *   shape: { kind: "dense", inFeatures: 8, outFeatures: 8 }, density: 1, activation: "tanh" } }, [0]);
 * const r = await runMeasure(job);
 * equal(r.status, "ok");
 * ok(r.orthogonalityError! < 1e-5);
 * ```
 */
export async function runMeasure(
  job: Job,
  deps: MeasureDeps = MEASURE_DEPS,
  options: MeasureOptions = {},
): Promise<MeasureResult> {
  if (job.cell.kind !== "measure") {
    throw new TypeError(`runMeasure: job ${job.id} is a ${job.cell.kind} cell, not a measure cell`);
  }
  const cfg = job.cell.config;
  const started = performance.now();
  const base = {
    supported: true,
    unsupported: 0,
    requestedDensity: cfg.density,
    achievedDensity: null,
    densityError: null,
    orthogonalityError: null,
    maskIsSupport: null,
    seconds: null,
    secondsAll: [] as number[],
  };
  const done = (r: Partial<MeasureResult> & Pick<MeasureResult, "status">): MeasureResult => ({
    ...base,
    ...r,
    wallSeconds: (performance.now() - started) / 1000,
  });
  try {
    const generate = async (): Promise<{ weights: Float32Array; mask: Uint8Array | null }> => {
      if (cfg.method === MEASURE_EXTRA_METHODS[0]) {
        return { weights: await deps.dctOffset(cfg.shape), mask: null };
      }
      const r = deps.initialize(cfg.method, cfg.shape, {
        density: cfg.density,
        seed: job.seed,
        activation: cfg.activation,
        path: ["measure"],
      });
      return { weights: r.weights, mask: r.mask };
    };
    if (cfg.measure === "exactness") {
      const { weights, mask } = await generate();
      return done({ status: "ok", ..._exact(weights, mask, cfg.shape, cfg, deps) });
    }
    const repeats = cfg.repeats ?? 1;
    const times: number[] = [];
    let last: { weights: Float32Array; mask: Uint8Array | null } | undefined;
    for (let i = 0; i < repeats; i++) {
      if (i > 0) {
        await new Promise((resolve) => setTimeout(resolve, 0)); // let signal handlers run
        if (options.signal?.aborted === true) {
          return done({ status: "failed", message: "interrupted" });
        }
      }
      const t0 = performance.now();
      last = await generate();
      times.push((performance.now() - t0) / 1000);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted.length % 2 === 1
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    const size = kernelSize(cfg.shape);
    const ones = last!.mask === null ? size : last!.mask.reduce((a, b) => a + b, 0);
    return done({ status: "ok", seconds: median, secondsAll: times, achievedDensity: ones / size });
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (e instanceof RangeError) {
      return done({ status: "ok", supported: false, unsupported: 1, message });
    }
    return done({ status: "failed", message });
  }
}
