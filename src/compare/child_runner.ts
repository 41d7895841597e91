/**
 * The child side of the compare sandbox: runs inside the sandboxed process,
 * loads the user's module, and answers the host's requests one frame at a
 * time over stdin/stdout (see `frames.ts`).
 *
 * It reports what the module did as plain data and never judges it: every
 * check happens on the host, which trusts nothing from here (the user's code
 * runs in this same realm and could change anything in it). Streams are the
 * suite's own `stream(seed, ...path, purpose)` from `src/rng/`, copied
 * into the bundle next to this file, so they give the same bytes as in
 * process.
 *
 * Messages to the host: `hello` (the default export's fields), `load-error`,
 * `result` (a description of the returned value; the weights' and mask's
 * bytes in the body) and `error` (initialize threw). From the host:
 * `initialize`. `console.log` and friends are sent to stderr so that stdout
 * carries frames only.
 *
 * This file imports only `../rng/mod.ts` (which re-exports `rng.ts`) and
 * `./frames.ts`: these four files are copied into the child's bundle as they are.
 *
 * @module
 */

import { stream } from "../rng/mod.ts";
import { encodeFrame, FrameReader } from "./frames.ts";

/** Most own keys of the default export (or of a returned object) reported. */
const _MAX_KEYS = 32;
/** Longest string reported. */
const _MAX_STRING = 4096;

/**
 * Serves the host: loads the module with `load` (a literal dynamic import
 * in the bundle's `main.ts`, so the child needs no read permission), sends
 * `hello` or `load-error`, then answers `initialize` frames until stdin ends,
 * and exits.
 */
export async function serve(load: () => Promise<Record<string, unknown>>): Promise<never> {
  const out = Deno.stdout;
  const send = async (header: unknown, body?: Uint8Array): Promise<void> => {
    const frame = encodeFrame(header, body);
    let written = 0;
    while (written < frame.length) written += await out.write(frame.subarray(written));
  };
  _quietConsole();
  let method: Record<string, unknown>;
  try {
    const mod = await load();
    method = mod.default as Record<string, unknown>;
    await send({ type: "hello", fields: _fields(method), exports: _keys(mod) });
  } catch (e) {
    await send({ type: "load-error", error: _errorInfo(e) });
    Deno.exit(0);
  }
  const reader = new FrameReader(Deno.stdin.readable);
  for (;;) {
    const frame = await reader.read(() => ({ maxHeaderBytes: 1 << 20, maxBodyBytes: 2 ** 31 }));
    if (frame === null) Deno.exit(0);
    const h = frame.header as {
      type: string;
      id: number;
      shape: Record<string, unknown>;
      density: number;
      activation: string;
      gain?: number;
      hasMask: boolean;
      seed: number;
      path: string[];
      size: number;
    };
    if (h.type !== "initialize") Deno.exit(2);
    const request = {
      shape: Object.freeze({ ...h.shape }),
      density: h.density,
      activation: h.activation,
      ...(h.gain === undefined ? {} : { gain: h.gain }),
      ...(h.hasMask ? { mask: frame.body.slice() } : {}),
    };
    const streams = (purpose: unknown) => {
      if (typeof purpose !== "string") {
        throw new TypeError(`streams(purpose): purpose must be a string; got ${typeof purpose}`);
      }
      return stream(h.seed, ...h.path, purpose);
    };
    let reply: { value: unknown; body: Uint8Array };
    try {
      const initialize = method.initialize as (r: unknown, s: unknown) => unknown;
      reply = _result(initialize.call(method, request, streams), h.size);
    } catch (e) {
      await send({ type: "error", id: h.id, error: _errorInfo(e) });
      continue;
    }
    await send({ type: "result", id: h.id, value: reply.value }, reply.body);
  }
}

/** Sends everything `console` would print to stdout to stderr instead. */
function _quietConsole(): void {
  const c = console as unknown as Record<string, unknown>;
  const toStderr = console.error.bind(console);
  for (const key of ["log", "info", "debug", "dir", "dirxml", "table", "trace"]) c[key] = toStderr;
  for (const key of ["group", "groupCollapsed", "count", "timeLog", "timeEnd"]) {
    c[key] = (...args: unknown[]) => toStderr(key, ...args);
  }
}

/** The own keys of an object (at most `_MAX_KEYS`), as bounded strings. */
function _keys(value: object): string[] {
  return Object.keys(value).slice(0, _MAX_KEYS).map((k) => k.slice(0, 100));
}

/** Plain-data rendering of a value for the host; non-JSON values become `{ $type }`. */
function _plain(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") return value.slice(0, _MAX_STRING);
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : { $type: "number", value: String(value) };
  }
  if (Array.isArray(value) && depth === 0) {
    return value.slice(0, 16).map((v) => _plain(v, 1));
  }
  if (typeof value === "object") {
    return { $type: Object.prototype.toString.call(value).slice(8, -1) };
  }
  return { $type: typeof value };
}

/** The default export's own fields as plain data, or `{ $type }` if it is not an object. */
function _fields(method: unknown): unknown {
  if (method === null || typeof method !== "object") {
    return { $type: method === null ? "null" : typeof method };
  }
  const fields: Record<string, unknown> = {};
  for (const key of _keys(method)) fields[key] = _plain((method as Record<string, unknown>)[key]);
  return fields;
}

/** A typed array's tag and length, and its bytes if it has the type and length the host wants. */
function _array(
  value: unknown,
  wanted: string,
  size: number,
): { info: unknown; bytes?: Uint8Array } {
  const type = value === null
    ? "null"
    : typeof value === "object"
    ? Object.prototype.toString.call(value).slice(8, -1)
    : typeof value;
  if (!ArrayBuffer.isView(value) || !("length" in value)) return { info: { type } };
  const length = (value as { length: number }).length;
  if (type !== wanted || length !== size) return { info: { type, length } };
  const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  return { info: { type, length, bytes: bytes.length }, bytes };
}

/** Describes what initialize returned; the body holds the weights' then the mask's bytes. */
function _result(value: unknown, size: number): { value: unknown; body: Uint8Array } {
  const empty = new Uint8Array(0);
  if (value === null || typeof value !== "object") {
    return { value: { $type: value === null ? "null" : typeof value }, body: empty };
  }
  if (typeof (value as { then?: unknown }).then === "function") {
    return { value: { $type: "Promise" }, body: empty };
  }
  const v = value as Record<string, unknown>;
  const weights = _array(v.weights, "Float32Array", size);
  const mask = _array(v.mask, "Uint8Array", size);
  const w = weights.bytes ?? empty, m = mask.bytes ?? empty;
  const body = new Uint8Array(w.length + m.length);
  body.set(w, 0);
  body.set(m, w.length);
  return {
    value: { $type: "object", keys: _keys(v), weights: weights.info, mask: mask.info },
    body,
  };
}

/** Name, message and stack of anything thrown, as bounded strings. */
function _errorInfo(e: unknown): { name: string; message: string; stack: string } {
  const text = (f: () => unknown, max: number): string => {
    try {
      return String(f() ?? "").slice(0, max);
    } catch {
      return "<unprintable>";
    }
  };
  if (e instanceof Error) {
    return {
      name: text(() => e.name, 200),
      message: text(() => e.message, _MAX_STRING),
      stack: text(() => e.stack, 2 * _MAX_STRING),
    };
  }
  return {
    name: `thrown ${e === null ? "null" : typeof e}`,
    message: text(() => e, 1000),
    stack: "",
  };
}
