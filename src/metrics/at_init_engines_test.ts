import { equal, ok, throws } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { syntheticDataset } from "../data/mod.ts";
import { createSimdEngine } from "../engine/mod.ts";
import { type Activation, initializeLayer } from "../init/mod.ts";
import { buildNetwork, layerShapes, type ModelConfig, useBackend } from "../nn/mod.ts";
import { stream } from "../rng/mod.ts";
import { simdNetworkOf } from "../train/mod.ts";
import { jacobianSingularValues, measureAtInit } from "./at_init.ts";

const DATASET = syntheticDataset({ train: 64, test: 8 });

/** `n` synthetic images cropped to `size × size`, as a tfjs batch with one-hot labels. */
function _batch(n: number, size: number) {
  const off = (28 - size) / 2;
  const x = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        x[(i * size + r) * size + c] = DATASET.trainImages[i * 784 + (r + off) * 28 + c + off];
      }
    }
  }
  const y = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) y[i * 10 + DATASET.trainLabels[i]] = 1;
  return { x: tf.tensor4d(x, [n, size, size, 1]), y: tf.tensor2d(y, [n, 10]) };
}

function _relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-6, Math.abs(a), Math.abs(b));
}

const CASES: readonly {
  name: string;
  architecture: "mlp" | "cnn";
  activation: Activation;
  method: string;
  density: number;
  dct?: boolean;
}[] = [
  { name: "sparse tanh MLP", architecture: "mlp", activation: "tanh", method: "eoi", density: 0.1 },
  {
    name: "dense relu MLP",
    architecture: "mlp",
    activation: "relu",
    method: "kaiming",
    density: 1,
  },
  {
    name: "masked-dense hard-tanh MLP",
    architecture: "mlp",
    activation: "hard-tanh",
    method: "pruned-kaiming",
    density: 0.6,
  },
  {
    name: "DCT+S tanh MLP",
    architecture: "mlp",
    activation: "tanh",
    method: "dct-plus-sparse",
    density: 0.05,
    dct: true,
  },
  {
    name: "sparse tanh CNN",
    architecture: "cnn",
    activation: "tanh",
    method: "pruned-orthogonal",
    density: 0.25,
  },
  {
    name: "DCT+S relu CNN",
    architecture: "cnn",
    activation: "relu",
    method: "dct-plus-sparse",
    density: 0.1,
    dct: true,
  },
];

