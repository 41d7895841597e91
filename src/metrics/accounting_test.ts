import { equal, throws } from "node:assert/strict";
import type { ModelConfig } from "../nn/mod.ts";
import { accounting } from "./accounting.ts";

Deno.test("accounting() of the paper's 7-layer MLP counts kernels, biases and multiply-adds", () => {
  const config: ModelConfig = {
    architecture: "mlp",
    inputShape: [28, 28, 1],
    depth: 6,
    width: 100,
    classes: 10,
    activation: "tanh",
  };
  const sizes = [78400, 10000, 10000, 10000, 10000, 10000, 1000];
  const masks = sizes.map((n) => new Uint8Array(n).fill(1, 0, Math.round(n / 10)));
  const a = accounting(config, masks);
  equal(a.nonZeros, 12940);
  equal(a.trainableParameters, 12940 + 6 * 100 + 10);
  equal(a.denseMultiplyAdds, 129400);
  equal(a.sparseMultiplyAdds, 12940);
  equal(a.dctOffsetEntries, 0);
});

Deno.test("accounting() multiplies conv costs by 28×28 output positions and labels DCT offsets", () => {
  const config: ModelConfig = {
    architecture: "cnn",
    inputShape: [28, 28, 1],
    depth: 2,
    width: 4,
    classes: 10,
    activation: "tanh",
    dctPlusSparse: true,
  };
  // conv 3x3x1x4 (36), conv 3x3x4x4 (144), dense 4x10 (40)
  const masks = [
    new Uint8Array(36).fill(1, 0, 9),
    new Uint8Array(144).fill(1, 0, 20),
    new Uint8Array(40).fill(1, 0, 5),
  ];
  const a = accounting(config, masks);
  equal(a.nonZeros, 34);
  equal(a.trainableParameters, 34 + 4 + 4 + 10 + 3);
  equal(a.denseMultiplyAdds, (36 + 144) * 784 + 40);
  equal(a.sparseMultiplyAdds, (9 + 20) * 784 + 5);
  equal(a.dctOffsetEntries, 220);
  equal(a.dctOffsetMultiplyAdds, a.denseMultiplyAdds);
});

Deno.test("accounting() rejects masks that do not match the config, naming the layer", () => {
  const config: ModelConfig = {
    architecture: "mlp",
    inputShape: [2, 2, 1],
    depth: 1,
    width: 3,
    classes: 2,
    activation: "relu",
  };
  throws(() => accounting(config, [new Uint8Array(12)]), /accounting: got 1 masks for 2 layers/);
  throws(
    () => accounting(config, [new Uint8Array(12), new Uint8Array(5)]),
    /layer 1 \(dense 3x2\)/,
  );
});
