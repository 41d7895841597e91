/**
 * Layer shapes and the one canonical weight layout of the suite: tfjs's.
 *
 * - dense kernel `[in, out]`, row-major: entry (i, o) at `i * out + o`;
 * - conv kernel `[kh, kw, cin, cout]`, row-major: entry (y, x, i, o) at
 *   `((y * kw + x) * cin + i) * cout + o`.
 *
 * @module
 */

import { describeValue } from "./_describe.ts";

/**
 * A fully connected layer `y = x·K` with `K` of shape `[inFeatures, outFeatures]`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { kernelSize, type DenseShape } from "./shape.ts";
 * const shape: DenseShape = { kind: "dense", inFeatures: 784, outFeatures: 100 };
 * equal(kernelSize(shape), 78400);
 * ```
 */
export interface DenseShape {
  /** Discriminant: a dense layer. */
  readonly kind: "dense";
  /** Input features (rows of the kernel). */
  readonly inFeatures: number;
  /** Output features (columns of the kernel). */
  readonly outFeatures: number;
}

/**
 * A 2-D convolution with kernel `[kernelHeight, kernelWidth, inChannels, outChannels]`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type ConvShape, kernelSize } from "./shape.ts";
 * const shape: ConvShape = { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 1, outChannels: 16 };
 * equal(kernelSize(shape), 144);
 * ```
 */
export interface ConvShape {
  /** Discriminant: a convolution. */
  readonly kind: "conv";
  /** Kernel height (taps along the image rows). */
  readonly kernelHeight: number;
  /** Kernel width (taps along the image columns). */
  readonly kernelWidth: number;
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
}

/**
 * Any layer with a kernel. Biases are never part of a shape (and never count for density).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LayerShape } from "./shape.ts";
 * const shapes: LayerShape[] = [
 *   { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 1, outChannels: 16 },
 *   { kind: "dense", inFeatures: 16, outFeatures: 10 },
 * ];
 * equal(shapes[1].kind, "dense");
 * ```
 */
export type LayerShape = DenseShape | ConvShape;

/**
 * Checks that every dimension is a positive integer.
 *
 * @throws {TypeError} naming `where`, the shape and the offending field.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { validateShape } from "./shape.ts";
 * validateShape({ kind: "dense", inFeatures: 3, outFeatures: 2 }, "eoi");
 * throws(() => validateShape({ kind: "dense", inFeatures: 0, outFeatures: 2 }, "eoi"), TypeError);
 * ```
 */
export function validateShape(shape: LayerShape, where: string): void {
  if (typeof shape !== "object" || shape === null || Array.isArray(shape)) {
    throw new TypeError(
      `${where}: shape must be an object { kind: "dense" | "conv", … }; got ${
        describeValue(shape)
      }`,
    );
  }
  const fields = shape.kind === "dense"
    ? (["inFeatures", "outFeatures"] as const)
    : shape.kind === "conv"
    ? (["kernelHeight", "kernelWidth", "inChannels", "outChannels"] as const)
    : undefined;
  if (fields === undefined) {
    throw new TypeError(
      `${where}: shape.kind must be "dense" or "conv"; got ${JSON.stringify(shape)}`,
    );
  }
  for (const f of fields) {
    const v = (shape as unknown as Record<string, unknown>)[f];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      throw new TypeError(
        `${where}: ${f} must be a positive integer; got ${String(v)} in ${JSON.stringify(shape)}`,
      );
    }
  }
}

/**
 * Number of kernel entries (the denominator of a layer's density).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { kernelSize } from "./shape.ts";
 * equal(kernelSize({ kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 4 }), 72);
 * ```
 */
export function kernelSize(shape: LayerShape): number {
  return shape.kind === "dense"
    ? shape.inFeatures * shape.outFeatures
    : shape.kernelHeight * shape.kernelWidth * shape.inChannels *
      shape.outChannels;
}

/**
 * The tfjs kernel dimensions of a shape: `[in, out]` or `[kh, kw, cin, cout]`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { kernelDims } from "./shape.ts";
 * deepEqual(kernelDims({ kind: "dense", inFeatures: 5, outFeatures: 3 }), [5, 3]);
 * ```
 */
export function kernelDims(shape: LayerShape): number[] {
  return shape.kind === "dense" ? [shape.inFeatures, shape.outFeatures] : [
    shape.kernelHeight,
    shape.kernelWidth,
    shape.inChannels,
    shape.outChannels,
  ];
}

/**
 * Fan-in and fan-out of a dense layer or conv (receptive field times channels).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { fans } from "./shape.ts";
 * deepEqual(fans({ kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 4 }), { fanIn: 18, fanOut: 36 });
 * ```
 */
export function fans(shape: LayerShape): { fanIn: number; fanOut: number } {
  if (shape.kind === "dense") {
    return { fanIn: shape.inFeatures, fanOut: shape.outFeatures };
  }
  const rf = shape.kernelHeight * shape.kernelWidth;
  return { fanIn: rf * shape.inChannels, fanOut: rf * shape.outChannels };
}

/**
 * A short human-readable label for messages: `dense 784x100`, `conv 3x3x16x32`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { shapeLabel } from "./shape.ts";
 * equal(shapeLabel({ kind: "dense", inFeatures: 784, outFeatures: 100 }), "dense 784x100");
 * ```
 */
export function shapeLabel(shape: LayerShape): string {
  return `${shape.kind} ${kernelDims(shape).join("x")}`;
}

/**
 * A dense layer's shape.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { denseShape } from "./shape.ts";
 * deepEqual(denseShape(784, 100), { kind: "dense", inFeatures: 784, outFeatures: 100 });
 * ```
 */
export function denseShape(inFeatures: number, outFeatures: number): DenseShape {
  return { kind: "dense", inFeatures, outFeatures };
}

/**
 * A square-kernel conv shape `[k, k, inChannels, outChannels]`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { convShape, kernelDims } from "./shape.ts";
 * deepEqual(kernelDims(convShape(3, 16, 32)), [3, 3, 16, 32]);
 * ```
 */
export function convShape(k: number, inChannels: number, outChannels: number): ConvShape {
  return { kind: "conv", kernelHeight: k, kernelWidth: k, inChannels, outChannels };
}
