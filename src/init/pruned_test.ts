import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { orthogonalityError } from "./orthogonality.ts";
import { stream } from "../rng/mod.ts";
import { blockOrthogonalKernel, prunedKaimingMethod, prunedOrthogonalMethod } from "./pruned.ts";
import { randomMask } from "./random_mask.ts";
import { type ConvShape, kernelSize, type LayerShape } from "./shape.ts";
import type { Initializer, LayerInit } from "./types.ts";
import { kaimingMethod } from "./variance_scaling.ts";

function run(
  init: Initializer,
  shape: LayerShape,
  density: number,
  seed: number,
  extra: { gain?: number; mask?: Uint8Array } = {},
): LayerInit {
  return init(
    { shape, density, activation: "tanh", gain: extra.gain, mask: extra.mask },
    (purpose) => stream(seed, "layer/1", purpose),
  );
}

const ones = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

const shapes: LayerShape[] = [
  { kind: "dense", inFeatures: 16, outFeatures: 16 },
  { kind: "dense", inFeatures: 30, outFeatures: 12 },
  { kind: "dense", inFeatures: 7, outFeatures: 20 },
  { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 4, outChannels: 8 },
  { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 24 },
];

Deno.test("pruned-orthogonal at density 1 is orthogonal along the smaller side (dense, flat conv)", () => {
  for (const shape of shapes) {
    const build = prunedOrthogonalMethod.build(shape.kind === "conv" ? { conv: "flat" } : {});
    const { weights, mask } = run(build, shape, 1, 0);
    equal(ones(mask), kernelSize(shape));
    const err = orthogonalityError(weights, shape);
    ok(err < 1e-6, `${JSON.stringify(shape)}: error ${err}`);
  }
});

/** Circular cross-correlation of an n × n × cin image (as tfjs conv2d with circular padding). */
function circularConv(
  x: Float64Array,
  k: ArrayLike<number>,
  s: ConvShape,
  n: number,
): Float64Array {
  const { kernelHeight: kh, kernelWidth: kw, inChannels: cin, outChannels: cout } = s;
  const y = new Float64Array(n * n * cout);
  for (let py = 0; py < n; py++) {
    for (let px = 0; px < n; px++) {
      for (let dy = 0; dy < kh; dy++) {
        for (let dx = 0; dx < kw; dx++) {
          const xi = (((py + dy) % n) * n + (px + dx) % n) * cin;
          for (let c = 0; c < cin; c++) {
            const kk = ((dy * kw + dx) * cin + c) * cout;
            for (let o = 0; o < cout; o++) y[(py * n + px) * cout + o] += x[xi + c] * k[kk + o];
          }
        }
      }
    }
  }
  return y;
}

/** The adjoint of {@linkcode circularConv}: an n × n × cout image back to n × n × cin. */
function circularConvAdjoint(
  y: Float64Array,
  k: ArrayLike<number>,
  s: ConvShape,
  n: number,
): Float64Array {
  const { kernelHeight: kh, kernelWidth: kw, inChannels: cin, outChannels: cout } = s;
  const x = new Float64Array(n * n * cin);
  for (let py = 0; py < n; py++) {
    for (let px = 0; px < n; px++) {
      for (let dy = 0; dy < kh; dy++) {
        for (let dx = 0; dx < kw; dx++) {
          const xi = (((py + dy) % n) * n + (px + dx) % n) * cin;
          for (let c = 0; c < cin; c++) {
            const kk = ((dy * kw + dx) * cin + c) * cout;
            for (let o = 0; o < cout; o++) x[xi + c] += y[(py * n + px) * cout + o] * k[kk + o];
          }
        }
      }
    }
  }
  return x;
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((a, b) => a + b * b, 0));

