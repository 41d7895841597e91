/**
 * Choosing the tfjs backend: `cpu` (plain JS), `wasm` (XNNPACK, SIMD build,
 * single-threaded) and `webgpu`, with `auto` = webgpu on a real GPU, else
 * wasm. tfjs keeps one global engine; {@linkcode useBackend} is idempotent and
 * serialised, so callers can simply call it before building a model.
 *
 * Deno specifics handled here:
 * - wasm: the `.wasm` binaries are read from the installed package's `dist/`
 *   directory through `file://` URLs (Deno's `fetch` reads them); no network.
 * - webgpu: imported lazily (importing it registers a backend with a higher
 *   priority than wasm); tfjs-backend-webgpu 4.22 pushes a nested array into
 *   `requiredFeatures` when the adapter has `bgra8unorm-storage`, which
 *   `requestDevice` rejects, so `GPUAdapter.prototype.requestDevice` is
 *   wrapped once to flatten the list (see {@linkcode flattenRequiredFeatures}).
 *   On the webgpu backend read tensors with `await t.data()`, not `dataSync()`.
 * - The cpu backend prints a "install tfjs-node" banner on its first tensor
 *   when it detects Node (Deno's npm compatibility looks like Node); the
 *   banner is suppressed by marking the backend as already used (a tfjs
 *   internal field, `firstUse`); nothing else is silenced.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installWasmMatMulFix } from "./wasm_matmul.ts";

/**
 * tfjs backends; `auto` = webgpu on a real (non-fallback) GPU adapter, else wasm.
 */
export type BackendName = "auto" | "webgpu" | "wasm" | "cpu";

/**
 * Versions and environment a result was produced with. */
export interface Provenance {
  /** tfjs backend that ran the cell (`none` if none was initialized). */
  readonly backend: string;
  /** Version of tfjs-core. */
  readonly tfjsVersion: string;
  /** Version of Deno. */
  readonly denoVersion: string;
  /** Version of V8. */
  readonly v8Version: string;
  /** Operating system (`Deno.build.os`). */
  readonly os: string;
  /** CPU architecture (`Deno.build.arch`). */
  readonly arch: string;
}

/**
 * Backends {@linkcode useBackend} accepts.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BACKEND_NAMES } from "./backend.ts";
 * equal(BACKEND_NAMES.includes("wasm"), true);
 * ```
 */
export const BACKEND_NAMES: readonly BackendName[] = ["auto", "webgpu", "wasm", "cpu"];

/**
 * {@linkcode backendInfo}'s result: a `Provenance` plus the GPU adapter, if any. */
export interface BackendInfo extends Provenance {
  /** The WebGPU adapter's description (e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`), webgpu only. */
  readonly adapter?: string;
}

/**
 * What identifies a GPU adapter (a subset of `GPUAdapterInfo`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type AdapterDescription, isSoftwareAdapter } from "./backend.ts";
 * const adapter: AdapterDescription = { vendor: "mesa", description: "llvmpipe (LLVM 15.0.6, 256 bits)" };
 * equal(isSoftwareAdapter(adapter), true);
 * ```
 */
export interface AdapterDescription {
  /** Vendor name, e.g. `"nvidia"`. */
  readonly vendor?: string;
  /** Architecture family, e.g. `"ampere"`. */
  readonly architecture?: string;
  /** Device identifier. */
  readonly device?: string;
  /** Human-readable description, e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`. */
  readonly description?: string;
  /** True for a fallback (software) adapter. */
  readonly isFallbackAdapter?: boolean;
}

const _SOFTWARE_ADAPTERS =
  /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

let _queue: Promise<unknown> = Promise.resolve();
let _wasmPathsSet = false;
let _webgpuImported = false;
let _adapterDescription: string | undefined;
let _autoChoice: "webgpu" | "wasm" | undefined;

