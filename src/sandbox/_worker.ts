/**
 * The sandbox worker: initializes one layer per message with a registered
 * method and posts the result back, transferring its buffers. Runs with every
 * permission denied (see `sandbox.ts`); it needs none.
 *
 * Message in: `{ method, shape, options }` (the arguments of
 * `initializeLayer`). Message out: `{ ok: true, weights, mask, density }` or
 * `{ ok: false, name, message }`.
 *
 * @module
 */

import { initializeLayer } from "../init/mod.ts";

const scope = self as unknown as Worker;

scope.onmessage = (e: MessageEvent) => {
  const { method, shape, options } = e.data;
  try {
    const r = initializeLayer(method, shape, options);
    scope.postMessage(
      { ok: true, weights: r.weights, mask: r.mask, density: r.density },
      [r.weights.buffer as ArrayBuffer, r.mask.buffer as ArrayBuffer],
    );
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    scope.postMessage({ ok: false, name: error.name, message: error.message });
  }
};
