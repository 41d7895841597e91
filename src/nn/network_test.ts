import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  type Activation,
  ACTIVATIONS,
  dctOffset,
  fans,
  kernelSize,
  type LayerShape,
} from "../init/mod.ts";
import { stream } from "../rng/mod.ts";
import { useBackend } from "./backend.ts";
import { buildNetwork, effectiveKernels, reapplyMasks } from "./network.ts";
import { layerShapes } from "./shapes.ts";
import type { LayerValues, ModelConfig } from "./types.ts";

await tf.setBackend("cpu");

// ---------------------------------------------------------------- helpers

function _mlp(activation: Activation, extra: Partial<ModelConfig> = {}): ModelConfig {
  return {
    architecture: "mlp",
    inputShape: [28, 28, 1],
    depth: 3,
    width: 24,
    classes: 10,
    activation,
    ...extra,
  };
}

function _cnn(activation: Activation, extra: Partial<ModelConfig> = {}): ModelConfig {
  return {
    architecture: "cnn",
    inputShape: [7, 5, 2],
    depth: 3,
    width: 4,
    classes: 3,
    activation,
    ...extra,
  };
}

function _outUnits(s: LayerShape): number {
  return s.kind === "dense" ? s.outFeatures : s.outChannels;
}

/** Random masked values: Bernoulli(density) mask, N(0, scale²/fanIn) weights, N(0, 0.1²) biases. */
function _randomValues(
  config: ModelConfig,
  seed: number,
  density = 0.5,
  scale = 1.5,
): LayerValues[] {
  return layerShapes(config).map((shape, i) => {
    const size = kernelSize(shape);
    const maskRng = stream(seed, "network_test", `layer/${i}`, "mask");
    const weightRng = stream(seed, "network_test", `layer/${i}`, "weights");
    const biasRng = stream(seed, "network_test", `layer/${i}`, "bias");
    const mask = Uint8Array.from({ length: size }, () => maskRng.uniform() < density ? 1 : 0);
    const std = scale / Math.sqrt(fans(shape).fanIn * density);
    const weights = Float32Array.from(mask, (m) => m === 1 ? std * weightRng.normal() : 0);
    const bias = Float32Array.from({ length: _outUnits(shape) }, () => 0.1 * biasRng.normal());
    return { weights, mask, bias };
  });
}

function _randomInput(config: ModelConfig, n: number, seed: number): Float32Array {
  const [h, w, c] = config.inputShape;
  const rng = stream(seed, "network_test", "input");
  return Float32Array.from({ length: n * h * w * c }, () => rng.uniform());
}

function _act64(v: number, a: Activation): number {
  switch (a) {
    case "tanh":
      return Math.tanh(v);
    case "hard-tanh":
      return Math.min(1, Math.max(-1, v));
    case "relu":
      return Math.max(0, v);
    default:
      return v;
  }
}

/** `act(x·K + b)` in float64 for `n` rows. */
function _dense64(
  x: Float64Array,
  n: number,
  k: ArrayLike<number>,
  b: ArrayLike<number> | undefined,
  inF: number,
  outF: number,
  a: Activation,
): Float64Array {
  const y = new Float64Array(n * outF);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b?.[o] ?? 0;
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * k[i * outF + o];
      y[r * outF + o] = _act64(s, a);
    }
  }
  return y;
}

/** Circular 2-D cross-correlation (tfjs conv semantics) + bias + activation, float64. */
function _conv64(
  x: Float64Array,
  [n, h, w, cin]: number[],
  k: ArrayLike<number>,
  b: ArrayLike<number> | undefined,
  s: Extract<LayerShape, { kind: "conv" }>,
  a: Activation,
): Float64Array {
  const { kernelHeight: kh, kernelWidth: kw, outChannels: cout } = s;
  const top = Math.floor((kh - 1) / 2), left = Math.floor((kw - 1) / 2);
  const y = new Float64Array(n * h * w * cout);
  for (let bi = 0; bi < n; bi++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        for (let o = 0; o < cout; o++) {
          let sum = b?.[o] ?? 0;
          for (let dy = 0; dy < kh; dy++) {
            const rr = (((r + dy - top) % h) + h) % h;
            for (let dx = 0; dx < kw; dx++) {
              const cc = (((c + dx - left) % w) + w) % w;
              for (let i = 0; i < cin; i++) {
                sum += x[((bi * h + rr) * w + cc) * cin + i] *
                  k[((dy * kw + dx) * cin + i) * cout + o];
              }
            }
          }
          y[((bi * h + r) * w + c) * cout + o] = _act64(sum, a);
        }
      }
    }
  }
  return y;
}

