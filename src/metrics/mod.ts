/**
 * What the papers measure at initialization (Jacobian spectrum, gradient norm, logits),
 * connectivity and parameter / multiply-add accounting.
 *
 * @module
 */

export * from "./accounting.ts";
export * from "./at_init.ts";
export * from "./connectivity.ts";
export * from "./types.ts";
