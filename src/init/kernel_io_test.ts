import { deepEqual, equal, throws } from "node:assert/strict";
import { centreTapOffset, channelDims, checkDensity, checkGain, writeKernel } from "./kernel_io.ts";

Deno.test("writeKernel() copies or transposes (blocked) into the offset, scaled, with +0 zeros", () => {
  const inF = 37, outF = 45; // not multiples of the 32 block
  const src = new Float64Array(inF * outF).map((_, k) => (k % 3 === 0 ? -0 : k));
  const direct = new Float32Array(inF * outF + 3);
  writeKernel(src, direct, { inFeatures: inF, outFeatures: outF, gain: 2, offset: 3 });
  for (let k = 0; k < inF * outF; k++) equal(Object.is(direct[3 + k], src[k] * 2 + 0), true);
  const t = new Float32Array(inF * outF);
  const mask = new Uint8Array(inF * outF);
  // src read as outF×inF... transposed into [45, 37]
  writeKernel(src, t, { transposed: true, inFeatures: outF, outFeatures: inF, gain: 1, mask });
  for (let i = 0; i < outF; i++) {
    for (let o = 0; o < inF; o++) {
      const v = src[o * outF + i];
      equal(Object.is(t[i * inF + o], v + 0), true);
      equal(mask[i * inF + o], v !== 0 ? 1 : 0);
    }
  }
});

Deno.test("centreTapOffset() finds the centre tap and rejects even kernels with the shape", () => {
  equal(
    centreTapOffset({
      kind: "conv",
      kernelHeight: 5,
      kernelWidth: 3,
      inChannels: 2,
      outChannels: 3,
    }, "x"),
    42,
  );
  throws(
    () =>
      centreTapOffset({
        kind: "conv",
        kernelHeight: 2,
        kernelWidth: 3,
        inChannels: 2,
        outChannels: 3,
      }, "eoi"),
    /eoi: needs an odd kernel .* got 2x3 in conv 2x3x2x3/,
  );
});

Deno.test("checkDensity() and checkGain() name the method, the shape and the value", () => {
  const shape = { kind: "dense", inFeatures: 3, outFeatures: 4 } as const;
  for (const d of [0, -0.1, 1.01, NaN]) {
    throws(
      () => checkDensity(d, shape, "sao"),
      new RegExp(`sao: density must be in \\(0, 1\\]; got ${d} for dense 3x4`),
    );
  }
  checkDensity(1, shape, "sao");
  equal(checkGain(2, shape, "eoi"), 2);
  for (const g of [0, -1, Infinity, NaN]) {
    throws(() => checkGain(g, shape, "eoi"), /eoi: gain must be/);
  }
  deepEqual(channelDims(shape), [3, 4]);
});
