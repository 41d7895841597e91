/**
 * Writes to stdout behind the runner's back: garbage (`gain` 1), a forged
 * frame prefix announcing a 4 GiB body (`gain` 2), or only `console.log`
 * (`gain` 3, harmless: the runner sends it to stderr).
 *
 * @module
 */

import type { InitRequest } from "../../init/mod.ts";

export default {
  name: "stdout",
  description: "Writes to stdout.",
  kinds: ["dense"],
  initialize(request: InitRequest): unknown {
    const { shape } = request;
    const size = shape.kind === "dense" ? shape.inFeatures * shape.outFeatures : 0;
    if (request.gain === 1) Deno.stdout.writeSync(new TextEncoder().encode("garbage!\n"));
    if (request.gain === 2) {
      const prefix = new Uint8Array(12);
      const view = new DataView(prefix.buffer);
      view.setUint32(0, 0x31464953, true);
      view.setUint32(4, 2, true);
      view.setUint32(8, 0xffffffff, true);
      Deno.stdout.writeSync(prefix);
    }
    if (request.gain === 3) console.log("stdout.ts: chatty but harmless");
    return { weights: new Float32Array(size).fill(0.5), mask: new Uint8Array(size).fill(1) };
  },
};
