import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { initializeLayer, initializeLayerAsync } from "./initialize.ts";
import { getMethod, registerMethod } from "./registry.ts";
import type { AsyncInitializer, MethodEntry } from "./types.ts";

const SHAPE = { kind: "dense", inFeatures: 12, outFeatures: 6 } as const;

/** pruned-kaiming, answered asynchronously from the stream key (as a sandbox would). */
function asyncCopy(name: string, initialize?: AsyncInitializer): MethodEntry {
  const base = getMethod("pruned-kaiming");
  return {
    ...base,
    name,
    build: () => {
      throw new Error("build must not be called for an asynchronous entry");
    },
    initializeAsync: initialize ??
      ((request, { seed, path }) =>
        Promise.resolve(base.build()(request, (p) => stream(seed, ...path, p)))),
  };
}

Deno.test("initializeLayerAsync awaits an asynchronous entry with the stream key: pruned-kaiming's bytes", async () => {
  using _ = registerMethod(asyncCopy("async-kaiming"));
  const options = { density: 0.25, seed: 4, path: ["layer/2"], activation: "relu" } as const;
  const got = await initializeLayerAsync("async-kaiming", SHAPE, options);
  deepEqual(got, initializeLayer("pruned-kaiming", SHAPE, options));
  const mask = got.mask.map((m, i) => i % 2 === 0 ? m : 0);
  deepEqual(
    await initializeLayerAsync("async-kaiming", SHAPE, { ...options, mask }),
    initializeLayer("pruned-kaiming", SHAPE, { ...options, mask }),
  );
});

Deno.test("initializeLayer refuses an asynchronous entry, naming the method and the way out", () => {
  using _ = registerMethod(asyncCopy("async-refused"));
  throws(
    () => initializeLayer("async-refused", SHAPE, { density: 0.5, seed: 0 }),
    (e: Error) =>
      e instanceof TypeError && /initializeLayer\("async-refused"\)/.test(e.message) &&
      /asynchronous/.test(e.message) && /initializeLayerAsync/.test(e.message),
  );
});

Deno.test("initializeLayerAsync checks an asynchronous entry's result and arguments", async () => {
  using _ = registerMethod(
    asyncCopy("async-nan", ({ shape }) => {
      const n = shape.kind === "dense" ? shape.inFeatures * shape.outFeatures : 0;
      return Promise.resolve({
        weights: new Float32Array(n).fill(NaN),
        mask: new Uint8Array(n).fill(1),
      });
    }),
  );
  await rejects(
    initializeLayerAsync("async-nan", SHAPE, { density: 1, seed: 0 }),
    /initializeLayer\("async-nan"\): inconsistent result for dense 12x6: weight NaN at index 0/,
  );
  await rejects(
    initializeLayerAsync("async-nan", SHAPE, { density: 2, seed: 0 }),
    /density must be in \(0, 1\]/,
  );
  await rejects(
    initializeLayerAsync("async-nan", SHAPE, { density: 1, seed: 0, methodOptions: { a: 1 } }),
    /asynchronous method takes no methodOptions/,
  );
});

Deno.test("registerMethod checks initializeAsync and refuses references to asynchronous entries", () => {
  throws(
    () => registerMethod({ ...asyncCopy("async-bad"), initializeAsync: 3 as never }),
    /initializeAsync must be a function; got 3/,
  );
  using _ = registerMethod(asyncCopy("async-target"));
  throws(
    () =>
      registerMethod({
        ...getMethod("pruned-kaiming"),
        name: "scored-by-async",
        scoredWith: "async-target",
      }),
    /scoredWith names "async-target", an asynchronous method/,
  );
  throws(() => getMethod("scored-by-async"), /unknown method/);
  equal(getMethod("async-target").takesMask, true);
});
