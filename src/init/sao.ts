/**
 * SAO, Sparsity-Aware Orthogonal initialization (Esguerra et al., IEEE Access
 * 2023): a regular bipartite (expander-like) sparse topology with exactly
 * orthogonal values.
 *
 * Streams: the column partition comes from `"mask"`, the block values from
 * `"weights"`.
 *
 * @module
 */

import { haarOrthogonal, leftSingularVectors } from "../linalg/mod.ts";
import { centreTapOffset, channelDims, checkDensity, checkGain } from "./kernel_io.ts";
import type { Rng } from "../rng/mod.ts";
import { kernelSize, type LayerShape, shapeLabel, validateShape } from "./shape.ts";
import type { Activation, InitRequest, LayerInit, MethodEntry, StreamFor } from "./types.ts";

/**
 * Options of {@linkcode saoMethod}'s `build`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initializeLayer } from "./initialize.ts";
 * import type { SaoOptions } from "./sao.ts";
 * const options: SaoOptions = { block: "authors" };
 * const shape = { kind: "dense", inFeatures: 8, outFeatures: 8 } as const;
 * const layer = initializeLayer("sao", shape, {
 *   density: 0.25, seed: 0, activation: "tanh", methodOptions: { ...options },
 * });
 * equal(layer.density, 0.25);
 * ```
 */
export interface SaoOptions {
  /**
   * How each group's `d × d` orthogonal block is drawn: `"haar"` (default,
   * Haar-random) or `"authors"`: `orth(U[0,1]^{d×d})` as the authors' code
   * (`scipy.linalg.orth`: the left singular vectors, by decreasing singular
   * value; ours by one-sided Jacobi), rows assigned in order. Not Haar: the
   * first singular vector is close to `±(1, …, 1)/√d`. Column signs are
   * Jacobi's where LAPACK's are unspecified, so this matches the authors'
   * distribution up to per-column signs.
   */
  readonly block?: "haar" | "authors";
}

/** `rows × cols` of the SAO matrix a shape needs, halved for the ReLU form. */
function _saoDims(shape: LayerShape, activation: Activation): [number, number, boolean] {
  const [inF, outF] = channelDims(shape);
  const rows = Math.min(inF, outF), cols = Math.max(inF, outF);
  if (activation !== "relu") return [rows, cols, true];
  return [rows / 2, cols / 2, rows % 2 === 0 && cols % 2 === 0];
}

/**
 * The densities SAO supports for a shape, increasing: `d/columns` for every
 * degree `d` dividing `columns = max(in, out)` with `rows·d/columns` an integer
 * (`rows = min(in, out)`; a conv uses its channels). For `activation` `"relu"`
 * the same condition holds on the half-size matrix `M` (empty if a size is odd).
 *
 * @throws {TypeError} if the shape is invalid.
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { saoDensities } from "./sao.ts";
 * deepEqual(saoDensities({ kind: "dense", inFeatures: 8, outFeatures: 8 }, "tanh"), [0.125, 0.25, 0.5, 1]);
 * deepEqual(saoDensities({ kind: "dense", inFeatures: 8, outFeatures: 8 }, "relu"), [0.25, 0.5, 1]);
 * ```
 */
export function saoDensities(shape: LayerShape, activation: Activation): number[] {
  validateShape(shape, "saoDensities");
  const [rows, cols, ok] = _saoDims(shape, activation);
  const out: number[] = [];
  if (!ok) return out;
  for (let d = 1; d <= cols; d++) {
    if (cols % d === 0 && (rows * d) % cols === 0) out.push(d / cols);
  }
  return out;
}

/** Rows `0 … k−1` of a `d × d` orthogonal block, row-major `k × d`. */
function _block(rng: Rng, k: number, d: number, kind: "haar" | "authors"): Float64Array {
  if (kind === "haar") return haarOrthogonal(rng, k, d); // = first k rows of a Haar d×d
  const u = new Float64Array(d * d);
  for (let t = 0; t < u.length; t++) u[t] = rng.uniform();
  const q = leftSingularVectors(u, d, d).u; // column-major d×d = scipy's orth(M)
  // orth(M)'s columns are the basis; the authors assign its ROWS (vals[j]) to rows.
  const out = new Float64Array(k * d);
  for (let s = 0; s < k; s++) {
    for (let t = 0; t < d; t++) out[s * d + t] = q[t * d + s];
  }
  return out;
}

/**
 * The SAO matrix `rows × cols` as a list of its `rows·d` non-zeros (row,
 * column, value): columns randomly partitioned into `cols/d` groups of `d`;
 * block row `g` uses group `g`; the block is stacked `k = rows·d/cols` times
 * (row `s·(cols/d) + g`); the `k` rows sharing group `g` get the rows of one
 * fresh orthogonal block (a group's columns in increasing order, as the
 * authors assign them).
 */
function _saoEntries(
  maskRng: Rng,
  weightRng: Rng,
  rows: number,
  cols: number,
  d: number,
  kind: "haar" | "authors",
): { row: Int32Array; col: Int32Array; value: Float64Array } {
  const groups = cols / d, k = (rows * d) / cols;
  const perm = maskRng.permutation(cols);
  const n = rows * d;
  const row = new Int32Array(n), col = new Int32Array(n), value = new Float64Array(n);
  let e = 0;
  for (let g = 0; g < groups; g++) {
    const members = perm.subarray(g * d, (g + 1) * d).sort();
    const b = _block(weightRng, k, d, kind);
    for (let s = 0; s < k; s++) {
      const r = s * groups + g;
      for (let t = 0; t < d; t++, e++) {
        row[e] = r;
        col[e] = members[t];
        value[e] = b[s * d + t];
      }
    }
  }
  return { row, col, value };
}

