import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { orthogonalityError } from "./orthogonality.ts";
import { stream } from "../rng/mod.ts";
import { eoiMethod, eoiMinimumDensity, eoiStructuredMethod } from "./eoi.ts";
import { convShape, denseShape, type LayerShape } from "./shape.ts";
import type { InitRequest, LayerInit, MethodEntry } from "./types.ts";

function run(
  method: MethodEntry,
  shape: LayerShape,
  density: number,
  seed = 0,
  extra: Partial<InitRequest> = {},
  options?: Record<string, unknown>,
): LayerInit {
  return method.build(options)(
    { shape, density, activation: "tanh", ...extra },
    (purpose) => stream(seed, "layer/0", purpose),
  );
}

const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);
const dense = denseShape;
const conv = convShape;

function checkMaskInvariant(init: LayerInit, where: string) {
  for (let k = 0; k < init.mask.length; k++) {
    if (init.mask[k] === 0) {
      ok(Object.is(init.weights[k], 0), `${where}: weight ${init.weights[k]} at masked ${k}`);
    }
  }
}

Deno.test("eoi keeps dense kernels orthogonal to 1e-6 in float32 from the minimum density to 1", () => {
  for (const [i, o] of [[64, 64], [32, 80], [80, 32], [37, 53]]) {
    const shape = dense(i, o);
    for (const d of [eoiMinimumDensity(shape), 0.03, 0.1, 0.5, 1]) {
      const init = run(eoiMethod, shape, d, 1);
      const err = orthogonalityError(init.weights, shape);
      ok(err <= 1e-6, `${i}x${o} at ${d}: ${err}`);
      checkMaskInvariant(init, `${i}x${o} at ${d}`);
      // the mask is exactly the non-zero pattern
      equal(count(init.mask), init.weights.filter((w) => w !== 0).length);
    }
  }
});

Deno.test("eoi's achieved density is within one rotation of the target (closer of the two)", () => {
  // One rotation changes at most 2·min(in,out) entries, so the kept count is
  // within that of the target; the exact rule is tested on the float64 core.
  for (const [i, o] of [[64, 64], [80, 32], [37, 53]]) {
    for (const d of [0.1, 0.3, 0.7]) {
      const init = run(eoiMethod, dense(i, o), d, 2);
      ok(Math.abs(count(init.mask) - d * i * o) <= 2 * Math.min(i, o), `${i}x${o} at ${d}`);
    }
  }
  equal(count(run(eoiMethod, dense(37, 53), 1, 2).mask), 37 * 53);
});

Deno.test("eoi scales by the gain and stays orthogonal after dividing by gain²", () => {
  const shape = dense(30, 20);
  const a = run(eoiMethod, shape, 0.2, 4);
  const b = run(eoiMethod, shape, 0.2, 4, { gain: Math.sqrt(1.05) });
  ok(orthogonalityError(b.weights, shape, { gain: Math.sqrt(1.05) }) < 1e-6);
  deepEqual(a.mask, b.mask);
  ok(orthogonalityError(b.weights, shape) > 0.04);
});

Deno.test("eoi conv: delta-orthogonal centre tap, exact mask count max(1, round(d·size)), extras zero", () => {
  for (const shape of [conv(3, 16, 16), conv(3, 8, 24), conv(5, 20, 6), conv(1, 12, 12)]) {
    const size = shape.kernelHeight ** 2 * shape.inChannels * shape.outChannels;
    for (const moreNonZeros of [true, false]) {
      for (const d of [eoiMinimumDensity(shape, { moreNonZeros }) * 1.5, 0.1, 0.5, 1]) {
        if (d > 1) continue;
        const init = run(eoiMethod, shape, d, 3, {}, { moreNonZeros });
        const where = `${JSON.stringify(shape)} at ${d} more=${moreNonZeros}`;
        const err = orthogonalityError(init.weights, shape);
        ok(err <= 1e-6, `${where}: ${err}`);
        checkMaskInvariant(init, where);
        const nonZeros = init.weights.filter((w) => w !== 0).length;
        const target = Math.max(1, Math.round(d * size));
        equal(count(init.mask), Math.max(target, nonZeros), where);
        // only the centre tap carries values
        const tap = shape.inChannels * shape.outChannels;
        const centre = ((shape.kernelHeight - 1) / 2) * (shape.kernelWidth + 1) * tap;
        init.weights.forEach((w, k) => {
          if (k < centre || k >= centre + tap) equal(w, 0);
        });
      }
    }
  }
});

