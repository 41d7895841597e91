/**
 * The simd step engine: the suite's MLP and circular CNN trained on plain
 * typed arrays with WebAssembly SIMD kernels built from `kernels.as`
 * (AssemblyScript), and the `StepEngine` contract both engines implement.
 *
 * @module
 */

export * from "./kernels.ts";
export * from "./plan.ts";
export * from "./simd_engine.ts";
export * from "./types.ts";