function _parseOptions(options: Record<string, unknown> | undefined): Required<SaoOptions> {
  const o = options ?? {};
  for (const key of Object.keys(o)) {
    if (key !== "block") throw new TypeError(`sao: unknown option "${key}" (known: block)`);
  }
  const block = o.block ?? "haar";
  if (block !== "haar" && block !== "authors") {
    throw new TypeError(`sao: option block must be "haar" or "authors"; got ${String(block)}`);
  }
  return { block };
}

function _sao(options: Required<SaoOptions>) {
  return (request: InitRequest, streams: StreamFor): LayerInit => {
    const { shape, density, activation } = request;
    validateShape(shape, "sao");
    checkDensity(density, shape, "sao");
    const gain = checkGain(request.gain, shape, "sao");
    const offset = shape.kind === "conv" ? centreTapOffset(shape, "sao") : 0;
    const [inF, outF] = channelDims(shape);
    const [rows, cols, ok] = _saoDims(shape, activation);
    const supported = saoDensities(shape, activation);
    const degree = density * cols;
    const d = Math.round(degree);
    if (
      !ok || Math.abs(degree - d) > 1e-9 * cols || d < 1 || cols % d !== 0 ||
      (rows * d) % cols !== 0
    ) {
      const form = activation === "relu" ? " (ReLU form [[M, −M], [−M, M]]: half sizes)" : "";
      throw new RangeError(
        `sao: density ${density} is not supported for ${shapeLabel(shape)}${form}: degree ${
          (activation === "relu" ? 2 : 1) * degree
        } must be an integer dividing ${cols} with ${rows}·degree/${cols} an integer${
          ok ? "" : "; the ReLU form needs even sizes"
        }; supported densities: [${supported.join(", ")}]`,
      );
    }
    const m = _saoEntries(streams("mask"), streams("weights"), rows, cols, d, options.block);
    const size = kernelSize(shape);
    const weights = new Float32Array(size);
    const mask = new Uint8Array(size);
    const taps = shape.kind === "conv" ? shape.kernelHeight * shape.kernelWidth : 1;
    const tap = inF * outF;
    // Entry (a, b) of the full min(in,out) × max(in,out) matrix goes to [in, out]
    // position (a, b) if in ≤ out, else (b, a); ReLU: (a, b) of M is written at
    // (a, b), (a, b + cols), (a + rows, b), (a + rows, b + cols) with signs + − − +.
    const quads = activation === "relu"
      ? [[0, 0, 1], [0, cols, -1], [rows, 0, -1], [rows, cols, 1]]
      : [[0, 0, 1]];
    for (let e = 0; e < m.value.length; e++) {
      for (const [da, db, sign] of quads) {
        const a = m.row[e] + da, b = m.col[e] + db;
        const k = inF <= outF ? a * outF + b : b * outF + a;
        weights[offset + k] = sign * m.value[e] * gain + 0;
        for (let t = 0; t < taps; t++) mask[t * tap + k] = 1; // whole kernel of a kept pair
      }
    }
    return { weights, mask };
  };
}

/**
 * `"sao"`: Sparsity-Aware Orthogonal initialization.
 *
 * `rows = min(in, out)`, `columns = max(in, out)` (a conv uses its channels),
 * degree `d = density·columns`; supported only if `d` is an integer dividing
 * `columns` with `rows·d/columns` an integer (see {@linkcode saoDensities}).
 * Mask: a random partition of the columns into groups of `d` (stream `"mask"`),
 * stacked `rows·d/columns` times: every row has exactly `d` non-zeros, every
 * column `rows·d/columns`. Values: per group, the rows of a fresh `d × d`
 * orthogonal block (stream `"weights"`; option `block`), so rows are exactly
 * orthonormal; times `gain` (default 1). Activation `"relu"`: the half-size
 * matrix `M` and `[[M, −M], [−M, M]]` (needs even sizes and degree).
 * Conv (odd kernels): the SAO channel matrix at the centre tap, the mask covers
 * the whole `kh × kw` kernel of every kept channel pair. `request.mask` is ignored.
 *
 * @throws {RangeError} (when called) for an unsupported density (the message
 *   lists the supported ones), a density outside (0, 1], a bad gain or an even kernel.
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { stream } from "../rng/mod.ts";
 * import { orthogonalityError } from "./orthogonality.ts";
 * import { saoMethod } from "./sao.ts";
 * const shape = { kind: "dense", inFeatures: 16, outFeatures: 16 } as const;
 * const { weights, mask } = saoMethod.build()(
 *   { shape, density: 0.25, activation: "tanh" },
 *   (purpose) => stream(0, "doc", purpose),
 * );
 * equal(mask.reduce((a, b) => a + b, 0), 64);
 * ok(orthogonalityError(weights, shape) < 1e-6);
 * ```
 */
export const saoMethod: MethodEntry = {
  name: "sao",
  description: "Regular sparse topology (random column partition) with exactly orthogonal blocks",
  paper: "Esguerra et al., IEEE Access 2023",
  kinds: ["dense", "conv"],
  takesMask: false,
  scoredWith: "pruned-orthogonal",
  // The paper's rule: in a network only square layers get SAO; the others are dense orthogonal.
  appliesTo: (shape) =>
    shape.kind === "dense"
      ? shape.inFeatures === shape.outFeatures
      : shape.inChannels === shape.outChannels,
  elsewhere: { dense: "orthogonal", conv: "delta-orthogonal" },
  build: (options?: Record<string, unknown>) => _sao(_parseOptions(options)),
};
