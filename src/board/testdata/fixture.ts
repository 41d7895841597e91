/**
 * A small, fully known set of reproductions and stored rows for the board's
 * tests: two train tracks per depth (densities 0.5 and 1), three methods,
 * three seeds, one diverged and one failed run, a measure reproduction, and
 * optional hostile strings and broken rows.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { expandGrid } from "../../grid/mod.ts";
import { RESULTS_VERSION } from "../../cell/mod.ts";
import { canonicalJson } from "../../cell/mod.ts";
import { type ReproductionSpec, validateReproduction } from "../../grid/mod.ts";
import { openStore, type StoredRow } from "../../store/mod.ts";

/** The hostile strings every escaping test uses. */
export const PAYLOADS = {
  script: "<script>window.__pwned = 1; alert(1)</script>",
  attribute: `"><img src=x onerror="window.__pwned=2">`,
  link: "javascript:window.__pwned=3",
} as const;

/**
 * The fixture's reproductions; `hostile` puts payloads in the train one's
 * title and claim.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fixtureSpecs } from "./fixture.ts";
 * equal(fixtureSpecs().length, 2);
 * ```
 */
export function fixtureSpecs(hostile = false): ReproductionSpec[] {
  const train = validateReproduction({
    name: "tiny-train",
    title: hostile ? `Tiny ${PAYLOADS.script}` : "Tiny training reproduction",
    claim: {
      text: hostile ? `EOI wins ${PAYLOADS.attribute}` : "EOI beats kaiming.",
      source: hostile ? PAYLOADS.link : "fixture",
    },
    kind: "train",
    axes: {
      datasets: ["synthetic"],
      architectures: ["mlp"],
      depths: [1, 2],
      widths: [8],
      activations: ["tanh"],
      methods: ["eoi", "pruned-orthogonal", "kaiming"],
      allocations: ["uniform"],
      densities: [0.5, 1],
    },
    presets: {
      quick: { budget: { steps: 10, seeds: [0, 1, 2] } },
      paper: { budget: { steps: 20, seeds: [0, 1, 2] } },
    },
    verdict: {
      checks: [{
        kind: "best",
        label: "EOI beats kaiming",
        metric: "testAccuracy",
        best: { method: "eoi" },
        among: { method: "kaiming" },
        test: "paired-t",
        divergedAs: 0.1,
      }],
    },
  }, "tiny-train.json");
  const measure = validateReproduction({
    name: "tiny-measure",
    title: "Tiny measure reproduction",
    claim: { text: "EOI is fast.", source: "fixture" },
    kind: "measure",
    axes: {
      measures: ["timing"],
      methods: ["eoi", "orthogonal"],
      shapes: [[16, 16], [32, 32]],
      densities: [0.5],
      activations: ["tanh"],
    },
    presets: { quick: { budget: { seeds: [0, 1] } }, paper: { budget: { seeds: [0, 1] } } },
    verdict: { checks: [{ kind: "describe", metric: "seconds", groupBy: ["method", "shape"] }] },
  }, "tiny-measure.json");
  return [train, measure];
}

/** Accuracy of seed `s` per method at density 0.5, depth 1 (the known track). */
export const KNOWN_VALUES: Readonly<Record<string, readonly number[]>> = {
  "eoi": [0.90, 0.92, 0.91],
  "pruned-orthogonal": [0.91, 0.89, 0.93],
  "kaiming": [0.50, 0.52, 0.51],
};

function _value(method: string, depth: number, density: number, seed: number): number {
  const base = KNOWN_VALUES[method][seed];
  return Number((base - (depth - 1) * 0.05 - (density === 1 ? 0.01 : 0)).toFixed(4));
}

/**
 * Rows of every job of the fixture's quick grids. At depth 2, density 1:
 * kaiming seed 2 diverged and pruned-orthogonal seed 1 failed.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fixtureRows, fixtureSpecs } from "./fixture.ts";
 * equal(fixtureRows(fixtureSpecs()).length, 2 * 2 * 3 * 3 + 4 * 2);
 * ```
 */
