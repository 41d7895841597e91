import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { initializeLayer, initializeLayerAsync, registerMethod } from "../init/mod.ts";
import { sandboxedMethod } from "./entry.ts";
import { checkOf } from "./errors.ts";
import { openSandbox } from "./sandbox.ts";

const EXAMPLE = new URL("../../examples/sparse_glorot.ts", import.meta.url).pathname;
const SHAPE = { kind: "dense", inFeatures: 12, outFeatures: 6 } as const;

async function described(path: string) {
  await using s = await openSandbox(path);
  return { describe: s.describe, digest: s.digest };
}

Deno.test("sandboxedMethod: an entry answered by a fresh sandbox per withSandbox, refused outside one", async () => {
  const { describe, digest } = await described(EXAMPLE);
  const method = sandboxedMethod(EXAMPLE, describe, digest);
  equal(method.entry.takesMask, true);
  equal(method.entry.scoredWith, "pruned-kaiming");
  using _ = registerMethod(method.entry);
  const options = { density: 0.5, seed: 2, path: ["layer/1"] };
  const a = await method.withSandbox(() => initializeLayerAsync("sparse-glorot", SHAPE, options));
  const b = await method.withSandbox(() => initializeLayerAsync("sparse-glorot", SHAPE, options));
  equal(a.moduleError, undefined);
  ok(a.value !== undefined && b.value !== undefined);
  deepEqual(a.value.weights, b.value.weights);
  // Outside withSandbox the entry has no process to ask; the synchronous path refuses it.
  await rejects(initializeLayerAsync("sparse-glorot", SHAPE, options), (e: Error) => {
    equal(checkOf(e), "closed");
    return /no sandbox is open/.test(e.message);
  });
  ok(/asynchronous/.test((() => {
    try {
      initializeLayer("sparse-glorot", SHAPE, options);
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  })()));
  // Nested calls are a caller's bug; an error that is not the module's is rethrown.
  await method.withSandbox(async () => {
    await rejects(method.withSandbox(() => Promise.resolve(1)), /may not nest/);
  });
  await rejects(
    method.withSandbox(() => Promise.reject(new Error("not the module"))),
    /not the module/,
  );
});

Deno.test("sandboxedMethod: a reply that fails a check is the module's error; a module whose files changed is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sparse-init-entry-test-" });
  try {
    const path = join(dir, "mine.ts");
    await Deno.copyFile(EXAMPLE, path);
    const { describe, digest } = await described(path);
    const method = sandboxedMethod(path, describe, digest);
    using _ = registerMethod(method.entry);
    const nanPath = new URL("./testdata/ranking/nan_weights.ts", import.meta.url).pathname;
    const nan = await described(nanPath);
    const broken = sandboxedMethod(nanPath, nan.describe, nan.digest);
    using _nan = registerMethod(broken.entry);
    const r = await broken.withSandbox(() =>
      initializeLayerAsync("nan-weights", SHAPE, { density: 1, seed: 0 })
    );
    equal(r.value, undefined);
    equal(checkOf(r.moduleError), "weights-finite");
    await Deno.writeTextFile(path, (await Deno.readTextFile(path)) + "\n// edited\n");
    const changed = await method.withSandbox(() => Promise.resolve(1));
    equal(changed.value, undefined);
    ok(/its files changed during the comparison/.test(changed.moduleError!.message));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
