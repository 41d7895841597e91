/**
 * Runs an initializer inside a Deno `Worker` with every permission denied:
 * no file, network, environment or subprocess access. Initializers are pure
 * functions of plain, transferable inputs (a method name, a shape, a density
 * and a seed) and outputs (typed arrays), so they need none. It is not a
 * sandbox for untrusted code (a Worker can import absolute file paths, has no
 * memory limit of its own and cannot be stopped while it spins): a user's
 * module runs in `src/compare/`'s `openSandbox`, a separate process.
 *
 * Needs Deno's `worker-options` unstable feature (set in `deno.json`).
 *
 * @module
 */

import type { InitializedLayer, InitializeLayerOptions, LayerShape } from "../init/mod.ts";

/**
 * Worker options of the sandbox: a module worker with every permission denied.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SANDBOX_WORKER_OPTIONS } from "./sandbox.ts";
 * equal(SANDBOX_WORKER_OPTIONS.deno.permissions, "none");
 * ```
 */
export const SANDBOX_WORKER_OPTIONS = {
  type: "module",
  deno: { permissions: "none" },
} as const;

/** Options of {@linkcode initializeInSandbox}. */
export interface SandboxOptions {
  /** Give up (and terminate the worker) after this many milliseconds; default 60,000. */
  readonly timeoutMs?: number;
}

/**
 * `initializeLayer(method, shape, options)` inside a permission-less worker.
 * The worker is started for the call and terminated after it.
 *
 * @throws {Error} (rejects) naming the method and shape when the initializer
 *   throws (its error name and message are kept), the worker fails, or the
 *   timeout passes.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { initializeLayer } from "../init/mod.ts";
 * import { initializeInSandbox } from "./sandbox.ts";
 * const shape = { kind: "dense", inFeatures: 16, outFeatures: 16 } as const;
 * const inside = await initializeInSandbox("eoi", shape, { density: 0.25, seed: 1 });
 * const here = initializeLayer("eoi", shape, { density: 0.25, seed: 1 });
 * deepEqual(inside.weights, here.weights);
 * ```
 */
export function initializeInSandbox(
  method: string,
  shape: LayerShape,
  options: InitializeLayerOptions,
  sandbox: SandboxOptions = {},
): Promise<InitializedLayer> {
  const timeoutMs = sandbox.timeoutMs ?? 60_000;
  const where = `initializeInSandbox(${JSON.stringify(method)}, ${JSON.stringify(shape)})`;
  const worker = new Worker(
    new URL("./_worker.ts", import.meta.url),
    SANDBOX_WORKER_OPTIONS as unknown as WorkerOptions,
  );
  return new Promise<InitializedLayer>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${where}: no answer within ${timeoutMs} ms; the worker was terminated`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      worker.terminate();
    };
    worker.onmessage = (e: MessageEvent) => {
      finish();
      const d = e.data;
      if (d.ok) resolve({ weights: d.weights, mask: d.mask, density: d.density });
      else {
        const error = new Error(`${where}: ${d.name}: ${d.message}`);
        error.name = d.name;
        reject(error);
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      finish();
      reject(new Error(`${where}: the worker failed: ${e.message}`));
    };
    worker.postMessage({ method, shape, options });
  });
}
