/**
 * sparse-init: a reference benchmark for sparse neural-network initialization.
 *
 * The few names a user needs: initialize a layer, run a cell, expand and run a
 * grid, open a store, read verdicts; then, type-only, the types their
 * signatures use (so that `deno doc --lint mod.ts` finds every one; the only
 * ones it reports are tfjs's own tensor types). Every layer of the suite has its own face
 * with the rest (`@sparse-init/suite/init`, `/nn`, `/cell`, `/grid`, `/store`,
 * … — see `deno.json` `exports`).
 *
 * @example One layer, then one cell
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { cellConfig, denseShape, initializeLayer, orthogonalityError, runCell } from "./mod.ts";
 *
 * const shape = denseShape(64, 64);
 * const layer = initializeLayer("eoi", shape, { density: 0.1, seed: 0 });
 * ok(orthogonalityError(layer.weights, shape) < 1e-6);
 *
 * const result = await runCell(cellConfig({
 *   dataset: "synthetic", method: "eoi", density: 0.5, depth: 2, width: 16, steps: 5,
 *   batchSize: 32, trainExamples: 256,
 * }), { backend: "cpu" });
 * equal(result.status, "ok");
 * ```
 *
 * @module
 */

// Randomness
export { type Rng, stream } from "./src/rng/mod.ts";

// One layer: the initializer contract, the registry, shapes
export {
  type Activation,
  allocateDensities,
  convShape,
  denseShape,
  getMethod,
  type InitializedLayer,
  initializeLayer,
  type InitializeLayerOptions,
  type Initializer,
  type InitRequest,
  type LayerInit,
  type LayerShape,
  type MethodEntry,
  methods,
  orthogonalityError,
  type StreamFor,
} from "./src/init/mod.ts";

// One cell: config in, result out
export {
  type CellConfig,
  cellConfig,
  cellId,
  type CellResult,
  initializeNetwork,
  runCell,
  type RunCellOptions,
} from "./src/cell/mod.ts";
export { type BackendName, useBackend } from "./src/nn/mod.ts";

// Grids, verdicts, the store
export {
  evaluateVerdict,
  expandGrid,
  loadReproductionFile,
  loadReproductions,
  type ReproductionSpec,
  runJobs,
  type VerdictReport,
} from "./src/grid/mod.ts";
export {
  mergeStore,
  openStore,
  type ResultStore,
  type StoredRow,
  StoreError,
} from "./src/store/mod.ts";

// Initializers in a permission-less Worker
export { initializeInSandbox } from "./src/sandbox/mod.ts";

// A user's initializer module in a sandboxed process (compare's isolation)
export { openSandbox, type Sandbox, SandboxError, type UserMethod } from "./src/compare/mod.ts";

// Types that the signatures above use (type-only; `deno doc --lint mod.ts` checks the list)
export type {
  AllocationName,
  Cell,
  CellProvenance,
  InitializeNetworkOptions,
  Job,
  Machine,
  MeasureCell,
  MeasureConfig,
  MeasureName,
  RunProvenance,
  TrainCell,
  TrainConfig,
} from "./src/cell/mod.ts";
export type {
  CallOptions,
  Isolation,
  LayerKind,
  MethodDescription,
  OpenSandboxOptions,
  SandboxCheck,
} from "./src/compare/mod.ts";
export type { Dataset, DatasetName, Normalization } from "./src/data/mod.ts";
export type { ENGINE_NAMES, EngineName } from "./src/engine/mod.ts";
export type {
  Axes,
  BestCheck,
  Block,
  Budget,
  Check,
  CheckResult,
  CheckTag,
  CloseCheck,
  Comparison,
  DescribeCheck,
  ENGINE_CHOICES,
  EngineChoice,
  ExpandedGrid,
  ExpandOptions,
  Filter,
  Fixed,
  Interval,
  Outcome,
  Preset,
  PresetName,
  ProgressSink,
  RunContext,
  RunFn,
  RunJobsOptions,
  RunOutcome,
  RunSummary,
  Summary,
  ThresholdCheck,
  Verdict,
  Vocabulary,
} from "./src/grid/mod.ts";
export type {
  AsyncInitializer,
  ConvShape,
  DenseShape,
  DensityAllocation,
  OrthogonalityErrorOptions,
  SizeLimits,
  StreamKey,
} from "./src/init/mod.ts";
export type { Accounting, InitMetrics, SpectrumSummary } from "./src/metrics/mod.ts";
export type { Architecture, Batch, LayerValues, ModelConfig, Provenance } from "./src/nn/mod.ts";
export type { Ablation } from "./src/prune/mod.ts";
export type { SandboxOptions } from "./src/sandbox/mod.ts";
export type {
  Claimant,
  ClaimInfo,
  ClaimOutcome,
  ClaimTable,
  CorruptRow,
  MergeOptions,
  MergeReport,
  OpenStoreOptions,
  RowStatus,
  StoreCounts,
} from "./src/store/mod.ts";
export type { Curves, TrainProgress } from "./src/train/mod.ts";
