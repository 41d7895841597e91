import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import type { ModelConfig } from "../nn/mod.ts";
import { geometryOf, memoryEstimate, paddedBatch, planLayer, simdSupport } from "./plan.ts";

Deno.test("conv lists address padded rows; transposed lists mirror the taps and keep forward order", () => {
  const g = geometryOf(4, 4, 1); // wp 6, chanRows 36
  const shape = {
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 3,
    inChannels: 2,
    outChannels: 2,
  } as const;
  // tfjs layout [kh, kw, cin, cout]: keep (kh 0, kw 2, cin 1, cout 0) and (kh 1, kw 1, cin 0, cout 1)
  // and (kh 2, kw 0, cin 1, cout 1).
  const mask = new Uint8Array(36);
  const flat = (a: number, b: number, c: number, o: number) => ((a * 3 + b) * 2 + c) * 2 + o;
  mask[flat(0, 2, 1, 0)] = 1;
  mask[flat(1, 1, 0, 1)] = 1;
  mask[flat(2, 0, 1, 1)] = 1;
  const p = planLayer(shape, mask, { dense: false, transposed: true, geometry: g });
  equal(p.format, "sparse");
  deepEqual([...p.ptr!], [0, 1, 3]);
  deepEqual([...p.rows!], [36 + 0 * 6 + 2, 0 + 1 * 6 + 1, 36 + 2 * 6 + 0]);
  deepEqual([...p.index], [flat(0, 2, 1, 0), flat(1, 1, 0, 1), flat(2, 0, 1, 1)]);
  // By input channel: cin 0 has entry 1; cin 1 has entries 0 and 2 (forward order).
  deepEqual([...p.tPtr!], [0, 1, 3]);
  deepEqual([...p.tPerm!], [1, 0, 2]);
  // The transposed entry reads dz of its output at the mirrored tap (2 − kh, 2 − kw).
  deepEqual([...p.tRows!], [36 + 1 * 6 + 1, 0 + 2 * 6 + 0, 36 + 0 * 6 + 2]);
  equal(p.longest, 2);
});

Deno.test("planLayer keeps dense layers whole when asked and checks its inputs", () => {
  const shape = { kind: "dense", inFeatures: 3, outFeatures: 2 } as const;
  const dense = planLayer(shape, new Uint8Array(6).fill(1), { dense: true, transposed: true });
  equal(dense.format, "dense");
  equal(dense.count, 6);
  deepEqual([...dense.index], [0, 2, 4, 1, 3, 5]); // [out, in] order of the [in, out] entries
  const noT = planLayer(shape, Uint8Array.of(1, 1, 0, 0, 0, 1), {
    dense: false,
    transposed: false,
  });
  equal(noT.tPtr, undefined);
  equal(noT.count, 3);
  throws(
    () => planLayer(shape, new Uint8Array(5), { dense: false, transposed: false }),
    /5 entries/,
  );
  const even = {
    kind: "conv",
    kernelHeight: 2,
    kernelWidth: 2,
    inChannels: 1,
    outChannels: 1,
  } as const;
  throws(
    () =>
      planLayer(even, new Uint8Array(4), {
        dense: false,
        transposed: false,
        geometry: geometryOf(3, 3, 1),
      }),
    /square odd conv kernels/,
  );
  const conv = {
    kind: "conv",
    kernelHeight: 3,
    kernelWidth: 3,
    inChannels: 1,
    outChannels: 1,
  } as const;
  throws(
    () => planLayer(conv, new Uint8Array(9), { dense: false, transposed: false }),
    /padded by 1; got none/,
  );
});

Deno.test("simdSupport accepts the suite's networks and refuses what exceeds one wasm memory", () => {
  const mlp: ModelConfig = {
    architecture: "mlp",
    inputShape: [28, 28, 1],
    depth: 1000,
    width: 128,
    classes: 10,
    activation: "hard-tanh",
    dctPlusSparse: true,
  };
  equal(simdSupport(mlp, 128), null);
  const cnn: ModelConfig = { ...mlp, architecture: "cnn", depth: 16, width: 128 };
  equal(simdSupport(cnn, 128), null);
  match(simdSupport({ ...cnn, depth: 100 }, 128)!, /would need \d+\.\d GiB .* at most 4 GiB/);
  match(simdSupport({ ...mlp, architecture: "rnn" as "mlp" }, 128)!, /"rnn"/);
  // The estimate grows with the batch and the depth.
  ok(memoryEstimate(mlp, 256) > memoryEstimate(mlp, 128));
  ok(memoryEstimate({ ...mlp, depth: 10 }, 128) < memoryEstimate(mlp, 128) / 50);
  equal(paddedBatch(33), 64);
});
