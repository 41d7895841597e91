/**
 * How the simd engine stores and visits one kernel layer: its format (dense
 * `[in, out]` or a list of kept entries), the index lists its sparse kernels
 * walk, and the memory a whole network needs (so a cell that cannot fit is
 * refused before any work).
 *
 * Sparse layers keep only the mask's non-zeros, ordered by output unit (CSR):
 * output `o`'s entries are `ptr[o] .. ptr[o+1]`, each with the input row it
 * reads, relative to the output pixel (`cin·chanRows + kh·wp + kw` for a conv,
 * the input unit for a dense layer). The transposed lists (by input) serve
 * the input gradient. Convolutions always use lists (a dense conv is the list
 * of all taps); dense layers use dense kernels from {@linkcode DENSE_MIN_DENSITY}
 * on, and always for DCT+S layers (whose effective kernel `α·D + S` is dense).
 *
 * @module
 */

import { kernelSize, type LayerShape } from "../init/mod.ts";
import { layerShapes } from "../nn/mod.ts";
import type { ModelConfig } from "../nn/mod.ts";
import { MAX_MEMORY_BYTES } from "./kernels.ts";

/**
 * Dense layers at or above this density run on dense kernels (below: sparse
 * lists). Measured crossover on one core: see docs/engine.md.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { DENSE_MIN_DENSITY } from "./plan.ts";
 * ok(DENSE_MIN_DENSITY > 0 && DENSE_MIN_DENSITY <= 1);
 * ```
 */
export const DENSE_MIN_DENSITY = 0.5;

/**
 * Spatial layout of a layer's activations: `h × w` images padded by `pad` on
 * every side (`wp = w + 2·pad` columns, `chanRows` rows per channel); an MLP
 * layer is `1 × 1` with no padding.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { geometryOf } from "./plan.ts";
 * const g = geometryOf(28, 28, 1);
 * equal(g.chanRows, 900);
 * equal(g.outOff, 31);
 * ```
 */
export interface Geometry {
  /** Image rows. */
  readonly h: number;
  /** Image columns. */
  readonly w: number;
  /** Padding on each side. */
  readonly pad: number;
  /** Padded columns. */
  readonly wp: number;
  /** Rows per channel (`(h + 2·pad)·wp`). */
  readonly chanRows: number;
  /** Row of interior pixel (0, 0) within its channel (`pad·wp + pad`). */
  readonly outOff: number;
}

/**
 * The geometry of `h × w` images padded by `pad`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { geometryOf } from "./plan.ts";
 * deepEqual(geometryOf(1, 1, 0), { h: 1, w: 1, pad: 0, wp: 1, chanRows: 1, outOff: 0 });
 * ```
 */
export function geometryOf(h: number, w: number, pad: number): Geometry {
  const wp = w + 2 * pad;
  return { h, w, pad, wp, chanRows: (h + 2 * pad) * wp, outOff: pad * wp + pad };
}

/** The 1 × 1 geometry of dense layers. */
export const FLAT: Geometry = Object.freeze(geometryOf(1, 1, 0));

/**
 * One layer's storage plan (see module doc).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { planLayer } from "./plan.ts";
 * const shape = { kind: "dense", inFeatures: 2, outFeatures: 2 } as const;
 * const plan = planLayer(shape, Uint8Array.of(1, 0, 0, 1), { dense: false, transposed: true });
 * equal(plan.format, "sparse");
 * equal(plan.count, 2);
 * ```
 */
export interface LayerPlan {
  /** The kernel's shape. */
  readonly shape: LayerShape;
  /** `dense`: all entries, stored `[out, in]`; `sparse`: the listed entries only. */
  readonly format: "dense" | "sparse";
  /** Input units (dense) or channels (conv). */
  readonly ins: number;
  /** Output units or channels. */
  readonly outs: number;
  /** Stored kernel values. */
  readonly count: number;
  /** tfjs flat index of each stored value (list order; dense: `[out, in]` order). */
  readonly index: Int32Array;
  /** Sparse: list start per output (`outs + 1` entries). */
  readonly ptr?: Int32Array;
  /** Sparse: input row of each entry, relative to the output pixel. */
  readonly rows?: Int32Array;
  /** Sparse, when transposed lists were asked for: list start per input. */
  readonly tPtr?: Int32Array;
  /** Sparse: output row of each transposed entry, relative to the input pixel. */
  readonly tRows?: Int32Array;
  /** Sparse: the stored value (list position) of each transposed entry. */
  readonly tPerm?: Int32Array;
  /** Longest list (forward direction). */
  readonly longest: number;
}

