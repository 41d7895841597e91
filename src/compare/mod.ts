/**
 * `compare`: rank a stranger's initializer module against the leaderboard.
 * Isolation: the module runs in a separate, killable, permission-less process
 * (bubblewrap where available) and every reply is checked on the host.
 * Ranking: the module becomes an asynchronous method of the suite, its cells
 * run with the reference leaderboard's paired seeds, and the report gives its
 * rank, paired differences and Holm-corrected counts per track.
 *
 * @module
 */

export {
  type LayerKind,
  type MethodDescription,
  SCORED_WITH,
  USER_METHOD_KEYS,
  type UserMethod,
  validateDescription,
} from "./contract.ts";
export { checkDeterminism, type DeterminismOptions } from "./determinism.ts";
export { checkOf, type SandboxCheck, SandboxError } from "./errors.ts";
export { buildBundle, type Bundle, RUNNER_FILES } from "./bundle.ts";
export { childCommand, childDenoArgs, isAlive } from "./process.ts";
export { type Isolation, openSandbox, type OpenSandboxOptions, type Sandbox } from "./sandbox.ts";
export { type CallOptions, checkRequest, checkResult } from "./validate.ts";
export { DEFAULT_SCORED_WITH, type SandboxedMethod, sandboxedMethod } from "./entry.ts";
export { reportMarkdown } from "./markdown.ts";
export {
  comparePair,
  holm,
  type HolmResult,
  type PairComparison,
  type PairedValues,
  type PairOutcome,
  TIE_MARGIN,
  twoSidedP,
} from "./outcomes.ts";
export {
  CompareInputError,
  type ComparisonPlan,
  planComparison,
  type PlanInput,
  type PlannedTrack,
  type SkippedTrack,
} from "./plan.ts";
export {
  COMPARE_SCHEMA,
  COMPARE_SCHEMA_VERSION,
  type CompareReport,
  compareReport,
  type Counts,
  type EntryComparison,
  type ReportInput,
  type TrackOutcome,
  type TrackReport,
} from "./report.ts";
export {
  type CompareOptions,
  type CompareOutcome,
  defaultOutDir,
  ModuleRejectedError,
  runComparison,
} from "./run.ts";
export { checkSubmissionUrl, submissionOf, writeSubmission } from "./submission.ts";
export {
  currentVersions,
  describeMismatches,
  rowVersions,
  type RunVersions,
  type VersionMismatch,
  versionMismatches,
} from "./versions.ts";
