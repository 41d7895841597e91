import { ok } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initializeLayer } from "../init/mod.ts";
import { stream } from "../rng/mod.ts";
import { useBackend } from "./backend.ts";
import { buildNetwork } from "./network.ts";
import { layerShapes } from "./shapes.ts";
import type { ModelConfig } from "./types.ts";

const HAS_GPU = (navigator as Navigator & { gpu?: unknown }).gpu !== undefined;

async function _logits(config: ModelConfig): Promise<Float32Array> {
  const values = layerShapes(config).map((shape, l) =>
    initializeLayer("eoi", shape, { density: 0.5, seed: 0, path: [`layer/${l}`] })
  );
  const [h, w, c] = config.inputShape;
  const rng = stream(0, "test/webgpu", "input");
  const input = Float32Array.from({ length: 4 * h * w * c }, () => rng.uniform());
  const network = buildNetwork(config, values);
  const x = tf.tensor4d(input, [4, h, w, c]);
  const y = network.apply(x);
  const out = (await y.data()) as Float32Array; // no dataSync on WebGPU
  tf.dispose([x, y]);
  network.dispose();
  return out;
}

function _maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test({
  name: "buildNetwork() forward passes (MLP and circular CNN) agree on webgpu and wasm within 1e-4",
  ignore: !HAS_GPU,
  async fn() {
    const mlp: ModelConfig = {
      architecture: "mlp",
      inputShape: [6, 6, 1],
      depth: 2,
      width: 16,
      classes: 4,
      activation: "tanh",
    };
    const cnn: ModelConfig = { ...mlp, architecture: "cnn", depth: 2, width: 4 };
    for (const config of [mlp, cnn]) {
      await useBackend("wasm");
      const onWasm = await _logits(config);
      await useBackend("webgpu");
      const onGpu = await _logits(config);
      const err = _maxAbsDiff(onGpu, onWasm);
      ok(err < 1e-4, `${config.architecture}: webgpu vs wasm max |difference| ${err}`);
      ok(onWasm.some((v) => v !== 0), "non-trivial logits");
    }
    await useBackend("wasm");
  },
});
