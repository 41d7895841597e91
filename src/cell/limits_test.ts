import { equal, rejects } from "node:assert/strict";
import { cellConfig } from "./config.ts";
import { initializeNetwork } from "./initialize_network.ts";
import { runCell } from "./run_cell.ts";

Deno.test("runCell refuses a network above the size bounds before any work, naming method, shape and limit", async () => {
  // Depth 1e7 grew without bound before the check.
  await rejects(
    () =>
      runCell(cellConfig({ dataset: "synthetic", method: "eoi", depth: 1e7 }), { backend: "cpu" }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        'runCell("eoi", mlp depth 10000000 width 100): depth 10000000 is above the limit of 10000 layers (maxDepth, --max-depth)',
  );
  await rejects(
    () =>
      runCell(cellConfig({ dataset: "synthetic", method: "sao", width: 100_000 }), {
        backend: "cpu",
      }),
    /runCell\("sao", mlp depth 6 width 100000\), layer 0: the kernel of dense 784x100000 has 78400000 entries, above the limit of 67108864 per layer/,
  );
  await rejects(
    () =>
      runCell(cellConfig({ dataset: "synthetic", method: "kaiming", depth: 20 }), {
        backend: "cpu",
        limits: { maxDepth: 19 },
      }),
    /depth 20 is above the limit of 19 layers/,
  );
  await rejects(
    () =>
      runCell(cellConfig({ dataset: "synthetic", method: "kaiming", depth: 2, width: 16 }), {
        backend: "cpu",
        limits: { maxParameters: 1000 },
      }),
    /the network has 12960 kernel entries in 3 layers, above the limit of 1000 \(maxParameters, --max-parameters\)/,
  );
});

Deno.test("raised bounds let a cell run; initializeNetwork applies the same bounds", async () => {
  const cell = cellConfig({
    dataset: "synthetic",
    method: "kaiming",
    density: 1,
    depth: 1,
    width: 8,
    steps: 1,
    batchSize: 16,
    trainExamples: 64,
  });
  const r = await runCell(cell, { backend: "cpu", limits: { maxParameters: 6352, maxDepth: 1 } });
  equal(r.status, "ok", r.message ?? "");
  const model = {
    architecture: "mlp",
    inputShape: [28, 28, 1],
    depth: 1,
    width: 8,
    classes: 10,
    activation: "tanh",
  } as const;
  await rejects(
    () => initializeNetwork(cell, model, { limits: { maxLayerElements: 6271 } }),
    /initializeNetwork\("kaiming"\), layer 0: the kernel of dense 784x8 has 6272 entries, above the limit of 6271/,
  );
  equal((await initializeNetwork(cell, model, { limits: { maxLayerElements: 6272 } })).length, 2);
});
