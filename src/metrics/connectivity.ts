/**
 * Connectivity of a masked network, from the masks alone (pure typed
 * arrays): dead units and whether any input–output path survives.
 *
 * A conv is reduced to its channel graph: input channel `i` feeds output
 * channel `o` if any tap `K[y, x, i, o]` is kept (with stride 1 and circular
 * padding a kept tap carries signal between the channels at every position).
 * Global average pooling maps channels to the dense head's features 1:1.
 *
 * @module
 */

import { kernelSize, type LayerShape, shapeLabel } from "../init/mod.ts";

function _inOutTaps(shape: LayerShape): [number, number, number] {
  return shape.kind === "dense"
    ? [shape.inFeatures, shape.outFeatures, 1]
    : [shape.inChannels, shape.outChannels, shape.kernelHeight * shape.kernelWidth];
}

/** Channel/feature adjacency `[in, out]` (1 = some kept entry connects them). */
function _adjacency(shape: LayerShape, mask: ArrayLike<number>): Uint8Array {
  const [nin, nout, taps] = _inOutTaps(shape);
  const per = nin * nout;
  const adj = new Uint8Array(per);
  for (let t = 0; t < taps; t++) {
    for (let j = 0; j < per; j++) if (mask[t * per + j] !== 0) adj[j] = 1;
  }
  return adj;
}

function _check(where: string, shapes: readonly LayerShape[], masks: readonly ArrayLike<number>[]) {
  if (shapes.length !== masks.length) {
    throw new TypeError(`${where}: got ${masks.length} masks for ${shapes.length} layers`);
  }
  shapes.forEach((s, l) => {
    if (masks[l].length !== kernelSize(s)) {
      throw new TypeError(
        `${where}: layer ${l} (${shapeLabel(s)}) needs a mask of ${kernelSize(s)} entries; got ${
          masks[l].length
        }`,
      );
    }
    if (l > 0 && _inOutTaps(s)[0] !== _inOutTaps(shapes[l - 1])[1]) {
      throw new TypeError(
        `${where}: layer ${l} (${shapeLabel(s)}) does not follow layer ${l - 1} (${
          shapeLabel(shapes[l - 1])
        })`,
      );
    }
  });
}

/**
 * Counts dead units. The units are the outputs of every kernel layer (hidden
 * units/channels and the logits; the inputs are not units). A unit is dead if
 * its incoming mask column is all zero (it only ever outputs its bias) or, for
 * a hidden unit, its outgoing mask row in the next layer is all zero (nothing
 * reads it).
 *
 * @throws {TypeError} if the masks do not match the shapes or the shapes do not chain.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deadUnits } from "./connectivity.ts";
 * const shapes = [{ kind: "dense", inFeatures: 2, outFeatures: 2 }, { kind: "dense", inFeatures: 2, outFeatures: 1 }] as const;
 * // Hidden unit 1 has no input; hidden unit 0 feeds the output.
 * equal(deadUnits(shapes, [new Uint8Array([1, 0, 1, 0]), new Uint8Array([1, 1])]), 1);
 * ```
 */
export function deadUnits(
  shapes: readonly LayerShape[],
  masks: readonly ArrayLike<number>[],
): number {
  _check("deadUnits", shapes, masks);
  const adj = shapes.map((s, l) => _adjacency(s, masks[l]));
  let dead = 0;
  for (let l = 0; l < shapes.length; l++) {
    const [nin, nout] = _inOutTaps(shapes[l]);
    const next = l + 1 < shapes.length ? adj[l + 1] : undefined;
    const nextOut = l + 1 < shapes.length ? _inOutTaps(shapes[l + 1])[1] : 0;
    for (let o = 0; o < nout; o++) {
      let hasIn = false;
      for (let i = 0; i < nin && !hasIn; i++) hasIn = adj[l][i * nout + o] !== 0;
      let hasOut = next === undefined;
      for (let k = 0; k < nextOut && !hasOut; k++) hasOut = next![o * nextOut + k] !== 0;
      if (!hasIn || !hasOut) dead++;
    }
  }
  return dead;
}

/**
 * True when no path from any input to any logit survives the masks (boolean
 * reachability, layer by layer).
 *
 * @throws {TypeError} if the masks do not match the shapes or the shapes do not chain.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pathCut } from "./connectivity.ts";
 * const shapes = [{ kind: "dense", inFeatures: 2, outFeatures: 2 }, { kind: "dense", inFeatures: 2, outFeatures: 1 }] as const;
 * equal(pathCut(shapes, [new Uint8Array([1, 0, 0, 0]), new Uint8Array([1, 0])]), false);
 * equal(pathCut(shapes, [new Uint8Array([1, 0, 0, 0]), new Uint8Array([0, 1])]), true);
 * ```
 */
export function pathCut(
  shapes: readonly LayerShape[],
  masks: readonly ArrayLike<number>[],
): boolean {
  _check("pathCut", shapes, masks);
  if (shapes.length === 0) return true;
  let reach = new Uint8Array(_inOutTaps(shapes[0])[0]).fill(1);
  for (let l = 0; l < shapes.length; l++) {
    const [nin, nout] = _inOutTaps(shapes[l]);
    const adj = _adjacency(shapes[l], masks[l]);
    const next = new Uint8Array(nout);
    let any = false;
    for (let i = 0; i < nin; i++) {
      if (reach[i] === 0) continue;
      for (let o = 0; o < nout; o++) {
        if (adj[i * nout + o] !== 0) {
          next[o] = 1;
          any = true;
        }
      }
    }
    if (!any) return true;
    reach = next;
  }
  return false;
}
