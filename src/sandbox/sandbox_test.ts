import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { convShape, denseShape, initializeLayer, type LayerShape, methods } from "../init/mod.ts";
import { initializeInSandbox, SANDBOX_WORKER_OPTIONS } from "./sandbox.ts";

const CASES: readonly { shape: LayerShape; density: number }[] = [
  { shape: denseShape(16, 16), density: 0.25 },
  { shape: denseShape(16, 16), density: 1 },
  { shape: convShape(3, 8, 8), density: 0.25 },
  { shape: convShape(3, 8, 8), density: 1 },
];

Deno.test("every registered method gives the same bytes inside the permission-less sandbox as in process", async () => {
  for (const m of methods()) {
    let ran = 0;
    for (const kind of m.kinds) {
      for (const { shape, density } of CASES.filter((c) => c.shape.kind === kind)) {
        const options = { density, seed: 7, activation: "tanh" as const, path: ["sandbox"] };
        let here;
        try {
          here = initializeLayer(m.name, shape, options);
        } catch {
          continue; // not a case this method supports
        }
        const inside = await initializeInSandbox(m.name, shape, options);
        deepEqual(inside.weights, here.weights, `${m.name} ${kind} weights`);
        deepEqual(inside.mask, here.mask, `${m.name} ${kind} mask`);
        equal(inside.density, here.density);
        ran++;
        break;
      }
    }
    ok(ran > 0, `${m.name} ran in the sandbox on no case`);
  }
});

Deno.test("initializeInSandbox() rejects with the initializer's own error, naming method and shape", async () => {
  await rejects(
    () => initializeInSandbox("eoi", denseShape(8, 8), { density: 0.01, seed: 0 }),
    (e: Error) => {
      equal(e.name, "RangeError");
      ok(e.message.includes('initializeInSandbox("eoi"'), e.message);
      ok(/0\.01/.test(e.message), e.message);
      return true;
    },
  );
  await rejects(
    () => initializeInSandbox("no-such-method", denseShape(8, 8), { density: 1, seed: 0 }),
    /no-such-method/,
  );
});

Deno.test("initializeInSandbox() gives up after its timeout and terminates the worker", async () => {
  await rejects(
    () =>
      initializeInSandbox("eoi", denseShape(2048, 2048), { density: 0.5, seed: 0 }, {
        timeoutMs: 1,
      }),
    /no answer within 1 ms; the worker was terminated/,
  );
});

Deno.test("the sandbox's worker options deny file, environment, network and subprocess access", async () => {
  const worker = new Worker(
    new URL("./testdata/probe_worker.ts", import.meta.url),
    SANDBOX_WORKER_OPTIONS as unknown as WorkerOptions,
  );
  const denied = await new Promise<Record<string, boolean>>((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage("probe");
  });
  worker.terminate();
  deepEqual(denied, { read: true, env: true, net: true, run: true });
});
