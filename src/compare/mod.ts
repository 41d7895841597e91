/**
 * `compare`'s isolation layer: run a stranger's initializer module in a
 * separate, killable, permission-less process (bubblewrap where available),
 * and check every reply on the host.
 *
 * @module
 */

export {
  type LayerKind,
  type MethodDescription,
  SCORED_WITH,
  USER_METHOD_KEYS,
  type UserMethod,
  validateDescription,
} from "./contract.ts";
export { checkDeterminism, type DeterminismOptions } from "./determinism.ts";
export { checkOf, type SandboxCheck, SandboxError } from "./errors.ts";
export { buildBundle, type Bundle, RUNNER_FILES } from "./bundle.ts";
export { childCommand, childDenoArgs, isAlive } from "./process.ts";
export { type Isolation, openSandbox, type OpenSandboxOptions, type Sandbox } from "./sandbox.ts";
export { type CallOptions, checkRequest, checkResult } from "./validate.ts";
