/**
 * An initializer that never returns.
 *
 * @module
 */

let spins = 0;

export default {
  name: "loop",
  description: "Spins forever.",
  initialize(): never {
    for (;;) spins++;
  },
};
