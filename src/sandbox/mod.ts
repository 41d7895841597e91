/**
 * Running a registered initializer in a permission-less Worker.
 *
 * @module
 */

export * from "./sandbox.ts";
