import { equal, ok } from "node:assert/strict";
import { jobsFor } from "../cell/mod.ts";
import {
  costedJob,
  createPoolProgress,
  createProgress,
  estimateRemainingSeconds,
} from "./progress.ts";

const mlp = { keys: ["mlp-cell", "mlp", "train", "*"], cost: 1 };
const cnn = { keys: ["cnn-cell", "cnn", "train", "*"], cost: 100 };

Deno.test("the ETA costs each kind of remaining job, not the running slow cell times the jobs left", () => {
  // The quick preset's case: a deep CNN cell runs (20% done after 60 s), 100 MLP cells are left,
  // and MLP cells took 2 s each. Extrapolating the current cell gave 100 × 300 s ≈ 8 h.
  const finished = Array.from({ length: 4 }, () => ({ ...mlp, seconds: 2 }));
  const remaining = Array.from({ length: 100 }, () => mlp);
  const eta = estimateRemainingSeconds({
    finished,
    remaining,
    running: [{ ...cnn, elapsed: 60, fraction: 0.2 }],
  })!;
  equal(eta, 240 + 200); // the CNN's own 240 s left, plus 100 × 2 s
  // Below 10% of its steps a running job is costed like the others: 100 units × 2 s − 10 s elapsed.
  equal(
    estimateRemainingSeconds({
      finished,
      remaining: [],
      running: [{ ...cnn, elapsed: 10, fraction: 0.05 }],
    }),
    190,
  );
});

Deno.test("a kind with no finished job is estimated from a coarser kind, scaled by cost", () => {
  const finished = [{ keys: ["a", "mlp", "*"], cost: 2, seconds: 4 }];
  // Same coarse kind, twice the cost → twice the seconds per cost unit of "mlp": 2 s per unit.
  equal(
    estimateRemainingSeconds({ finished, remaining: [{ keys: ["b", "mlp", "*"], cost: 4 }] }),
    8,
  );
  // The finest key with data wins over coarser ones.
  const two = [...finished, { keys: ["b", "mlp", "*"], cost: 4, seconds: 1 }];
  equal(
    estimateRemainingSeconds({ finished: two, remaining: [{ keys: ["b", "mlp", "*"], cost: 4 }] }),
    1,
  );
  // Only "*" in common: the global rate.
  equal(
    estimateRemainingSeconds({ finished, remaining: [{ keys: ["m", "measure", "*"], cost: 1 }] }),
    2,
  );
});

Deno.test("a coarse kind's rate is a mean of per-job rates: one costly job does not set it for many cheap ones", () => {
  const finished = [
    { keys: ["cnn", "train", "*"], cost: 100, seconds: 100 },
    ...Array.from({ length: 9 }, () => ({ keys: ["mlp", "train", "*"], cost: 1, seconds: 3 })),
  ];
  // (1 + 9 × 3) / 10 = 2.8 s per unit (a ratio of sums would say 127 / 109 ≈ 1.17).
  const eta = estimateRemainingSeconds({
    finished,
    remaining: [{ keys: ["new", "train", "*"], cost: 1 }],
  })!;
  ok(Math.abs(eta - 2.8) < 1e-12, String(eta));
});

Deno.test("the ETA divides the work among workers but is never below the longest job left", () => {
  const finished = [{ ...mlp, seconds: 10 }, { ...cnn, seconds: 1000 }];
  const remaining = [mlp, mlp, mlp, mlp];
  equal(estimateRemainingSeconds({ finished, remaining, workers: 2 }), 20);
  equal(estimateRemainingSeconds({ finished, remaining: [cnn, mlp], workers: 2 }), 1000);
});

Deno.test("the ETA is unknown before anything is known, and then learns from a running job's steps", () => {
  equal(estimateRemainingSeconds({ finished: [], remaining: [mlp] }), undefined);
  equal(
    estimateRemainingSeconds({
      finished: [],
      remaining: [mlp],
      running: [{ ...mlp, elapsed: 1, fraction: 0 }],
    }),
    undefined,
  );
  // 50% after 1 s: this job needs 1 s more, and another of its kind 2 s.
  equal(
    estimateRemainingSeconds({
      finished: [],
      remaining: [mlp],
      running: [{ ...mlp, elapsed: 1, fraction: 0.5 }],
    }),
    3,
  );
  equal(estimateRemainingSeconds({ finished: [], remaining: [] }), 0);
});

Deno.test("costedJob: a cell's seeds share its finest key; cost grows with depth, width and steps", () => {
  const cell = (depth: number, steps: number) => ({
    kind: "train" as const,
    config: {
      dataset: "mnist",
      architecture: "mlp",
      depth,
      width: 100,
      activation: "tanh",
      method: "eoi",
      allocation: "uniform",
      density: 0.1,
      steps,
    },
  });
  // deno-lint-ignore no-explicit-any
  const [a0, a1] = jobsFor(cell(2, 100) as any, [0, 1]);
  // deno-lint-ignore no-explicit-any
  const [b] = jobsFor(cell(20, 100) as any, [0]);
  // deno-lint-ignore no-explicit-any
  const [c] = jobsFor(cell(2, 1000) as any, [0]);
  equal(costedJob(a0).keys[0], costedJob(a1).keys[0]);
  ok(costedJob(b).cost > costedJob(a0).cost && costedJob(c).cost > costedJob(a0).cost);
  equal(costedJob(a0).keys.at(-1), "*");
});

Deno.test("the progress display tolerates a closed output and prints an ETA per kind", () => {
  const p = createProgress({
    total: 1,
    skipped: 0,
    tty: false,
    write: () => {
      throw new Deno.errors.BrokenPipe("closed");
    },
  });
  p.start("x", 0);
  p.finish("ok", 1);
  p.close();
  const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
  const jobs = jobsFor({
    kind: "measure",
    config: { measure: "timing", method: "sao", shape, density: 1, activation: "tanh" },
  }, [0, 1, 2]);
  const out: string[] = [];
  const pool = createPoolProgress({
    total: 3,
    skipped: 0,
    tty: false,
    write: (t) => out.push(t),
    jobs,
    workers: 2,
  });
  pool.update([], [{
    key: `${jobs[0].id}:0`,
    status: "ok",
    seconds: 4,
    message: null,
    label: "j0",
  }]);
  // Two jobs of the same cell left on two workers: 4 s.
  ok(out.join("").includes("[1/3] ok 4.0s j0 (ETA 4s)"), out.join(""));
  pool.close();
});
