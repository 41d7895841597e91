/**
 * Exhausts the JavaScript heap with small objects.
 *
 * @module
 */

const keep: { v: number[] }[] = [];

export default {
  name: "heap",
  description: "Exhausts the heap.",
  initialize(): never {
    for (;;) keep.push({ v: [keep.length, keep.length + 1] });
  },
};
