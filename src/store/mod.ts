/**
 * The SQLite results store: one row per (cell id, seed), merge and export.
 *
 * @module
 */

export * from "./export.ts";
export * from "./merge.ts";
export * from "./store.ts";
