/**
 * Circular (wrap-around) padding of NHWC images, so that a "valid" convolution
 * of the padded image is a convolution on the torus. tfjs has no circular
 * padding mode; this builds it from slices and concatenation, which tfjs can
 * differentiate.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/**
 * The padding before and after one spatial axis for a kernel of size `k`,
 * following tfjs's `"same"` convention: `k − 1` in total, the smaller half
 * before (`[1, 1]` for 3, `[0, 1]` for 2, `[1, 2]` for 4).
 *
 * @throws {RangeError} if `k` is not a positive integer.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { samePadding } from "./circular_pad.ts";
 * deepEqual(samePadding(3), [1, 1]);
 * deepEqual(samePadding(4), [1, 2]);
 * ```
 */
export function samePadding(k: number): [number, number] {
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`samePadding: kernel size must be a positive integer; got ${k}`);
  }
  const before = Math.floor((k - 1) / 2);
  return [before, k - 1 - before];
}

/**
 * Pads `x` (`[n, h, w, c]`) circularly for a `kernelHeight × kernelWidth`
 * kernel (see {@linkcode samePadding}): the rows above the image are its last
 * rows, the rows below its first rows, and likewise for columns (corners wrap
 * on both axes). A stride-1 `"valid"` conv of the result keeps `h × w` and
 * equals a circular cross-correlation.
 *
 * The caller owns the returned tensor (it is `x` itself for a 1×1 kernel).
 *
 * @throws {TypeError} if `x` is not rank 4.
 * @throws {RangeError} if a kernel size is not a positive integer or needs more
 *   padding than the image has rows or columns to wrap.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { circularPad } from "./circular_pad.ts";
 * await tf.setBackend("cpu");
 * const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]); // rows [1 2 3], [4 5 6]
 * const p = circularPad(x, 3, 3);
 * deepEqual(p.shape, [1, 4, 5, 1]);
 * deepEqual(Array.from(p.dataSync()), [
 *   6, 4, 5, 6, 4,
 *   3, 1, 2, 3, 1,
 *   6, 4, 5, 6, 4,
 *   3, 1, 2, 3, 1,
 * ]);
 * tf.dispose([x, p]);
 * ```
 */
export function circularPad(
  x: tf.Tensor4D,
  kernelHeight: number,
  kernelWidth: number,
): tf.Tensor4D {
  if (x.rank !== 4) {
    throw new TypeError(
      `circularPad: x must be rank 4 [n, h, w, c]; got shape [${x.shape.join(", ")}]`,
    );
  }
  const [top, bottom] = _padding("kernelHeight", kernelHeight);
  const [left, right] = _padding("kernelWidth", kernelWidth);
  return circularPadBy(x, { top, bottom, left, right });
}

/**
 * Circular padding amounts of an image: rows above and below, columns left and right. */
export interface Padding {
  /** Rows above (the image's last rows wrapped around). */
  readonly top: number;
  /** Rows below (its first rows). */
  readonly bottom: number;
  /** Columns on the left (its last columns). */
  readonly left: number;
  /** Columns on the right (its first columns). */
  readonly right: number;
}

/**
 * Pads `x` (`[n, h, w, c]`) circularly by explicit amounts: `top` rows above
 * (the image's last rows), `bottom` below (its first rows), and likewise
 * `left`/`right` columns. Returns `x` itself when all are 0.
 *
 * @throws {TypeError} if `x` is not rank 4.
 * @throws {RangeError} if an amount is not a non-negative integer or exceeds
 *   the rows/columns available to wrap.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { circularPadBy } from "./circular_pad.ts";
 * await tf.setBackend("cpu");
 * const x = tf.tensor4d([1, 2, 3], [1, 1, 3, 1]);
 * const p = circularPadBy(x, { top: 0, bottom: 0, left: 2, right: 1 });
 * deepEqual(Array.from(p.dataSync()), [2, 3, 1, 2, 3, 1]);
 * tf.dispose([x, p]);
 * ```
 */
export function circularPadBy(x: tf.Tensor4D, padding: Padding): tf.Tensor4D {
  const { top, bottom, left, right } = padding;
  if (x.rank !== 4) {
    throw new TypeError(
      `circularPadBy: x must be rank 4 [n, h, w, c]; got shape [${x.shape.join(", ")}]`,
    );
  }
  const [, h, w] = x.shape;
  const amounts = { top, bottom, left, right };
  for (const [name, v] of Object.entries(amounts)) {
    const size = name === "top" || name === "bottom" ? h : w;
    if (!Number.isInteger(v) || v < 0 || v > size) {
      throw new RangeError(
        `circularPadBy: ${name} must be an integer in [0, ${size}] for x of shape [${
          x.shape.join(", ")
        }]; got ${v}`,
      );
    }
  }
  if (top + bottom + left + right === 0) return x;
  return tf.tidy(() => {
    const rows = _wrap(x, 1, h, top, bottom);
    return _wrap(rows, 2, w, left, right);
  });
}

/** `samePadding(k)` with the error naming circularPad's argument. */
function _padding(name: string, k: number): [number, number] {
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`circularPad: ${name} must be a positive integer; got ${k}`);
  }
  return samePadding(k);
}

/** Concatenates the last `before` and first `after` slices of `axis` around `x`. */
function _wrap(
  x: tf.Tensor4D,
  axis: 1 | 2,
  size: number,
  before: number,
  after: number,
): tf.Tensor4D {
  if (before + after === 0) return x;
  // Fresh begin/extent arrays per slice: tfjs keeps them as the op's attributes
  // and reads them again when it computes the gradient.
  const window = (start: number, length: number) => {
    const begin = [0, 0, 0, 0];
    const extent = [-1, -1, -1, -1];
    begin[axis] = start;
    extent[axis] = length;
    return tf.slice(x, begin, extent);
  };
  const parts: tf.Tensor4D[] = [];
  if (before > 0) parts.push(window(size - before, before));
  parts.push(x);
  if (after > 0) parts.push(window(0, after));
  return tf.concat(parts, axis);
}
