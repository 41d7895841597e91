/**
 * Shared fixtures of the CLI tests: fake reproductions, a fake runner, captured output.
 *
 * @module
 */

import { main } from "./main.ts";
import type { RunFn } from "../grid/mod.ts";

/** The CLI's entry file. */
export const CLI = new URL("./main.ts", import.meta.url).pathname;

/** Runs the real CLI in a subprocess. */
export async function spawnCli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A fake train reproduction on synthetic data whose claim is that `winner` is best. */
export function fakeSpec(name: string, winner: string) {
  return {
    name,
    title: `Fake claim ${name}`,
    claim: { text: `${winner} is best.`, source: "test" },
    kind: "train",
    axes: {
      datasets: ["synthetic"],
      architectures: ["mlp"],
      depths: [1],
      widths: [8],
      activations: ["tanh"],
      methods: ["eoi", "sao", "pruned-orthogonal"],
      allocations: ["uniform"],
      densities: [0.25, 0.5],
    },
    presets: {
      quick: { budget: { steps: 1, seeds: [0, 1] } },
      paper: { budget: { epochs: 1, seeds: [0, 1, 2] } },
    },
    verdict: {
      checks: [{
        kind: "best",
        metric: "testAccuracy",
        best: { method: winner },
        test: "mean-greater",
      }],
    },
  };
}

/** Fake runner: eoi 0.9, others 0.8, plus a little seed noise. */
export const fakeRun: RunFn = (job) => {
  const c = job.cell.config as { method: string };
  return Promise.resolve({
    status: "ok",
    testAccuracy: (c.method === "eoi" ? 0.9 : 0.8) + job.seed * 0.001,
  });
};

/** A temporary directory with two fake reproductions in `repro/` (eoi-wins, sao-wins). */
export async function withFakeReproductions(f: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "cli_test_" });
  try {
    await Deno.mkdir(`${dir}/repro`);
    await Deno.writeTextFile(
      `${dir}/repro/eoi-wins.json`,
      JSON.stringify(fakeSpec("eoi-wins", "eoi")),
    );
    await Deno.writeTextFile(
      `${dir}/repro/sao-wins.json`,
      JSON.stringify(fakeSpec("sao-wins", "sao")),
    );
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `main` on the fake reproductions with captured output. */
export function captureCli(dir: string, run: RunFn = fakeRun) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    call: (args: string[]) =>
      main(args, {
        dir: `${dir}/repro`,
        makeRun: () => run,
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
      }),
  };
}
