/**
 * The seeded generator (xoshiro128**) and its named streams: the suite's only source of
 * randomness.
 *
 * @module
 */

export * from "./rng.ts";
