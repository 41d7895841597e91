import { equal, throws } from "node:assert/strict";
import { initializeLayer } from "./initialize.ts";
import { checkNetworkSize, DEFAULT_SIZE_LIMITS, sizeLimits } from "./limits.ts";
import { methods } from "./registry.ts";

const LIMIT = DEFAULT_SIZE_LIMITS.maxLayerElements;

Deno.test("initializeLayer refuses oversized kernels at once, naming method, shape and limit", () => {
  // Each of these allocated for minutes or failed anonymously before the bound.
  const cases = [
    ["sao", { kind: "dense", inFeatures: 1e6, outFeatures: 1e6 }, "dense 1000000x1000000", 1e12],
    ["eoi", { kind: "dense", inFeatures: 40000, outFeatures: 40000 }, "dense 40000x40000", 1.6e9],
  ] as const;
  for (const [method, shape, label, n] of cases) {
    throws(
      () => initializeLayer(method, shape, { density: 0.125, seed: 0 }),
      (e: Error) =>
        e instanceof RangeError &&
        e.message ===
          `initializeLayer("${method}"): the kernel of ${label} has ${n} entries, above the limit of ${LIMIT} per layer (maxLayerElements, --max-layer-elements)`,
    );
  }
  for (const m of methods()) {
    const shape = m.kinds.includes("dense")
      ? { kind: "dense", inFeatures: 1e6, outFeatures: 1e6 } as const
      : {
        kind: "conv",
        kernelHeight: 3,
        kernelWidth: 3,
        inChannels: 1e6,
        outChannels: 1e6,
      } as const;
    throws(
      () => initializeLayer(m.name, shape, { density: 1, seed: 0 }),
      new RegExp(
        `^RangeError: initializeLayer\\("${m.name}"\\): the kernel of .* above the limit of ${LIMIT} per layer`,
      ),
      m.name,
    );
  }
});

Deno.test("the layer bound is overridable, and its override is checked", () => {
  const shape = { kind: "dense", inFeatures: 10, outFeatures: 10 } as const;
  throws(
    () => initializeLayer("eoi", shape, { density: 0.5, seed: 0, maxLayerElements: 99 }),
    /dense 10x10 has 100 entries, above the limit of 99 per layer/,
  );
  equal(
    initializeLayer("eoi", shape, { density: 0.5, seed: 0, maxLayerElements: 100 }).weights.length,
    100,
  );
  equal(
    initializeLayer("eoi", shape, { density: 0.5, seed: 0, maxLayerElements: Infinity }).mask
      .length,
    100,
  );
  throws(
    () => initializeLayer("eoi", shape, { density: 0.5, seed: 0, maxLayerElements: 0 }),
    /maxLayerElements must be a positive integer or Infinity; got 0/,
  );
  throws(
    () => sizeLimits({ maxParameters: "5" as unknown as number }),
    /maxParameters must be a positive integer or Infinity; got the string "5"/,
  );
});

Deno.test("checkNetworkSize bounds depth before shapes, then each kernel and the total", () => {
  throws(
    () => checkNetworkSize("net", { depth: 1e7 }),
    /^RangeError: net: depth 10000000 is above the limit of 10000 layers \(maxDepth, --max-depth\)$/,
  );
  const shapes = [
    { kind: "dense", inFeatures: 100, outFeatures: 100 },
    { kind: "dense", inFeatures: 100, outFeatures: 10 },
  ] as const;
  checkNetworkSize("net", { depth: 1, shapes });
  throws(
    () => checkNetworkSize("net", { depth: 1, shapes }, sizeLimits({ maxParameters: 10_999 })),
    /net: the network has 11000 kernel entries in 2 layers, above the limit of 10999 \(maxParameters, --max-parameters\)/,
  );
  throws(
    () => checkNetworkSize("net", { depth: 1, shapes }, sizeLimits({ maxLayerElements: 9999 })),
    /net, layer 0: the kernel of dense 100x100 has 10000 entries/,
  );
});
