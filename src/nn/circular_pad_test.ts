import { deepEqual, equal, throws } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import { stream } from "../rng/mod.ts";
import { circularPad, circularPadBy, samePadding } from "./circular_pad.ts";

await tf.setBackend("cpu");

function _randomImages(n: number, h: number, w: number, c: number, seed: number): Float32Array {
  const rng = stream(seed, "circular_pad_test", "x");
  return Float32Array.from({ length: n * h * w * c }, () => rng.normal());
}

const mod = (a: number, m: number) => ((a % m) + m) % m;

Deno.test("circularPad wraps rows and columns exactly like modular indexing", () => {
  const [n, h, w, c] = [2, 5, 4, 3];
  const data = _randomImages(n, h, w, c, 1);
  for (const [kh, kw] of [[3, 3], [2, 4], [1, 5], [5, 1], [4, 2]]) {
    const x = tf.tensor4d(data, [n, h, w, c]);
    const p = circularPad(x, kh, kw);
    const [top] = samePadding(kh);
    const [left] = samePadding(kw);
    const ph = h + kh - 1, pw = w + kw - 1;
    deepEqual(p.shape, [n, ph, pw, c], `kernel ${kh}x${kw}`);
    const got = p.dataSync();
    const want = new Float32Array(n * ph * pw * c);
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < ph; r++) {
        for (let q = 0; q < pw; q++) {
          for (let k = 0; k < c; k++) {
            const src = ((b * h + mod(r - top, h)) * w + mod(q - left, w)) * c + k;
            want[((b * ph + r) * pw + q) * c + k] = data[src];
          }
        }
      }
    }
    deepEqual(got, want, `kernel ${kh}x${kw}`);
    tf.dispose([x, p]);
  }
});

Deno.test("circularPad's gradient counts every copy of a pixel", () => {
  // Summing the padded 3×3 image counts corner pixels 4 times, edge pixels 2
  // times and interior pixels once, on a 3×4 image with a 3×3 kernel.
  const x = tf.ones([1, 3, 4, 1]) as tf.Tensor4D;
  const g = tf.grad((v: tf.Tensor) => tf.sum(circularPad(v as tf.Tensor4D, 3, 3)))(x);
  deepEqual(Array.from(g.dataSync()), [
    4,
    2,
    2,
    4,
    2,
    1,
    1,
    2,
    4,
    2,
    2,
    4,
  ]);
  tf.dispose([x, g]);
});

Deno.test("circularPad leaves no tensors behind except its result", () => {
  const x = tf.ones([2, 4, 4, 2]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const p = circularPad(x, 3, 3);
  equal(tf.memory().numTensors, before + 1);
  tf.dispose([x, p]);
});

Deno.test("circularPad rejects wrong ranks, bad kernel sizes and too-small images", () => {
  const x = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
  const flat = tf.ones([2, 2]);
  throws(() => circularPad(flat as unknown as tf.Tensor4D, 3, 3), /circularPad.*rank 4.*\[2, 2\]/);
  throws(() => circularPad(x, 0, 3), RangeError);
  throws(() => circularPad(x, 3, 2.5), /circularPad: kernelWidth .*2\.5/);
  throws(
    () => circularPad(x, 7, 3),
    /circularPadBy: (top|bottom) must be .*\[0, 2\] .*\[1, 2, 2, 1\]; got 3/,
  );
  throws(() => circularPadBy(x, { top: 0, bottom: 0, left: -1, right: 0 }), /left .*got -1/);
  throws(
    () => circularPadBy(flat as unknown as tf.Tensor4D, { top: 1, bottom: 1, left: 1, right: 1 }),
    TypeError,
  );
  throws(() => samePadding(-1), RangeError);
  tf.dispose([x, flat]);
});
