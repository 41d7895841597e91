import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { initializeLayer } from "./initialize.ts";
import { getMethod, methods } from "./registry.ts";
import type { LayerShape } from "./shape.ts";
import type { MethodEntry } from "./types.ts";

/** Files of src/init/ that hold no method (everything else must export a registered entry). */
const NOT_METHOD_FILES = new Set([
  "limits.ts",
  "shape.ts",
  "types.ts",
  "registry.ts",
  "initialize.ts",
  "allocation.ts",
  "random_mask.ts",
  "kernel_io.ts",
  "orthogonality.ts",
  "density.ts",
  "mod.ts",
]);

function isMethodEntry(v: unknown): v is MethodEntry {
  return typeof v === "object" && v !== null && typeof (v as MethodEntry).name === "string" &&
    typeof (v as MethodEntry).build === "function" && Array.isArray((v as MethodEntry).kinds);
}

Deno.test("methods() lists unique kebab-case names, sorted, each with a description and paper", () => {
  const names = methods().map((m) => m.name);
  deepEqual(names, [...names].sort());
  equal(new Set(names).size, names.length);
  for (const m of methods()) {
    ok(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(m.name), m.name);
    ok(m.description.length > 0 && m.paper.length > 0, m.name);
    ok(m.kinds.length > 0 && m.kinds.every((k) => k === "dense" || k === "conv"), m.name);
    equal(getMethod(m.name), m);
  }
  for (
    const required of [
      "kaiming",
      "glorot",
      "orthogonal",
      "delta-orthogonal",
      "pruned-kaiming",
      "pruned-orthogonal",
      "fan-in-scaled",
      "layer-scaled",
      "eoi",
      "eoi-structured",
      "sao",
      "dct-plus-sparse",
    ]
  ) ok(names.includes(required), `missing ${required}`);
});

Deno.test("getMethod() rejects an unknown name and lists every valid one", () => {
  const valid = methods().map((m) => m.name).join(", ");
  throws(() => getMethod("eio"), (e: unknown) => {
    ok(e instanceof RangeError);
    equal(e.message, `getMethod: unknown method "eio"; valid methods: ${valid}`);
    return true;
  });
});

Deno.test("every method file in src/init exports at least one registered entry", async () => {
  const dir = new URL("./", import.meta.url);
  const seen = new Set<MethodEntry>();
  let files = 0;
  for await (const f of Deno.readDir(dir)) {
    if (!f.isFile || !f.name.endsWith(".ts") || f.name.endsWith("_test.ts")) continue;
    if (NOT_METHOD_FILES.has(f.name) || f.name.startsWith("_")) continue; // private helpers
    files++;
    const mod: Record<string, unknown> = await import(new URL(f.name, dir).href);
    const entries = Object.values(mod).filter(isMethodEntry);
    ok(entries.length > 0, `${f.name} exports no MethodEntry`);
    for (const e of entries) {
      equal(getMethod(e.name), e, `${f.name}: entry "${e.name}" is not the registered one`);
      seen.add(e);
    }
  }
  ok(files >= 2, "no method files found");
  for (const m of methods()) {
    ok(seen.has(m), `registered "${m.name}" is exported by no method file`);
  }
});

/** Candidate (shape, density) cases; each method is run on the first that it supports per kind. */
const CASES: readonly { shape: LayerShape; density: number }[] = [
  { shape: { kind: "dense", inFeatures: 16, outFeatures: 16 }, density: 0.25 },
  { shape: { kind: "dense", inFeatures: 16, outFeatures: 16 }, density: 1 },
  {
    shape: { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 8, outChannels: 8 },
    density: 0.25,
  },
  {
    shape: { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 8, outChannels: 8 },
    density: 1,
  },
];

const bytes = (r: { weights: Float32Array; mask: Uint8Array }) =>
  new Uint8Array([
    ...new Uint8Array(r.weights.buffer, r.weights.byteOffset, r.weights.byteLength),
    ...r.mask,
  ]);

Deno.test("every registered method is deterministic: same seed ⇒ same bytes, other seed or layer ⇒ other bytes", () => {
  let exercised = 0;
  for (const m of methods()) {
    for (const kind of m.kinds) {
      let done = false;
      const errors: string[] = [];
      for (const { shape, density } of CASES.filter((c) => c.shape.kind === kind)) {
        const opts = { density, activation: "tanh" as const, path: ["cell", "layer/2"] };
        let a;
        try {
          a = initializeLayer(m.name, shape, { ...opts, seed: 3 });
        } catch (e) {
          errors.push(String(e));
          continue;
        }
        const b = initializeLayer(m.name, shape, { ...opts, seed: 3 });
        const c = initializeLayer(m.name, shape, { ...opts, seed: 4 });
        const d = initializeLayer(m.name, shape, { ...opts, seed: 3, path: ["cell", "layer/3"] });
        deepEqual(bytes(a), bytes(b), `${m.name} ${kind}: same seed, different bytes`);
        notDeepEqual(bytes(a), bytes(c), `${m.name} ${kind}: another seed, same bytes`);
        notDeepEqual(bytes(a), bytes(d), `${m.name} ${kind}: another layer path, same bytes`);
        ok(a.density > 0 && a.density <= 1);
        done = true;
        break;
      }
      ok(done, `${m.name} supports ${kind} but ran on no test case: ${errors.join("; ")}`);
    }
    exercised++;
  }
  equal(exercised, methods().length);
});
