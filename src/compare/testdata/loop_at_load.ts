/**
 * A module that never finishes loading.
 *
 * @module
 */

let spins = 0;
while (spins >= 0) spins = (spins + 1) % 1000;

export default {
  name: "loop-at-load",
  description: "Never loads.",
  initialize: () => ({ weights: new Float32Array(0), mask: new Uint8Array(0) }),
};
