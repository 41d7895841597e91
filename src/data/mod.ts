/**
 * MNIST and Fashion-MNIST loaders with a validated binary cache, validation splits, mini-batches
 * and a small synthetic dataset.
 *
 * @module
 */

export * from "./batches.ts";
export * from "./cache.ts";
export * from "./datasets.ts";
export * from "./idx.ts";
export * from "./normalize.ts";
export * from "./split.ts";
export * from "./synthetic.ts";
