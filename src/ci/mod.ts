/**
 * Continuous benchmark in CI: speed figures as ratios to in-run baselines and
 * their gate (`bench_figures.ts`, commands in `bench_main.ts`), and the
 * accuracy smoke check against the committed reference store (`smoke.ts`,
 * command in `smoke_main.ts`). See docs/benchmarks.md.
 *
 * @module
 */

export * from "./bench_figures.ts";
export * from "./smoke.ts";
