/**
 * tfjs backends, the functional MLP and circular vanilla CNN with masked and DCT+S layers, and
 * the loss.
 *
 * @module
 */

export * from "./activation.ts";
export * from "./backend.ts";
export * from "./circular_conv.ts";
export * from "./circular_pad.ts";
export * from "./dense.ts";
export * from "./loss.ts";
export * from "./network.ts";
export * from "./shapes.ts";
export * from "./types.ts";
export * from "./wasm_matmul.ts";
