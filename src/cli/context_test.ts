import { deepEqual, ok } from "node:assert/strict";
import { parseSeeds } from "./context.ts";

Deno.test("parseSeeds reads lists and ranges and rejects junk", () => {
  deepEqual(parseSeeds("0-4"), [0, 1, 2, 3, 4]);
  deepEqual(parseSeeds("3,1,3"), [3, 1]);
  for (const bad of ["", "a", "4-2", "1,,2"]) {
    let threw = false;
    try {
      parseSeeds(bad);
    } catch (e) {
      threw = e instanceof RangeError;
    }
    ok(threw, bad);
  }
});
