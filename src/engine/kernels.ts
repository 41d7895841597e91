/**
 * Loading the simd engine's WebAssembly kernels (`kernels.wasm`, built from
 * `kernels.as` by `deno task build:wasm`) and the arena every engine
 * allocates its buffers from. The module is compiled once per process; each
 * engine gets its own instance and linear memory, so disposing an engine
 * lets the garbage collector return its memory.
 *
 * @module
 */

/** The kernels' exports (byte addresses are plain numbers). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  loadInput(
    src: number,
    n: number,
    h: number,
    w: number,
    c: number,
    dst: number,
    bp: number,
    wp: number,
    chanRows: number,
    pad: number,
  ): void;
  circularPad(buf: number, channels: number, h: number, w: number, pad: number, bp: number): void;
  gatherConv(
    rowPtr: number,
    rows: number,
    wts: number,
    outs: number,
    h: number,
    w: number,
    wp: number,
    chanRows: number,
    outOff: number,
    inp: number,
    out: number,
    bp: number,
    bias: number,
    epi: number,
    aux: number,
  ): void;
  gatherWgrad(
    rowPtr: number,
    rows: number,
    outs: number,
    h: number,
    w: number,
    wp: number,
    chanRows: number,
    outOff: number,
    inp: number,
    dz: number,
    bp: number,
    grad: number,
    scratch: number,
    inRows: number,
    pack: number,
  ): void;
  biasGrad(
    dz: number,
    outs: number,
    h: number,
    w: number,
    wp: number,
    chanRows: number,
    outOff: number,
    bp: number,
    grad: number,
  ): void;
  denseGemm(
    m: number,
    bs: number,
    ks: number,
    rows: number,
    kk: number,
    inp: number,
    out: number,
    bp: number,
    bias: number,
    epi: number,
    aux: number,
  ): void;
  transpose(src: number, lds: number, rows: number, cols: number, dst: number, ldd: number): void;
  packRows(src: number, rows: number, cols: number, dst: number): void;
  denseWgrad(
    a: number,
    ins: number,
    dz: number,
    outs: number,
    bp: number,
    grad: number,
    gi: number,
    go: number,
  ): void;
  poolForward(
    inp: number,
    channels: number,
    h: number,
    w: number,
    wp: number,
    chanRows: number,
    outOff: number,
    bp: number,
    out: number,
  ): void;
  poolBackward(
    df: number,
    channels: number,
    h: number,
    w: number,
    wp: number,
    chanRows: number,
    outOff: number,
    bp: number,
    dz: number,
    epi: number,
    aux: number,
  ): void;
  softmaxCrossEntropy(
    logits: number,
    classes: number,
    n: number,
    bp: number,
    labels: number,
    dl: number,
    stats: number,
  ): void;
  sgdUpdate(
    w: number,
    grad: number,
    vel: number,
    mask: number,
    count: number,
    lr: number,
    mu: number,
    wd: number,
    nesterov: number,
  ): void;
  gather(dst: number, src: number, idx: number, count: number): void;
  dctEffective(k: number, d: number, s: number, alpha: number, count: number): void;
  dot(a: number, b: number, count: number): number;
  tanhArray(src: number, dst: number, count: number): void;
  heapBase(): number;
}

/**
 * Epilogue codes of the kernels (see `kernels.as`): forward
 * `act(acc + bias)`, backward `acc · act'(aux)`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { EPI } from "./kernels.ts";
 * equal(EPI.tanh, 1);
 * ```
 */
export const EPI = Object.freeze({
  linear: 0,
  tanh: 1,
  relu: 2,
  hardTanh: 3,
  dTanh: 4,
  dRelu: 5,
  dHardTanh: 6,
});

/** WebAssembly page size in bytes. */
const _PAGE = 65536;
/** Largest linear memory a wasm32 instance can have: 4 GiB. */
export const MAX_MEMORY_BYTES = 65536 * _PAGE;

let _module: WebAssembly.Module | undefined;

/** The compiled kernels module (compiled on first use, then cached). */
function _compiled(): WebAssembly.Module {
  if (_module === undefined) {
    const bytes = Deno.readFileSync(new URL("./kernels.wasm", import.meta.url));
    _module = new WebAssembly.Module(bytes);
  }
  return _module;
}

/**
 * A fresh kernels instance whose memory holds at least `bytes` bytes, and a
 * bump allocator over it (64-byte aligned blocks, never freed: an engine
 * allocates everything once, at creation), starting after the module's own
 * static data (so address 0 is never handed out and can mean "none").
 *
 * @throws {RangeError} if `bytes` exceeds the 4 GiB a wasm32 memory can hold.
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { createArena } from "./kernels.ts";
 * const arena = createArena(1 << 16);
 * const p = arena.alloc(10);
 * equal(p % 64, 0);
 * ok(p > 0);
 * arena.f32().fill(0);
 * ```
 */
export function createArena(bytes: number): Arena {
  if (!(bytes >= 0) || bytes + 64 > MAX_MEMORY_BYTES) {
    throw new RangeError(
      `createArena: ${bytes} bytes exceed the ${MAX_MEMORY_BYTES} bytes (4 GiB) of a WebAssembly memory`,
    );
  }
  const instance = new WebAssembly.Instance(_compiled(), {});
  const k = instance.exports as unknown as KernelExports;
  const base = Math.ceil(k.heapBase() / 64) * 64;
  const have = k.memory.buffer.byteLength;
  const want = Math.ceil((base + bytes) / _PAGE) * _PAGE;
  if (base + bytes > MAX_MEMORY_BYTES) {
    throw new RangeError(
      `createArena: ${bytes} bytes exceed the ${MAX_MEMORY_BYTES} bytes (4 GiB) of a WebAssembly memory`,
    );
  }
  if (want > have) k.memory.grow((want - have) / _PAGE);
  let top = base;
  const limit = k.memory.buffer.byteLength;
  return {
    kernels: k,
    alloc(floats: number): number {
      const p = top;
      top += Math.ceil((floats * 4) / 64) * 64;
      if (top > limit) {
        throw new RangeError(
          `Arena.alloc: ${floats} floats do not fit (${top} of ${limit} bytes); the plan undercounted`,
        );
      }
      return p;
    },
    used: () => top,
    f32: () => new Float32Array(k.memory.buffer),
    i32: () => new Int32Array(k.memory.buffer),
    u8: () => new Uint8Array(k.memory.buffer),
    f64: () => new Float64Array(k.memory.buffer),
  };
}

/**
 * A kernels instance with its allocator (see {@linkcode createArena}).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type Arena, createArena } from "./kernels.ts";
 * const arena: Arena = createArena(1024);
 * equal(arena.used() % 64, 0);
 * ```
 */
export interface Arena {
  /** The instance's exports. */
  readonly kernels: KernelExports;
  /** A 64-byte aligned block of `floats` 4-byte words; returns its byte address. */
  alloc(floats: number): number;
  /** End of the bytes handed out so far (the module's static data included). */
  used(): number;
  /** A view of the whole memory as float32. */
  f32(): Float32Array;
  /** A view of the whole memory as int32. */
  i32(): Int32Array;
  /** A view of the whole memory as bytes. */
  u8(): Uint8Array;
  /** A view of the whole memory as float64. */
  f64(): Float64Array;
}
