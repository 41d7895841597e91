// The simd engine's WebAssembly kernels, in AssemblyScript (built by
// `deno task build:wasm` into kernels.wasm with `--enable simd -O3`).
//
// Conventions (see docs/engine.md):
// - Every pointer is a byte address into the one linear memory; JavaScript
//   owns all allocation, these functions never allocate.
// - Activations and gradients are "batch-contiguous": a row holds one unit's
//   (MLP) or one pixel of one channel's (CNN) values for the whole batch, `bp`
//   floats, `bp` a multiple of 32 (columns past the real batch are padding).
//   Rows are addressed by row index: byte address = base + row * bp * 4.
// - A CNN layer's rows are circularly padded images: channel c, padded pixel
//   (r, s) is row c * chanRows + r * wp + s, interior pixel (h, w) is padded
//   pixel (h + pad, w + pad). An MLP layer is the special case H = W = 1,
//   wp = 1, chanRows = 1, pad = 0.
// - Arithmetic is float32, one multiply and one add per term (no fused
//   multiply-add, no relaxed SIMD), in a fixed order: the same inputs give the
//   same bits on every machine.

// ---------------------------------------------------------------- epilogues

// Forward epilogues: out = act(acc + bias).
const EPI_LINEAR: i32 = 0;
const EPI_TANH: i32 = 1;
const EPI_RELU: i32 = 2;
const EPI_HARD_TANH: i32 = 3; // also stores the pre-activation z into aux
// Backward epilogues: out = acc * act'(aux) (no bias).
const EPI_D_TANH: i32 = 4; // aux = a = tanh(z):  acc * (1 - a * a)
const EPI_D_RELU: i32 = 5; // aux = a = relu(z):  acc * (a > 0 ? 1 : 0)
const EPI_D_HARD_TANH: i32 = 6; // aux = z:   -1 <= z <= 1 ? acc : 0

const ZERO: v128 = f32x4(0, 0, 0, 0); // xorps: free


// tanh(x) = sign(x) * t / (t + 2) with t = expm1(2|x|), expm1 by range
// reduction: y = k ln2 + r, |r| <= ln2/2, expm1(y) = 2^k (e^r - 1) + (2^k - 1)
// and e^r - 1 = r + r^2 (1/2 + r/6 + ... + r^5/5040) (truncation < 1e-8
// relative). Branch-free, no cancellation near 0, within ~2 ulp of tanh.
const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693359375; // k * LN2_HI is exact for the k used here
const LN2_LO: f32 = -2.12194440e-4;
const E2: f32 = 0.5;
const E3: f32 = 0.16666666666666666;
const E4: f32 = 0.041666666666666664;
const E5: f32 = 0.008333333333333333;
const E6: f32 = 0.001388888888888889;
const E7: f32 = 0.0001984126984126984;

/** 1.5 * 2^23: adding it rounds to an integer and leaves that integer in the low mantissa bits. */
const ROUND: f32 = 12582912.0;

// Vector constants are read from this table rather than written as v128.const: V8
// materializes every v128.const with a multi-instruction sequence at each use (measured:
// tanh 40 -> 28 us for 12,800 floats), a load from cache is one instruction.
const K = memory.data<f32>([
  1, 1, 1, 1, // 0: one
  -0.0, -0.0, -0.0, -0.0, // 16: sign bit (0x80000000)
  -1, -1, -1, -1, // 32: minus one
  2, 2, 2, 2, // 48: two
  20, 20, 20, 20, // 64: clamp of 2|x|
  LOG2E, LOG2E, LOG2E, LOG2E, // 80
  ROUND, ROUND, ROUND, ROUND, // 96
  LN2_HI, LN2_HI, LN2_HI, LN2_HI, // 112
  LN2_LO, LN2_LO, LN2_LO, LN2_LO, // 128
  E7, E7, E7, E7, // 144
  E6, E6, E6, E6, // 160
  E5, E5, E5, E5, // 176
  E4, E4, E4, E4, // 192
  E3, E3, E3, E3, // 208
  E2, E2, E2, E2, // 224
], 16);
const K_127 = memory.data<i32>([127, 127, 127, 127], 16);

/**
 * tanh of four lanes (see above); |x| is clamped at 10 (tanh = 1 in float32); NaN stays NaN.
 * Uses only single-instruction SIMD ops on x64 (pmin, not min; the rounding constant, not
 * nearest + trunc_sat) so V8 emits no fix-up sequences.
 */
// @ts-ignore: decorator
@inline function tanhv(x: v128): v128 {
  const ax = f32x4.abs(x);
  const y = f32x4.pmin(f32x4.add(ax, ax), v128.load(K, 64));
  const kr = f32x4.add(f32x4.mul(y, v128.load(K, 80)), v128.load(K, 96));
  const k = f32x4.sub(kr, v128.load(K, 96));
  const r = f32x4.sub(
    f32x4.sub(y, f32x4.mul(k, v128.load(K, 112))),
    f32x4.mul(k, v128.load(K, 128)),
  );
  let q = v128.load(K, 144);
  q = f32x4.add(f32x4.mul(q, r), v128.load(K, 160));
  q = f32x4.add(f32x4.mul(q, r), v128.load(K, 176));
  q = f32x4.add(f32x4.mul(q, r), v128.load(K, 192));
  q = f32x4.add(f32x4.mul(q, r), v128.load(K, 208));
  q = f32x4.add(f32x4.mul(q, r), v128.load(K, 224));
  const em1 = f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q));
  // 2^k: the integer k sits in kr's low bits; (bits + 127) << 23 drops ROUND's own bits.
  const scale = i32x4.shl(i32x4.add(kr, v128.load(K_127)), 23);
  const t = f32x4.add(f32x4.mul(em1, scale), f32x4.sub(scale, v128.load(K)));
  const th = f32x4.div(t, f32x4.add(t, v128.load(K, 48)));
  return v128.or(th, v128.and(x, v128.load(K, 16)));
}

/**
 * tanhv of two vectors, stored at pa and pb, the two computations interleaved statement by
 * statement (the same operations per lane as tanhv, so the same bits): each tanh is one long
 * dependency chain, and V8 keeps the source order, so two chains side by side fill the
 * pipelines (measured 28.6 -> 21.4 us for 12,800 floats).
 */
