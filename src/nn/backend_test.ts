import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import {
  backendInfo,
  flattenRequiredFeatures,
  hardwareGpuAdapter,
  isSoftwareAdapter,
  useBackend,
} from "./backend.ts";
import type { BackendName } from "./backend.ts";
import { stream } from "../rng/mod.ts";

const HAS_GPU = (navigator as Navigator & { gpu?: GPU }).gpu !== undefined;

function _random(rows: number, cols: number, name: string): Float64Array {
  const rng = stream(0, "backend-test", name);
  return Float64Array.from({ length: rows * cols }, () => 2 * rng.uniform() - 1);
}

/** Float64 reference of a·b for row-major a [n, k], b [k, m]. */
function _matmul(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * m + j];
      out[i * m + j] = s;
    }
  }
  return out;
}

function _maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

// Inputs exactly representable in float32 so the reference sees the same numbers.
const A = Float64Array.from(Float32Array.from(_random(17, 33, "a")));
const B = Float64Array.from(Float32Array.from(_random(33, 9, "b")));
const REF = _matmul(A, B, 17, 33, 9);

async function _tfMatmul(): Promise<Float32Array> {
  const a = tf.tensor2d(Float32Array.from(A), [17, 33]);
  const b = tf.tensor2d(Float32Array.from(B), [33, 9]);
  const c = tf.matMul(a, b);
  const out = (await c.data()) as Float32Array;
  tf.dispose([a, b, c]);
  return out;
}

/** A small dense layer forward pass: tanh(x·W + b). */
async function _forward(): Promise<Float32Array> {
  const x = tf.tensor2d(Float32Array.from(_random(32, 64, "x")), [32, 64]);
  const w = tf.tensor2d(Float32Array.from(_random(64, 48, "w")), [64, 48]);
  const b = tf.tensor1d(Float32Array.from(_random(1, 48, "bias")));
  const y = tf.tidy(() => tf.tanh(tf.add(tf.matMul(x, w), b)));
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, w, b, y]);
  return out;
}

for (const name of ["cpu", "wasm"] as const) {
  Deno.test({
    name: `useBackend("${name}") computes a matmul equal to the float64 reference within 1e-5`,
    async fn() {
      equal(await useBackend(name), name);
      equal(tf.getBackend(), name);
      const got = await _tfMatmul();
      const err = _maxAbsDiff(got, REF);
      ok(err < 1e-5, `${name}: max |error| ${err}`);
    },
  });
}

Deno.test({
  name: "useBackend('webgpu') runs matmul + tanh in agreement with wasm within 1e-4",
  ignore: !HAS_GPU, // only when navigator.gpu is absent
  async fn() {
    await useBackend("wasm");
    const onWasm = await _forward();
    equal(await useBackend("webgpu"), "webgpu");
    const onGpu = await _forward();
    const err = _maxAbsDiff(onGpu, onWasm);
    ok(err < 1e-4, `webgpu vs wasm: max |difference| ${err}`);
    ok(_maxAbsDiff(await _tfMatmul(), REF) < 1e-4);
    const info = backendInfo();
    equal(info.backend, "webgpu");
    ok(typeof info.adapter === "string" && info.adapter.length > 0, `adapter ${info.adapter}`);
  },
});

Deno.test({
  name: "useBackend('auto') picks webgpu only on a hardware adapter (wasm on a software one)",
  async fn() {
    const hardware = await hardwareGpuAdapter();
    const chosen = await useBackend("auto");
    equal(chosen, hardware === null ? "wasm" : "webgpu");
    // On a machine whose only adapter is software (llvmpipe), auto is wasm.
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    const adapter = gpu === undefined ? null : await gpu.requestAdapter();
    if (adapter === null || isSoftwareAdapter(adapter.info)) equal(chosen, "wasm");
    equal(await useBackend("auto"), chosen, "the choice is stable");
  },
});

Deno.test({
  name: "useBackend switches back and forth, is idempotent and keeps tensors usable",
  async fn() {
    const order: BackendName[] = HAS_GPU
      ? ["cpu", "wasm", "cpu", "webgpu", "wasm", "webgpu", "cpu"]
      : ["cpu", "wasm", "cpu", "wasm"];
    await useBackend("cpu");
    const kept = tf.tensor1d([1, 2, 3]);
    for (const name of order) {
      equal(await useBackend(name), name);
      const instance = tf.backend();
      equal(await useBackend(name), name);
      equal(tf.backend(), instance, `${name}: a repeated call re-initialises nothing`);
      ok(_maxAbsDiff(await _tfMatmul(), REF) < 1e-4, name);
      deepEqual([...(await kept.data())], [1, 2, 3]);
    }
    // Concurrent calls are serialised: the last one wins.
    const [a, b] = await Promise.all([useBackend("wasm"), useBackend("cpu")]);
    deepEqual([a, b], ["wasm", "cpu"]);
    equal(tf.getBackend(), "cpu");
    kept.dispose();
  },
});

Deno.test("useBackend rejects an unknown name with a RangeError listing the valid names", async () => {
  await rejects(
    () => useBackend("webgl" as BackendName),
    (e: unknown) =>
      e instanceof RangeError && e.message.includes('"webgl"') &&
      ["auto", "webgpu", "wasm", "cpu"].every((n) => e.message.includes(n)),
  );
});

Deno.test({
  name: "backendInfo reports the active backend and the runtime's versions",
  async fn() {
    await useBackend("wasm");
    const info = backendInfo();
    equal(info.backend, "wasm");
    equal(info.tfjsVersion, tf.version_core);
    equal(info.denoVersion, Deno.version.deno);
    equal(info.v8Version, Deno.version.v8);
    equal(info.os, Deno.build.os);
    equal(info.arch, Deno.build.arch);
    equal(info.adapter, undefined);
  },
});

Deno.test("isSoftwareAdapter flags fallback and CPU rasterisers only", () => {
  equal(isSoftwareAdapter({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }), true);
  equal(isSoftwareAdapter({ vendor: "Google", description: "SwiftShader Device (Subzero)" }), true);
  equal(isSoftwareAdapter({ description: "lavapipe" }), true);
  equal(isSoftwareAdapter({ description: "AMD Radeon Pro", isFallbackAdapter: true }), true);
  equal(isSoftwareAdapter({ vendor: "apple", architecture: "metal-3", description: "" }), false);
  equal(
    isSoftwareAdapter({ description: "NVIDIA GeForce RTX 3090", isFallbackAdapter: false }),
    false,
  );
});

Deno.test("flattenRequiredFeatures flattens nested feature lists and keeps other fields", () => {
  const d = flattenRequiredFeatures({
    requiredFeatures: [["bgra8unorm-storage"], "timestamp-query"],
    label: "x",
  });
  deepEqual(d, { requiredFeatures: ["bgra8unorm-storage", "timestamp-query"], label: "x" });
  const none: { label: string; requiredFeatures?: string[] } = { label: "y" };
  equal(flattenRequiredFeatures(none), none);
});

Deno.test("useBackend('wasm') installs the wasm matMul fix before any work (fresh process)", async () => {
  const backend = new URL("./backend.ts", import.meta.url).href;
  const fix = new URL("./wasm_matmul.ts", import.meta.url).href;
  const code = `import { useBackend } from "${backend}";
import { wasmMatMulFixInstalled } from "${fix}";
console.log(wasmMatMulFixInstalled());
await useBackend("wasm");
console.log(wasmMatMulFixInstalled());`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n");
  equal(out.code, 0, new TextDecoder().decode(out.stderr));
  deepEqual(text.slice(-2), ["false", "true"]);
});
