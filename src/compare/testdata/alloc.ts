/**
 * Allocates 8 GiB: at once (`gain` 1) or in touched 64 MiB chunks (`gain` 2).
 *
 * @module
 */

import type { InitRequest } from "../../init/mod.ts";

const keep: Float64Array[] = [];

export default {
  name: "alloc",
  description: "Allocates 8 GiB.",
  initialize(request: InitRequest): never {
    if (request.gain === 1) {
      keep.push(new Float64Array(2 ** 30).fill(1));
    } else {
      for (let i = 0; i < 128; i++) keep.push(new Float64Array(2 ** 23).fill(i));
    }
    throw new Error(`allocated ${keep.length} arrays`);
  },
};