// @ts-ignore: decorator
@inline function tanh2(xa: v128, xb: v128, pa: usize, pb: usize): void {
  const axa = f32x4.abs(xa);
  const axb = f32x4.abs(xb);
  const ya = f32x4.pmin(f32x4.add(axa, axa), v128.load(K, 64));
  const yb = f32x4.pmin(f32x4.add(axb, axb), v128.load(K, 64));
  const kra = f32x4.add(f32x4.mul(ya, v128.load(K, 80)), v128.load(K, 96));
  const krb = f32x4.add(f32x4.mul(yb, v128.load(K, 80)), v128.load(K, 96));
  const ka = f32x4.sub(kra, v128.load(K, 96));
  const kb = f32x4.sub(krb, v128.load(K, 96));
  const ra = f32x4.sub( f32x4.sub(ya, f32x4.mul(ka, v128.load(K, 112))), f32x4.mul(ka, v128.load(K, 128)), );
  const rb = f32x4.sub( f32x4.sub(yb, f32x4.mul(kb, v128.load(K, 112))), f32x4.mul(kb, v128.load(K, 128)), );
  let qa = v128.load(K, 144);
  let qb = v128.load(K, 144);
  qa = f32x4.add(f32x4.mul(qa, ra), v128.load(K, 160));
  qb = f32x4.add(f32x4.mul(qb, rb), v128.load(K, 160));
  qa = f32x4.add(f32x4.mul(qa, ra), v128.load(K, 176));
  qb = f32x4.add(f32x4.mul(qb, rb), v128.load(K, 176));
  qa = f32x4.add(f32x4.mul(qa, ra), v128.load(K, 192));
  qb = f32x4.add(f32x4.mul(qb, rb), v128.load(K, 192));
  qa = f32x4.add(f32x4.mul(qa, ra), v128.load(K, 208));
  qb = f32x4.add(f32x4.mul(qb, rb), v128.load(K, 208));
  qa = f32x4.add(f32x4.mul(qa, ra), v128.load(K, 224));
  qb = f32x4.add(f32x4.mul(qb, rb), v128.load(K, 224));
  const em1a = f32x4.add(ra, f32x4.mul(f32x4.mul(ra, ra), qa));
  const em1b = f32x4.add(rb, f32x4.mul(f32x4.mul(rb, rb), qb));
  const scalea = i32x4.shl(i32x4.add(kra, v128.load(K_127)), 23);
  const scaleb = i32x4.shl(i32x4.add(krb, v128.load(K_127)), 23);
  const ta = f32x4.add(f32x4.mul(em1a, scalea), f32x4.sub(scalea, v128.load(K)));
  const tb = f32x4.add(f32x4.mul(em1b, scaleb), f32x4.sub(scaleb, v128.load(K)));
  const tha = f32x4.div(ta, f32x4.add(ta, v128.load(K, 48)));
  const thb = f32x4.div(tb, f32x4.add(tb, v128.load(K, 48)));
  v128.store(pa, v128.or(tha, v128.and(xa, v128.load(K, 16))));
  v128.store(pb, v128.or(thb, v128.and(xb, v128.load(K, 16))));
}

/** Applies epilogue `epi` to accumulator `a` whose output goes to byte offset `o` (aux alike). */
// @ts-ignore: decorator
@inline function finish(a: v128, bias: v128, epi: i32, aux: usize): v128 {
  if (epi == EPI_LINEAR) return f32x4.add(a, bias);
  if (epi == EPI_TANH) return tanhv(f32x4.add(a, bias));
  if (epi == EPI_RELU) return f32x4.pmax(f32x4.add(a, bias), ZERO);
  if (epi == EPI_HARD_TANH) {
    const z = f32x4.add(a, bias);
    v128.store(aux, z);
    return f32x4.pmin(f32x4.pmax(z, v128.load(K, 32)), v128.load(K));
  }
  if (epi == EPI_D_TANH) {
    const y = v128.load(aux);
    return f32x4.mul(a, f32x4.sub(v128.load(K), f32x4.mul(y, y)));
  }
  if (epi == EPI_D_RELU) return f32x4.mul(a, v128.and(f32x4.gt(v128.load(aux), ZERO), v128.load(K)));
  if (epi == EPI_D_HARD_TANH) {
    const z = v128.load(aux);
    const inside = v128.and(f32x4.ge(z, v128.load(K, 32)), f32x4.le(z, v128.load(K)));
    return v128.and(a, inside);
  }
  return a;
}

/** Stores 8 accumulators (32 floats) at `q` through the epilogue (aux at `x`). */
// @ts-ignore: decorator
@inline function store8(
  q: usize, x: usize, b: v128, epi: i32,
  a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, a7: v128,
): void {
  if (epi == EPI_TANH) {
    // Two tanh chains side by side (tanh2: same operations, same bits, fuller pipelines).
    tanh2(f32x4.add(a0, b), f32x4.add(a1, b), q, q + 16);
    tanh2(f32x4.add(a2, b), f32x4.add(a3, b), q + 32, q + 48);
    tanh2(f32x4.add(a4, b), f32x4.add(a5, b), q + 64, q + 80);
    tanh2(f32x4.add(a6, b), f32x4.add(a7, b), q + 96, q + 112);
    return;
  }
  v128.store(q, finish(a0, b, epi, x), 0);
  v128.store(q, finish(a1, b, epi, x + 16), 16);
  v128.store(q, finish(a2, b, epi, x + 32), 32);
  v128.store(q, finish(a3, b, epi, x + 48), 48);
  v128.store(q, finish(a4, b, epi, x + 64), 64);
  v128.store(q, finish(a5, b, epi, x + 80), 80);
  v128.store(q, finish(a6, b, epi, x + 96), 96);
  v128.store(q, finish(a7, b, epi, x + 112), 112);
}

