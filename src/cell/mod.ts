/**
 * One experiment cell: its config and validation, its content-addressed id, `initializeNetwork`
 * and `runCell` (data → initialize → measure → train → evaluate), measure cells and provenance.
 *
 * @module
 */

export * from "./canonical.ts";
export * from "./config.ts";
export * from "./id.ts";
export * from "./initialize_network.ts";
export * from "./measure.ts";
export * from "./provenance.ts";
export * from "./run_cell.ts";
export * from "./types.ts";
