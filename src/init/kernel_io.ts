/**
 * Writing float64 matrices into tfjs-layout float32 kernels, and the argument
 * checks shared by the exact orthogonal initializers (`orthogonal`,
 * `delta-orthogonal`, `eoi`, `eoi-structured`, `sao`, `dct-plus-sparse`).
 *
 * @module
 */

import { type ConvShape, type LayerShape, shapeLabel } from "./shape.ts";

/**
 * How {@linkcode writeKernel} places a matrix in a kernel. */
export interface WriteKernelOptions {
  /** Rows of the kernel matrix (`in`). */
  readonly inFeatures: number;
  /** Columns of the kernel matrix (`out`). */
  readonly outFeatures: number;
  /** Multiplier of every value. */
  readonly gain: number;
  /** True when the source is row-major `out × in` (the transpose); default false. */
  readonly transposed?: boolean;
  /** First index written in `weights`; default 0. */
  readonly offset?: number;
  /** Receives 1 wherever the float64 value is non-zero (0 elsewhere), at the same indices. */
  readonly mask?: Uint8Array;
}

/**
 * Writes an `in × out` matrix into `weights[offset … offset + in·out)` (tfjs
 * `[in, out]` layout), multiplied by `gain`. `src` is row-major `in × out`, or
 * row-major `out × in` (its transpose) when `transposed` is true (a column-major
 * `in × out` matrix is exactly that). Zeros are written as `+0` (a `−0` from a
 * rotation becomes `+0`), so the bytes do not depend on how zeros were reached.
 * If `mask` is given, it receives 1 wherever the float64 value is non-zero.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { writeKernel } from "./kernel_io.ts";
 * const w = new Float32Array(6);
 * const mask = new Uint8Array(6);
 * // out × in = 3 × 2 source, transposed into a [2, 3] kernel, gain 2
 * writeKernel(new Float64Array([1, 0, 0, -0, 0, 3]), w, {
 *   transposed: true, inFeatures: 2, outFeatures: 3, gain: 2, mask,
 * });
 * deepEqual([...w], [2, 0, 0, 0, 0, 6]);
 * deepEqual([...mask], [1, 0, 0, 0, 0, 1]);
 * ```
 */
export function writeKernel(
  src: ArrayLike<number>,
  weights: Float32Array,
  options: WriteKernelOptions,
): void {
  const { inFeatures: inF, outFeatures: outF, gain, mask } = options;
  const offset = options.offset ?? 0;
  if (options.transposed !== true) {
    const n = inF * outF;
    for (let t = 0; t < n; t++) {
      const v = src[t];
      weights[offset + t] = v * gain + 0;
      if (mask !== undefined) mask[offset + t] = v !== 0 ? 1 : 0;
    }
    return;
  }
  const B = 32; // cache blocking of the transpose
  for (let i0 = 0; i0 < inF; i0 += B) {
    const i1 = Math.min(inF, i0 + B);
    for (let o0 = 0; o0 < outF; o0 += B) {
      const o1 = Math.min(outF, o0 + B);
      for (let i = i0; i < i1; i++) {
        const row = offset + i * outF;
        for (let o = o0; o < o1; o++) {
          const v = src[o * inF + i];
          weights[row + o] = v * gain + 0;
          if (mask !== undefined) mask[row + o] = v !== 0 ? 1 : 0;
        }
      }
    }
  }
}

/**
 * Flat index of the first entry of the centre tap `((kh−1)/2, (kw−1)/2)` of a
 * conv kernel in tfjs layout; the tap is a `cin × cout` row-major block there.
 *
 * @throws {RangeError} naming `where`, the shape and the kernel size if a kernel dimension is even.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { centreTapOffset } from "./kernel_io.ts";
 * equal(centreTapOffset({ kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 5 }, "eoi"), 40);
 * ```
 */
export function centreTapOffset(shape: ConvShape, where: string): number {
  const { kernelHeight: kh, kernelWidth: kw, inChannels: cin, outChannels: cout } = shape;
  if (kh % 2 === 0 || kw % 2 === 0) {
    throw new RangeError(
      `${where}: needs an odd kernel (a centre tap); got ${kh}x${kw} in ${shapeLabel(shape)}`,
    );
  }
  return (((kh - 1) / 2) * kw + (kw - 1) / 2) * cin * cout;
}

/**
 * Checks a requested density is a number in (0, 1].
 *
 * @throws {RangeError} naming `where`, the shape and the value otherwise.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkDensity } from "./kernel_io.ts";
 * const shape = { kind: "dense", inFeatures: 4, outFeatures: 4 } as const;
 * checkDensity(0.5, shape, "eoi");
 * throws(() => checkDensity(0, shape, "eoi"), RangeError);
 * ```
 */
export function checkDensity(density: number, shape: LayerShape, where: string): void {
  if (typeof density !== "number" || !(density > 0 && density <= 1)) {
    throw new RangeError(
      `${where}: density must be in (0, 1]; got ${density} for ${shapeLabel(shape)}`,
    );
  }
}

/**
 * The gain to use: `gain ?? 1`, checked to be a positive finite number.
 *
 * @throws {RangeError} naming `where`, the shape and the value otherwise.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkGain } from "./kernel_io.ts";
 * equal(checkGain(undefined, { kind: "dense", inFeatures: 2, outFeatures: 2 }, "sao"), 1);
 * ```
 */
export function checkGain(gain: number | undefined, shape: LayerShape, where: string): number {
  const g = gain ?? 1;
  if (typeof g !== "number" || !(g > 0 && Number.isFinite(g))) {
    throw new RangeError(
      `${where}: gain must be a positive finite number; got ${gain} for ${shapeLabel(shape)}`,
    );
  }
  return g;
}

/**
 * The `(in, out)` of the matrix an orthogonal method works on: a dense layer's
 * `(in, out)`, a conv's channel matrix `(cin, cout)` (the centre tap).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { channelDims } from "./kernel_io.ts";
 * deepEqual(channelDims({ kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 5 }), [2, 5]);
 * ```
 */
export function channelDims(shape: LayerShape): [number, number] {
  return shape.kind === "dense"
    ? [shape.inFeatures, shape.outFeatures]
    : [shape.inChannels, shape.outChannels];
}
