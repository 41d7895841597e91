import { equal, ok, throws } from "node:assert/strict";
import { denseShape } from "../init/mod.ts";
import { checkOf } from "./errors.ts";
import { checkRequest, checkResult, type ResultContext } from "./validate.ts";

const SHAPE = denseShape(2, 5); // 10 entries
const CTX: ResultContext = { method: "m", shape: SHAPE, density: 0.3 };

/** A result description and body as an honest child would send them. */
function reply(weights: number[], mask: number[]) {
  const body = new Uint8Array(50);
  new Float32Array(body.buffer, 0, 10).set(weights);
  body.set(mask, 40);
  const value = {
    $type: "object",
    keys: ["weights", "mask"],
    weights: { type: "Float32Array", length: 10, bytes: 40 },
    mask: { type: "Uint8Array", length: 10, bytes: 10 },
  };
  return { value, body };
}

function fails(check: string, f: () => unknown, text?: RegExp): void {
  throws(f, (e: Error) => {
    equal(checkOf(e), check, e.message);
    if (text) ok(text.test(e.message), e.message);
    ok(e.message.includes('method "m" dense 2x5'), e.message);
    return true;
  });
}

const MASK3 = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const W3 = [0.1, -0.2, 0.3, 0, 0, 0, 0, 0, 0, 0];

Deno.test("checkResult accepts a valid reply and copies it into aligned arrays", () => {
  const { value, body } = reply(W3, MASK3);
  const layer = checkResult(value, body, CTX);
  equal(layer.density, 0.3);
  equal(layer.weights[2], Math.fround(0.3));
  equal(layer.weights.byteOffset, 0);
  body[40] = 0; // the result does not alias the frame
  equal(layer.mask[0], 1);
});

Deno.test("checkResult: the kept count may be one weight from density * size, not more", () => {
  const four = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  const { value, body } = reply([0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0, 0, 0], four);
  equal(checkResult(value, body, CTX).density, 0.4); // 4 vs 3: one weight off
  fails("density", () => checkResult(value, body, { ...CTX, density: 0.25 }), /kept 4 of 10/);
  equal(
    checkResult(value, body, { ...CTX, density: 0.25, densityToleranceWeights: 1.5 }).density,
    0.4,
  );
  // With a given mask the mask decides; density is not checked.
  const given = Uint8Array.from(four);
  equal(checkResult(value, body, { ...CTX, density: 0, given }).density, 0.4);
});

Deno.test("checkResult refuses descriptions a tampered child could send", () => {
  const { value, body } = reply(W3, MASK3);
  fails(
    "protocol",
    () => checkResult({ ...value, extra: 1 }, body, CTX),
    /unexpected field "extra"/,
  );
  fails("protocol", () => checkResult({ $type: "object" }, body, CTX), /lacks the field "keys"/);
  fails("protocol", () => checkResult(null, body, CTX), /must be an object; got null/);
  fails(
    "protocol",
    () => checkResult({ ...value, keys: "weights" }, body, CTX),
    /keys must be strings/,
  );
  fails(
    "protocol",
    () => checkResult({ ...value, weights: { ...value.weights, bytes: 39 } }, body, CTX),
    /weights is said to have 39 bytes; expected 40/,
  );
  fails(
    "protocol",
    () => checkResult({ ...value, mask: { ...value.mask, offset: 3 } }, body, CTX),
    /mask description has an unexpected field "offset"/,
  );
  fails("protocol", () => checkResult(value, body.slice(1), CTX), /body has 49 bytes; expected 50/);
});

Deno.test("checkResult names the first bad entry: non-binary mask, non-finite weight, weight off the mask", () => {
  const bad = (w: number[], m: number[]) => {
    const { value, body } = reply(w, m);
    return () => checkResult(value, body, CTX);
  };
  fails("mask-binary", bad(W3, [1, 1, 3, 0, 0, 0, 0, 0, 0, 0]), /mask value 3 at index 2/);
  fails(
    "weights-finite",
    bad([0.1, -Infinity, 0.3, 0, 0, 0, 0, 0, 0, 0], MASK3),
    /-Infinity at index 1/,
  );
  fails(
    "zeros-off-mask",
    bad([...W3.slice(0, 9), 1e-30], MASK3),
    /at index 9, where the mask is 0/,
  );
});

Deno.test("checkRequest drops a given mask for a method that does not take one, and checks it for one that does", () => {
  const base = { name: "m", description: "d", kinds: ["dense"] as const };
  const mask = new Uint8Array(10);
  const ignoring = checkRequest(
    { ...base, takesMask: false },
    {
      shape: SHAPE,
      density: 0.5,
      activation: "tanh",
      mask,
    },
    { seed: 1 },
    100,
  );
  equal(ignoring.given, undefined);
  equal(ignoring.fields.hasMask, false);
  const taking = checkRequest(
    { ...base, takesMask: true },
    {
      shape: SHAPE,
      density: 0,
      activation: "tanh",
      mask,
    },
    { seed: 1, path: ["layer/0"] },
    100,
  );
  equal(taking.given, mask);
  equal(taking.fields.density, 0);
  throws(
    () =>
      checkRequest(
        { ...base, takesMask: true },
        {
          shape: SHAPE,
          density: 0.5,
          activation: "tanh",
          mask: new Uint8Array(10).fill(2),
        },
        { seed: 1 },
        100,
      ),
    /mask entries must be 0 or 1; got 2 at index 0/,
  );
});
