/**
 * The training step (the one hot path), the loop with its learning-rate schedule, evaluation and
 * the weights digest; the tfjs step engine and the choice between it and the simd engine.
 *
 * @module
 */

export * from "./digest.ts";
export * from "./engines.ts";
export * from "./evaluate.ts";
export * from "./schedule.ts";
export * from "./step.ts";
export * from "./tfjs_engine.ts";
export * from "./train.ts";
