/**
 * A hostile module for the compare tests: NaN weights on every kept entry,
 * so the host's reply check (`weights-finite`) refuses it before any training.
 *
 * @module
 */

export default {
  name: "nan-weights",
  description: "Returns NaN wherever its mask keeps an entry.",
  kinds: ["dense"],
  initialize(request: { shape: { inFeatures: number; outFeatures: number } }) {
    const size = request.shape.inFeatures * request.shape.outFeatures;
    const mask = new Uint8Array(size).fill(1);
    return { weights: new Float32Array(size).fill(NaN), mask };
  },
};