/** Horizontal sum ((l0 + l1) + (l2 + l3)). */
// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** [hsum(a), hsum(b), hsum(c), hsum(d)] by shuffles, each in hsum's order ((l0 + l1) + (l2 + l3)). */
// @ts-ignore: decorator
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab01 = i32x4.shuffle(a, b, 0, 1, 4, 5), ab23 = i32x4.shuffle(a, b, 2, 3, 6, 7);
  const cd01 = i32x4.shuffle(c, d, 0, 1, 4, 5), cd23 = i32x4.shuffle(c, d, 2, 3, 6, 7);
  const lo = f32x4.add(i32x4.shuffle(ab01, cd01, 0, 2, 4, 6), i32x4.shuffle(ab01, cd01, 1, 3, 5, 7));
  const hi = f32x4.add(i32x4.shuffle(ab23, cd23, 0, 2, 4, 6), i32x4.shuffle(ab23, cd23, 1, 3, 5, 7));
  return f32x4.add(lo, hi);
}

/** Sum of the products of 8 vector pairs at p and d (offsets 0..112). */
// @ts-ignore: decorator
@inline function dot8(p: usize, d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, d6: v128, d7: v128): v128 {
  let s = f32x4.mul(v128.load(p, 0), d0);
  s = f32x4.add(s, f32x4.mul(v128.load(p, 16), d1));
  s = f32x4.add(s, f32x4.mul(v128.load(p, 32), d2));
  s = f32x4.add(s, f32x4.mul(v128.load(p, 48), d3));
  s = f32x4.add(s, f32x4.mul(v128.load(p, 64), d4));
  s = f32x4.add(s, f32x4.mul(v128.load(p, 80), d5));
  s = f32x4.add(s, f32x4.mul(v128.load(p, 96), d6));
  return f32x4.add(s, f32x4.mul(v128.load(p, 112), d7));
}

// ------------------------------------------------------------ input, padding

/**
 * Writes `n` images (`src`: n x H x W x C floats, image-major, (h, w, c) order)
 * into batch-contiguous rows at `dst` (row of (c, h, w) = c * chanRows +
 * (h + pad) * wp + w + pad) and zeroes columns n..bp of those rows.
 */
export function loadInput(
  src: usize, n: i32, h: i32, w: i32, c: i32, dst: usize, bp: i32, wp: i32, chanRows: i32, pad: i32,
): void {
  const pixels = h * w * c;
  const rowBytes = <usize>bp << 2;
  if (c == 1 || (h == 1 && w == 1)) {
    // One channel, or an MLP (one row per value): each image row is a block transpose.
    const cols = c == 1 ? w : c;
    for (let y = 0; y < h; y++) {
      const row0 = dst + <usize>((y + pad) * wp + pad) * rowBytes;
      transpose(src + (<usize>(y * cols) << 2), pixels, n, cols, row0, bp);
      if (n < bp) {
        for (let x = 0; x < cols; x++) {
          memory.fill(row0 + <usize>x * rowBytes + (<usize>n << 2), 0, <usize>(bp - n) << 2);
        }
      }
    }
    return;
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        const p = (y * w + x) * c + ch;
        const row = dst + <usize>(ch * chanRows + (y + pad) * wp + x + pad) * rowBytes;
        let s = src + (<usize>p << 2);
        for (let b = 0; b < n; b++) {
          store<f32>(row + (<usize>b << 2), load<f32>(s));
          s += <usize>pixels << 2;
        }
        memory.fill(row + (<usize>n << 2), 0, <usize>(bp - n) << 2);
      }
    }
  }
}

/**
 * Fills the border of `channels` circularly padded images in place from
 * their interiors (rows above = the last `pad` image rows, and so on;
 * corners wrap on both axes). Padded size (h + 2 pad) x (w + 2 pad) = chanRows.
 */
export function circularPad(
  buf: usize, channels: i32, h: i32, w: i32, pad: i32, bp: i32,
): void {
  if (pad == 0) return;
  const wp = w + 2 * pad;
  const hp = h + 2 * pad;
  const rowBytes = <usize>bp << 2;
  for (let ch = 0; ch < channels; ch++) {
    const base = buf + <usize>(ch * hp * wp) * rowBytes;
    // Columns of the interior rows.
    for (let y = pad; y < pad + h; y++) {
      const line = base + <usize>(y * wp) * rowBytes;
      for (let s = 0; s < pad; s++) {
        memory.copy(line + <usize>s * rowBytes, line + <usize>(s + w) * rowBytes, rowBytes);
        memory.copy(
          line + <usize>(pad + w + s) * rowBytes, line + <usize>(pad + s) * rowBytes, rowBytes,
        );
      }
    }
    // Whole padded rows above and below (corners included).
    const lineBytes = <usize>wp * rowBytes;
    for (let r = 0; r < pad; r++) {
      memory.copy(base + <usize>r * lineBytes, base + <usize>(r + h) * lineBytes, lineBytes);
      memory.copy(
        base + <usize>(pad + h + r) * lineBytes, base + <usize>(pad + r) * lineBytes, lineBytes,
      );
    }
  }
}

// ------------------------------------------------------------- sparse kernels

/**
 * Bytes of input rows one pixel tile may touch, about 3/4 of a 512 KB L2 (forward, 28 x 28,
 * batch 128: at 32 channels tiles of 5-6 pixels beat 3, 8 and whole rows; at 16 channels 8-19
 * beat 4 and whole rows; at batch 32 whole rows beat every tile).
 */
const TILE_BYTES: i32 = 384 << 10;

/**
 * Pixels per tile for a layer's lists: the input rows a tile of T pixels of
 * one image row reads (in-channels x 3 image rows x (T + 2) pixels x rowBytes;
 * in-channels estimated from the span of the row offsets) fit in TILE_BYTES.
 * Tiling only changes which outputs are computed when, never a sum's order.
 */
function tileFor(rowPtr: usize, rows: usize, outs: i32, w: i32, chanRows: i32, rowBytes: usize): i32 {
  if (w <= 1) return 1;
  const count = load<i32>(rowPtr + (<usize>outs << 2));
  let lo = i32.MAX_VALUE, hi = i32.MIN_VALUE;
  for (let k = 0; k < count; k++) {
    const r = load<i32>(rows + (<usize>k << 2));
    lo = min(lo, r);
    hi = max(hi, r);
  }
  if (count == 0) return w;
  const ins = (hi - lo) / chanRows + 1;
  const t = TILE_BYTES / (ins * 3 * <i32>rowBytes) - 2;
  return t < 1 ? 1 : t;
}

