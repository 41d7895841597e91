import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { splitValidation, stratifiedHoldout } from "./split.ts";
import { stream } from "../rng/mod.ts";

/** Imbalanced labels: class c has 100 + 37·c examples, interleaved. */
function _labels(): Uint8Array {
  const out: number[] = [];
  for (let c = 0; c < 10; c++) for (let k = 0; k < 100 + 37 * c; k++) out.push(c);
  const p = stream(0, "test-labels").permutation(out.length);
  return Uint8Array.from(p, (i) => out[i]);
}

Deno.test("splitValidation holds out round(n·fraction) examples, each class within one of its share", () => {
  const labels = _labels();
  const n = labels.length;
  const { train, validation } = splitValidation(labels, 0.1, 3);
  equal(validation.length, Math.round(n * 0.1));
  equal(train.length + validation.length, n);
  const seen = new Uint8Array(n);
  for (const i of train) seen[i]++;
  for (const i of validation) seen[i]++;
  ok(seen.every((s) => s === 1), "a partition of 0..n-1");
  for (let c = 0; c < 10; c++) {
    const size = 100 + 37 * c;
    const held = [...validation].filter((i) => labels[i] === c).length;
    ok(Math.abs(held - size * 0.1) < 1, `class ${c}: ${held} of ${size}`);
  }
  ok(train.every((v, i) => i === 0 || train[i - 1] < v), "train indices increase");
  ok(validation.every((v, i) => i === 0 || validation[i - 1] < v), "validation indices increase");
});

Deno.test("splitValidation: same seed gives identical bytes, another seed a different split", () => {
  const labels = _labels();
  const a = splitValidation(labels, 0.1, 11);
  const b = splitValidation(labels, 0.1, 11);
  deepEqual(new Uint8Array(a.validation.buffer), new Uint8Array(b.validation.buffer));
  deepEqual(new Uint8Array(a.train.buffer), new Uint8Array(b.train.buffer));
  notDeepEqual(splitValidation(labels, 0.1, 12).validation, a.validation);
});

Deno.test("splitValidation with fraction 0 keeps everything", () => {
  const labels = _labels();
  const { train, validation } = splitValidation(labels, 0, 1);
  equal(validation.length, 0);
  equal(train.length, labels.length);
});

Deno.test("splitValidation rejects bad fractions, empty labels and unsafe seeds", () => {
  const labels = _labels();
  for (const f of [-0.1, 1, 1.5, Number.NaN]) {
    throws(
      () => splitValidation(labels, f, 0),
      (e: unknown) =>
        e instanceof RangeError && e.message.includes("splitValidation") &&
        e.message.includes(String(f)),
    );
  }
  throws(() => splitValidation(new Uint8Array(0), 0.1, 0), RangeError);
  throws(() => splitValidation(labels, 0.1, 0.5), /seed/);
});

Deno.test("stratifiedHoldout holds out exactly the asked count per class, uniformly", () => {
  // Over many seeds every member of a class is held out about equally often.
  const labels = new Uint8Array(40).map((_, i) => i % 2);
  const hits = new Array(40).fill(0);
  const trials = 2000;
  for (let s = 0; s < trials; s++) {
    const { held } = stratifiedHoldout(labels, [5, 2], stream(s, "t"));
    equal(held.length, 7);
    equal([...held].filter((i) => labels[i] === 0).length, 5);
    for (const i of held) hits[i]++;
  }
  // p = 5/20 for class 0, 2/20 for class 1; binomial sd ≤ sqrt(2000·0.25·0.75) ≈ 19.4; allow 5 sd.
  for (let i = 0; i < 40; i++) {
    const expected = trials * (i % 2 === 0 ? 0.25 : 0.1);
    ok(Math.abs(hits[i] - expected) < 5 * 19.4, `index ${i}: ${hits[i]} vs ${expected}`);
  }
});

Deno.test("stratifiedHoldout rejects counts larger than a class or missing classes", () => {
  const labels = new Uint8Array([0, 0, 1, 2]);
  throws(() => stratifiedHoldout(labels, [3, 0, 0], stream(0, "t")), /class 0/);
  throws(() => stratifiedHoldout(labels, [1, 1], stream(0, "t")), /label 2/);
  throws(() => stratifiedHoldout(labels, [0.5, 0, 0], stream(0, "t")), RangeError);
});
