import { deepEqual, throws } from "node:assert/strict";
import { layerShapes } from "./shapes.ts";
import { kernelDims } from "../init/mod.ts";

Deno.test("layerShapes() gives a CNN depth 3x3 circular convs then a dense classifier", () => {
  const shapes = layerShapes({
    architecture: "cnn",
    inputShape: [28, 28, 1],
    depth: 3,
    width: 16,
    classes: 10,
    activation: "tanh",
  });
  deepEqual(shapes.map(kernelDims), [[3, 3, 1, 16], [3, 3, 16, 16], [3, 3, 16, 16], [16, 10]]);
});

Deno.test("layerShapes() rejects a zero depth, naming it", () => {
  throws(
    () =>
      layerShapes({
        architecture: "mlp",
        inputShape: [28, 28, 1],
        depth: 0,
        width: 16,
        classes: 10,
        activation: "tanh",
      }),
    /depth must be a positive integer; got 0/,
  );
});
