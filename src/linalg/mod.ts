/**
 * Float64 linear algebra: Householder QR, Haar orthogonal matrices, Givens rotations (EOI's
 * core), the DCT matrix, Gram error, a small SVD.
 *
 * @module
 */

export * from "./dct.ts";
export * from "./givens.ts";
export * from "./gram.ts";
export * from "./haar.ts";
export * from "./householder.ts";
export * from "./svd.ts";
