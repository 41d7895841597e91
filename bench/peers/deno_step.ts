/**
 * One training step of the suite's models on one of our engines, timed: the
 * Deno side of `deno task bench:peers` (see `peers.ts`, which passes the
 * case). Same models, masks and update as `torch_step.py`: fan-in scaled
 * weights on exact-count random masks, tanh, batch 128 of uniform pixels,
 * masked SGD with Nesterov momentum 0.9 and weight decay 1e-4.
 *
 * Usage: `deno run -A bench/peers/deno_step.ts simd|tfjs '<case JSON>'`;
 * prints one JSON line (median step milliseconds, wall and CPU time of this
 * process, peak RSS).
 *
 * @module
 */

import process from "node:process";
import { initializeLayer } from "../../src/init/mod.ts";
import { layerShapes } from "../../src/nn/mod.ts";
import type { LayerValues, ModelConfig } from "../../src/nn/mod.ts";
import { stream } from "../../src/rng/mod.ts";
import type { StepEngine } from "../../src/engine/mod.ts";
import { createSimdEngine } from "../../src/engine/mod.ts";

/** A benchmark case (also read by torch_step.py). */
export interface PeerCase {
  readonly name: string;
  readonly architecture: "mlp" | "cnn";
  readonly depth: number;
  readonly width: number;
  readonly density: number;
  readonly allocation: "uniform" | "uniform-skip";
  readonly warmup: number;
  readonly steps: number;
}

/** The case's model and initial values (fan-in scaled on exact-count random masks). */
export function peerNetwork(c: PeerCase): { config: ModelConfig; layers: LayerValues[] } {
  const config: ModelConfig = {
    architecture: c.architecture,
    inputShape: [28, 28, 1],
    depth: c.depth,
    width: c.width,
    classes: 10,
    activation: "tanh",
  };
  const shapes = layerShapes(config);
  const last = shapes.length - 1;
  const layers = shapes.map((shape, i) => {
    const skip = c.allocation === "uniform-skip" && (i === 0 || i === last);
    const { weights, mask } = initializeLayer("fan-in-scaled", shape, {
      density: skip ? 1 : c.density,
      seed: 0,
      activation: i === last ? "linear" : "tanh",
      path: [`layer/${i}`],
    });
    return { weights, mask };
  });
  return { config, layers };
}

/** Peak resident set size of this process in MB (VmHWM), or NaN off Linux. */
export function peakRssMb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(Deno.readTextFileSync("/proc/self/status"));
    return m === null ? NaN : Number(m[1]) / 1024;
  } catch {
    return NaN;
  }
}

if (import.meta.main) {
  const [engineName, json] = Deno.args;
  const c = JSON.parse(json) as PeerCase;
  const batch = 128;
  const rng = stream(0, "peers", "batch");
  const images = Float32Array.from({ length: batch * 784 }, () => rng.uniform());
  const labels = Uint8Array.from({ length: batch }, () => rng.int(10));
  let engine: StepEngine;
  const sgd = { momentum: 0.9, weightDecay: 1e-4 };
  if (engineName === "simd") {
    engine = createSimdEngine(peerNetwork(c), { ...sgd, batchSize: batch });
  } else if (engineName === "tfjs") {
    const { useBackend } = await import("../../src/nn/mod.ts");
    const { buildNetwork } = await import("../../src/nn/mod.ts");
    const { createTfjsEngine } = await import("../../src/train/mod.ts");
    await useBackend("wasm");
    const { config, layers } = peerNetwork(c);
    engine = createTfjsEngine(buildNetwork(config, layers), sgd);
  } else {
    console.error(`deno_step: engine must be simd or tfjs; got ${JSON.stringify(engineName)}`);
    Deno.exit(2);
  }
  for (let i = 0; i < c.warmup; i++) engine.step({ images, labels }, 0.01);
  const times: number[] = [];
  const cpu: number[] = [];
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let i = 0; i < c.steps; i++) {
    const t = performance.now(), u = cpuMs();
    engine.step({ images, labels }, 0.01);
    times.push(performance.now() - t);
    cpu.push(cpuMs() - u);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(JSON.stringify({
    medianMs: times[Math.floor(times.length / 2)],
    medianCpuMs: cpu[Math.floor(cpu.length / 2)],
    peakRssMb: peakRssMb(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  }));
}
