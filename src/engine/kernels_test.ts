import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { createArena, EPI, MAX_MEMORY_BYTES } from "./kernels.ts";

/** Distance in float32 units in the last place between `a` and the float64 value `exact`. */
function _ulps(a: number, exact: number): number {
  const e = Math.fround(exact);
  const bits = new Int32Array(new Float32Array([Math.abs(e)]).buffer)[0];
  const next = new Float32Array(new Int32Array([bits + 1]).buffer)[0];
  return Math.abs(a - exact) / (next - Math.abs(e));
}

Deno.test("tanh kernel is within 2.5 ulp of tanh on [-12, 12], exact at 0, ±1 beyond 10, NaN stays NaN", () => {
  const n = 1 << 18;
  const a = createArena(8 * n + 1024);
  const src = a.alloc(n), dst = a.alloc(n);
  const f = a.f32();
  for (let i = 0; i < n; i++) f[src / 4 + i] = (i / n) * 24 - 12;
  f.set([0, -0, 1e-30, 50, -Infinity, NaN, 3e-39, 0.1733], src / 4);
  a.kernels.tanhArray(src, dst, n);
  const out = f.subarray(dst / 4, dst / 4 + n);
  let worst = 0;
  for (let i = 8; i < n; i++) worst = Math.max(worst, _ulps(out[i], Math.tanh(f[src / 4 + i])));
  ok(worst <= 2.5, `max error ${worst} ulp`);
  equal(out[0], 0);
  equal(Object.is(out[1], -0), true);
  equal(out[2], Math.fround(1e-30));
  equal(out[3], 1);
  equal(out[4], -1);
  ok(Number.isNaN(out[5]));
  ok(_ulps(out[7], Math.tanh(f[src / 4 + 7])) <= 2.5);
});

Deno.test("loadInput writes batch-contiguous rows (padded layout) and zeroes the padding columns", () => {
  const a = createArena(1 << 16);
  const bp = 32;
  // Two 2×2 images with 2 channels, (h, w, c) order.
  const src = a.alloc(16), dst = a.alloc(2 * 16 * bp);
  const f = a.f32();
  f.set(Float32Array.from({ length: 16 }, (_, i) => i + 1), src / 4);
  f.fill(7, dst / 4, dst / 4 + 2 * 16 * bp);
  // Padded 4×4 per channel (pad 1): chanRows 16, wp 4.
  a.kernels.loadInput(src, 2, 2, 2, 2, dst, bp, 4, 16, 1);
  const row = (r: number) => Array.from(f.subarray(dst / 4 + r * bp, dst / 4 + r * bp + 3));
  // Channel 0, pixel (0, 0) → row 5: image 0 value 1, image 1 value 9, then 0.
  deepEqual(row(5), [1, 9, 0]);
  // Channel 1, pixel (1, 1) → row 16 + 2·4 + 2 = 26: values 8 and 16.
  deepEqual(row(26), [8, 16, 0]);
  // Border rows are left alone (circularPad fills them).
  deepEqual(row(0), [7, 7, 7]);
});

Deno.test("circularPad wraps rows, columns and corners of every channel", () => {
  const a = createArena(1 << 16);
  const bp = 32;
  const buf = a.alloc(2 * 25 * bp);
  const f = a.f32();
  // Two channels of 3×3 interiors in 5×5 padded images; value = 100·c + 10·r + s.
  for (let c = 0; c < 2; c++) {
    for (let r = 0; r < 3; r++) {
      for (let s = 0; s < 3; s++) {
        f[buf / 4 + (c * 25 + (r + 1) * 5 + s + 1) * bp] = 100 * c + 10 * r + s;
      }
    }
  }
  a.kernels.circularPad(buf, 2, 3, 3, 1, bp);
  const at = (c: number, r: number, s: number) => f[buf / 4 + (c * 25 + r * 5 + s) * bp];
  equal(at(0, 0, 0), 22); // top-left corner = interior (2, 2)
  equal(at(0, 0, 2), 21); // top row = interior row 2
  equal(at(0, 2, 0), 12); // left column = interior column 2
  equal(at(0, 4, 4), 0); // bottom-right corner = interior (0, 0)
  equal(at(1, 4, 2), 101);
  equal(at(1, 2, 4), 110);
});