/**
 * Makes `name` the active tfjs backend and waits until it is ready; returns
 * the backend actually active (`auto` resolves to `"webgpu"` only when
 * {@linkcode hardwareGpuAdapter} finds a real GPU, else `"wasm"`; the choice
 * is made once per process). Calling it again with the active backend does
 * nothing; calls are serialised. Tensors created on another backend stay
 * usable (tfjs moves their data on first use).
 *
 * @param name `"auto"`, `"webgpu"`, `"wasm"` or `"cpu"`.
 * @throws {RangeError} if `name` is not one of {@linkcode BACKEND_NAMES}.
 * @throws {Error} if the backend cannot start (e.g. `webgpu` without
 *   `navigator.gpu` or an adapter); no silent fallback.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import { useBackend } from "./backend.ts";
 * equal(await useBackend("cpu"), "cpu");
 * equal(tf.getBackend(), "cpu");
 * ```
 */
export function useBackend(name: BackendName): Promise<string> {
  if (!BACKEND_NAMES.includes(name)) {
    return Promise.reject(
      new RangeError(
        `useBackend: unknown backend "${name}"; valid names: ${BACKEND_NAMES.join(", ")}`,
      ),
    );
  }
  const run = _queue.then(() => _useBackend(name));
  _queue = run.catch(() => {});
  return run;
}

async function _useBackend(name: BackendName): Promise<string> {
  let target: "webgpu" | "wasm" | "cpu";
  if (name === "auto") {
    _autoChoice ??= (await hardwareGpuAdapter()) !== null ? "webgpu" : "wasm";
    target = _autoChoice;
  } else {
    target = name;
  }
  if (tf.engine().backendName === target && tf.findBackend(target) !== null) {
    return target;
  }
  if (target === "wasm") _prepareWasm();
  if (target === "webgpu") await _prepareWebgpu();
  let ok: boolean;
  try {
    ok = await tf.setBackend(target);
  } catch (e) {
    throw new Error(`useBackend: backend "${target}" failed to start: ${(e as Error).message}`);
  }
  if (!ok) throw new Error(`useBackend: backend "${target}" failed to start`);
  await tf.ready();
  if (target === "cpu") _silenceCpuBanner();
  if (target === "wasm") installWasmMatMulFix();
  return tf.getBackend();
}