/** One output row chunk (32 columns at `q`, aux at `x`): epi(b + sum_k wts[k] * in[base + rows[k]]). */
// @ts-ignore: decorator
@inline function convChunk(
  k0: i32, k1: i32, rows: usize, wts: usize, base: usize, rowBytes: usize, q: usize, x: usize,
  b: v128, epi: i32,
): void {
  let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO, a4 = ZERO, a5 = ZERO, a6 = ZERO, a7 = ZERO;
  for (let k = k0; k < k1; k++) {
    const p = base + <usize>load<i32>(rows + (<usize>k << 2)) * rowBytes;
    const wv = v128.load32_splat(wts + (<usize>k << 2));
    a0 = f32x4.add(a0, f32x4.mul(wv, v128.load(p, 0)));
    a1 = f32x4.add(a1, f32x4.mul(wv, v128.load(p, 16)));
    a2 = f32x4.add(a2, f32x4.mul(wv, v128.load(p, 32)));
    a3 = f32x4.add(a3, f32x4.mul(wv, v128.load(p, 48)));
    a4 = f32x4.add(a4, f32x4.mul(wv, v128.load(p, 64)));
    a5 = f32x4.add(a5, f32x4.mul(wv, v128.load(p, 80)));
    a6 = f32x4.add(a6, f32x4.mul(wv, v128.load(p, 96)));
    a7 = f32x4.add(a7, f32x4.mul(wv, v128.load(p, 112)));
  }
  store8(q, x, b, epi, a0, a1, a2, a3, a4, a5, a6, a7);
}

/**
 * Gather multiply-add over kept weights, the forward pass of a sparse layer
 * and, with transposed lists, its input gradient. Output o, pixel (y, x):
 *
 *   out[o*chanRows + outOff + y*wp + x] = epi(bias[o] + sum_k wts[k] * in[rows[k] + y*wp + x])
 *
 * for k in rowPtr[o] .. rowPtr[o + 1] (i32 entries), rows in row units.
 * `bias` = 0 means no bias; aux rows are addressed like out rows. Loop order:
 * image row, tile of columns (tileFor), output, column, batch chunk of 32
 * columns, entry. Each output value is one sum over its entries in list order
 * whatever the loop order, so the order only serves locality: the input rows
 * of a tile stay in L2 for all outputs, and with the chunk innermost every row
 * is read whole and in sequence (a chunk-outer order reads 128 of every
 * bp * 4 bytes at bp > 32, which defeats the prefetchers and maps into a
 * fraction of the cache sets).
 */
export function gatherConv(
  rowPtr: usize, rows: usize, wts: usize, outs: i32, h: i32, w: i32, wp: i32, chanRows: i32,
  outOff: i32, inp: usize, out: usize, bp: i32, bias: usize, epi: i32, aux: usize,
): void {
  const rowBytes = <usize>bp << 2;
  const tile = tileFor(rowPtr, rows, outs, w, chanRows, rowBytes);
  for (let y = 0; y < h; y++) {
    for (let x0 = 0; x0 < w; x0 += tile) {
      const x1 = min(w, x0 + tile);
      for (let o = 0; o < outs; o++) {
        const k0 = load<i32>(rowPtr + (<usize>o << 2));
        const k1 = load<i32>(rowPtr + (<usize>(o + 1) << 2));
        const b = bias == 0 ? ZERO : v128.load32_splat(bias + (<usize>o << 2));
        for (let x = x0; x < x1; x++) {
          const pix = y * wp + x;
          const orow = <usize>(o * chanRows + outOff + pix) * rowBytes;
          const base = inp + <usize>pix * rowBytes;
          for (let c: usize = 0; c < rowBytes; c += 128) {
            convChunk(k0, k1, rows, wts, base + c, rowBytes, out + orow + c, aux + orow + c, b, epi);
          }
        }
      }
    }
  }
}

/** Adds one batch chunk's terms (32 columns at inp and dz, rows rowBytes apart) to scratch. */
// @ts-ignore: decorator
@inline function wgradChunk(
  rowPtr: usize, rows: usize, outs: i32, h: i32, w: i32, wp: i32, chanRows: i32, outOff: i32,
  inp: usize, dz: usize, rowBytes: usize, scratch: usize, tile: i32,
): void {
  for (let y = 0; y < h; y++) {
    for (let x0 = 0; x0 < w; x0 += tile) {
      const x1 = min(w, x0 + tile);
      for (let o = 0; o < outs; o++) {
        const k0 = load<i32>(rowPtr + (<usize>o << 2));
        const k1 = load<i32>(rowPtr + (<usize>(o + 1) << 2));
        if (k1 == k0) continue;
        for (let x = x0; x < x1; x++) {
          const pix = y * wp + x;
          const base = inp + <usize>pix * rowBytes;
          const q = dz + <usize>(o * chanRows + outOff + pix) * rowBytes;
          const d0 = v128.load(q, 0), d1 = v128.load(q, 16), d2 = v128.load(q, 32);
          const d3 = v128.load(q, 48), d4 = v128.load(q, 64), d5 = v128.load(q, 80);
          const d6 = v128.load(q, 96), d7 = v128.load(q, 112);
          let acc = scratch + (<usize>k0 << 4);
          for (let k = k0; k < k1; k++) {
            const p = base + <usize>load<i32>(rows + (<usize>k << 2)) * rowBytes;
            v128.store(acc, f32x4.add(v128.load(acc), dot8(p, d0, d1, d2, d3, d4, d5, d6, d7)));
            acc += 16;
          }
        }
      }
    }
  }
}

/** Copies 128 bytes at src, src + rowBytes, ... (n rows) to dst, contiguous. */
// @ts-ignore: decorator
@inline function packChunk(src: usize, n: i32, rowBytes: usize, dst: usize): void {
  for (let r = 0; r < n; r++) {
    v128.store(dst, v128.load(src, 0), 0);
    v128.store(dst, v128.load(src, 16), 16);
    v128.store(dst, v128.load(src, 32), 32);
    v128.store(dst, v128.load(src, 48), 48);
    v128.store(dst, v128.load(src, 64), 64);
    v128.store(dst, v128.load(src, 80), 80);
    v128.store(dst, v128.load(src, 96), 96);
    v128.store(dst, v128.load(src, 112), 112);
    src += rowBytes;
    dst += 128;
  }
}