Deno.test("softmaxCrossEntropy gives float64 loss sums, first-max accuracy and (softmax − y)/n", () => {
  const a = createArena(1 << 16);
  const bp = 32;
  const logits = a.alloc(3 * bp), labels = a.alloc(8), dl = a.alloc(3 * bp), stats = a.alloc(4);
  const f = a.f32();
  // Example 0: logits (1, 2, 3), label 2. Example 1: ties (5, 5, 0), label 1 (first max is 0).
  [[1, 2, 3], [5, 5, 0]].forEach((z, b) => z.forEach((v, c) => (f[logits / 4 + c * bp + b] = v)));
  a.u8().set([2, 1], labels);
  f.fill(9, dl / 4, dl / 4 + 3 * bp);
  a.kernels.softmaxCrossEntropy(logits, 3, 2, bp, labels, dl, stats);
  const [loss, correct] = a.f64().subarray(stats / 8, stats / 8 + 2);
  const l0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
  const l1 = Math.log(2 * Math.exp(5) + 1) - 5;
  ok(Math.abs(loss - (l0 + l1)) < 1e-12);
  equal(correct, 1);
  const p = Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3));
  ok(Math.abs(f[dl / 4 + 2 * bp] - (p - 1) / 2) < 1e-7);
  equal(f[dl / 4 + 2], 0); // padding column
});

Deno.test("sgdUpdate follows the reference formula element by element (Nesterov, plain, no momentum)", () => {
  const a = createArena(1 << 16);
  const n = 7; // a SIMD part and a scalar tail
  const w = a.alloc(n), g = a.alloc(n), v = a.alloc(n), m = a.alloc(n);
  const f = a.f32();
  const w0 = Float32Array.from({ length: n }, (_, i) => (i - 3) / 7);
  const g0 = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  const v0 = Float32Array.from({ length: n }, (_, i) => Math.cos(i) / 3);
  const m0 = Float32Array.of(1, 0, 1, 1, 1, 0, 1);
  for (const [mu, nesterov] of [[0.9, 1], [0.9, 0], [0, 1]]) {
    f.set(w0, w / 4), f.set(g0, g / 4), f.set(v0, v / 4), f.set(m0, m / 4);
    a.kernels.sgdUpdate(w, g, v, m, n, 0.1, mu, 1e-4, nesterov);
    const fr = Math.fround;
    for (let i = 0; i < n; i++) {
      const gi = fr(fr(g0[i] + fr(fr(1e-4) * w0[i])) * m0[i]);
      const vi = fr(fr(fr(mu) * v0[i]) + gi);
      const u = mu === 0 ? gi : nesterov ? fr(gi + fr(fr(mu) * vi)) : vi;
      equal(
        f[w / 4 + i],
        fr(fr(w0[i] - fr(fr(0.1) * u)) * m0[i]),
        `mu ${mu} nesterov ${nesterov} [${i}]`,
      );
      if (mu !== 0) equal(f[v / 4 + i], vi);
    }
  }
});

Deno.test("epilogue codes are distinct and the arena refuses more than 4 GiB", () => {
  equal(new Set(Object.values(EPI)).size, Object.keys(EPI).length);
  throws(() => createArena(MAX_MEMORY_BYTES), /4 GiB/);
  const a = createArena(256);
  throws(() => a.alloc(1 << 20), /do not fit/);
});

Deno.test("loadInput's block-transpose paths (MLP, one channel) match the element-wise layout, odd batch", () => {
  const a = createArena(1 << 18);
  const bp = 32, n = 7;
  // MLP: 11 values per example, rows 0..10.
  const src = a.alloc(n * 11), dst = a.alloc(11 * bp);
  const f = a.f32();
  f.set(Float32Array.from({ length: n * 11 }, (_, i) => i + 1), src / 4);
  f.fill(7, dst / 4, dst / 4 + 11 * bp);
  a.kernels.loadInput(src, n, 1, 1, 11, dst, bp, 1, 1, 0);
  for (let p = 0; p < 11; p++) {
    for (let b = 0; b < bp; b++) equal(f[dst / 4 + p * bp + b], b < n ? b * 11 + p + 1 : 0);
  }
  // One channel, 3×5 images padded by 1 (wp 7, chanRows 35).
  const src2 = a.alloc(n * 15), dst2 = a.alloc(35 * bp);
  f.set(Float32Array.from({ length: n * 15 }, (_, i) => i + 1), src2 / 4);
  f.fill(7, dst2 / 4, dst2 / 4 + 35 * bp);
  a.kernels.loadInput(src2, n, 3, 5, 1, dst2, bp, 7, 35, 1);
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 5; x++) {
      const r = (y + 1) * 7 + x + 1;
      for (let b = 0; b < bp; b++) {
        equal(f[dst2 / 4 + r * bp + b], b < n ? b * 15 + y * 5 + x + 1 : 0);
      }
    }
  }
  equal(f[dst2 / 4], 7); // border rows untouched
});

