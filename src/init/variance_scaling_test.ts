import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { stream } from "../rng/mod.ts";
import { prunedKaimingMethod } from "./pruned.ts";
import { randomMask } from "./random_mask.ts";
import { kernelSize, type LayerShape } from "./shape.ts";
import type { Activation, Initializer, LayerInit } from "./types.ts";
import {
  activationScale,
  fanInScaledMethod,
  glorotMethod,
  kaimingMethod,
  layerScaledMethod,
  parseVarianceScalingOptions,
  varianceScaling,
} from "./variance_scaling.ts";

function run(
  init: Initializer,
  shape: LayerShape,
  density: number,
  seed: number,
  extra: { activation?: Activation; gain?: number; mask?: Uint8Array } = {},
): LayerInit {
  return init(
    {
      shape,
      density,
      activation: extra.activation ?? "linear",
      gain: extra.gain,
      mask: extra.mask,
    },
    (purpose) => stream(seed, "layer/0", purpose),
  );
}

function variance(w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * w[i];
  return s / w.length;
}

const big = { kind: "dense", inFeatures: 500, outFeatures: 400 } as const;
const conv = {
  kind: "conv",
  kernelHeight: 3,
  kernelWidth: 3,
  inChannels: 4,
  outChannels: 6,
} as const;

Deno.test("activationScale() is 2 for ReLU and 1 for tanh, hard-tanh and linear", () => {
  deepEqual((["relu", "tanh", "hard-tanh", "linear"] as const).map(activationScale), [2, 1, 1, 1]);
});

Deno.test("kaiming draws N(0, 2/fan_in) for ReLU and N(0, 1/fan_in) for tanh", () => {
  const n = kernelSize(big);
  const bound = 5 * Math.sqrt(2 / n); // 5 standard errors of a variance estimate
  for (const [activation, scale] of [["relu", 2], ["tanh", 1]] as const) {
    const { weights, mask } = run(kaimingMethod.build(), big, 1, 3, { activation });
    equal(mask.reduce((a, b) => a + b, 0), n);
    const ratio = variance(weights) * 500 / scale;
    ok(Math.abs(ratio - 1) < bound, `${activation}: var·fan_in/scale = ${ratio}`);
    const mean = weights.reduce((a, b) => a + b, 0) / n;
    ok(Math.abs(mean) < 5 * Math.sqrt(scale / 500 / n), `mean ${mean}`);
  }
});

Deno.test("kaiming with mode fan-out divides by the fan-out", () => {
  const { weights } = run(kaimingMethod.build({ mode: "fan-out" }), big, 1, 4, {
    activation: "relu",
  });
  const ratio = variance(weights) * 400 / 2;
  ok(Math.abs(ratio - 1) < 5 * Math.sqrt(2 / kernelSize(big)), `ratio ${ratio}`);
});

Deno.test("glorot draws N(0, 2/(fan_in+fan_out)) whatever the activation", () => {
  const { weights } = run(glorotMethod.build(), big, 1, 5, { activation: "tanh" });
  const ratio = variance(weights) * (500 + 400) / 2;
  ok(Math.abs(ratio - 1) < 5 * Math.sqrt(2 / kernelSize(big)), `ratio ${ratio}`);
  deepEqual(run(glorotMethod.build(), big, 1, 5, { activation: "relu" }).weights, weights);
});

Deno.test("kaiming and glorot are dense: any density below 1 is an error", () => {
  for (const m of [kaimingMethod, glorotMethod]) {
    throws(
      () => run(m.build(), { kind: "dense", inFeatures: 4, outFeatures: 3 }, 0.5, 0),
      /varianceScaling: a dense method needs density 1 for dense 4x3; got 0.5/,
    );
  }
});

Deno.test("the uniform variant stays within √(3·var) and has variance var", () => {
  for (const m of [kaimingMethod, glorotMethod]) {
    const { weights } = run(m.build({ distribution: "uniform" }), big, 1, 6, {
      activation: "relu",
    });
    const v = m === kaimingMethod ? 2 / 500 : 2 / 900;
    const limit = Math.sqrt(3 * v);
    const max = weights.reduce((a, w) => Math.max(a, Math.abs(w)), 0);
    ok(max <= limit * (1 + 1e-7), `${m.name}: max ${max} > limit ${limit}`);
    ok(max > limit * 0.999, `${m.name}: max ${max} far below limit ${limit}`);
    // Variance of w² for U(-a, a) is 4a⁴/45, so the variance estimate has relative sd √(0.8/n).
    const ratio = variance(weights) / v;
    ok(Math.abs(ratio - 1) < 5 * Math.sqrt(0.8 / kernelSize(big)), `${m.name}: ratio ${ratio}`);
  }
});

