/**
 * The training step (the one hot path), the loop with its learning-rate schedule, evaluation and
 * the weights digest.
 *
 * @module
 */

export * from "./digest.ts";
export * from "./schedule.ts";
export * from "./step.ts";
export * from "./train.ts";
