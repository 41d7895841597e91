/**
 * `checkDeterminism`: a sandboxed method must give the same bytes for the
 * same seed twice, and different bytes for another seed. It catches
 * `Math.random`, clocks, and state kept between calls (all in the same
 * process, so a counter is caught too), and methods that ignore their
 * streams.
 *
 * @module
 */

import type { InitializedLayer, InitRequest } from "../init/mod.ts";
import { SandboxError } from "./errors.ts";
import type { Sandbox } from "./sandbox.ts";
import { callLabel, type CallOptions } from "./validate.ts";

/** Options of {@linkcode checkDeterminism}: the call, and the seed to compare with. */
export interface DeterminismOptions extends CallOptions {
  /** The other seed; default `seed + 1` (`seed - 1` at the largest safe integer). */
  readonly otherSeed?: number;
}

/** The first index where two layers' bytes differ, and what differs there. */
function _firstDifference(a: InitializedLayer, b: InitializedLayer): string | undefined {
  const wa = new Uint32Array(a.weights.buffer, a.weights.byteOffset, a.weights.length);
  const wb = new Uint32Array(b.weights.buffer, b.weights.byteOffset, b.weights.length);
  for (let i = 0; i < wa.length; i++) {
    if (wa[i] !== wb[i]) return `weights at index ${i} (${a.weights[i]} then ${b.weights[i]})`;
  }
  for (let i = 0; i < a.mask.length; i++) {
    if (a.mask[i] !== b.mask[i]) return `mask at index ${i} (${a.mask[i]} then ${b.mask[i]})`;
  }
  return undefined;
}

/**
 * Calls `sandbox.initialize` three times — `seed`, `seed` again, `otherSeed`
 * — and returns the first result if the first two are byte-identical and the
 * third differs from them.
 *
 * @throws {SandboxError} (rejects) `deterministic` naming the first differing
 *   entry, or `seed-sensitive` when another seed gives the same bytes; and
 *   whatever `initialize` throws.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkDeterminism, openSandbox } from "./mod.ts";
 * await using sandbox = await openSandbox("examples/sparse_glorot.ts");
 * const shape = { kind: "dense", inFeatures: 8, outFeatures: 8 } as const;
 * const layer = await checkDeterminism(sandbox, { shape, density: 0.5, activation: "relu" }, { seed: 3 });
 * equal(layer.density, 0.5);
 * ```
 */
export async function checkDeterminism(
  sandbox: Sandbox,
  request: InitRequest,
  options: DeterminismOptions,
): Promise<InitializedLayer> {
  const { seed } = options;
  const otherSeed = options.otherSeed ??
    (seed === Number.MAX_SAFE_INTEGER ? seed - 1 : seed + 1);
  if (otherSeed === seed) {
    throw new RangeError(`checkDeterminism: otherSeed must differ from seed ${seed}`);
  }
  const label = callLabel(sandbox.describe.name, request.shape);
  const call = { seed, ...(options.path === undefined ? {} : { path: options.path }) };
  const first = await sandbox.initialize(request, call);
  const again = await sandbox.initialize(request, call);
  const diff = _firstDifference(first, again);
  if (diff !== undefined) {
    throw new SandboxError(
      "deterministic",
      `${label}: the same seed ${seed} gave different ${diff}: the method must draw only from ` +
        `streams(purpose) (no Math.random, clocks or state kept between calls)`,
    );
  }
  const other = await sandbox.initialize(request, { ...call, seed: otherSeed });
  if (_firstDifference(first, other) === undefined) {
    throw new SandboxError(
      "seed-sensitive",
      `${label}: seeds ${seed} and ${otherSeed} gave the same bytes: the method ignores its streams`,
    );
  }
  return first;
}
