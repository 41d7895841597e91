import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { shuffleMask, shuffleValues } from "./ablation.ts";
import { countNonZeros } from "../init/mod.ts";

function blockMask(n: number, k: number): Uint8Array {
  const m = new Uint8Array(n);
  m.fill(1, 0, k);
  return m;
}

Deno.test("shuffleMask() keeps the count and changes the positions", () => {
  const m = blockMask(400, 37);
  const s = shuffleMask(m, stream(1, "layer/0", "ablation/shuffle"));
  equal(countNonZeros(s), 37);
  notDeepEqual([...s], [...m]);
  // Positions spread over the layer, not only the first block.
  ok(countNonZeros(s.subarray(37)) > 20);
});

Deno.test("shuffleMask() is deterministic per stream and differs across seeds", () => {
  const m = blockMask(100, 30);
  deepEqual(shuffleMask(m, stream(1, "x")), shuffleMask(m, stream(1, "x")));
  notDeepEqual(shuffleMask(m, stream(1, "x")), shuffleMask(m, stream(2, "x")));
});

Deno.test("shuffleMask() handles empty and full masks", () => {
  deepEqual([...shuffleMask(new Uint8Array(5), stream(0, "e"))], [0, 0, 0, 0, 0]);
  deepEqual([...shuffleMask(new Uint8Array(5).fill(1), stream(0, "e"))], [1, 1, 1, 1, 1]);
});

Deno.test("shuffleValues() moves the same multiset of values onto a same-count mask", () => {
  const rng = stream(3, "vals");
  const w = new Float32Array(200), m = new Uint8Array(200);
  for (let i = 0; i < 200; i += 7) {
    m[i] = 1;
    w[i] = rng.normal();
  }
  const r = shuffleValues(w, m, stream(4, "layer/0", "ablation/shuffle"));
  equal(countNonZeros(r.mask), countNonZeros(m));
  deepEqual(
    [...r.weights].filter((_, i) => r.mask[i]).sort(),
    [...w].filter((_, i) => m[i]).sort(),
  );
  ok(r.weights.every((v, i) => r.mask[i] === 1 || v === 0));
  notDeepEqual([...r.mask], [...m]);
  throws(() => shuffleValues(w, new Uint8Array(3), rng), /shuffleValues: weights \(200\)/);
});
