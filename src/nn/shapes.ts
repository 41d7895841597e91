/**
 * The kernel shapes of a model, derived from its config alone, so
 * initializers and density allocations can run before any tfjs model exists.
 *
 * @module
 */

import type { LayerShape } from "../init/mod.ts";
import type { ModelConfig } from "./types.ts";

/**
 * Kernel shapes, first layer first.
 *
 * - `mlp`: `h·w·c → width`, then `depth − 1` times `width → width`, then
 *   `width → classes` (so `depth` hidden layers, `depth + 1` kernels).
 * - `cnn`: a 3×3 conv `c → width`, then `depth − 1` 3×3 convs `width → width`,
 *   then (after global average pooling) a dense `width → classes`.
 *
 * @throws {RangeError} if depth, width or classes is not a positive integer.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { layerShapes } from "./shapes.ts";
 * const shapes = layerShapes({
 *   architecture: "mlp", inputShape: [28, 28, 1], depth: 2, width: 100, classes: 10, activation: "tanh",
 * });
 * deepEqual(shapes.map((s) => s.kind === "dense" ? [s.inFeatures, s.outFeatures] : []), [[784, 100], [100, 100], [100, 10]]);
 * ```
 */
export function layerShapes(config: ModelConfig): LayerShape[] {
  const { depth, width, classes, inputShape } = config;
  for (const [name, v] of [["depth", depth], ["width", width], ["classes", classes]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`layerShapes: ${name} must be a positive integer; got ${v}`);
    }
  }
  const [h, w, c] = inputShape;
  const shapes: LayerShape[] = [];
  if (config.architecture === "mlp") {
    shapes.push({ kind: "dense", inFeatures: h * w * c, outFeatures: width });
    for (let i = 1; i < depth; i++) {
      shapes.push({ kind: "dense", inFeatures: width, outFeatures: width });
    }
  } else {
    const conv = (cin: number): LayerShape => ({
      kind: "conv",
      kernelHeight: 3,
      kernelWidth: 3,
      inChannels: cin,
      outChannels: width,
    });
    shapes.push(conv(c));
    for (let i = 1; i < depth; i++) shapes.push(conv(width));
  }
  shapes.push({ kind: "dense", inFeatures: width, outFeatures: classes });
  return shapes;
}
