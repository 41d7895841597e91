/**
 * Running reproductions on a cluster: `cluster:slurm` (a Slurm job array, one
 * shard per task, resubmission, merge, report) and its pieces.
 *
 * @module
 */

export { SLURM_EXIT_CODES_HELP, type SlurmDeps, slurmMain } from "./slurm.ts";
export { type PlanOptions, planShards, type ShardPlan } from "./plan.ts";
export * from "./slurm_parse.ts";
export * from "./slurm_script.ts";