Deno.test("block-orthogonal conv kernels make circular convolution an isometry (Xiao et al.)", () => {
  const convs: ConvShape[] = [
    { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 4, outChannels: 8 },
    { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 6, outChannels: 6 },
    { kind: "conv", kernelHeight: 1, kernelWidth: 3, inChannels: 3, outChannels: 5 },
    { kind: "conv", kernelHeight: 5, kernelWidth: 2, inChannels: 2, outChannels: 4 },
    { kind: "conv", kernelHeight: 3, kernelWidth: 3, inChannels: 8, outChannels: 3 },
  ];
  const n = 6;
  for (const [i, s] of convs.entries()) {
    const k = blockOrthogonalKernel(stream(i, "block"), s);
    const rng = stream(i, "probe");
    const forward = s.inChannels <= s.outChannels;
    const v = Float64Array.from(
      { length: n * n * (forward ? s.inChannels : s.outChannels) },
      () => rng.normal(),
    );
    const image = forward ? circularConv(v, k, s, n) : circularConvAdjoint(v, k, s, n);
    const ratio = norm(image) / norm(v);
    ok(Math.abs(ratio - 1) < 1e-10, `${JSON.stringify(s)}: norm ratio ${ratio}`);
    // Not a delta kernel: the block construction spreads energy over the taps.
    const centre = (((s.kernelHeight - 1) >> 1) * s.kernelWidth + ((s.kernelWidth - 1) >> 1)) *
      s.inChannels * s.outChannels;
    const offCentre = k.reduce(
      (a, w, e) => a + (e >= centre && e < centre + s.inChannels * s.outChannels ? 0 : w * w),
      0,
    );
    ok(
      s.kernelHeight * s.kernelWidth === 1 || offCentre > 0.1,
      `${JSON.stringify(s)}: off-centre energy ${offCentre}`,
    );
  }
  // The float32 kernel of pruned-orthogonal at density 1 is the same, times the gain.
  const s = convs[0];
  const { weights } = run(prunedOrthogonalMethod.build(), s, 1, 7, { gain: 2 });
  const x = Float64Array.from({ length: n * n * 4 }, (_, j) => Math.sin(j + 1));
  const ratio = norm(circularConv(x, weights, s, n)) / norm(x);
  ok(Math.abs(ratio - 2) < 1e-5, `gain 2: norm ratio ${ratio}`);
});

Deno.test("pruned-orthogonal is the dense orthogonal kernel times an exact-count mask", () => {
  for (const shape of shapes) {
    const dense = run(prunedOrthogonalMethod.build(), shape, 1, 5).weights;
    const { weights, mask } = run(prunedOrthogonalMethod.build(), shape, 0.3, 5);
    equal(ones(mask), Math.round(0.3 * kernelSize(shape)));
    weights.forEach((w, i) => equal(w, mask[i] === 1 ? dense[i] : 0));
    ok(orthogonalityError(weights, shape) > 0.1, "pruning should break orthogonality");
  }
});

Deno.test("pruned-orthogonal multiplies by the gain (default 1)", () => {
  const shape = shapes[1];
  const base = run(prunedOrthogonalMethod.build(), shape, 1, 2).weights;
  const gained =
    run(prunedOrthogonalMethod.build(), shape, 1, 2, { gain: Math.sqrt(1.05) }).weights;
  equal(orthogonalityError(gained, shape, { gain: Math.sqrt(1.05) }) < 1e-6, true);
  base.forEach((w, i) => ok(Math.abs(gained[i] - Math.sqrt(1.05) * w) <= 1e-6 * Math.abs(w)));
});

Deno.test("pruned methods use a given mask exactly and share the random mask for the same seed", () => {
  const shape = shapes[3];
  const given = randomMask(stream(1, "snip"), kernelSize(shape), 50);
  for (const m of [prunedOrthogonalMethod, prunedKaimingMethod]) {
    const { weights, mask } = run(m.build(), shape, 0.9, 3, { mask: given });
    deepEqual(mask, given);
    weights.forEach((w, i) => ok(given[i] === 1 ? w !== 0 : w === 0));
  }
  deepEqual(
    run(prunedOrthogonalMethod.build(), shape, 0.2, 4).mask,
    run(prunedKaimingMethod.build(), shape, 0.2, 4).mask,
  );
});

Deno.test("pruned-kaiming is exactly dense kaiming times its mask (no rescaling)", () => {
  const shape = shapes[4];
  const dense = run(kaimingMethod.build(), shape, 1, 6).weights;
  const { weights, mask } = run(prunedKaimingMethod.build(), shape, 0.1, 6);
  equal(ones(mask), Math.round(0.1 * kernelSize(shape)));
  weights.forEach((w, i) => equal(w, mask[i] === 1 ? dense[i] : 0));
});

Deno.test("pruned methods reject bad options, a bad gain and a bad density", () => {
  throws(
    () => prunedOrthogonalMethod.build({ block: true }),
    /pruned-orthogonal: unknown option "block"; valid options: conv/,
  );
  throws(
    () => prunedOrthogonalMethod.build({ conv: "blocks" }),
    /prunedOrthogonal: conv must be "block" or "flat"; got "blocks"/,
  );
  throws(
    () => prunedKaimingMethod.build({ perUnit: true }),
    /pruned-kaiming: unknown option "perUnit"/,
  );
  throws(
    () => run(prunedOrthogonalMethod.build(), shapes[0], 0.5, 0, { gain: -2 }),
    /prunedOrthogonal: gain must be a positive finite number for dense 16x16; got -2/,
  );
  throws(
    () => run(prunedOrthogonalMethod.build(), shapes[0], 1.5, 0),
    /prunedOrthogonal: density must be in \(0, 1\] for dense 16x16; got 1.5/,
  );
});