/**
 * Weight gradient at the kept positions only (a sampled dense-dense product):
 *
 *   grad[k] = sum_{y, x, b} in[rows[k] + y*wp + x][b] * dz[o*chanRows + outOff + y*wp + x][b]
 *
 * for every k of output o's list. `scratch` holds one v128 per entry of the
 * whole layer: each entry's partial sums run over batch chunks of 32 columns,
 * then image rows, then columns (this order fixes the result bits). At
 * bp > 32 a chunk's 128 bytes of every row are strided bp * 4 bytes apart,
 * which the prefetchers and cache sets handle badly; given `pack` (a free
 * buffer of (inRows + outs * chanRows) * 128 bytes, else 0) each chunk of the
 * `inRows` input rows and of dz is first copied there contiguously, and the
 * same sums run on the copies.
 */
export function gatherWgrad(
  rowPtr: usize, rows: usize, outs: i32, h: i32, w: i32, wp: i32, chanRows: i32, outOff: i32,
  inp: usize, dz: usize, bp: i32, grad: usize, scratch: usize, inRows: i32, pack: usize,
): void {
  const rowBytes = <usize>bp << 2;
  const count = load<i32>(rowPtr + (<usize>outs << 2));
  memory.fill(scratch, 0, <usize>count << 4);
  const packed = pack != 0 && rowBytes > 128;
  // A chunk-outer pass touches 128 bytes per row: size the tile for that.
  const tile = tileFor(rowPtr, rows, outs, w, chanRows, 128);
  if (packed) {
    const dzRows = outs * chanRows;
    const packDz = pack + (<usize>inRows << 7);
    for (let c: usize = 0; c < rowBytes; c += 128) {
      packChunk(inp + c, inRows, rowBytes, pack);
      packChunk(dz + c, dzRows, rowBytes, packDz);
      wgradChunk(rowPtr, rows, outs, h, w, wp, chanRows, outOff, pack, packDz, 128, scratch, tile);
    }
  } else {
    for (let c: usize = 0; c < rowBytes; c += 128) {
      wgradChunk(rowPtr, rows, outs, h, w, wp, chanRows, outOff, inp + c, dz + c, rowBytes, scratch, tile);
    }
  }
  let acc = scratch;
  for (let k = 0; k < count; k++) {
    store<f32>(grad + (<usize>k << 2), hsum(v128.load(acc)));
    acc += 16;
  }
}

/** grad[o] = sum over the interior pixels and the batch of dz's rows of output o. */
export function biasGrad(
  dz: usize, outs: i32, h: i32, w: i32, wp: i32, chanRows: i32, outOff: i32, bp: i32, grad: usize,
): void {
  const rowBytes = <usize>bp << 2;
  for (let o = 0; o < outs; o++) {
    let s = ZERO;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const q = dz + <usize>(o * chanRows + outOff + y * wp + x) * rowBytes;
        for (let c: usize = 0; c < rowBytes; c += 16) s = f32x4.add(s, v128.load(q + c));
      }
    }
    store<f32>(grad + (<usize>o << 2), hsum(s));
  }
}

// -------------------------------------------------------------- dense kernels

/**
 * Dense product: for r < rows,
 *
 *   out[r] = epi(bias[r] + sum_{k < kk} w(r, k) * in[k])     (rows of bp floats)
 *
 * (each output's sum in ascending k), w(r, k) = m[(r >> 2) * bs + (r & 3) + k * ks]: the
 * weights of 4 consecutive outputs at one k are contiguous. The input gradient reads the
 * stored [out, in] kernel as it is (bs = 4, ks = in); the forward reads a copy packed by
 * `packRows` (bs = 4 kk, ks = 4: each block's weights one sequential stream). Blocks of 4
 * outputs x 8 columns: the 4 weights of one k are one v128 load, splat by shuffles. In V8
 * here every memory access carries an explicit bounds check (compare and branch), so loads,
 * not arithmetic, set the pace: this block needs 3 loads per 8 multiply-adds where the former
 * 5 x 8 block of splat loads needed 7 per 10 (5 x 8 with 4 + 1 loads and 4 x 8 unrolled over
 * k spill registers and are slower). Batch chunk of 32 columns outermost, then the rows past
 * a multiple of 4 singly.
 */
