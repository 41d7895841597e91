/**
 * Network-level methods: SNIP, GraSP and SynFlow masks, approximate isometry and the sanity
 * ablations.
 *
 * @module
 */

export * from "./ablation.ts";
export * from "./allocations.ts";
export * from "./approx_isometry.ts";
export * from "./global_mask.ts";
export * from "./grasp.ts";
export * from "./network_methods.ts";
export * from "./snip.ts";
export * from "./synflow.ts";
export * from "./descriptions.ts";
