/**
 * Exports its initializer under a name instead of as the default export.
 *
 * @module
 */

export const name = "no-default";
export function initialize(): never {
  throw new Error("never called");
}
