/**
 * Whether stored baseline rows can be compared with runs made here: the same
 * tfjs backend, tfjs version, Deno version, JavaScript engine (V8) version
 * and `RESULTS_VERSION`. Paired comparisons assume that a baseline rerun here
 * would give the stored numbers; a different backend or version can change
 * them (e.g. other float rounding), so a mismatch is named and the baselines
 * must be re-run.
 *
 * @module
 */

import { RESULTS_VERSION } from "../cell/mod.ts";
import { backendInfo } from "../nn/mod.ts";
import type { StoredRow } from "../store/mod.ts";

/**
 * The versions a result depends on.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RunVersions } from "./versions.ts";
 * const v: RunVersions = { backend: "wasm", tfjsVersion: "4.22.0", denoVersion: "2.9.6",
 *   v8Version: "15.0", resultsVersion: 1 };
 * equal(v.backend, "wasm");
 * ```
 */
export interface RunVersions {
  /** The tfjs backend. */
  readonly backend: string;
  /** tfjs-core's version. */
  readonly tfjsVersion: string;
  /** Deno's version. */
  readonly denoVersion: string;
  /** The JavaScript engine's (V8's) version. */
  readonly v8Version: string;
  /** The suite's `RESULTS_VERSION`. */
  readonly resultsVersion: number;
}

/** The fields compared, in the order they are reported. */
const _FIELDS: readonly (keyof RunVersions)[] = [
  "backend",
  "tfjsVersion",
  "denoVersion",
  "v8Version",
  "resultsVersion",
];

const _LABELS: Readonly<Record<keyof RunVersions, string>> = {
  backend: "backend",
  tfjsVersion: "tfjs",
  denoVersion: "Deno",
  v8Version: "engine (V8)",
  resultsVersion: "RESULTS_VERSION",
};

/**
 * The versions of this process, after the backend has been chosen
 * (`useBackend`): `backendInfo()` and `RESULTS_VERSION`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { useBackend } from "../nn/mod.ts";
 * import { currentVersions } from "./versions.ts";
 * await useBackend("cpu");
 * equal(currentVersions().backend, "cpu");
 * ```
 */
export function currentVersions(): RunVersions {
  const info = backendInfo();
  return {
    backend: info.backend,
    tfjsVersion: info.tfjsVersion,
    denoVersion: info.denoVersion,
    v8Version: info.v8Version,
    resultsVersion: RESULTS_VERSION,
  };
}

/**
 * The versions a stored row records (its result's provenance and its results
 * version); missing fields read `"unknown"`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rowVersions } from "./versions.ts";
 * const row = { resultsVersion: 1, result: { provenance: { backend: "cpu" } } };
 * equal(rowVersions(row as never).tfjsVersion, "unknown");
 * ```
 */
export function rowVersions(row: StoredRow): RunVersions {
  const p = (row.result?.provenance ?? {}) as Record<string, unknown>;
  const s = (v: unknown) => typeof v === "string" && v !== "" ? v : "unknown";
  return {
    backend: s(p.backend),
    tfjsVersion: s(p.tfjsVersion),
    denoVersion: s(p.denoVersion),
    v8Version: s(p.v8Version),
    resultsVersion: row.resultsVersion,
  };
}

/**
 * One field in which stored rows differ from this process.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { VersionMismatch } from "./versions.ts";
 * const m: VersionMismatch = { field: "backend", label: "backend", current: "cpu", found: ["wasm"], rows: 3 };
 * equal(m.found[0], "wasm");
 * ```
 */
export interface VersionMismatch {
  /** The field. */
  readonly field: keyof RunVersions;
  /** How it is named in messages. */
  readonly label: string;
  /** This process's value. */
  readonly current: string;
  /** The differing values the rows hold, sorted. */
  readonly found: readonly string[];
  /** Rows with a differing value. */
  readonly rows: number;
}

/**
 * The fields in which `rows` (failed rows excepted: they hold no result)
 * differ from `current`.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { versionMismatches } from "./versions.ts";
 * const current = { backend: "wasm", tfjsVersion: "4.22.0", denoVersion: "2.9.6", v8Version: "15", resultsVersion: 1 };
 * const row = { status: "ok", resultsVersion: 1,
 *   result: { provenance: { backend: "cpu", tfjsVersion: "4.22.0", denoVersion: "2.9.6", v8Version: "15" } } };
 * const [m] = versionMismatches([row as never], current);
 * equal(m.field, "backend");
 * deepEqual(m.found, ["cpu"]);
 * ```
 */
export function versionMismatches(
  rows: readonly StoredRow[],
  current: RunVersions,
): VersionMismatch[] {
  const out: VersionMismatch[] = [];
  const final = rows.filter((r) => r.status !== "failed").map(rowVersions);
  for (const field of _FIELDS) {
    const differing = final.filter((v) => v[field] !== current[field]);
    if (differing.length === 0) continue;
    out.push({
      field,
      label: _LABELS[field],
      current: String(current[field]),
      found: [...new Set(differing.map((v) => String(v[field])))].sort(),
      rows: differing.length,
    });
  }
  return out;
}

/**
 * One line per mismatch: `tfjs: 4.21.0 in 12 of 40 rows, 4.22.0 here`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { describeMismatches } from "./versions.ts";
 * equal(
 *   describeMismatches([{ field: "backend", label: "backend", current: "cpu", found: ["wasm"], rows: 2 }], 4),
 *   "backend: wasm in 2 of 4 rows, cpu here",
 * );
 * ```
 */
export function describeMismatches(mismatches: readonly VersionMismatch[], total: number): string {
  return mismatches.map((m) =>
    `${m.label}: ${m.found.join(", ")} in ${m.rows} of ${total} rows, ${m.current} here`
  ).join("; ");
}