function _prepareWasm(): void {
  if (_wasmPathsSet) return;
  let dist: string;
  try {
    dist = new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm")).href;
  } catch {
    dist = new URL("../../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href;
  }
  // A prefix: the backend appends tfjs-backend-wasm{,-simd,-threaded-simd}.wasm itself.
  setWasmPaths(dist);
  _wasmPathsSet = true;
}

async function _prepareWebgpu(): Promise<void> {
  const gpu = _gpu();
  if (gpu === undefined) {
    throw new Error("useBackend: webgpu requested but navigator.gpu is absent in this runtime");
  }
  if (!_webgpuImported) {
    _patchRequestDevice();
    await import("@tensorflow/tfjs-backend-webgpu");
    _webgpuImported = true;
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) throw new Error("useBackend: webgpu requested but no GPU adapter found");
  _adapterDescription = _describe(adapter.info);
}

/** The tfjs-node banner is printed on the cpu backend's first write unless `firstUse` is false. */
function _silenceCpuBanner(): void {
  const backend = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (backend !== null && backend.firstUse === true) backend.firstUse = false;
}

function _gpu(): GPU | undefined {
  return (navigator as Navigator & { gpu?: GPU }).gpu;
}

function _describe(info: AdapterDescription | undefined): string {
  if (info === undefined) return "unknown adapter";
  const text = info.description || [info.vendor, info.architecture, info.device]
    .filter((s) => s !== undefined && s !== "").join(" ");
  return text === "" ? "unknown adapter" : text;
}

/**
 * Flattens a device descriptor's `requiredFeatures` (tfjs-backend-webgpu 4.22
 * pushes `["bgra8unorm-storage"]`, an array, into the list). Returns a new
 * descriptor; other fields are kept.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { flattenRequiredFeatures } from "./backend.ts";
 * const d = flattenRequiredFeatures({
 *   requiredFeatures: ["timestamp-query", ["bgra8unorm-storage"]],
 * });
 * deepEqual(d.requiredFeatures, ["timestamp-query", "bgra8unorm-storage"]);
 * ```
 */
export function flattenRequiredFeatures<T extends { requiredFeatures?: Iterable<unknown> }>(
  descriptor: T,
): T {
  if (descriptor.requiredFeatures === undefined) return descriptor;
  return {
    ...descriptor,
    requiredFeatures: [...descriptor.requiredFeatures].flat(Infinity),
  };
}

function _patchRequestDevice(): void {
  const proto = (globalThis as { GPUAdapter?: { prototype: GPUAdapter } }).GPUAdapter?.prototype;
  if (proto === undefined) return;
  const marker = Symbol.for("sparse-init-suite/flattenRequiredFeatures");
  const patched = proto as GPUAdapter & { [marker]?: true };
  if (patched[marker]) return;
  const original = proto.requestDevice;
  proto.requestDevice = function (this: GPUAdapter, descriptor?: GPUDeviceDescriptor) {
    return original.call(
      this,
      descriptor === undefined ? descriptor : flattenRequiredFeatures(descriptor),
    );
  };
  patched[marker] = true;
}

/**
 * Whether an adapter is a software rasteriser (fallback adapter, or llvmpipe,
 * lavapipe, softpipe, SwiftShader, WARP): such adapters run WebGPU on the CPU,
 * slower than the wasm backend, so `auto` avoids them.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isSoftwareAdapter } from "./backend.ts";
 * equal(isSoftwareAdapter({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }), true);
 * equal(isSoftwareAdapter({ vendor: "nvidia", description: "NVIDIA GeForce RTX 4090" }), false);
 * equal(isSoftwareAdapter({ description: "Some GPU", isFallbackAdapter: true }), true);
 * ```
 */
export function isSoftwareAdapter(info: AdapterDescription): boolean {
  if (info.isFallbackAdapter === true) return true;
  const text = [info.vendor, info.architecture, info.device, info.description].join(" ");
  return _SOFTWARE_ADAPTERS.test(text);
}

/**
 * The description of a real (hardware, non-fallback) WebGPU adapter, or
 * `null` when there is none (no `navigator.gpu`, no adapter, or only a
 * software one). This is what `useBackend("auto")` decides on.
 *
 * @example
 * ```ts
 * import { hardwareGpuAdapter } from "./backend.ts";
 * const adapter = await hardwareGpuAdapter();
 * console.assert(adapter === null || typeof adapter === "string");
 * ```
 */
export async function hardwareGpuAdapter(): Promise<string | null> {
  const gpu = _gpu();
  if (gpu === undefined) return null;
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch {
    return null;
  }
  if (adapter === null) return null;
  const info = adapter.info as AdapterDescription | undefined;
  const legacyFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean })
    .isFallbackAdapter;
  if (legacyFallback === true || info === undefined || isSoftwareAdapter(info)) return null;
  return _describe(info);
}

/**
 * Versions and environment for a result's provenance: the active backend
 * (`"none"` before any {@linkcode useBackend}), tfjs-core's version, Deno's
 * and V8's versions, OS and CPU architecture, and the adapter on webgpu.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { backendInfo, useBackend } from "./backend.ts";
 * await useBackend("cpu");
 * const info = backendInfo();
 * equal(info.backend, "cpu");
 * equal(info.tfjsVersion, "4.22.0");
 * equal(info.denoVersion, Deno.version.deno);
 * ```
 */
export function backendInfo(): BackendInfo {
  const backend = tf.engine().backendName ?? "none";
  const info: BackendInfo = {
    backend,
    tfjsVersion: tf.version_core,
    denoVersion: Deno.version.deno,
    v8Version: Deno.version.v8,
    os: Deno.build.os,
    arch: Deno.build.arch,
  };
  return backend === "webgpu" && _adapterDescription !== undefined
    ? { ...info, adapter: _adapterDescription }
    : info;
}