export function denseGemm(
  m: usize, bs: i32, ks: i32, rows: i32, kk: i32, inp: usize, out: usize, bp: i32, bias: usize,
  epi: i32, aux: usize,
): void {
  const rowBytes = <usize>bp << 2;
  const bsb = <usize>bs << 2;
  const ldb = <usize>ks << 2;
  const rows4 = rows & ~3;
  const kend = <usize>kk * rowBytes;
  for (let c: usize = 0; c < rowBytes; c += 32) {
    for (let r = 0; r < rows4; r += 4) {
      let a00 = ZERO, a01 = ZERO, a10 = ZERO, a11 = ZERO;
      let a20 = ZERO, a21 = ZERO, a30 = ZERO, a31 = ZERO;
      let p = inp + c;
      const pend = p + kend;
      let mk = m + <usize>(r >> 2) * bsb;
      while (p < pend) {
        const x0 = v128.load(p, 0), x1 = v128.load(p, 16);
        const w = v128.load(mk);
        let wv = i32x4.shuffle(w, w, 0, 0, 0, 0);
        a00 = f32x4.add(a00, f32x4.mul(wv, x0));
        a01 = f32x4.add(a01, f32x4.mul(wv, x1));
        wv = i32x4.shuffle(w, w, 1, 1, 1, 1);
        a10 = f32x4.add(a10, f32x4.mul(wv, x0));
        a11 = f32x4.add(a11, f32x4.mul(wv, x1));
        wv = i32x4.shuffle(w, w, 2, 2, 2, 2);
        a20 = f32x4.add(a20, f32x4.mul(wv, x0));
        a21 = f32x4.add(a21, f32x4.mul(wv, x1));
        wv = i32x4.shuffle(w, w, 3, 3, 3, 3);
        a30 = f32x4.add(a30, f32x4.mul(wv, x0));
        a31 = f32x4.add(a31, f32x4.mul(wv, x1));
        p += rowBytes;
        mk += ldb;
      }
      // Biases loaded after the loop: they would hold registers through it.
      const o = <usize>r * rowBytes + c;
      const b = bias + (<usize>r << 2);
      store2(out, aux, o, a00, a01, bias == 0 ? ZERO : v128.load32_splat(b, 0), epi);
      store2(out, aux, o + rowBytes, a10, a11, bias == 0 ? ZERO : v128.load32_splat(b, 4), epi);
      store2(out, aux, o + 2 * rowBytes, a20, a21, bias == 0 ? ZERO : v128.load32_splat(b, 8), epi);
      store2(out, aux, o + 3 * rowBytes, a30, a31, bias == 0 ? ZERO : v128.load32_splat(b, 12), epi);
    }
  }
  for (let r = rows4; r < rows; r++) {
    const mr = m + <usize>(r >> 2) * bsb + (<usize>(r & 3) << 2);
    const b = bias == 0 ? ZERO : v128.load32_splat(bias + (<usize>r << 2));
    for (let c: usize = 0; c < rowBytes; c += 128) {
      let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO, a4 = ZERO, a5 = ZERO, a6 = ZERO, a7 = ZERO;
      let p = inp + c;
      const pend = p + kend;
      let mk = mr;
      while (p < pend) {
        const wv = v128.load32_splat(mk);
        a0 = f32x4.add(a0, f32x4.mul(wv, v128.load(p, 0)));
        a1 = f32x4.add(a1, f32x4.mul(wv, v128.load(p, 16)));
        a2 = f32x4.add(a2, f32x4.mul(wv, v128.load(p, 32)));
        a3 = f32x4.add(a3, f32x4.mul(wv, v128.load(p, 48)));
        a4 = f32x4.add(a4, f32x4.mul(wv, v128.load(p, 64)));
        a5 = f32x4.add(a5, f32x4.mul(wv, v128.load(p, 80)));
        a6 = f32x4.add(a6, f32x4.mul(wv, v128.load(p, 96)));
        a7 = f32x4.add(a7, f32x4.mul(wv, v128.load(p, 112)));
        p += rowBytes;
        mk += ldb;
      }
      const o = <usize>r * rowBytes + c;
      store8(out + o, aux + o, b, epi, a0, a1, a2, a3, a4, a5, a6, a7);
    }
  }
}

/** Stores 2 accumulators (8 floats) at out + o through the epilogue (aux at aux + o). */
// @ts-ignore: decorator
@inline function store2(out: usize, aux: usize, o: usize, a0: v128, a1: v128, b: v128, epi: i32): void {
  if (epi == EPI_TANH) {
    tanh2(f32x4.add(a0, b), f32x4.add(a1, b), out + o, out + o + 16);
    return;
  }
  v128.store(out + o, finish(a0, b, epi, aux + o), 0);
  v128.store(out + o, finish(a1, b, epi, aux + o + 16), 16);
}

/**
 * dst[c*ldd + r] = src[r*lds + c] for r < rows, c < cols (f32): 4 x 4 blocks by shuffles, the
 * edges singly: the MLP input's rows.
 */
