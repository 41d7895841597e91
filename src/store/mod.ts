/**
 * The SQLite results store: one row per (cell id, seed), claims of concurrent
 * runners, merge and export.
 *
 * @module
 */

export * from "./claims.ts";
export * from "./export.ts";
export * from "./merge.ts";
export * from "./store.ts";
