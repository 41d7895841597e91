/**
 * A module whose initializer throws, with terminal escapes and a bell in its
 * message (the host must strip them) and its own file in the stack (the host
 * must map the bundle's path back to this file).
 *
 * @module
 */

export default {
  name: "throws",
  description: "Always throws.",
  initialize(): never {
    throw new RangeError("density is not supported \u001b[31mhere\u001b[0m\u0007");
  },
};