/** The float64 reference forward of an MLP or vanilla CNN with the given kernels. */
function _reference(
  config: ModelConfig,
  kernels: readonly ArrayLike<number>[],
  biases: readonly (ArrayLike<number> | undefined)[],
  input: Float32Array,
  n: number,
): Float64Array {
  const shapes = layerShapes(config);
  const last = shapes.length - 1;
  const [h, w, c] = config.inputShape;
  let x: Float64Array = Float64Array.from(input);
  let features: Float64Array;
  if (config.architecture === "mlp") {
    for (let i = 0; i < last; i++) {
      const s = shapes[i] as Extract<LayerShape, { kind: "dense" }>;
      x = _dense64(x, n, kernels[i], biases[i], s.inFeatures, s.outFeatures, config.activation);
    }
    features = x;
  } else {
    let ch = c;
    for (let i = 0; i < last; i++) {
      const s = shapes[i] as Extract<LayerShape, { kind: "conv" }>;
      x = _conv64(x, [n, h, w, ch], kernels[i], biases[i], s, config.activation);
      ch = s.outChannels;
    }
    features = new Float64Array(n * ch);
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < h * w; p++) {
        for (let k = 0; k < ch; k++) features[b * ch + k] += x[(b * h * w + p) * ch + k] / (h * w);
      }
    }
  }
  const s = shapes[last] as Extract<LayerShape, { kind: "dense" }>;
  return _dense64(features, n, kernels[last], biases[last], s.inFeatures, s.outFeatures, "linear");
}

function _maxRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  equal(got.length, want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  }
  return worst;
}

function _logits(
  config: ModelConfig,
  values: readonly LayerValues[],
  input: Float32Array,
  n: number,
): Float32Array {
  const net = buildNetwork(config, values);
  const x = tf.tensor4d(input, [n, ...config.inputShape]);
  const y = net.apply(x);
  const out = y.dataSync() as Float32Array;
  tf.dispose([x, y]);
  net.dispose();
  return out;
}

// ---------------------------------------------------------------- forward

Deno.test("an MLP's logits equal a float64 reference forward for every activation", () => {
  const n = 6;
  for (const activation of ACTIVATIONS) {
    const config = _mlp(activation);
    const values = _randomValues(config, 11);
    const input = _randomInput(config, n, 3);
    const got = _logits(config, values, input, n);
    const want = _reference(
      config,
      values.map((v) => v.weights),
      values.map((v) => v.bias),
      input,
      n,
    );
    const err = _maxRelError(got, want);
    ok(err < 1e-5, `${activation}: max relative error ${err}`);
    // The reference is not trivially satisfied: logits vary across samples and units.
    ok(new Set(Array.from(got, (v) => v.toFixed(3))).size > n, activation);
  }
});

Deno.test("a vanilla CNN with circular padding equals a float64 circular convolution", () => {
  const n = 3;
  for (const activation of ACTIVATIONS) {
    const config = _cnn(activation);
    const values = _randomValues(config, 12, 0.7);
    const input = _randomInput(config, n, 4);
    const got = _logits(config, values, input, n);
    const want = _reference(
      config,
      values.map((v) => v.weights),
      values.map((v) => v.bias),
      input,
      n,
    );
    const err = _maxRelError(got, want);
    ok(err < 1e-5, `${activation}: max relative error ${err}`);
  }
  // The MNIST input shape, one channel in.
  const config = _cnn("tanh", { inputShape: [28, 28, 1], depth: 2 });
  const values = _randomValues(config, 13, 0.7);
  const input = _randomInput(config, 2, 5);
  const err = _maxRelError(
    _logits(config, values, input, 2),
    _reference(config, values.map((v) => v.weights), values.map((v) => v.bias), input, 2),
  );
  ok(err < 1e-5, `28x28x1: max relative error ${err}`);
});

Deno.test("a circular CNN is translation-equivariant: shifting the input cyclically keeps the logits", () => {
  const config = _cnn("relu", { inputShape: [6, 6, 1], depth: 2 });
  const values = _randomValues(config, 14, 0.8);
  const input = _randomInput(config, 1, 6);
  const shifted = new Float32Array(input.length);
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < 6; c++) shifted[((r + 2) % 6) * 6 + ((c + 5) % 6)] = input[r * 6 + c];
  }
  const a = _logits(config, values, input, 1);
  const b = _logits(config, values, shifted, 1);
  ok(_maxRelError(a, b) < 1e-5, `${a} vs ${b}`);
});

