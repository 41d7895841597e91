import { deepEqual, equal, notEqual, ok, rejects } from "node:assert/strict";
import { cp, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { convShape, denseShape, initializeLayer, type InitRequest } from "../init/mod.ts";
import { bwrapPlan, processTree } from "./process.ts";
import { _startSandbox, openSandbox, type OpenSandboxOptions, type Sandbox } from "./sandbox.ts";
import { buildBundle } from "./bundle.ts";
import { checkDeterminism } from "./determinism.ts";
import { checkOf } from "./errors.ts";
import { materialize, report, runUnsandboxed, TESTDATA } from "./_test_utils.ts";

const HAS_BWRAP = (await bwrapPlan(Deno.execPath())).ok;
const EXAMPLE = new URL("../../examples/sparse_glorot.ts", import.meta.url).pathname;
const DENSE: InitRequest = { shape: denseShape(4, 4), density: 0.5, activation: "linear" };

/** Every pid the sandbox's tree ever had is gone (not even a zombie). */
function assertGone(sandbox: Sandbox): void {
  ok(sandbox.pids().length > 0, "no pid was recorded");
  for (const pid of sandbox.pids()) {
    let exists = true;
    try {
      Deno.statSync(`/proc/${pid}`);
    } catch {
      exists = false;
    }
    equal(exists, false, `pid ${pid} of the sandbox is still there`);
  }
}

/** Opens `fixture` (in testdata, or a path), calls initialize once and returns the error. */
async function callError(
  sandbox: Sandbox,
  request: InitRequest = DENSE,
  seed = 0,
): Promise<Error> {
  let error: Error | undefined;
  await sandbox.initialize(request, { seed }).then(
    () => {},
    (e) => error = e,
  );
  ok(error !== undefined, "initialize resolved");
  return error;
}

Deno.test("the README's example module runs in the sandbox and equals the built-in fan-average method byte for byte", async () => {
  await using sandbox = await openSandbox(EXAMPLE);
  equal(sandbox.usedBwrap, HAS_BWRAP);
  deepEqual(sandbox.describe, {
    name: "sparse-glorot",
    description:
      "Glorot normal on a random exact-count mask, with each entry's sparse fan average.",
    paper: "Glorot & Bengio, AISTATS 2010; sparse fans as in Evci et al., AAAI 2022",
    kinds: ["dense", "conv"],
    takesMask: true,
  });
  const cases = [
    { shape: denseShape(64, 32), density: 0.1, gain: undefined },
    { shape: convShape(3, 4, 8), density: 0.25, gain: 1.5 },
    { shape: denseShape(16, 16), density: 1, gain: undefined },
  ];
  for (const { shape, density, gain } of cases) {
    const request: InitRequest = {
      shape,
      density,
      activation: "tanh",
      ...(gain === undefined ? {} : { gain }),
    };
    const call = { seed: 11, path: ["cell/x", "layer/2"] };
    const inside = await checkDeterminism(sandbox, request, call);
    const here = initializeLayer("fan-in-scaled", shape, {
      ...call,
      density,
      activation: "tanh",
      ...(gain === undefined ? {} : { gain }),
      methodOptions: { mode: "fan-avg", scale: 1 },
    });
    deepEqual(inside.weights, here.weights);
    deepEqual(inside.mask, here.mask);
    equal(inside.density, here.density);
  }
  // A given mask is used exactly (takesMask).
  const mask = new Uint8Array(16).map((_, i) => i % 3 === 0 ? 1 : 0);
  const given = await sandbox.initialize(
    { shape: denseShape(4, 4), density: 0, activation: "relu", mask },
    { seed: 1 },
  );
  deepEqual(given.mask, mask);
  await sandbox.close();
  assertGone(sandbox);
});

Deno.test("a user module that bundles the suite's own pruned-kaiming code gives initializeLayer's bytes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sparse-init-reimpl-" });
  try {
    const src = new URL("../", import.meta.url).pathname;
    for (const sub of ["init", "linalg", "rng"]) {
      await mkdir(join(dir, "src", sub), { recursive: true });
      await cp(join(src, sub), join(dir, "src", sub), { recursive: true });
    }
    const module = join(dir, "my_pruned_kaiming.ts");
    await Deno.writeTextFile(
      module,
      `import { prunedKaimingMethod } from "./src/init/pruned.ts";\n` +
        `export default { name: "my-pruned-kaiming", description: "pruned-kaiming, bundled.",\n` +
        `  takesMask: true, initialize: prunedKaimingMethod.build() };\n`,
    );
    await using sandbox = await openSandbox(module);
    for (
      const [shape, density] of [[denseShape(30, 20), 0.2], [convShape(3, 8, 4), 0.5]] as const
    ) {
      const inside = await sandbox.initialize(
        { shape, density, activation: "relu" },
        { seed: 5, path: ["layer/1"] },
      );
      const here = initializeLayer("pruned-kaiming", shape, {
        density,
        seed: 5,
        path: ["layer/1"],
        activation: "relu",
      });
      deepEqual(inside.weights, here.weights);
      deepEqual(inside.mask, here.mask);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a well-behaved module with its own relative import runs, its console output goes to stderr", async () => {
  await using sandbox = await openSandbox(join(TESTDATA, "good.ts"));
  const layer = await checkDeterminism(sandbox, {
    shape: convShape(3, 2, 4),
    density: 0.3,
    activation: "relu",
  }, { seed: 2 });
  equal(layer.mask.reduce((a, m) => a + m, 0), Math.round(0.3 * 72));
  ok(sandbox.stderr().includes("good.ts: loading"), sandbox.stderr());
  await sandbox.close();
  assertGone(sandbox);
  await rejects(() => sandbox.initialize(DENSE, { seed: 0 }), /\[closed\]/);
});