export function transpose(src: usize, lds: i32, rows: i32, cols: i32, dst: usize, ldd: i32): void {
  const sb = <usize>lds << 2;
  const db = <usize>ldd << 2;
  const rows4 = rows & ~3;
  const cols4 = cols & ~3;
  for (let r = 0; r < rows4; r += 4) {
    const s0 = src + <usize>r * sb;
    let d = dst + (<usize>r << 2);
    for (let c = 0; c < cols4; c += 4) {
      const s = s0 + (<usize>c << 2);
      const a0 = v128.load(s), a1 = v128.load(s + sb);
      const a2 = v128.load(s + 2 * sb), a3 = v128.load(s + 3 * sb);
      const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5), t1 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(a2, a3, 0, 4, 1, 5), t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
      v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
      v128.store(d + db, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
      v128.store(d + 2 * db, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
      v128.store(d + 3 * db, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
      d += 4 * db;
    }
  }
  for (let r = 0; r < rows; r++) {
    const c0 = r < rows4 ? cols4 : 0;
    for (let c = c0; c < cols; c++) {
      store<f32>(dst + <usize>c * db + (<usize>r << 2), load<f32>(src + <usize>r * sb + (<usize>c << 2)));
    }
  }
}

/**
 * The forward's copy of an [out, in] kernel (src, `rows` outputs x `cols` inputs) for
 * `denseGemm` with bs = 4 cols, ks = 4: dst[(r >> 2) * 4 cols + 4 k + (r & 3)] = src[r * cols +
 * k], the last block's missing rows zero (dst holds ceil(rows / 4) * 4 * cols floats).
 */
export function packRows(src: usize, rows: i32, cols: i32, dst: usize): void {
  const rowBytes = <usize>cols << 2;
  const blockBytes = <usize>cols << 4;
  const cols4 = cols & ~3;
  for (let r = 0; r < rows; r += 4) {
    const s = src + <usize>r * rowBytes;
    const d = dst + <usize>(r >> 2) * blockBytes;
    if (r + 4 <= rows) {
      for (let k = 0; k < cols4; k += 4) {
        const q = s + (<usize>k << 2);
        const a0 = v128.load(q), a1 = v128.load(q + rowBytes);
        const a2 = v128.load(q + 2 * rowBytes), a3 = v128.load(q + 3 * rowBytes);
        const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5), t1 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(a2, a3, 0, 4, 1, 5), t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
        const e = d + (<usize>k << 4);
        v128.store(e, i32x4.shuffle(t0, t2, 0, 1, 4, 5), 0);
        v128.store(e, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
        v128.store(e, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
        v128.store(e, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
      }
    }
    const k0 = r + 4 <= rows ? cols4 : 0;
    for (let k = k0; k < cols; k++) {
      for (let j = 0; j < 4; j++) {
        const v: f32 = r + j < rows ? load<f32>(s + <usize>j * rowBytes + (<usize>k << 2)) : 0;
        store<f32>(d + (<usize>k << 4) + (<usize>j << 2), v);
      }
    }
  }
}

/**
 * Dense weight gradient: grad[i*gi + o*go] = sum_b a[i][b] * dz[o][b] (a = the
 * layer's input rows, dz = its output gradient rows), blocks of 4 inputs x 2
 * outputs so a block of input rows stays in cache while all outputs stream,
 * 8 columns per iteration (two four-lane steps; each lane's sum in ascending
 * column, then ((l0 + l1) + (l2 + l3))). An [out, in] kernel: gi = 1, go = ins.
 */
export function denseWgrad(
  a: usize, ins: i32, dz: usize, outs: i32, bp: i32, grad: usize, gi: i32, go: i32,
): void {
  const rowBytes = <usize>bp << 2;
  const gib = <usize>gi << 2;
  const gob = <usize>go << 2;
  let i = 0;
  for (; i + 4 <= ins; i += 4) {
    const p0 = a + <usize>i * rowBytes;
    const p1 = p0 + rowBytes;
    const p2 = p1 + rowBytes;
    const p3 = p2 + rowBytes;
    let o = 0;
    for (; o + 2 <= outs; o += 2) {
      const q0 = dz + <usize>o * rowBytes;
      const q1 = q0 + rowBytes;
      let s00 = ZERO, s01 = ZERO, s10 = ZERO, s11 = ZERO;
      let s20 = ZERO, s21 = ZERO, s30 = ZERO, s31 = ZERO;
      for (let c: usize = 0; c < rowBytes; c += 32) {
        let d0 = v128.load(q0 + c), d1 = v128.load(q1 + c);
        let x = v128.load(p0 + c);
        s00 = f32x4.add(s00, f32x4.mul(x, d0));
        s01 = f32x4.add(s01, f32x4.mul(x, d1));
        x = v128.load(p1 + c);
        s10 = f32x4.add(s10, f32x4.mul(x, d0));
        s11 = f32x4.add(s11, f32x4.mul(x, d1));
        x = v128.load(p2 + c);
        s20 = f32x4.add(s20, f32x4.mul(x, d0));
        s21 = f32x4.add(s21, f32x4.mul(x, d1));
        x = v128.load(p3 + c);
        s30 = f32x4.add(s30, f32x4.mul(x, d0));
        s31 = f32x4.add(s31, f32x4.mul(x, d1));
        d0 = v128.load(q0 + c, 16);
        d1 = v128.load(q1 + c, 16);
        x = v128.load(p0 + c, 16);
        s00 = f32x4.add(s00, f32x4.mul(x, d0));
        s01 = f32x4.add(s01, f32x4.mul(x, d1));
        x = v128.load(p1 + c, 16);
        s10 = f32x4.add(s10, f32x4.mul(x, d0));
        s11 = f32x4.add(s11, f32x4.mul(x, d1));
        x = v128.load(p2 + c, 16);
        s20 = f32x4.add(s20, f32x4.mul(x, d0));
        s21 = f32x4.add(s21, f32x4.mul(x, d1));
        x = v128.load(p3 + c, 16);
        s30 = f32x4.add(s30, f32x4.mul(x, d0));
        s31 = f32x4.add(s31, f32x4.mul(x, d1));
      }
      const g = grad + <usize>i * gib + <usize>o * gob;
      if (gi == 1) {
        // The four inputs' sums of one output are contiguous: one store each.
        v128.store(g, hsum4(s00, s10, s20, s30));
        v128.store(g + gob, hsum4(s01, s11, s21, s31));
      } else {
        store<f32>(g, hsum(s00));
        store<f32>(g + gob, hsum(s01));
        store<f32>(g + gib, hsum(s10));
        store<f32>(g + gib + gob, hsum(s11));
        store<f32>(g + 2 * gib, hsum(s20));
        store<f32>(g + 2 * gib + gob, hsum(s21));
        store<f32>(g + 3 * gib, hsum(s30));
        store<f32>(g + 3 * gib + gob, hsum(s31));
      }
    }
    for (; o < outs; o++) {
      for (let j = 0; j < 4; j++) {
        store<f32>(
          grad + <usize>(i + j) * gib + <usize>o * gob,
          rowDot(a + <usize>(i + j) * rowBytes, dz + <usize>o * rowBytes, rowBytes),
        );
      }
    }
  }
  for (; i < ins; i++) {
    for (let o = 0; o < outs; o++) {
      store<f32>(
        grad + <usize>i * gib + <usize>o * gob,
        rowDot(a + <usize>i * rowBytes, dz + <usize>o * rowBytes, rowBytes),
      );
    }
  }
}

// @ts-ignore: decorator
@inline function rowDot(p: usize, q: usize, bytes: usize): f32 {
  let s = ZERO;
  for (let c: usize = 0; c < bytes; c += 16) {
    s = f32x4.add(s, f32x4.mul(v128.load(p + c), v128.load(q + c)));
  }
  return hsum(s);
}

// ----------------------------------------------------------------- pooling

/** out[ch] = (sum of channel ch's interior rows) / (h * w): global average pooling. */
export function poolForward(
  inp: usize, channels: i32, h: i32, w: i32, wp: i32, chanRows: i32, outOff: i32, bp: i32,
  out: usize,
): void {
  const rowBytes = <usize>bp << 2;
  const inv = f32x4.splat(<f32>(h * w));
  for (let ch = 0; ch < channels; ch++) {
    const o = out + <usize>ch * rowBytes;
    for (let c: usize = 0; c < rowBytes; c += 16) {
      let s = ZERO;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          s = f32x4.add(s, v128.load(inp + <usize>(ch * chanRows + outOff + y * wp + x) * rowBytes + c));
        }
      }
      v128.store(o + c, f32x4.div(s, inv));
    }
  }
}

/**
 * Gradient of global average pooling through the layer's activation:
 * dz[ch, y, x] = epi(df[ch] / (h * w)) with the derivative epilogue `epi` (aux = activations).
 */
export function poolBackward(
  df: usize, channels: i32, h: i32, w: i32, wp: i32, chanRows: i32, outOff: i32, bp: i32,
  dz: usize, epi: i32, aux: usize,
): void {
  const rowBytes = <usize>bp << 2;
  const inv = f32x4.splat(<f32>(h * w));
  for (let ch = 0; ch < channels; ch++) {
    const f = df + <usize>ch * rowBytes;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = <usize>(ch * chanRows + outOff + y * wp + x) * rowBytes;
        for (let c: usize = 0; c < rowBytes; c += 16) {
          const g = f32x4.div(v128.load(f + c), inv);
          v128.store(dz + o + c, finish(g, ZERO, epi, aux + o + c));
        }
      }
    }
  }
}

