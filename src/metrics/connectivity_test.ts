import { equal } from "node:assert/strict";
import { convShape, denseShape, type LayerShape } from "../init/mod.ts";
import { deadUnits, pathCut } from "./connectivity.ts";

const dense = denseShape;

Deno.test("pathCut() detects a cut in a constructed 3-layer mask where every layer is non-empty", () => {
  const shapes = [dense(3, 2), dense(2, 2), dense(2, 2)];
  // Layer 0 feeds only hidden unit 0; layer 1 reads only hidden unit 1: no path although no layer is empty.
  const cut = [
    new Uint8Array([1, 0, 1, 0, 0, 0]),
    new Uint8Array([0, 0, 1, 1]),
    new Uint8Array([1, 1, 1, 1]),
  ];
  equal(pathCut(shapes, cut), true);
  const open = [
    new Uint8Array([1, 0, 1, 0, 0, 0]),
    new Uint8Array([0, 1, 0, 0]),
    new Uint8Array([0, 0, 0, 1]),
  ];
  equal(pathCut(shapes, open), false);
  equal(
    pathCut(
      shapes,
      shapes.map((s) =>
        new Uint8Array(s.kind === "dense" ? s.inFeatures * s.outFeatures : 0).fill(1)
      ),
    ),
    false,
  );
});

Deno.test("pathCut() uses conv channel graphs: a kept off-centre tap still connects", () => {
  const conv = (ci: number, co: number): LayerShape => convShape(3, ci, co);
  const shapes = [conv(1, 2), conv(2, 2), dense(2, 2)];
  const m0 = new Uint8Array(18);
  m0[0 * 2 + 1] = 1; // tap (0,0): channel 0 → 1
  const m1 = new Uint8Array(36);
  m1[8 * 4 + 1 * 2 + 0] = 1; // tap (2,2): 1 → 0
  const m2 = new Uint8Array([0, 1, 0, 0]); // feature 0 → logit 1
  equal(pathCut(shapes, [m0, m1, m2]), false);
  equal(pathCut(shapes, [m0, m1, new Uint8Array([0, 0, 1, 1])]), true);
});

Deno.test("deadUnits() counts units with no input or no reader", () => {
  const shapes = [dense(3, 2), dense(2, 2), dense(2, 2)];
  const masks = [
    new Uint8Array([1, 0, 1, 0, 0, 0]),
    new Uint8Array([0, 0, 1, 1]),
    new Uint8Array([1, 1, 1, 1]),
  ];
  // Hidden layer 1: unit 0 has input but no reader, unit 1 has a reader but no input (2 dead);
  // hidden layer 2: unit 0 and 1 get input only from dead unit 1 — still have kept incoming entries (0 dead);
  // logits: both have incoming entries (0 dead).
  equal(deadUnits(shapes, masks), 2);
  equal(
    deadUnits(
      shapes,
      shapes.map((s) => new Uint8Array(s.kind === "dense" ? s.inFeatures * s.outFeatures : 0)),
    ),
    6,
  );
});