Deno.test("biases default to zeros and are trainable variables", () => {
  const config = _mlp("linear", { inputShape: [2, 2, 1], depth: 1, width: 3, classes: 2 });
  const values = _randomValues(config, 15).map(({ weights, mask }) => ({ weights, mask }));
  const net = buildNetwork(config, values);
  deepEqual(net.biases.map((b) => Array.from(b.dataSync())), [[0, 0, 0], [0, 0]]);
  ok(net.biases.every((b) => b.trainable));
  equal(net.trainable().length, 4);
  net.dispose();
});

Deno.test("the same values give identical logits bytes; different values give different bytes", () => {
  const config = _cnn("tanh");
  const input = _randomInput(config, 2, 7);
  const a = _logits(config, _randomValues(config, 21), input, 2);
  const b = _logits(config, _randomValues(config, 21), input, 2);
  const c = _logits(config, _randomValues(config, 22), input, 2);
  deepEqual(new Uint8Array(a.buffer), new Uint8Array(b.buffer));
  notDeepEqual(new Uint8Array(a.buffer), new Uint8Array(c.buffer));
});

// ---------------------------------------------------------------- validation

Deno.test("buildNetwork rejects wrong value counts, lengths and types naming layer, expected and got", () => {
  const config = _mlp("tanh", { depth: 2, width: 5, classes: 3 });
  const good = _randomValues(config, 31);
  throws(
    () => buildNetwork(config, good.slice(0, 2)),
    /buildNetwork: expected 3 LayerValues.*got 2/,
  );
  const withWeights = (i: number, weights: Float32Array) =>
    good.map((v, j) => j === i ? { ...v, weights } : v);
  throws(
    () => buildNetwork(config, withWeights(1, new Float32Array(24))),
    (e: unknown) =>
      e instanceof TypeError &&
      /layer 1 \(dense 5x5\): weights .* 25 entries; got Float32Array of 24/.test(e.message),
  );
  throws(
    () =>
      buildNetwork(
        config,
        good.map((v, j) => j === 2 ? { ...v, weights: Float64Array.from(v.weights) } : v) as never,
      ),
    /layer 2 \(dense 5x3\): weights must be a Float32Array of 15 entries; got Float64Array/,
  );
  throws(
    () => buildNetwork(config, good.map((v, j) => j === 0 ? { ...v, mask: new Uint8Array(3) } : v)),
    (e: unknown) =>
      e instanceof TypeError &&
      /layer 0 \(dense 784x5\): mask .*3920 entries; got Uint8Array of 3/.test(e.message),
  );
  throws(
    () =>
      buildNetwork(config, good.map((v, j) => j === 1 ? { ...v, bias: new Float32Array(4) } : v)),
    /layer 1 \(dense 5x5\): bias must be a Float32Array of 5 entries; got Float32Array of 4/,
  );
});

