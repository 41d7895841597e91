/**
 * A default export whose name is not kebab-case.
 *
 * @module
 */

export default {
  name: "Sparse Glorot!",
  description: "A bad name.",
  initialize: () => ({ weights: new Float32Array(0), mask: new Uint8Array(0) }),
};