Deno.test("fan-in-scaled keeps Σ_kept w² of every unit near the scale (chi-square bounds over 40 seeds)", () => {
  const shape = { kind: "dense", inFeatures: 300, outFeatures: 40 } as const;
  const seeds = 40, scale = 2;
  const stat = new Float64Array(40), dof = new Float64Array(40);
  for (let s = 0; s < seeds; s++) {
    const { weights, mask } = run(fanInScaledMethod.build(), shape, 0.05, 100 + s, {
      activation: "relu",
    });
    equal(mask.reduce((a, b) => a + b, 0), 600);
    const fanIn = new Float64Array(40), sumSq = new Float64Array(40);
    for (let i = 0; i < 300; i++) {
      for (let o = 0; o < 40; o++) {
        fanIn[o] += mask[i * 40 + o];
        sumSq[o] += weights[i * 40 + o] ** 2;
      }
    }
    for (let o = 0; o < 40; o++) {
      // Σ_kept w² · f / scale ~ χ²_f for a unit with f ≥ 1 kept inputs.
      stat[o] += sumSq[o] * Math.max(1, fanIn[o]) / scale;
      dof[o] += fanIn[o];
    }
  }
  let total = 0, totalDof = 0;
  for (let o = 0; o < 40; o++) {
    const r = stat[o] / dof[o];
    ok(Math.abs(r - 1) < 6 * Math.sqrt(2 / dof[o]), `unit ${o}: ${r} over ${dof[o]} dof`);
    total += stat[o];
    totalDof += dof[o];
  }
  ok(
    Math.abs(total / totalDof - 1) < 5 * Math.sqrt(2 / totalDof),
    `all units: ${total / totalDof}`,
  );
});

Deno.test("dense Kaiming on a sparse mask shrinks the output variance, fan-in scaling keeps it (Evci et al.)", () => {
  const shape = { kind: "dense", inFeatures: 400, outFeatures: 100 } as const;
  const batch = 64;
  const outVar = (weights: Float32Array, seed: number) => {
    const rng = stream(seed, "inputs");
    let s = 0;
    for (let b = 0; b < batch; b++) {
      const x = Float64Array.from({ length: 400 }, () => rng.normal());
      for (let o = 0; o < 100; o++) {
        let y = 0;
        for (let i = 0; i < 400; i++) y += x[i] * weights[i * 100 + o];
        s += y * y;
      }
    }
    return s / (batch * 100);
  };
  let dense = 0, pruned = 0, scaled = 0;
  const seeds = 4;
  for (let s = 0; s < seeds; s++) {
    dense += outVar(run(kaimingMethod.build(), shape, 1, s).weights, s) / seeds;
    pruned += outVar(run(prunedKaimingMethod.build(), shape, 0.1, s).weights, s) / seeds;
    scaled += outVar(run(fanInScaledMethod.build(), shape, 0.1, s).weights, s) / seeds;
  }
  ok(Math.abs(dense - 1) < 0.1, `dense ${dense}`);
  ok(Math.abs(pruned - 0.1) < 0.03, `pruned kaiming ${pruned} (expected ≈ density 0.1)`);
  ok(Math.abs(scaled - 1) < 0.1, `fan-in scaled ${scaled}`);
});

/** Per-entry fans of a conv mask counted with explicit 4-D loops (independent of the implementation). */
function convFans(mask: Uint8Array) {
  const { kernelHeight: kh, kernelWidth: kw, inChannels: cin, outChannels: cout } = conv;
  const fIn = new Float64Array(cout), fOut = new Float64Array(cin);
  const at = (y: number, x: number, c: number, o: number) => ((y * kw + x) * cin + c) * cout + o;
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < cout; o++) {
          fIn[o] += mask[at(y, x, c, o)];
          fOut[c] += mask[at(y, x, c, o)];
        }
      }
    }
  }
  const entries: { e: number; fi: number; fo: number }[] = [];
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < cout; o++) entries.push({ e: at(y, x, c, o), fi: fIn[o], fo: fOut[c] });
      }
    }
  }
  return entries;
}