Deno.test("bwrap: the sandbox reports whether it ran under bubblewrap, and the command line says so", async () => {
  await using off = await openSandbox(EXAMPLE, { bwrap: "off" });
  equal(off.usedBwrap, false);
  equal(off.isolation.bwrapReason, 'bwrap: "off" was asked for');
  equal(off.isolation.command.some((a) => a.endsWith("bwrap")), false);
  ok(off.isolation.command.includes("--no-prompt"));
  if (HAS_BWRAP) {
    await using on = await openSandbox(EXAMPLE, { bwrap: "require" });
    equal(on.usedBwrap, true);
    ok(on.isolation.command.includes("--unshare-all"));
    ok(on.isolation.command.includes("--die-with-parent"));
  } else {
    await rejects(() => openSandbox(EXAMPLE, { bwrap: "require" }), /bwrap is required/);
  }
});

Deno.test("a module that throws: the error passes through with its name, sanitized, pointing at the user's file; the sandbox survives", async () => {
  const module = join(TESTDATA, "throws.ts");
  await using sandbox = await openSandbox(module);
  const e = await callError(sandbox);
  equal(checkOf(e), "threw");
  ok(e.message.includes("initialize threw RangeError: density is not supported here"), e.message);
  ok(
    ![...e.message].some((c) => c !== "\n" && c.charCodeAt(0) < 0x20),
    `control characters in ${JSON.stringify(e.message)}`,
  );
  ok(e.message.includes(`${new URL(`file://${module}`).href}:`), e.message);
  ok(!e.message.includes("/sandbox/") && !e.message.includes("/bundle/"), e.message);
  // Still usable: the same error again, not a dead sandbox.
  equal(checkOf(await callError(sandbox)), "threw");
});

Deno.test("a module that throws while loading fails openSandbox with its message and file", async () => {
  const module = join(TESTDATA, "throws_at_load.ts");
  await rejects(() => openSandbox(module), (e: Error) => {
    equal(checkOf(e), "load");
    ok(e.message.includes("TypeError: throws_at_load.ts: no width configured"), e.message);
    ok(e.message.includes(`${module}:8:`), e.message);
    return true;
  });
});

Deno.test("a module with a syntax error: the message points at the file and line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const module = await materialize("syntax_error.ts.txt", dir);
    await rejects(() => openSandbox(module), (e: Error) => {
      equal(checkOf(e), "syntax");
      ok(e.message.includes(`${module}:4:`), e.message);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a module without a default export, or with a bad name, is refused naming the problem", async () => {
  await rejects(() => openSandbox(join(TESTDATA, "no_default.ts")), (e: Error) => {
    equal(checkOf(e), "describe");
    ok(e instanceof TypeError);
    ok(e.message.includes("no default export; export default { name, description"), e.message);
    ok(e.message.includes("(it exports: initialize, name)"), e.message);
    return true;
  });
  await rejects(() => openSandbox(join(TESTDATA, "bad_name.ts")), (e: Error) => {
    equal(checkOf(e), "describe");
    ok(e instanceof RangeError);
    ok(e.message.includes('"Sparse Glorot!"'), e.message);
    return true;
  });
});

// ---------------------------------------------------------------- isolation

/** A fresh secret file with a random token, readable by this process. */
async function secretFile(dir: string): Promise<{ path: string; token: string }> {
  const token = crypto.randomUUID();
  const path = join(dir, "secret.json");
  await Deno.writeTextFile(path, JSON.stringify({ token }));
  equal(JSON.parse(await Deno.readTextFile(path)).token, token); // a real, readable file
  return { path, token };
}

for (const bwrap of ["auto", "off"] as const) {
  Deno.test(`isolation (bwrap ${bwrap}): reading a host file fails every way; unsandboxed the same module reads it`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "sparse-init-read-" });
    try {
      const { path, token } = await secretFile(dir);
      const module = await materialize("read_file.ts", dir, { __SECRET_PATH__: path });
      const control = await runUnsandboxed(module);
      const leaked = report(String((control.reply?.error as { message: string }).message));
      ok(leaked.readTextFile.includes(token), JSON.stringify(leaked));
      ok(leaked["json-import-computed"].includes(token), JSON.stringify(leaked));

      await using sandbox = await openSandbox(module, { bwrap });
      const outcomes = report((await callError(sandbox)).message);
      deepEqual(Object.keys(outcomes), Object.keys(leaked));
      for (const [name, outcome] of Object.entries(outcomes)) {
        ok(!outcome.startsWith("ALLOWED") && !outcome.includes(token), `${name}: ${outcome}`);
        ok(/NotCapable|Requires read access/.test(outcome), `${name}: ${outcome}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("isolation: a JSON import of an absolute host path is refused at bundling (static and dynamic)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sparse-init-json-" });
  try {
    const { path, token } = await secretFile(dir);
    for (const fixture of ["json_import_static.ts.txt", "json_import_dynamic.ts.txt"]) {
      const module = await materialize(fixture, dir, { __SECRET_PATH__: path });
      const control = await runUnsandboxed(module);
      ok(JSON.stringify(control.reply).includes(token), `${fixture}: the control did not leak`);
      await rejects(() => openSandbox(module), (e: Error) => {
        equal(checkOf(e), "import");
        ok(e.message.includes(`import ${JSON.stringify(path)} is not allowed`), e.message);
        ok(e.message.includes(`${module}:`), e.message);
        ok(!e.message.includes(token), e.message);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "isolation: under bubblewrap the process itself cannot see a host file, even one it imports by a literal path",
  ignore: !HAS_BWRAP,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sparse-init-bwrap-" });
    try {
      const { path, token } = await secretFile(dir);
      const hostile = await Deno.readTextFile(join(TESTDATA, "json_import_static.ts.txt"));
      // Build a bundle of a harmless module, then swap in the hostile one: this skips the
      // bundler's import check, leaving the process layer alone against the import.
      const run = async (bwrap: "require" | "off") => {
        const temp = await Deno.makeTempDir({ prefix: "sparse-init-bwrap-run-" });
        const bundle = await buildBundle(join(TESTDATA, "throws.ts"), join(temp, "bundle"));
        await Deno.writeTextFile(
          join(bundle.dir, bundle.entry),
          hostile.replace("__SECRET_PATH__", path),
        );
        return _startSandbox(bundle, temp, { bwrap });
      };
      await using leaky = await run("off"); // without bubblewrap Deno loads a literal import
      ok((await callError(leaky)).message.includes(token), "the control did not leak");
      await rejects(() => run("require"), (e: Error) => {
        equal(checkOf(e), "load");
        ok(/not found|No such file/i.test(e.message), e.message);
        ok(!e.message.includes(token), e.message);
        return true;
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

for (const bwrap of ["auto", "off"] as const) {
  Deno.test(`isolation (bwrap ${bwrap}): writing host files fails; unsandboxed the same module writes them`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "sparse-init-write-" });
    try {
      const target = join(dir, "target");
      await Deno.mkdir(target);
      const module = await materialize("write_file.ts", dir, { __TARGET_DIR__: target });
      await using sandbox = await openSandbox(module, { bwrap });
      const outcomes = report((await callError(sandbox)).message);
      for (const [name, outcome] of Object.entries(outcomes)) {
        ok(/NotCapable|Requires write access/.test(outcome), `${name}: ${outcome}`);
      }
      deepEqual([...Deno.readDirSync(target)], []);
      await runUnsandboxed(module);
      equal([...Deno.readDirSync(target)].length, 6, "the control did not write everything");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

for (const bwrap of ["auto", "off"] as const) {
  Deno.test(`isolation (bwrap ${bwrap}): a loopback server receives nothing; unsandboxed the same module reaches it`, async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const received: string[] = [];
    const serving = (async () => {
      for await (const conn of listener) {
        received.push("connection");
        const buf = new Uint8Array(256);
        const n = await conn.read(buf).catch(() => null);
        if (n) received.push(new TextDecoder().decode(buf.subarray(0, n)));
        conn.close();
      }
    })();
    const dir = await Deno.makeTempDir({ prefix: "sparse-init-net-" });
    try {
      const module = await materialize("net.ts", dir, {
        __PORT__: String(listener.addr.port),
      });
      await using sandbox = await openSandbox(module, { bwrap });
      const outcomes = report((await callError(sandbox)).message);
      for (const [name, outcome] of Object.entries(outcomes)) {
        ok(!outcome.startsWith("ALLOWED"), `${name}: ${outcome}`);
        ok(
          /NotCapable|Requires (net|import) access|--no-remote|remote/i.test(outcome),
          `${name}: ${outcome}`,
        );
      }
      equal(received.length, 0, JSON.stringify(received));
      await runUnsandboxed(module);
      ok(received.includes("connection"), "the control reached nothing");
    } finally {
      listener.close();
      await serving.catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  });
}

for (const bwrap of ["auto", "off"] as const) {
  Deno.test(`isolation (bwrap ${bwrap}): subprocesses cannot run; unsandboxed the same module runs one`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "sparse-init-run-" });
    try {
      const marker = join(dir, "marker");
      const module = await materialize("subprocess.ts", dir, { __MARKER_PATH__: marker });
      await using sandbox = await openSandbox(module, { bwrap });
      const outcomes = report((await callError(sandbox)).message);
      for (const [name, outcome] of Object.entries(outcomes)) {
        ok(/NotCapable|Requires run access/.test(outcome), `${name}: ${outcome}`);
      }
      await rejects(() => Deno.stat(marker), Deno.errors.NotFound);
      await runUnsandboxed(module);
      equal(await Deno.readTextFile(marker), "pwned\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

for (const bwrap of ["auto", "off"] as const) {
  Deno.test(`isolation (bwrap ${bwrap}): the environment is unreadable; unsandboxed the same module reads it`, async () => {
    const token = crypto.randomUUID();
    Deno.env.set("SPARSE_INIT_TEST_SECRET", token);
    try {
      const module = join(TESTDATA, "env.ts");
      await using sandbox = await openSandbox(module, { bwrap });
      const outcomes = report((await callError(sandbox)).message);
      for (const [name, outcome] of Object.entries(outcomes)) {
        ok(!outcome.includes(token), `${name}: ${outcome}`);
        ok(/NotCapable|Requires (env|read) access/.test(outcome), `${name}: ${outcome}`);
      }
      const control = await runUnsandboxed(module);
      ok(JSON.stringify(control.reply).includes(token), "the control read nothing");
    } finally {
      Deno.env.delete("SPARSE_INIT_TEST_SECRET");
    }
  });
}

Deno.test("isolation: every permission request is denied without a prompt", async () => {
  await using sandbox = await openSandbox(join(TESTDATA, "permission.ts"));
  const outcomes = report((await callError(sandbox)).message);
  deepEqual(Object.keys(outcomes).length, 9);
  // Deno 2.9.6 reports "import" as granted under --cached-only (only the cache could be
  // imported from, and the child's cache is empty); --no-remote still refuses every remote
  // import, which the loopback test checks.
  equal(outcomes.import, "granted");
  for (const [name, state] of Object.entries(outcomes)) {
    if (name !== "import") equal(state, "denied", name);
  }
});

// ---------------------------------------------------------------- resources

Deno.test("a busy loop in initialize is killed by the call timeout; the process tree is gone and the host goes on", async () => {
  const sandbox = await openSandbox(join(TESTDATA, "loop.ts"), { callTimeoutMs: 1500 });
  const e = await callError(sandbox);
  equal(checkOf(e), "timeout");
  ok(e.message.includes("no reply within callTimeoutMs 1500 ms; killed"), e.message);
  ok(e.message.includes('method "loop" dense 4x4'), e.message);
  await rejects(
    () => sandbox.initialize(DENSE, { seed: 0 }),
    /\[closed\] the sandbox failed earlier: \[timeout\]/,
  );
  await sandbox.close();
  assertGone(sandbox);
});

Deno.test("a module that loops while loading is killed by the startup timeout", async () => {
  await rejects(
    () => openSandbox(join(TESTDATA, "loop_at_load.ts"), { startupTimeoutMs: 3000 }),
    (e: Error) => {
      equal(checkOf(e), "timeout");
      ok(e.message.includes("no description within startupTimeoutMs 3000 ms"), e.message);
      return true;
    },
  );
});

Deno.test("the overall timeout kills a child however its time is spent", async () => {
  const sandbox = await openSandbox(join(TESTDATA, "loop.ts"), {
    totalTimeoutMs: 2000,
    callTimeoutMs: 600_000,
  });
  const e = await callError(sandbox);
  equal(checkOf(e), "timeout");
  ok(e.message.includes("longer than totalTimeoutMs 2000 ms"), e.message);
  await sandbox.close();
  assertGone(sandbox);
});

Deno.test("an 8 GiB allocation fails under the data limit; the sandbox survives it", async () => {
  await using sandbox = await openSandbox(join(TESTDATA, "alloc.ts"));
  ok(sandbox.isolation.dataLimitBytes !== undefined, "prlimit is not available here");
  const e = await callError(sandbox, { ...DENSE, gain: 1 });
  equal(checkOf(e), "threw");
  ok(/RangeError: Array buffer allocation failed/.test(e.message), e.message);
  ok(sandbox.peakResidentBytes() < 2 ** 30, `peak ${sandbox.peakResidentBytes()}`);
});

Deno.test("touching 8 GiB in chunks is killed by the resident-memory watchdog (no data limit)", async () => {
  const sandbox = await openSandbox(join(TESTDATA, "alloc.ts"), {
    memoryCapBytes: 512 * 2 ** 20,
    dataLimitBytes: false,
  });
  equal(sandbox.isolation.dataLimitBytes, undefined);
  const e = await callError(sandbox, { ...DENSE, gain: 2 });
  equal(checkOf(e), "memory");
  ok(/resident memory \d+ MiB exceeds memoryCapBytes 512 MiB; killed/.test(e.message), e.message);
  await sandbox.close();
  assertGone(sandbox);
});

Deno.test("with the data limit, touching 8 GiB in chunks fails inside the child, below the watchdog's cap", async () => {
  await using sandbox = await openSandbox(join(TESTDATA, "alloc.ts"), {
    memoryCapBytes: 4 * 2 ** 30,
    dataLimitBytes: 1.5 * 2 ** 30,
  });
  const e = await callError(sandbox, { ...DENSE, gain: 2 });
  equal(checkOf(e), "threw", e.message);
  ok(/RangeError: Array buffer allocation failed/.test(e.message), e.message);
  ok(sandbox.peakResidentBytes() < 1.5 * 2 ** 30, `peak ${sandbox.peakResidentBytes()}`);
});

Deno.test("exhausting the V8 heap kills only the child, reported as memory", async () => {
  const sandbox = await openSandbox(join(TESTDATA, "heap.ts"), { heapMiB: 64 });
  const e = await callError(sandbox);
  equal(checkOf(e), "memory");
  ok(e.message.includes("out of memory (V8 heap cap 64 MiB) during initialize"), e.message);
  await sandbox.close();
  assertGone(sandbox);
});

// ---------------------------------------------------------------- replies

Deno.test("Math.random passes every per-call check but is caught by the same-seed-twice check", async () => {
  await using sandbox = await openSandbox(join(TESTDATA, "math_random.ts"));
  const request = { shape: denseShape(8, 8), density: 0.5, activation: "linear" } as const;
  const one = await sandbox.initialize(request, { seed: 4 });
  equal(one.density, 0.5);
  await rejects(() => checkDeterminism(sandbox, request, { seed: 4 }), (e: Error) => {
    equal(checkOf(e), "deterministic");
    ok(/the same seed 4 gave different weights at index \d+/.test(e.message), e.message);
    ok(e.message.includes('method "math-random" dense 8x8'), e.message);
    return true;
  });
});

/** bad_results.ts's cases by gain: the check each must fail, and a piece of its message. */
const CASES: readonly { gain: number; check: string; kind: typeof TypeError; text: RegExp }[] = [
  { gain: 1, check: "result-type", kind: TypeError, text: /got "null"/ },
  { gain: 2, check: "result-type", kind: TypeError, text: /got "undefined"/ },
  { gain: 3, check: "result-type", kind: TypeError, text: /got "number"/ },
  { gain: 4, check: "result-type", kind: TypeError, text: /got "Promise"/ },
  { gain: 5, check: "weights-finite", kind: RangeError, text: /weight NaN at index 15/ },
  { gain: 6, check: "weights-finite", kind: RangeError, text: /weight Infinity at index 0/ },
  {
    gain: 7,
    check: "weights-length",
    kind: RangeError,
    text: /weights has length 15; the kernel has 16/,
  },
  { gain: 8, check: "mask-length", kind: RangeError, text: /mask has length 17/ },
  {
    gain: 9,
    check: "weights-type",
    kind: TypeError,
    text: /weights must be a Float32Array; got "Float64Array"/,
  },
  { gain: 10, check: "mask-type", kind: TypeError, text: /mask must be a Uint8Array; got "Array"/ },
  { gain: 11, check: "mask-type", kind: TypeError, text: /got "Uint8ClampedArray"/ },
  { gain: 12, check: "mask-binary", kind: RangeError, text: /mask value 2 at index 3/ },
  {
    gain: 13,
    check: "zeros-off-mask",
    kind: RangeError,
    text: /weight 0.25 at index 8, where the mask is 0/,
  },
  { gain: 14, check: "result-keys", kind: TypeError, text: /unexpected key "density"/ },
  { gain: 15, check: "mask-type", kind: TypeError, text: /got "undefined"/ },
  {
    gain: 16,
    check: "density",
    kind: RangeError,
    text: /kept 16 of 16 entries .*density 0.5 is 8 entries/,
  },
  { gain: 18, check: "result-keys", kind: TypeError, text: /unexpected key "extra"/ },
  { gain: 19, check: "result-keys", kind: TypeError, text: /unexpected key "x{100}/ },
];

Deno.test("every malformed result is refused naming its check, method, shape and value; the sandbox survives all of them", async () => {
  await using sandbox = await openSandbox(join(TESTDATA, "bad_results.ts"));
  for (const c of CASES) {
    const e = await callError(sandbox, { ...DENSE, gain: c.gain });
    equal(checkOf(e), c.check, `gain ${c.gain}: ${e.message}`);
    ok(e instanceof c.kind, `gain ${c.gain}: ${e.name}`);
    ok(c.text.test(e.message), `gain ${c.gain}: ${e.message}`);
    ok(e.message.includes('method "bad-results" dense 4x4'), e.message);
  }
  // A given mask must be used exactly by a method that declares takesMask.
  const mask = new Uint8Array(16).map((_, i) => i % 2);
  const e = await callError(sandbox, { ...DENSE, gain: 17, mask });
  equal(checkOf(e), "given-mask");
  ok(/mask is 1 at index 0 where the given mask is 0/.test(e.message), e.message);
  // Still alive and correct for a valid reply; constant bytes are caught as seed-insensitive.
  const valid = await sandbox.initialize({ ...DENSE, gain: 20 }, { seed: 0 });
  equal(valid.density, 0.5);
  await rejects(
    () => checkDeterminism(sandbox, { ...DENSE, gain: 20 }, { seed: 0 }),
    (e: Error) => {
      equal(checkOf(e), "seed-sensitive");
      ok(e.message.includes("seeds 0 and 1 gave the same bytes"), e.message);
      return true;
    },
  );
  equal(sandbox.failure(), undefined);
});

Deno.test("bytes on stdout outside the protocol kill the child as a protocol violation; console.log does not", async () => {
  {
    await using sandbox = await openSandbox(join(TESTDATA, "stdout.ts"));
    const fine = await sandbox.initialize({ ...DENSE, density: 1, gain: 3 }, { seed: 0 });
    equal(fine.density, 1);
    ok(sandbox.stderr().includes("chatty but harmless"));
    const e = await callError(sandbox, { ...DENSE, density: 1, gain: 1 });
    equal(checkOf(e), "protocol");
    ok(/bad frame magic 0x62726167 \("garb"\)/.test(e.message), e.message);
    await sandbox.close();
    assertGone(sandbox);
  }
  {
    await using sandbox = await openSandbox(join(TESTDATA, "stdout.ts"));
    const e = await callError(sandbox, { ...DENSE, density: 1, gain: 2 });
    equal(checkOf(e), "protocol");
    ok(e.message.includes("frame body of 4294967295 bytes exceeds the limit 80"), e.message);
  }
});

Deno.test("requests are checked on the host before anything is sent", async () => {
  await using sandbox = await openSandbox(EXAMPLE, { maxEntries: 1000 });
  const call = { seed: 0 };
  const bad: [InitRequest, string][] = [
    [{ ...DENSE, shape: denseShape(100, 100) }, "size-bound"],
    [{ ...DENSE, density: 0 }, "request"],
    [{ ...DENSE, density: 1.5 }, "request"],
    [{ ...DENSE, activation: "gelu" as "relu" }, "request"],
    [{ ...DENSE, gain: NaN }, "request"],
    [{ ...DENSE, shape: { kind: "dense", inFeatures: -1, outFeatures: 2 } }, "request"],
    [{ ...DENSE, mask: new Uint8Array(3) }, "request"],
  ];
  for (const [request, check] of bad) {
    const e = await callError(sandbox, request);
    equal(checkOf(e), check, e.message);
  }
  await rejects(() => sandbox.initialize(DENSE, { seed: 0.5 }), /seed must be a safe integer/);
  await rejects(
    () => sandbox.initialize(DENSE, { ...call, path: [1 as unknown as string] }),
    /path must be an array of strings/,
  );
  equal((await sandbox.initialize(DENSE, call)).density, 0.5);
});

Deno.test("a method's kinds are enforced on the host", async () => {
  await using sandbox = await openSandbox(join(TESTDATA, "math_random.ts"));
  const e = await callError(sandbox, { ...DENSE, shape: convShape(3, 2, 2) });
  equal(checkOf(e), "kind");
  ok(e.message.includes("supports dense layers only"), e.message);
});

Deno.test("concurrent calls are serialized and each gets its own reply", async () => {
  await using sandbox = await openSandbox(EXAMPLE);
  const seeds = [0, 1, 2, 3, 4, 5];
  const replies = await Promise.all(
    seeds.map((seed) => sandbox.initialize({ ...DENSE, shape: denseShape(8, 8) }, { seed })),
  );
  for (const [i, seed] of seeds.entries()) {
    const here = initializeLayer("fan-in-scaled", denseShape(8, 8), {
      density: 0.5,
      seed,
      methodOptions: { mode: "fan-avg", scale: 1 },
    });
    deepEqual(replies[i].weights, here.weights);
  }
  notEqual(
    replies[0].weights[replies[0].mask.indexOf(1)],
    replies[1].weights[replies[1].mask.indexOf(1)],
  );
});

Deno.test("openSandbox rejects invalid options naming them", async () => {
  const cases: [OpenSandboxOptions, RegExp][] = [
    [{ callTimeoutMs: 0 }, /callTimeoutMs must be a positive integer; got 0/],
    [{ memoryCapBytes: -1 }, /memoryCapBytes must be a positive integer/],
    [{ bwrap: "maybe" as "auto" }, /bwrap must be "auto", "require" or "off"; got "maybe"/],
    [{ densityToleranceWeights: -1 }, /densityToleranceWeights must be a number >= 0/],
  ];
  for (const [options, text] of cases) await rejects(() => openSandbox(EXAMPLE, options), text);
});

Deno.test("no process started by these tests is left: this test process has no children", () => {
  // Sandboxes that failed to open were closed inside openSandbox; the others by their tests.
  deepEqual(processTree(Deno.pid), [Deno.pid]);
});
