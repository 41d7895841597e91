/**
 * Reproduction specs → cells: the catalog of reproductions, grid expansion, shards, the runner,
 * verdicts, statistics and progress output.
 *
 * @module
 */

export * from "./catalog.ts";
export * from "./cost.ts";
export * from "./engine_choice.ts";
export * from "./expand.ts";
export * from "./progress.ts";
export * from "./real_run.ts";
export * from "./runner.ts";
export * from "./shard.ts";
export * from "./spec.ts";
export * from "./stats.ts";
export * from "./verdict.ts";