Deno.test("per-unit fans count kept conv taps over kh·kw·cin (fan-in) and kh·kw·cout (fan-out)", () => {
  const mask = randomMask(stream(9, "given"), kernelSize(conv), 40);
  const base = run(varianceScaling(), conv, 0.2, 9, { mask }).weights; // dense fan-in 36
  const modes = {
    "fan-in": (fi: number, _fo: number) => fi,
    "fan-out": (_fi: number, fo: number) => fo,
    "fan-avg": (fi: number, fo: number) => (fi + fo) / 2,
  } as const;
  for (const mode of ["fan-in", "fan-out", "fan-avg"] as const) {
    const w = run(varianceScaling({ mode, perUnit: true }), conv, 0.2, 9, { mask }).weights;
    let checked = 0;
    for (const { e, fi, fo } of convFans(mask)) {
      if (mask[e] === 0) {
        equal(w[e], 0);
        continue;
      }
      const expected = base[e] * Math.sqrt(36 / Math.max(1, modes[mode](fi, fo)));
      ok(Math.abs(w[e] - expected) <= 1e-6 * Math.abs(expected), `${mode} entry ${e}`);
      checked++;
    }
    equal(checked, 40);
  }
});

Deno.test("layer-scaled divides the dense variance by the achieved density", () => {
  const shape = { kind: "dense", inFeatures: 30, outFeatures: 20 } as const;
  const pruned = run(prunedKaimingMethod.build(), shape, 0.25, 2).weights;
  const { weights, mask } = run(layerScaledMethod.build(), shape, 0.25, 2);
  equal(mask.reduce((a, b) => a + b, 0), 150);
  weights.forEach((w, i) => ok(Math.abs(w - pruned[i] * 2) <= 1e-6 * Math.abs(w), `entry ${i}`));
});

Deno.test("an all-zero given mask gives all-zero weights, never NaN", () => {
  const shape = { kind: "dense", inFeatures: 3, outFeatures: 2 } as const;
  for (const m of [layerScaledMethod, fanInScaledMethod]) {
    const { weights } = run(m.build(), shape, 0.5, 0, { mask: new Uint8Array(6) });
    deepEqual(weights, new Float32Array(6));
  }
});

Deno.test("a request's gain replaces the variance numerator; the scale option sets it", () => {
  const shape = { kind: "dense", inFeatures: 10, outFeatures: 10 } as const;
  const ref = run(kaimingMethod.build(), shape, 1, 1, { activation: "linear" }).weights;
  const gained = run(kaimingMethod.build(), shape, 1, 1, { activation: "relu", gain: 1.5 }).weights;
  const scaled =
    run(kaimingMethod.build({ scale: 3 }), shape, 1, 1, { activation: "relu" }).weights;
  ref.forEach((w, i) => {
    ok(Math.abs(gained[i] - 1.5 * w) <= 1e-6 * Math.abs(w));
    ok(Math.abs(scaled[i] - Math.sqrt(3) * w) <= 1e-6 * Math.abs(w));
  });
});

Deno.test("the mask does not depend on the value distribution (separate streams)", () => {
  const a = run(fanInScaledMethod.build(), conv, 0.3, 8);
  const b = run(fanInScaledMethod.build({ distribution: "uniform" }), conv, 0.3, 8);
  deepEqual(a.mask, b.mask);
  equal(a.mask.reduce((s, v) => s + v, 0), Math.round(0.3 * 216));
});

Deno.test("variance-scaling options are validated, naming the method and the value", () => {
  throws(
    () => kaimingMethod.build({ perUnit: true }),
    /kaiming: unknown option "perUnit"; valid options: mode, distribution, scale/,
  );
  throws(() => glorotMethod.build({ mode: "fan-in" }), /glorot: unknown option "mode"/);
  throws(
    () => fanInScaledMethod.build({ mode: "fan_in" }),
    /fan-in-scaled: mode must be one of fan-in, fan-out, fan-avg; got "fan_in"/,
  );
  throws(
    () => layerScaledMethod.build({ distribution: "gauss" }),
    /layer-scaled: distribution must be one of normal, uniform; got "gauss"/,
  );
  throws(
    () => kaimingMethod.build({ scale: 0 }),
    /kaiming: scale must be a positive finite number; got 0/,
  );
  throws(() => kaimingMethod.build({ scale: Infinity }), RangeError);
  throws(
    () => varianceScaling({ perUnit: "yes" as unknown as boolean }),
    /varianceScaling: perUnit must be a boolean; got yes/,
  );
  throws(
    () => parseVarianceScalingOptions("x", { a: 1 }, []),
    /x: unknown option "a"; valid options: \(none\)/,
  );
  deepEqual(parseVarianceScalingOptions("x", { scale: undefined }, ["scale"]), {});
});

Deno.test("a gain that is not a positive finite number is rejected", () => {
  for (const gain of [0, -1, NaN]) {
    throws(
      () => run(fanInScaledMethod.build(), conv, 0.5, 0, { gain }),
      new RegExp(
        `varianceScaling: gain must be a positive finite number for conv 3x3x4x6; got ${gain}`,
      ),
    );
  }
});
