/**
 * A module that throws while it loads.
 *
 * @module
 */

const config: Record<string, number> = {};
if (config.width === undefined) throw new TypeError("throws_at_load.ts: no width configured");

export default {
  name: "throws-at-load",
  description: "Never loads.",
  initialize: () => ({ weights: new Float32Array(0), mask: new Uint8Array(0) }),
};