Deno.test("eoi conv with moreNonZeros uses ρ = min(d·k², 1, √d) at the centre tap", () => {
  const shape = conv(3, 128, 128);
  const tap = 128 * 128;
  const nonZeros = (init: LayerInit) => init.weights.filter((w) => w !== 0).length;
  // d = 0.01: ρ = min(0.09, 1, 0.1) = 0.09; without: ρ = 0.01
  const more = run(eoiMethod, shape, 0.01, 5);
  const less = run(eoiMethod, shape, 0.01, 5, {}, { moreNonZeros: false });
  ok(Math.abs(nonZeros(more) - 0.09 * tap) <= 256, `${nonZeros(more)}`);
  ok(Math.abs(nonZeros(less) - 0.01 * tap) <= 256, `${nonZeros(less)}`);
  // d = 0.5: ρ = min(4.5, 1, 0.707) = 0.707
  ok(Math.abs(nonZeros(run(eoiMethod, shape, 0.5, 5)) - Math.SQRT1_2 * tap) <= 256);
});

Deno.test("eoi is deterministic per seed and differs across seeds (dense and conv)", () => {
  for (const shape of [dense(40, 30), conv(3, 8, 8)] as LayerShape[]) {
    const a = run(eoiMethod, shape, 0.2, 11),
      b = run(eoiMethod, shape, 0.2, 11),
      c = run(eoiMethod, shape, 0.2, 12);
    deepEqual(new Uint8Array(a.weights.buffer), new Uint8Array(b.weights.buffer));
    deepEqual(a.mask, b.mask);
    notDeepEqual(new Uint8Array(a.weights.buffer), new Uint8Array(c.weights.buffer));
  }
});

Deno.test("eoi rejects densities out of (0, 1], below the minimum, even kernels and unknown options", () => {
  const shape = dense(64, 100);
  for (const d of [0, -0.5, 1.5, NaN]) {
    throws(() => run(eoiMethod, shape, d), /eoi: density must be in \(0, 1\]/);
  }
  throws(
    () => run(eoiMethod, shape, 0.005),
    /eoi: density 0\.005 is below the minimum reachable density 0\.01 for dense 64x100/,
  );
  throws(
    () => run(eoiMethod, conv(3, 4, 4), 0.01),
    /below the minimum reachable density 0\.0625 for conv 3x3x4x4/,
  );
  throws(() => run(eoiMethod, conv(2, 4, 4), 0.5), /eoi: needs an odd kernel .* got 2x2/);
  throws(() => run(eoiMethod, shape, 0.5, 0, { gain: 0 }), /eoi: gain must be/);
  throws(() => eoiMethod.build({ moreNonzeros: true }), /unknown option "moreNonzeros"/);
  throws(() => eoiMethod.build({ moreNonZeros: "yes" }), /must be a boolean/);
  throws(() => run(eoiMethod, { kind: "dense", inFeatures: 1.5, outFeatures: 3 }, 0.5), TypeError);
});

Deno.test("eoi-structured: whole kernels wherever H is non-zero, values only at the centre tap", () => {
  const shape = conv(3, 16, 24);
  const init = run(eoiStructuredMethod, shape, 0.25, 6);
  ok(orthogonalityError(init.weights, shape) <= 1e-6);
  checkMaskInvariant(init, "eoi-s");
  const tap = 16 * 24, centre = 4 * tap;
  let pairs = 0;
  for (let k = 0; k < tap; k++) {
    const kept = init.weights[centre + k] !== 0 ? 1 : 0;
    pairs += kept;
    for (let t = 0; t < 9; t++) equal(init.mask[t * tap + k], kept, `pair ${k} tap ${t}`);
  }
  ok(Math.abs(pairs - 0.25 * tap) <= 32);
});

Deno.test("eoi-structured: dense layers are dense orthogonal; errors like eoi", () => {
  const shape = dense(20, 12);
  const init = run(eoiStructuredMethod, shape, 0.1, 6);
  equal(count(init.mask), 240);
  ok(orthogonalityError(init.weights, shape) <= 1e-6);
  const a = run(eoiStructuredMethod, conv(3, 8, 8), 0.3, 1),
    b = run(eoiStructuredMethod, conv(3, 8, 8), 0.3, 2);
  notDeepEqual(a.weights, b.weights);
  deepEqual(a.weights, run(eoiStructuredMethod, conv(3, 8, 8), 0.3, 1).weights);
  throws(
    () => run(eoiStructuredMethod, conv(3, 8, 8), 0.1),
    /eoi-structured: density 0\.1 is below the minimum reachable density 0\.125/,
  );
  throws(() => run(eoiStructuredMethod, conv(4, 8, 8), 0.5), /eoi-structured: needs an odd kernel/);
  throws(() => run(eoiStructuredMethod, shape, 0), /eoi-structured: density must be in/);
  throws(() => eoiStructuredMethod.build({ moreNonZeros: true }), /takes no options/);
});

Deno.test("eoi entries declare their registry metadata", () => {
  equal(eoiMethod.name, "eoi");
  equal(eoiStructuredMethod.name, "eoi-structured");
  equal(eoiMethod.takesMask, false);
  deepEqual([...eoiMethod.kinds], ["dense", "conv"]);
});
