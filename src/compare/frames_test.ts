import { deepEqual, equal, rejects } from "node:assert/strict";
import { encodeFrame, FRAME_PREFIX_BYTES, FrameError, FrameReader } from "./frames.ts";

const LIMITS = () => ({ maxHeaderBytes: 1024, maxBodyBytes: 1024 });

/** A reader over `bytes` delivered in chunks of `chunk` bytes. */
function reader(bytes: Uint8Array, chunk = 3): FrameReader {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.slice(i, i + chunk));
  return new FrameReader(ReadableStream.from(parts));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("frames round-trip across arbitrary chunk boundaries, then end cleanly", async () => {
  const body = new Uint8Array(new Float32Array([1.5, -0, NaN]).buffer);
  const bytes = concat(encodeFrame({ type: "a", n: [1, 2] }, body), encodeFrame({ type: "b" }));
  for (const chunk of [1, 2, 5, 7, bytes.length]) {
    const r = reader(bytes, chunk);
    const first = await r.read(LIMITS);
    deepEqual(first?.header, { type: "a", n: [1, 2] });
    deepEqual(first?.body, body);
    deepEqual((await r.read(LIMITS))?.header, { type: "b" });
    equal(await r.read(LIMITS), null);
  }
});

Deno.test("garbage instead of a frame is a FrameError naming the bytes", async () => {
  await rejects(
    () => reader(new TextEncoder().encode("hello world!")).read(LIMITS),
    (e: Error) =>
      e instanceof FrameError && /bad frame magic 0x6c6c6568 \("hell"\)/.test(e.message),
  );
});

Deno.test("a header or body over its limit is refused before it is read", async () => {
  const big = encodeFrame({ pad: "x".repeat(2000) });
  await rejects(
    () => reader(big).read(LIMITS),
    /frame header of 2010 bytes exceeds the limit 1024/,
  );
  // A prefix that announces 4 GiB with nothing behind it: refused at once, nothing buffered.
  const prefix = encodeFrame({}).slice(0, FRAME_PREFIX_BYTES);
  new DataView(prefix.buffer).setUint32(8, 0xffffffff, true);
  await rejects(
    () => reader(prefix).read(LIMITS),
    /frame body of 4294967295 bytes exceeds the limit 1024/,
  );
});

Deno.test("limits are read after the prefix arrives", async () => {
  let max = 0;
  const r = reader(encodeFrame({}, new Uint8Array(8)));
  const pending = r.read(() => ({ maxHeaderBytes: 64, maxBodyBytes: max }));
  max = 8;
  equal((await pending)?.body.length, 8);
});

Deno.test("a stream that ends inside a frame, and a header that is not JSON, are FrameErrors", async () => {
  const frame = encodeFrame({ type: "x" }, new Uint8Array(4));
  await rejects(
    () => reader(frame.slice(0, 5)).read(LIMITS),
    /ended inside a frame prefix \(5 of 12/,
  );
  await rejects(
    () => reader(frame.slice(0, -1)).read(LIMITS),
    /ended inside a frame \(15 of 16 bytes after the prefix/,
  );
  const bad = encodeFrame({ type: "x" });
  bad.set(new TextEncoder().encode("{nope"), FRAME_PREFIX_BYTES);
  await rejects(() => reader(bad).read(LIMITS), /frame header is not UTF-8 JSON/);
  const invalidUtf8 = encodeFrame("ab");
  invalidUtf8.set([0x22, 0xff], FRAME_PREFIX_BYTES);
  await rejects(() => reader(invalidUtf8).read(LIMITS), /not UTF-8 JSON/);
});