export function fixtureRows(specs: readonly ReproductionSpec[]): StoredRow[] {
  const rows: StoredRow[] = [];
  const machine = {
    os: "linux",
    arch: "x86_64",
    cpuModel: "Fixture CPU",
    cores: 2,
    hostname: "fixture",
    denoVersion: "2.9.6",
    v8Version: "14.0",
  };
  const provenance = {
    backend: "cpu",
    tfjsVersion: "4.22.0",
    denoVersion: "2.9.6",
    v8Version: "14.0",
    os: "linux",
    arch: "x86_64",
  };
  let t = 0;
  for (const spec of specs) {
    for (const job of expandGrid(spec, "quick").jobs) {
      const c = job.cell.config as unknown as Record<string, unknown>;
      const finishedAt = new Date(Date.UTC(2026, 0, 1, 0, 0, t++)).toISOString();
      const base = {
        cellId: job.id,
        seed: job.seed,
        kind: job.cell.kind,
        config: JSON.parse(canonicalJson(c)),
        wallSeconds: 1.5,
        gitCommit: "0123456789abcdef0123456789abcdef01234567",
        machine,
        resultsVersion: RESULTS_VERSION,
        finishedAt,
      };
      if (job.cell.kind === "measure") {
        const shape = c.shape as { inFeatures: number };
        const seconds = (c.method === "eoi" ? 1e-5 : 4e-5) * shape.inFeatures ** 2 / 256 *
          (1 + job.seed * 0.1);
        rows.push({
          ...base,
          status: "ok",
          message: null,
          result: { status: "ok", supported: true, unsupported: 0, seconds, achievedDensity: 0.5 },
        });
        continue;
      }
      const method = String(c.method);
      const depth = Number(c.depth);
      const density = Number(c.density);
      const failed = depth === 2 && density === 1 && method === "pruned-orthogonal" &&
        job.seed === 1;
      const diverged = depth === 2 && density === 1 && method === "kaiming" && job.seed === 2;
      const acc = _value(method, depth, density, job.seed);
      const status = failed ? "failed" : diverged ? "diverged" : "ok";
      rows.push({
        ...base,
        status,
        message: failed ? "Error: fixture failure" : diverged ? "loss is NaN at step 3" : null,
        result: {
          status,
          testAccuracy: status === "ok" ? acc : null,
          atInit: failed ? null : {
            jacobian: {
              mean: method === "kaiming" ? 0.2 : 1,
              max: method === "kaiming" ? 0.9 : 1.2,
              min: method === "kaiming" ? 0 : 0.8,
              variance: 0.01,
            },
            gradientNorm: density * (method === "kaiming" ? 0.1 : 1),
            logitsStd: density * (method === "kaiming" ? 0.01 : 0.5),
            networkDensity: density * 0.99,
          },
          accounting: failed ? null : {
            trainableParameters: Math.round(800 * density) + 18,
            nonZeros: Math.round(800 * density),
            denseMultiplyAdds: 800,
            sparseMultiplyAdds: Math.round(800 * density),
            dctOffsetEntries: 0,
            dctOffsetMultiplyAdds: 0,
          },
          steps: failed ? 0 : diverged ? 3 : 10,
          provenance,
        },
      });
    }
  }
  return rows;
}

/**
 * Writes the fixture rows into a new store at `path`; with `broken`, also a
 * row whose result is not JSON (cell id `"c".repeat(64)`), a row from
 * another results version and a row whose config does not hash to its id.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openStore } from "../../store/mod.ts";
 * import { fixtureSpecs, writeFixtureStore } from "./fixture.ts";
 * const dir = Deno.makeTempDirSync();
 * writeFixtureStore(`${dir}/r.db`, fixtureSpecs());
 * equal(openStore(`${dir}/r.db`, { readOnly: true }).counts().failed, 1);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function writeFixtureStore(
  path: string,
  specs: readonly ReproductionSpec[],
  broken = false,
): void {
  const rows = fixtureRows(specs);
  const store = openStore(path);
  store.putMany(rows);
  if (broken) {
    const r = rows[0];
    store.put({ ...r, cellId: "a".repeat(64), resultsVersion: RESULTS_VERSION + 1 });
    store.put({ ...r, cellId: "b".repeat(64) });
  }
  store.close();
  if (broken) {
    const db = new DatabaseSync(path);
    db.prepare(
      `INSERT INTO results (cell_id, seed, kind, status, message, config, result, wall_seconds,
        git_commit, machine, results_version, finished_at) VALUES (?, 0, 'train', 'ok', NULL, '{}',
        '{"testAccuracy": 0.9', 1, 'x', '{}', ?, '2026-01-01T00:00:00.000Z')`,
    ).run("c".repeat(64), RESULTS_VERSION);
    db.close();
  }
}
