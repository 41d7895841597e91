/**
 * The static leaderboard: results stores and submissions in, a site out
 * (`index.html`, one page per reproduction and method, `leaderboard.json`,
 * `LEADERBOARD.md`). See `schema.ts` for the data format.
 *
 * @module
 */

export {
  buildLeaderboard,
  DIVERGED_AS,
  provenanceOf,
  TRACK_FIELDS,
  trackId,
  trackKey,
  trackTitle,
} from "./aggregate.ts";
export type { BoardInput } from "./aggregate.ts";
export { buildBoard } from "./build.ts";
export type { BuildBoardOptions, BuiltBoard } from "./build.ts";
export { readStoreSource, readSubmissionSources } from "./read.ts";
export type { BoardRow, BoardSource } from "./rows.ts";
export {
  BoardInputError,
  LEADERBOARD_SCHEMA,
  LEADERBOARD_SCHEMA_VERSION,
  parseLeaderboard,
  parseSubmission,
  SUBMISSION_FORMAT,
  SUBMISSION_VERSION,
} from "./schema.ts";
export type {
  BoardRecord,
  Leaderboard,
  RowProvenance,
  Submission,
  SubmittedMethod,
  TrackInfo,
} from "./schema.ts";
export { leaderboardJson, siteFiles, writeSite } from "./site.ts";
export {
  BEST,
  CONFIDENCE_LEVEL,
  estimate,
  roundStat,
  type SeedValues,
  versusBest,
} from "./rank.ts";
export { copyStore, REFERENCE_DIR, referenceFiles, repositorySpecs } from "./reference.ts";
