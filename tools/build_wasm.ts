/**
 * Builds the simd engine's WebAssembly kernels from their AssemblyScript
 * source (`src/engine/kernels.as` → `src/engine/kernels.wasm`) with
 * AssemblyScript 0.28.20, `--enable simd -O3`, no runtime (the kernels never
 * allocate). The source is AssemblyScript, not TypeScript Deno could check, so
 * it has its own extension and is handed to the compiler as `kernels.ts`. The
 * binary is committed; `--check` rebuilds it in memory and exits 1 if it
 * differs from the committed file (CI runs it).
 *
 * Run: `deno task build:wasm` or `deno task build:wasm --check`.
 *
 * @module
 */

import asc from "assemblyscript/asc";

const SOURCE = new URL("../src/engine/kernels.as", import.meta.url);
const TARGET = new URL("../src/engine/kernels.wasm", import.meta.url);

/** Compiles the kernels and returns the .wasm bytes. */
async function _build(): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const source = await Deno.readTextFile(SOURCE);
  const { error, stderr } = await asc.main([
    "kernels.ts",
    "--outFile",
    "kernels.wasm",
    "--enable",
    "simd",
    "-O3",
    "--runtime",
    "stub",
    "--noAssert",
    "--initialMemory",
    "1",
  ], {
    readFile: (name: string) => (name === "kernels.ts" ? source : null),
    listFiles: () => [],
    writeFile(name: string, contents: Uint8Array | string) {
      if (name.endsWith("kernels.wasm") && typeof contents !== "string") binary = contents;
    },
  });
  if (error !== null) {
    console.error(stderr.toString());
    throw new Error(`build:wasm: AssemblyScript failed: ${error.message}`);
  }
  if (binary === undefined) throw new Error("build:wasm: the compiler wrote no kernels.wasm");
  return binary;
}

const check = Deno.args.includes("--check");
const unknown = Deno.args.filter((a) => a !== "--check");
if (unknown.length > 0) {
  console.error(
    `build:wasm: unknown argument(s) ${unknown.join(" ")}; usage: build:wasm [--check]`,
  );
  Deno.exit(2);
}
const built = await _build();
if (check) {
  let committed: Uint8Array;
  try {
    committed = await Deno.readFile(TARGET);
  } catch {
    console.error(`build:wasm --check: ${TARGET.pathname} is missing; run deno task build:wasm`);
    Deno.exit(1);
  }
  const same = committed.length === built.length && committed.every((b, i) => b === built[i]);
  if (!same) {
    console.error(
      `build:wasm --check: ${TARGET.pathname} (${committed.length} bytes) differs from a fresh build (${built.length} bytes); run deno task build:wasm and commit it`,
    );
    Deno.exit(1);
  }
  console.log(`build:wasm --check: kernels.wasm is up to date (${built.length} bytes)`);
} else {
  await Deno.writeFile(TARGET, built);
  console.log(`build:wasm: wrote ${TARGET.pathname} (${built.length} bytes)`);
}