Deno.test("buildNetwork rejects non-binary masks, non-finite values and non-zero masked weights", () => {
  const config = _mlp("relu", { depth: 1, width: 4, classes: 2, inputShape: [1, 1, 3] });
  const base = (): LayerValues[] => [
    {
      weights: new Float32Array([1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 4]),
      mask: new Uint8Array([1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
    },
    { weights: new Float32Array(8).fill(1), mask: new Uint8Array(8).fill(1) },
  ];
  const v1 = base();
  v1[0].mask[3] = 2;
  throws(
    () => buildNetwork(config, v1),
    (e: unknown) =>
      e instanceof RangeError &&
      /layer 0 \(dense 3x4\): mask\[3\] must be 0 or 1; got 2/.test(e.message),
  );
  const v2 = base();
  v2[0].weights[1] = 0.5;
  throws(
    () => buildNetwork(config, v2),
    (e: unknown) =>
      e instanceof RangeError &&
      /layer 0 \(dense 3x4\): weights\[1\] = 0.5 where mask is 0/.test(e.message),
  );
  const v3 = base();
  v3[1].weights[7] = NaN;
  throws(
    () => buildNetwork(config, v3),
    /layer 1 \(dense 4x2\): weights\[7\] must be finite; got NaN/,
  );
  const v4 = base();
  throws(
    () => buildNetwork(config, [v4[0], { ...v4[1], bias: new Float32Array([0, Infinity]) }]),
    /layer 1 .*bias\[1\] must be finite; got Infinity/,
  );
  // A negative zero under a zero mask is a zero.
  const v5 = base();
  v5[0].weights[1] = -0;
  buildNetwork(config, v5).dispose();
});

Deno.test("buildNetwork rejects unknown architectures, activations and bad input shapes", () => {
  const config = _mlp("tanh", { depth: 1, width: 2, classes: 2, inputShape: [1, 1, 2] });
  const values = _randomValues(config, 32);
  throws(
    () => buildNetwork({ ...config, architecture: "rnn" as never }, values),
    /architecture .*"rnn"/,
  );
  throws(
    () => buildNetwork({ ...config, activation: "gelu" as never }, values),
    /buildNetwork: activation .*"gelu"/,
  );
  throws(
    () => buildNetwork({ ...config, inputShape: [1, 0, 2] }, values),
    (e: unknown) => e instanceof TypeError && /inputShape .*\[1,0,2\]/.test(e.message),
  );
  throws(() => buildNetwork({ ...config, depth: 0 }, values), RangeError);
});

Deno.test("apply rejects inputs and substitute kernels of the wrong shape", () => {
  const config = _cnn("linear", { depth: 1 });
  const net = buildNetwork(config, _randomValues(config, 33));
  const x = tf.zeros([2, 5, 7, 2]);
  throws(
    () => net.apply(x),
    /Network.apply: x must be float32 \[n, 7, 5, 2\] for cnn; got float32 \[2, 5, 7, 2\]/,
  );
  const xi = tf.zeros([1, 7, 5, 2], "int32");
  throws(() => net.apply(xi), /got int32/);
  const good = tf.zeros([1, 7, 5, 2]);
  const k0 = tf.zeros([3, 3, 2, 4]);
  const k1 = tf.zeros([4, 2]);
  throws(() => net.apply(good, [k0]), /expected 2 substitute kernels; got 1/);
  throws(
    () => net.apply(good, [k0, k1]),
    /kernels\[1\] must have shape \[4, 3\] \(dense 4x3\); got \[4, 2\]/,
  );
  net.dispose();
  throws(() => net.apply(good), /disposed/);
  tf.dispose([x, xi, good, k0, k1]);
});

// ---------------------------------------------------------------- masks, substitutes, memory

Deno.test("masked kernel entries are exactly zero at build and again after reapplyMasks", () => {
  const config = _cnn("tanh");
  const values = _randomValues(config, 41, 0.3);
  const net = buildNetwork(config, values);
  const check = (exact: boolean) =>
    net.kernels.forEach((k, i) => {
      const w = k.dataSync();
      const m = values[i].mask;
      let zeros = 0;
      for (let j = 0; j < w.length; j++) {
        if (m[j] === 0) {
          equal(w[j], 0, `layer ${i} entry ${j}`);
          zeros++;
        } else if (exact) equal(w[j], values[i].weights[j]);
        else ok(Math.abs(w[j] - values[i].weights[j]) < 1e-6);
      }
      ok(zeros > 0);
    });
  check(true);
  deepEqual(net.masks.map((m) => Array.from(m.dataSync())), values.map((v) => Array.from(v.mask)));
  // Move every entry (as an unmasked optimiser step would), then re-mask.
  const before = tf.memory().numTensors;
  tf.tidy(() => net.kernels.forEach((k) => k.assign(tf.add(k, tf.onesLike(k)))));
  ok(net.kernels[0].dataSync().every((v) => v !== 0));
  tf.tidy(() => net.kernels.forEach((k) => k.assign(tf.sub(k, tf.onesLike(k)))));
  reapplyMasks(net);
  equal(tf.memory().numTensors, before);
  check(false);
  net.dispose();
});

Deno.test("apply(x, kernels) uses the substitute kernels and leaves the network's own untouched", () => {
  const config = _mlp("hard-tanh", { depth: 2, width: 8 });
  const own = _randomValues(config, 51);
  const other = _randomValues(config, 52, 1);
  const n = 3;
  const input = _randomInput(config, n, 8);
  const net = buildNetwork(config, own.map((v, i) => ({ ...v, bias: other[i].bias })));
  const x = tf.tensor4d(input, [n, 28, 28, 1]);
  const subs = other.map((v, i) => tf.tensor(v.weights, net.kernels[i].shape));
  const y = net.apply(x, subs);
  const want = _reference(config, other.map((v) => v.weights), other.map((v) => v.bias), input, n);
  ok(_maxRelError(y.dataSync(), want) < 1e-5);
  deepEqual(net.kernels[1].dataSync(), own[1].weights);
  const yOwn = net.apply(x);
  notDeepEqual(yOwn.dataSync(), y.dataSync());
  tf.dispose([x, y, yOwn, ...subs]);
  net.dispose();
});

Deno.test("dispose frees every tensor, and apply leaves only its result", () => {
  for (const config of [_mlp("relu"), _cnn("tanh", { dctPlusSparse: true })]) {
    const start = tf.memory().numTensors;
    const net = buildNetwork(config, _randomValues(config, 61));
    const x = tf.tensor4d(_randomInput(config, 2, 9), [2, ...config.inputShape]);
    const mid = tf.memory().numTensors;
    const y = net.apply(x);
    equal(tf.memory().numTensors, mid + 1, config.architecture);
    const g = tf.grads((...ks: tf.Tensor[]) => tf.sum(net.apply(x, ks)))(net.kernels);
    tf.dispose([y, x, ...g]);
    for (const k of effectiveKernels(net)) k.dispose();
    net.dispose();
    net.dispose(); // idempotent
    equal(tf.memory().numTensors, start, config.architecture);
  }
});

Deno.test("buildNetwork inside tf.tidy keeps masks, offsets and variables alive", () => {
  const config = _mlp("tanh", { dctPlusSparse: true, depth: 1, width: 4, inputShape: [2, 2, 1] });
  tf.engine().startScope();
  const net = buildNetwork(config, _randomValues(config, 62));
  tf.engine().endScope();
  const x = tf.ones([1, 2, 2, 1]);
  const y = net.apply(x);
  ok(y.dataSync().every(Number.isFinite));
  ok(net.masks.every((m) => !m.isDisposed));
  tf.dispose([x, y]);
  net.dispose();
});

// ---------------------------------------------------------------- gradients

/** Central finite differences of Σ c·logits in float64 at a few kernel entries. */
function _checkGradients(config: ModelConfig, seed: number): void {
  const n = 2;
  const values = _randomValues(config, seed, 0.8);
  const input = _randomInput(config, n, seed);
  const net = buildNetwork(config, values);
  const x = tf.tensor4d(input, [n, ...config.inputShape]);
  const cRng = stream(seed, "network_test", "cotangent");
  const cValues = Float32Array.from({ length: n * config.classes }, () => cRng.normal());
  const c = tf.tensor2d(cValues, [n, config.classes]);
  const grads = tf.grads((...ks: tf.Tensor[]) => tf.sum(tf.mul(net.apply(x, ks), c)))(net.kernels);
  const kernels = values.map((v) => Float64Array.from(v.weights));
  const biases = values.map((v) => v.bias);
  const loss = () => {
    const y = _reference(config, kernels, biases, input, n);
    return y.reduce((s, v, i) => s + v * cValues[i], 0);
  };
  const pick = stream(seed, "network_test", "pick");
  grads.forEach((g, i) => {
    const gv = g.dataSync();
    ok(gv.every(Number.isFinite), `${config.activation} layer ${i}: non-finite gradient`);
    ok(gv.some((v) => v !== 0), `${config.activation} layer ${i}: all-zero gradient`);
    for (let t = 0; t < 3; t++) {
      const j = pick.int(gv.length);
      const h = 1e-4, saved = kernels[i][j];
      kernels[i][j] = saved + h;
      const up = loss();
      kernels[i][j] = saved - h;
      const down = loss();
      kernels[i][j] = saved;
      const fd = (up - down) / (2 * h);
      ok(
        Math.abs(gv[j] - fd) <= 2e-3 * (1 + Math.abs(fd)),
        `${config.architecture} ${config.activation} layer ${i} entry ${j}: tf ${
          gv[j]
        } vs fd ${fd}`,
      );
    }
  });
  tf.dispose([x, c, ...grads]);
  net.dispose();
}

Deno.test("tf.grads through apply matches finite differences for every activation (MLP)", () => {
  for (const a of ACTIVATIONS) {
    _checkGradients(_mlp(a, { inputShape: [4, 4, 1], depth: 2, width: 6, classes: 3 }), 71);
  }
});

Deno.test("tf.grads through apply matches finite differences for every activation (CNN)", () => {
  for (const a of ACTIVATIONS) {
    _checkGradients(_cnn(a, { inputShape: [5, 4, 2], depth: 2 }), 72);
  }
});

// ---------------------------------------------------------------- DCT+S

function _dctValues(config: ModelConfig, seed: number): LayerValues[] {
  // S = 0 on a random mask, as the dct-plus-sparse method initialises it.
  return _randomValues(config, seed, 0.1).map((v) => ({
    ...v,
    weights: new Float32Array(v.weights.length),
  }));
}

Deno.test("a DCT+S network at init (S = 0, α = 1) equals the dense network whose kernels are the DCT offsets", () => {
  for (
    const config of [_mlp("tanh", { dctPlusSparse: true }), _cnn("relu", { dctPlusSparse: true })]
  ) {
    const values = _dctValues(config, 81);
    const shapes = layerShapes(config);
    const dense = shapes.map((s, i) => ({
      weights: dctOffset(s),
      mask: new Uint8Array(kernelSize(s)).fill(1),
      bias: values[i].bias,
    }));
    const input = _randomInput(config, 3, 10);
    const got = _logits(config, values, input, 3);
    const want = _logits({ ...config, dctPlusSparse: false }, dense, input, 3);
    const err = _maxRelError(got, want);
    ok(err < 1e-5, `${config.architecture}: ${err}`);
    ok(got.some((v) => Math.abs(v) > 1e-3), "logits are not trivially zero");
  }
});

Deno.test("DCT+S layers have one trainable α per layer, initialised to 1, and frozen offsets", () => {
  const config = _mlp("linear", { dctPlusSparse: true, depth: 2, width: 8 });
  const net = buildNetwork(config, _dctValues(config, 82));
  equal(net.alphas.length, 3);
  deepEqual(net.alphas.map((a) => [a.shape, a.dataSync()[0], a.trainable]), [
    [[], 1, true],
    [[], 1, true],
    [[], 1, true],
  ]);
  const trainable = net.trainable();
  equal(trainable.length, 9);
  ok(net.alphas.every((a) => trainable.includes(a)));
  // Without DCT+S there are no alphas.
  const plain = buildNetwork({ ...config, dctPlusSparse: false }, _dctValues(config, 82));
  equal(plain.alphas.length, 0);
  equal(plain.trainable().length, 6);
  plain.dispose();
  net.dispose();
});

Deno.test("a DCT+S layer computes α·(x·D) + x·S + b for trained α and S", () => {
  for (const base of [_mlp("hard-tanh", { depth: 2, width: 12 }), _cnn("tanh")]) {
    const config = { ...base, dctPlusSparse: true };
    const values = _randomValues(config, 83, 0.2, 0.5);
    const net = buildNetwork(config, values);
    const alphas = [0.5, 2, -1, 1.5];
    net.alphas.forEach((a, i) => a.assign(tf.scalar(alphas[i])));
    const shapes = layerShapes(config);
    const kernels = shapes.map((s, i) => {
      const d = dctOffset(s);
      return Float64Array.from(d, (v, j) => alphas[i] * v + values[i].weights[j]);
    });
    const n = 2;
    const input = _randomInput(config, n, 11);
    const x = tf.tensor4d(input, [n, ...config.inputShape]);
    const y = net.apply(x);
    const want = _reference(config, kernels, values.map((v) => v.bias), input, n);
    const err = _maxRelError(y.dataSync(), want);
    ok(err < 1e-5, `${config.architecture}: ${err}`);
    const eff = effectiveKernels(net);
    eff.forEach((k, i) => ok(_maxRelError(k.dataSync(), kernels[i]) < 1e-6));
    // Gradients reach α and S.
    const { grads } = tf.variableGrads(() => tf.sum(net.apply(x)) as tf.Scalar);
    ok(net.alphas.every((a) => Number.isFinite(grads[a.name].dataSync()[0])));
    ok(net.kernels.every((k) => grads[k.name].dataSync().some((v) => v !== 0)));
    tf.dispose([x, y, ...eff, ...Object.values(grads)]);
    net.dispose();
  }
});

Deno.test("the dense DCT offset is the orthonormal DCT-II cut to its first out rows and in columns", () => {
  for (const [inF, outF] of [[6, 4], [3, 5]]) {
    const config: ModelConfig = {
      architecture: "mlp",
      inputShape: [1, 1, inF],
      depth: 1,
      width: outF,
      classes: 2,
      activation: "linear",
      dctPlusSparse: true,
    };
    const net = buildNetwork(config, _dctValues(config, 84));
    const [k] = effectiveKernels(net);
    const got = k.dataSync();
    const size = Math.max(inF, outF);
    for (let i = 0; i < inF; i++) {
      for (let o = 0; o < outF; o++) {
        const want = Math.sqrt((o === 0 ? 1 : 2) / size) *
          Math.cos((Math.PI * (i + 0.5) * o) / size);
        ok(Math.abs(got[i * outF + o] - want) < 1e-6, `[${inF}x${outF}] (${i}, ${o})`);
      }
    }
    k.dispose();
    net.dispose();
  }
});

Deno.test("apply supports Hessian-vector products with respect to the kernels (for GraSP)", () => {
  for (
    const config of [
      _mlp("tanh", { inputShape: [3, 3, 1], depth: 2, width: 5, classes: 3 }),
      _cnn("tanh", { inputShape: [4, 4, 1], depth: 2 }),
    ]
  ) {
    const values = _randomValues(config, 91, 0.8);
    const net = buildNetwork(config, values);
    const x = tf.tensor4d(_randomInput(config, 2, 12), [2, ...config.inputShape]);
    const vs = net.kernels.map((k, i) =>
      tf.tensor(_randomValues(config, 92, 1)[i].weights, k.shape)
    );
    const loss = (...ks: tf.Tensor[]) => tf.sum(tf.square(net.apply(x, ks)));
    const eps = 1e-2;
    const [hv, fd] = tf.tidy(() => {
      const inner = (...ks: tf.Tensor[]) =>
        tf.addN(tf.grads(loss)(ks).map((g, i) => tf.sum(tf.mul(g, vs[i]))));
      const hv = tf.grads(inner)(net.kernels);
      const up = tf.grads(loss)(net.kernels.map((k, i) => tf.add(k, tf.mul(vs[i], eps))));
      const down = tf.grads(loss)(net.kernels.map((k, i) => tf.sub(k, tf.mul(vs[i], eps))));
      return [
        hv.map((t) => t.dataSync()),
        up.map((u, i) => tf.div(tf.sub(u, down[i]), 2 * eps).dataSync()),
      ];
    });
    hv.forEach((h, i) => {
      ok(h.every(Number.isFinite) && h.some((v) => v !== 0), `${config.architecture} layer ${i}`);
      const scale = Math.max(...Array.from(fd[i], Math.abs));
      const err = Math.max(...Array.from(h, (v, j) => Math.abs(v - fd[i][j]))) / (1 + scale);
      ok(err < 2e-2, `${config.architecture} layer ${i}: ${err}`);
    });
    tf.dispose([x, ...vs]);
    net.dispose();
  }
});

Deno.test("gradients and Hessian-vector products through apply agree between the cpu and wasm backends", async () => {
  const run = () => {
    const out: Float32Array[] = [];
    for (
      const config of [
        _mlp("tanh", { inputShape: [3, 3, 1], depth: 2, width: 5, classes: 3 }),
        _cnn("relu", { inputShape: [4, 4, 2], depth: 2 }),
      ]
    ) {
      const net = buildNetwork(config, _randomValues(config, 93, 0.8));
      const x = tf.tensor4d(_randomInput(config, 2, 13), [2, ...config.inputShape]);
      tf.tidy(() => {
        const vs = net.kernels.map((k) => tf.onesLike(k));
        const loss = (...ks: tf.Tensor[]) => tf.sum(tf.square(net.apply(x, ks)));
        const inner = (...ks: tf.Tensor[]) =>
          tf.addN(tf.grads(loss)(ks).map((g, i) => tf.sum(tf.mul(g, vs[i]))));
        for (const t of [...tf.grads(loss)(net.kernels), ...tf.grads(inner)(net.kernels)]) {
          out.push(t.dataSync() as Float32Array);
        }
      });
      x.dispose();
      net.dispose();
    }
    return out;
  };
  const onCpu = run();
  try {
    equal(await useBackend("wasm"), "wasm");
    const onWasm = run();
    onCpu.forEach((v, i) => ok(_maxRelError(onWasm[i], v) < 1e-4, `output ${i}`));
  } finally {
    await useBackend("cpu");
  }
});