for (const c of CASES) {
  Deno.test(`measureAtInit() on the simd engine agrees with tfjs within float32 rounding: ${c.name}`, async () => {
    await useBackend("wasm");
    const cnn = c.architecture === "cnn";
    const config: ModelConfig = {
      architecture: c.architecture,
      inputShape: cnn ? [10, 10, 1] : [28, 28, 1],
      depth: cnn ? 3 : 4,
      width: cnn ? 6 : 48,
      classes: 10,
      activation: c.activation,
      ...(c.dct ? { dctPlusSparse: true } : {}),
    };
    const shapes = layerShapes(config);
    const values = shapes.map((shape, i) => {
      const { weights, mask } = initializeLayer(c.method, shape, {
        density: c.density,
        seed: 5,
        activation: i === shapes.length - 1 ? "linear" : c.activation,
        path: [`layer/${i}`],
      });
      const rng = stream(5, "at-init-engines-test", `bias/${i}`);
      const out = shape.kind === "dense" ? shape.outFeatures : shape.outChannels;
      return { weights, mask, bias: Float32Array.from({ length: out }, () => 0.1 * rng.normal()) };
    });
    const net = buildNetwork(config, values);
    const batch = _batch(24, cnn ? 10 : 28);
    try {
      const masks = values.map((v) => v.mask);
      const ref = await measureAtInit(net, batch, masks);
      const simd = await measureAtInit(net, batch, masks, { engine: "simd" });
      // Near-zero singular values are rounding noise: tolerances are relative to the largest.
      const top = ref.jacobian.max;
      for (const key of ["mean", "max", "min", "variance"] as const) {
        const floor = key === "variance" ? 1e-3 * top * top : 1e-3 * top;
        const e = Math.abs(simd.jacobian[key] - ref.jacobian[key]) /
          Math.max(Math.abs(ref.jacobian[key]), floor);
        ok(e <= 1e-4, `jacobian.${key}: ${simd.jacobian[key]} vs ${ref.jacobian[key]} (${e})`);
      }
      ok(
        _relative(simd.gradientNorm, ref.gradientNorm) <= 1e-4,
        `gradient norm ${simd.gradientNorm} vs ${ref.gradientNorm}`,
      );
      ok(
        _relative(simd.logitsStd, ref.logitsStd) <= 1e-5,
        `logits std ${simd.logitsStd} vs ${ref.logitsStd}`,
      );
      ok(ref.gradientNorm > 0 && ref.jacobian.max > 0);
      // What does not come from network passes is the same computation on both.
      equal(JSON.stringify(simd.orthogonalityErrors), JSON.stringify(ref.orthogonalityErrors));
      equal(simd.deadUnits, ref.deadUnits);
      equal(simd.networkDensity, ref.networkDensity);

      // Every singular value, not only the summary, and every Jacobian row.
      const engine = createSimdEngine(simdNetworkOf(net), {
        momentum: 0,
        weightDecay: 0,
        batchSize: 24,
        inputGradient: true,
      });
      try {
        const images = Float32Array.from(batch.x.dataSync() as Float32Array);
        const rows = engine.inputGradients(images);
        equal(rows.length, 10);
        for (const k of [0, 7, 9]) {
          const want = tf.tidy(() =>
            tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(net.apply(xx), [0, k], [24, 1])))(batch.x)
              .dataSync()
          );
          const got = rows[k];
          let scale = 0;
          for (const v of want) scale = Math.max(scale, Math.abs(v));
          ok(scale > 0, "the Jacobian row is not zero");
          for (let i = 0; i < want.length; i++) {
            ok(
              Math.abs(got[i] - want[i]) <= 1e-5 * scale,
              `row ${k} entry ${i}: ${got[i]} vs ${want[i]}`,
            );
          }
        }
        const labels = Uint8Array.from({ length: 24 }, (_, i) => DATASET.trainLabels[i]);
        const { logits } = engine.kernelGradients({ images, labels });
        const want = net.apply(batch.x).dataSync();
        for (let i = 0; i < want.length; i++) {
          ok(Math.abs(logits[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])));
        }
      } finally {
        engine.dispose();
      }
      const sv = await jacobianSingularValues(net, batch.x);
      equal(sv.length, 24 * 10);
    } finally {
      tf.dispose([batch.x, batch.y]);
      net.dispose();
    }
  });
}

/** A 2-2-2 tanh MLP engine with identity kernels, batch 2. */
function _tiny(inputGradient: boolean) {
  const identity = () => ({
    weights: Float32Array.of(1, 0, 0, 1),
    mask: new Uint8Array(4).fill(1),
  });
  return createSimdEngine({
    config: {
      architecture: "mlp",
      inputShape: [1, 1, 2],
      depth: 1,
      width: 2,
      classes: 2,
      activation: "tanh",
    },
    layers: [identity(), identity()],
  }, { momentum: 0, weightDecay: 0, batchSize: 2, inputGradient });
}

Deno.test("SimdEngine.inputGradients() refuses an engine built without it and a batch of the wrong size", () => {
  const engine = _tiny(false);
  try {
    throws(() => engine.inputGradients(Float32Array.of(1, 2)), /inputGradient: true/);
  } finally {
    engine.dispose();
  }
  const probe = _tiny(true);
  try {
    throws(() => probe.inputGradients(Float32Array.of(1, 2, 3)), /n · 2 values; got 3/);
    throws(
      () => probe.inputGradients(new Float32Array(6)),
      /batch size must be in \[1, 2\]; got 3/,
    );
    equal(probe.inputGradients(Float32Array.of(0, 0)).length, 2);
  } finally {
    probe.dispose();
  }
});