/**
 * Plans one layer: `dense` format (all entries, stored `[out, in]`) or lists of the
 * entries where `pattern` is 1 (forward, and transposed when `transposed`).
 * Conv lists address rows of the padded image layout `geometry` (required
 * for convs; its padding must be `(k − 1)/2`).
 *
 * @throws {RangeError} if a conv kernel is not square with an odd size
 *   (circular "same" padding must be symmetric here), its geometry is
 *   missing or padded differently, or `pattern` has the wrong length.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { planLayer } from "./plan.ts";
 * const shape = { kind: "dense", inFeatures: 3, outFeatures: 2 } as const;
 * // tfjs layout [in, out]: entries (0,0), (1,1), (2,1) are kept.
 * const p = planLayer(shape, Uint8Array.of(1, 0, 0, 1, 0, 1), { dense: false, transposed: true });
 * deepEqual([...p.ptr!], [0, 1, 3]);
 * deepEqual([...p.rows!], [0, 1, 2]);
 * deepEqual([...p.index!], [0, 3, 5]);
 * ```
 */
export function planLayer(
  shape: LayerShape,
  pattern: Uint8Array,
  options: { readonly dense: boolean; readonly transposed: boolean; readonly geometry?: Geometry },
): LayerPlan {
  const size = kernelSize(shape);
  if (pattern.length !== size) {
    throw new RangeError(
      `planLayer: pattern has ${pattern.length} entries for a kernel of ${size}`,
    );
  }
  if (shape.kind === "dense") {
    const ins = shape.inFeatures, outs = shape.outFeatures;
    if (options.dense) {
      // Stored [out, in]: each output's weights contiguous (the forward streams them).
      const index = new Int32Array(size);
      for (let o = 0; o < outs; o++) {
        for (let i = 0; i < ins; i++) index[o * ins + i] = i * outs + o;
      }
      return { shape, format: "dense", ins, outs, count: size, index, longest: ins };
    }
    return _lists(shape, ins, outs, pattern, options.transposed, (o, emit) => {
      for (let i = 0; i < ins; i++) emit(i * outs + o, i, i, o);
    });
  }
  const { kernelHeight: kh, kernelWidth: kw, inChannels: cin, outChannels: cout } = shape;
  if (kh % 2 === 0 || kw % 2 === 0 || kh !== kw) {
    throw new RangeError(
      `planLayer: the simd engine needs square odd conv kernels (symmetric circular padding); got ${kh}×${kw}`,
    );
  }
  const pad = (kh - 1) / 2;
  const g = options.geometry;
  if (g === undefined || g.pad !== pad) {
    throw new RangeError(
      `planLayer: a ${kh}×${kw} conv needs a geometry padded by ${pad}; got ${
        g === undefined ? "none" : `pad ${g.pad}`
      }`,
    );
  }
  return _lists(shape, cin, cout, pattern, options.transposed, (o, emit) => {
    for (let c = 0; c < cin; c++) {
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          emit(
            (((a * kw) + b) * cin + c) * cout + o,
            c * g.chanRows + a * g.wp + b,
            c,
            o * g.chanRows + (2 * pad - a) * g.wp + (2 * pad - b),
          );
        }
      }
    }
  });
}

/**
 * Builds forward lists by visiting each output's candidate entries in order;
 * `emit(flat, row, input, tRow)` names one entry's tfjs index, input row, input
 * unit and the row its transposed entry reads.
 */
function _lists(
  shape: LayerShape,
  ins: number,
  outs: number,
  pattern: Uint8Array,
  transposed: boolean,
  visit: (
    o: number,
    emit: (flat: number, row: number, input: number, tRow: number) => void,
  ) => void,
): LayerPlan {
  let count = 0;
  for (let j = 0; j < pattern.length; j++) if (pattern[j] !== 0) count++;
  const index = new Int32Array(count);
  const rows = new Int32Array(count);
  const ptr = new Int32Array(outs + 1);
  const inputOf = new Int32Array(count);
  const tRowOf = new Int32Array(count);
  let k = 0;
  let longest = 0;
  for (let o = 0; o < outs; o++) {
    ptr[o] = k;
    visit(o, (flat, row, input, tRow) => {
      if (pattern[flat] === 0) return;
      index[k] = flat;
      rows[k] = row;
      inputOf[k] = input;
      tRowOf[k] = tRow;
      k++;
    });
    longest = Math.max(longest, k - ptr[o]);
  }
  ptr[outs] = k;
  const plan: LayerPlan = { shape, format: "sparse", ins, outs, count, index, ptr, rows, longest };
  if (!transposed) return plan;
  // Counting sort by input unit keeps each input's entries in forward order.
  const tPtr = new Int32Array(ins + 1);
  for (let j = 0; j < count; j++) tPtr[inputOf[j] + 1]++;
  for (let i = 0; i < ins; i++) tPtr[i + 1] += tPtr[i];
  const fill = tPtr.slice(0, ins);
  const tRows = new Int32Array(count);
  const tPerm = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const at = fill[inputOf[j]]++;
    tRows[at] = tRowOf[j];
    tPerm[at] = j;
  }
  return { ...plan, tPtr, tRows, tPerm };
}