// -------------------------------------------------------------------- loss

/**
 * Softmax cross-entropy of logits (classes rows of bp floats) against
 * `labels` (n bytes). Writes to `stats` the f64 sum of the n losses and the
 * f64 count of examples whose first maximal logit is the label. When `dl` is
 * non-zero also writes the gradient of the mean loss, (softmax - onehot) / n,
 * with zeros in columns n..bp. Computed in float64 per example.
 */
export function softmaxCrossEntropy(
  logits: usize, classes: i32, n: i32, bp: i32, labels: usize, dl: usize, stats: usize,
): void {
  const rowBytes = <usize>bp << 2;
  let lossSum: f64 = 0;
  let correct: f64 = 0;
  const invN: f64 = 1.0 / <f64>n;
  for (let b = 0; b < n; b++) {
    const col = <usize>b << 2;
    let best: f32 = load<f32>(logits + col);
    let arg = 0;
    for (let c = 1; c < classes; c++) {
      const z = load<f32>(logits + <usize>c * rowBytes + col);
      if (z > best) {
        best = z;
        arg = c;
      }
    }
    const label = <i32>load<u8>(labels + <usize>b);
    let m: f64 = <f64>best;
    let s: f64 = 0;
    for (let c = 0; c < classes; c++) {
      s += Math.exp(<f64>load<f32>(logits + <usize>c * rowBytes + col) - m);
    }
    const lse = m + Math.log(s);
    lossSum += lse - <f64>load<f32>(logits + <usize>label * rowBytes + col);
    if (arg == label) correct += 1;
    if (dl != 0) {
      for (let c = 0; c < classes; c++) {
        const z = <f64>load<f32>(logits + <usize>c * rowBytes + col);
        let g = Math.exp(z - lse);
        if (c == label) g -= 1;
        store<f32>(dl + <usize>c * rowBytes + col, <f32>(g * invN));
      }
    }
  }
  if (dl != 0) {
    for (let c = 0; c < classes; c++) {
      memory.fill(dl + <usize>c * rowBytes + (<usize>n << 2), 0, <usize>(bp - n) << 2);
    }
  }
  store<f64>(stats, lossSum);
  store<f64>(stats + 8, correct);
}

// ------------------------------------------------------------------- update

/**
 * The masked SGD step of the tfjs reference, elementwise over flat buffers
 * (same float32 operations in the same order):
 *   g = grad + wd * w (if wd != 0); g = g * mask
 *   v = mu * v + g; u = nesterov ? g + mu * v : v (if mu != 0, else u = g)
 *   w = (w - lr * u) * mask
 */
export function sgdUpdate(
  w: usize, grad: usize, vel: usize, mask: usize, count: i32, lr: f32, mu: f32, wd: f32,
  nesterov: i32,
): void {
  const vlr = f32x4.splat(lr);
  const vmu = f32x4.splat(mu);
  const vwd = f32x4.splat(wd);
  const end = <usize>count << 2;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) {
    const wi = v128.load(w + i);
    const m = v128.load(mask + i);
    let g = v128.load(grad + i);
    if (wd != 0) g = f32x4.add(g, f32x4.mul(vwd, wi));
    g = f32x4.mul(g, m);
    let u = g;
    if (mu != 0) {
      const v = f32x4.add(f32x4.mul(vmu, v128.load(vel + i)), g);
      v128.store(vel + i, v);
      u = nesterov != 0 ? f32x4.add(g, f32x4.mul(vmu, v)) : v;
    }
    v128.store(w + i, f32x4.mul(f32x4.sub(wi, f32x4.mul(vlr, u)), m));
  }
  for (; i < end; i += 4) {
    const wi = load<f32>(w + i);
    const m = load<f32>(mask + i);
    let g = load<f32>(grad + i);
    if (wd != 0) g = g + wd * wi;
    g = g * m;
    let u = g;
    if (mu != 0) {
      const v = mu * load<f32>(vel + i) + g;
      store<f32>(vel + i, v);
      u = nesterov != 0 ? g + mu * v : v;
    }
    store<f32>(w + i, (wi - lr * u) * m);
  }
}

// --------------------------------------------------------------- helpers

/** dst[j] = src[idx[j]] for j < count (f32 values, i32 indices). */
export function gather(dst: usize, src: usize, idx: usize, count: i32): void {
  for (let j = 0; j < count; j++) {
    const k = load<i32>(idx + (<usize>j << 2));
    store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>k << 2)));
  }
}

/** k[j] = alpha * d[j] + s[j]: the effective kernel of a DCT+S layer. */
export function dctEffective(k: usize, d: usize, s: usize, alpha: f32, count: i32): void {
  for (let j = 0; j < count; j++) {
    const o = <usize>j << 2;
    store<f32>(k + o, alpha * load<f32>(d + o) + load<f32>(s + o));
  }
}

/** sum_j a[j] * b[j] in float32, four lanes then pairwise. */
export function dot(a: usize, b: usize, count: i32): f32 {
  let s = ZERO;
  const end = <usize>count << 2;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) s = f32x4.add(s, f32x4.mul(v128.load(a + i), v128.load(b + i)));
  let t = hsum(s);
  for (; i < end; i += 4) t += load<f32>(a + i) * load<f32>(b + i);
  return t;
}

/** tanh of `count` floats from src to dst (count a multiple of 4): for tests and benchmarks. */
export function tanhArray(src: usize, dst: usize, count: i32): void {
  const end = <usize>count << 2;
  for (let i: usize = 0; i < end; i += 16) v128.store(dst + i, tanhv(v128.load(src + i)));
}

/** First byte after the module's static data (the math library's tables): JS allocates from here. */
export function heapBase(): usize {
  return __heap_base;
}
