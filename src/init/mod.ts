/**
 * Per-layer initializers (one file per method), their registry, layer shapes, kernel layout and
 * density allocation: pure functions over typed arrays, no tfjs.
 *
 * @module
 */

export * from "./allocation.ts";
export * from "./dct.ts";
export * from "./delta_orthogonal.ts";
export * from "./density.ts";
export * from "./eoi.ts";
export * from "./initialize.ts";
export * from "./kernel_io.ts";
export * from "./limits.ts";
export * from "./orthogonal.ts";
export * from "./orthogonality.ts";
export * from "./pruned.ts";
export * from "./random_mask.ts";
export * from "./registry.ts";
export * from "./sao.ts";
export * from "./shape.ts";
export * from "./types.ts";
export * from "./variance_scaling.ts";