/**
 * Why the simd engine cannot train `config` at `batchSize`, or `null` if it
 * can: it runs MLPs and circular CNNs (square odd kernels), every activation,
 * DCT+S, as long as the whole network fits one 4 GiB WebAssembly memory
 * (estimated with dense kernels, an upper bound).
 *
 * @example
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { simdSupport } from "./plan.ts";
 * const mlp = { architecture: "mlp", inputShape: [28, 28, 1], depth: 6, width: 100, classes: 10, activation: "tanh" } as const;
 * equal(simdSupport(mlp, 128), null);
 * match(simdSupport({ ...mlp, architecture: "cnn", depth: 1000, width: 128 }, 128)!, /GiB/);
 * ```
 */
export function simdSupport(config: ModelConfig, batchSize: number): string | null {
  if (config.architecture !== "mlp" && config.architecture !== "cnn") {
    return `the simd engine runs "mlp" and "cnn" networks; got architecture ${
      JSON.stringify(config.architecture)
    }`;
  }
  const shapes = layerShapes(config);
  for (const s of shapes) {
    if (s.kind === "conv" && (s.kernelHeight % 2 === 0 || s.kernelHeight !== s.kernelWidth)) {
      return `the simd engine needs square odd conv kernels; got ${s.kernelHeight}×${s.kernelWidth}`;
    }
  }
  const bytes = memoryEstimate(config, batchSize);
  if (bytes > MAX_MEMORY_BYTES) {
    return `the simd engine would need ${
      (bytes / 2 ** 30).toFixed(1)
    } GiB for this network at batch ${batchSize}; one WebAssembly memory holds at most 4 GiB`;
  }
  return null;
}

/**
 * Bytes of WebAssembly memory the simd engine needs for `config` at
 * `batchSize`, counting every kernel as dense (an upper bound).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { memoryEstimate } from "./plan.ts";
 * const mlp = { architecture: "mlp", inputShape: [28, 28, 1], depth: 1000, width: 128, classes: 10, activation: "tanh" } as const;
 * ok(memoryEstimate(mlp, 128) < 2 ** 30);
 * ```
 */
export function memoryEstimate(config: ModelConfig, batchSize: number): number {
  const shapes = layerShapes(config);
  const bp = paddedBatch(batchSize);
  const [h, w, c] = config.inputShape;
  const conv = config.architecture === "cnn";
  const g = conv ? geometryOf(h, w, 1) : FLAT;
  let activationRows = conv ? c * g.chanRows : h * w * c;
  let widest = activationRows;
  let params = 0;
  let lists = 0;
  for (const s of shapes) {
    const size = kernelSize(s);
    const outs = s.kind === "dense" ? s.outFeatures : s.outChannels;
    const rows = s.kind === "conv" ? outs * g.chanRows : outs;
    activationRows += rows * (config.activation === "hard-tanh" ? 2 : 1);
    widest = Math.max(widest, rows);
    params += size + outs + 1;
    lists += 4 * size + 2 * outs;
  }
  const dct = config.dctPlusSparse === true ? 2 : 0;
  const floats = (activationRows + 2 * widest) * bp + (4 + dct) * params + lists +
    batchSize * h * w * c;
  return floats * 4 + 64 * (shapes.length * 16 + 16);
}

/**
 * Columns of a batch of `n` in the kernels' layout: `n` rounded up to a multiple of 32.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { paddedBatch } from "./plan.ts";
 * equal(paddedBatch(128), 128);
 * equal(paddedBatch(100), 128);
 * equal(paddedBatch(1), 32);
 * ```
 */
export function paddedBatch(n: number): number {
  return Math.max(32, Math.ceil(n / 32) * 32);
}