Deno.test("denseGemm sums each output in ascending k (bit-exact), on the stored and the packed kernel, rows not a multiple of 4", () => {
  const rows = 7, kk = 5, bp = 32;
  const a = createArena(1 << 18);
  const m = a.alloc(rows * kk), packed = a.alloc(8 * kk), inp = a.alloc(kk * bp);
  const out = a.alloc(rows * bp), out2 = a.alloc(rows * bp), bias = a.alloc(rows);
  const tw = a.alloc(kk * rows), out3 = a.alloc(kk * bp);
  const f = a.f32();
  let s = 1;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  for (let i = 0; i < rows * kk; i++) f[m / 4 + i] = r();
  for (let i = 0; i < kk * bp; i++) f[inp / 4 + i] = r();
  for (let i = 0; i < rows; i++) f[bias / 4 + i] = r();
  // Forward: kernel [rows, kk] packed, out[o] = bias[o] + Σ_k m[o, k] in[k].
  a.kernels.packRows(m, rows, kk, packed);
  a.kernels.denseGemm(packed, 4 * kk, 4, rows, kk, inp, out, bp, bias, EPI.linear, 0);
  for (let o = 0; o < rows; o++) {
    for (let b = 0; b < bp; b++) {
      let acc = 0;
      for (let k = 0; k < kk; k++) {
        acc = Math.fround(acc + Math.fround(f[m / 4 + o * kk + k] * f[inp / 4 + k * bp + b]));
      }
      equal(f[out / 4 + o * bp + b], Math.fround(acc + f[bias / 4 + o]));
    }
  }
  // The packed copy's missing rows of the last block are zero.
  equal(f[packed / 4 + 4 * kk + 3], 0);
  // Input gradient form: a [kk, rows] matrix read as it is (bs = 4, ks = rows): outputs = rows.
  for (let i = 0; i < kk * rows; i++) f[tw / 4 + i] = r();
  a.kernels.denseGemm(tw, 4, rows, rows, kk, inp, out2, bp, 0, EPI.linear, 0);
  for (let o = 0; o < rows; o++) {
    for (let b = 0; b < bp; b++) {
      let acc = 0;
      for (let k = 0; k < kk; k++) {
        acc = Math.fround(acc + Math.fround(f[tw / 4 + k * rows + o] * f[inp / 4 + k * bp + b]));
      }
      equal(f[out2 / 4 + o * bp + b], acc);
    }
  }
  // transpose: dst[c·ldd + r] = src[r·lds + c], edges included.
  a.kernels.transpose(m, kk, rows, kk, out3, bp);
  for (let o = 0; o < rows; o++) {
    for (let k = 0; k < kk; k++) equal(f[out3 / 4 + k * bp + o], f[m / 4 + o * kk + k]);
  }
});

Deno.test("denseWgrad: four lane sums in ascending column, then (l0 + l1) + (l2 + l3) (bit-exact), edges included", () => {
  const ins = 6, outs = 3, bp = 64;
  const a = createArena(1 << 18);
  const x = a.alloc(ins * bp), dz = a.alloc(outs * bp), g = a.alloc(ins * outs);
  const g2 = a.alloc(ins * outs);
  const f = a.f32();
  let s = 7;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  for (let i = 0; i < ins * bp; i++) f[x / 4 + i] = r();
  for (let i = 0; i < outs * bp; i++) f[dz / 4 + i] = r();
  a.kernels.denseWgrad(x, ins, dz, outs, bp, g, 1, ins);
  a.kernels.denseWgrad(x, ins, dz, outs, bp, g2, outs, 1);
  for (let i = 0; i < ins; i++) {
    for (let o = 0; o < outs; o++) {
      const lane = [0, 0, 0, 0];
      for (let c = 0; c < bp; c++) {
        lane[c % 4] = Math.fround(
          lane[c % 4] + Math.fround(f[x / 4 + i * bp + c] * f[dz / 4 + o * bp + c]),
        );
      }
      const want = Math.fround(
        Math.fround(lane[0] + lane[1]) + Math.fround(lane[2] + lane[3]),
      );
      equal(f[g / 4 + o * ins + i], want);
      equal(f[g2 / 4 + i * outs + o], want);
    }
  }
});

Deno.test("denseGemm's tanh epilogue (two vectors interleaved) gives tanhArray's bits", () => {
  const rows = 6, kk = 9, bp = 32;
  const a = createArena(1 << 18);
  const m = a.alloc(8 * kk), inp = a.alloc(kk * bp), bias = a.alloc(rows);
  const lin = a.alloc(rows * bp), th = a.alloc(rows * bp), ref = a.alloc(rows * bp);
  const f = a.f32();
  let s = 3;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  for (let i = 0; i < 8 * kk; i++) f[m / 4 + i] = 3 * r();
  for (let i = 0; i < kk * bp; i++) f[inp / 4 + i] = r();
  for (let i = 0; i < rows; i++) f[bias / 4 + i] = r();
  a.kernels.denseGemm(m, 4 * kk, 4, rows, kk, inp, lin, bp, bias, EPI.linear, 0);
  a.kernels.denseGemm(m, 4 * kk, 4, rows, kk, inp, th, bp, bias, EPI.tanh, 0);
  a.kernels.tanhArray(lin, ref, rows * bp);
  const u = a.i32();
  deepEqual(u.subarray(th / 4, th / 4 + rows * bp), u.subarray(ref / 4, ref / 4 + rows * bp));
});
