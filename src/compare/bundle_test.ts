import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { buildBundle, RUNNER_FILES } from "./bundle.ts";
import { checkOf } from "./errors.ts";

const OK_EXPORT = `export default { name: "x", description: "d", initialize: () => null };\n`;

/** Writes `files` (path relative to a fresh temp dir → text) and returns the dir. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sparse-init-bundle-test-" });
  for (const [rel, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, rel, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, rel), text);
  }
  return dir;
}

Deno.test("buildBundle copies the module's relative graph (layout kept, JSON included), the runner and main.ts", async () => {
  const dir = await tree({
    "mine/entry.ts":
      `import { a } from "./lib/a.ts";\nimport t from "./data/t.json" with { type: "json" };\n` +
      `import type { Rng } from "../../../outside/types.ts";\nexport const r: Rng | null = null;\n` +
      `const b = await import("./lib/b.ts");\nexport default { a, t, b };\n`,
    "mine/lib/a.ts": `export { b as a } from "./b.ts";\n`,
    "mine/lib/b.ts": `export const b = 1;\n`,
    "mine/data/t.json": `{"k": 1}`,
    "mine/unused.ts": `export const unused = 1;\n`,
  });
  const out = join(dir, "out");
  try {
    const bundle = await buildBundle(join(dir, "mine/entry.ts"), out);
    equal(bundle.entry, "user/entry.ts");
    deepEqual(
      bundle.files.map((f) => f.slice(bundle.root.length + 1)).sort(),
      ["data/t.json", "entry.ts", "lib/a.ts", "lib/b.ts"],
    );
    for (const rel of ["user/lib/a.ts", "user/lib/b.ts", "user/data/t.json", "main.ts"]) {
      ok((await Deno.stat(join(out, rel))).isFile, rel);
    }
    for (const rel of RUNNER_FILES) ok((await Deno.stat(join(out, "src", rel))).isFile, rel);
    await rejects(() => Deno.stat(join(out, "user/unused.ts")), Deno.errors.NotFound);
    ok((await Deno.readTextFile(join(out, "main.ts"))).includes(`import("./user/entry.ts")`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildBundle refuses every import that is not a relative file under the root, naming file, line and specifier", async () => {
  const refused = [
    `import _ from "npm:left-pad@1.3.0";`,
    `import * as p from "jsr:@std/path@1";`,
    `import fs from "node:fs";`,
    `import x from "https://deno.land/x/y/mod.ts";`,
    `import x from "http://127.0.0.1:9/x.ts";`,
    `import x from "lodash";`,
    `import x from "/etc/hostname";`,
    `import x from "file:///etc/hostname";`,
    `const x = await import("node:child_process");`,
  ];
  for (const line of refused) {
    const dir = await tree({ "m.ts": `// line 1\n${line}\n${OK_EXPORT}` });
    try {
      await rejects(() => buildBundle(join(dir, "m.ts"), join(dir, "out")), (e: Error) => {
        equal(checkOf(e), "import", e.message);
        const spec = /"([^"]+)"/.exec(line)![1];
        ok(e.message.includes(`${join(dir, "m.ts")}:2:`), e.message);
        ok(e.message.includes(`import ${JSON.stringify(spec)} is not allowed`), e.message);
        return true;
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("buildBundle refuses relative imports that leave the root, directly or through a symlink", async () => {
  const dir = await tree({
    "outside.ts": `export const o = 1;\n`,
    "root/up.ts": `import { o } from "../outside.ts";\n${OK_EXPORT}`,
    "root/link.ts": `import { o } from "./linked.ts";\n${OK_EXPORT}`,
  });
  try {
    await Deno.symlink(join(dir, "outside.ts"), join(dir, "root/linked.ts"));
    for (const m of ["up.ts", "link.ts"]) {
      await rejects(
        () => buildBundle(join(dir, "root", m), join(dir, "out")),
        (e: Error) => checkOf(e) === "import" && e.message.includes("is outside the module's root"),
      );
    }
    // With the parent as root, the same modules are fine.
    const bundle = await buildBundle(join(dir, "root/up.ts"), join(dir, "out"), { root: dir });
    equal(bundle.entry, "user/root/up.ts");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildBundle: a missing import, a parse error deep in the graph, a bad extension", async () => {
  const dir = await tree({
    "missing.ts": `import { a } from "./nope.ts";\n${OK_EXPORT}`,
    "deep.ts": `import { b } from "./lib/broken.ts";\n${OK_EXPORT}`,
    "lib/broken.ts": `export const b = 1;\nexport const c = ;\n`,
    "data.json": `{}`,
  });
  try {
    await rejects(
      () => buildBundle(join(dir, "missing.ts"), join(dir, "out")),
      (e: Error) => checkOf(e) === "import" && /nope\.ts/.test(e.message),
    );
    await rejects(() => buildBundle(join(dir, "deep.ts"), join(dir, "out")), (e: Error) => {
      equal(checkOf(e), "syntax");
      ok(e.message.includes(`${join(dir, "lib/broken.ts")}:2:`), e.message);
      return true;
    });
    await rejects(
      () => buildBundle(join(dir, "data.json"), join(dir, "out")),
      /the extension must be one of .ts, .mts, .js, .mjs/,
    );
    await rejects(() => buildBundle(join(dir, "none.ts"), join(dir, "out")), /cannot open it/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildBundle handles spaces and non-ASCII in file names, and refuses # and ? (Deno reads them as URL parts)", async () => {
  const dir = await tree({
    "my dir/ma méthode.ts": `import { k } from "./sous dossier/k.ts";\nexport default { k };\n`,
    "my dir/sous dossier/k.ts": `export const k = 1;\n`,
    "a#b/m.ts": OK_EXPORT,
  });
  try {
    const bundle = await buildBundle(join(dir, "my dir/ma méthode.ts"), join(dir, "out"));
    equal(bundle.entry, "user/ma méthode.ts");
    equal(bundle.files.length, 2);
    ok(
      (await Deno.readTextFile(join(dir, "out/main.ts"))).includes(
        `import("./user/ma%20m%C3%A9thode.ts")`,
      ),
    );
    await rejects(
      () => buildBundle(join(dir, "a#b/m.ts"), join(dir, "out2")),
      /its path contains "#" or "\?"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Bundle.digest hashes the user's files by path and content, wherever they are", async () => {
  const files = {
    "m.ts": `import { k } from "./k.ts";\n${OK_EXPORT}`,
    "k.ts": "export const k = 1;\n",
  };
  const a = await tree(files);
  const b = await tree(files);
  const c = await tree({ ...files, "k.ts": "export const k = 2;\n" });
  try {
    const digest = async (dir: string) =>
      (await buildBundle(join(dir, "m.ts"), join(dir, "out"))).digest;
    const da = await digest(a);
    equal(da, await digest(b));
    ok(da !== await digest(c));
    // By hand: sorted paths, each "path\0length\0" then its bytes.
    const enc = new TextEncoder();
    const parts = ["k.ts", "m.ts"].map((rel) => {
      const text = files[rel as keyof typeof files];
      return `${rel}\u0000${enc.encode(text).length}\u0000${text}`;
    });
    const want = [
      ...new Uint8Array(
        await crypto.subtle.digest("SHA-256", enc.encode(parts.join(""))),
      ),
    ].map((x) => x.toString(16).padStart(2, "0")).join("");
    equal(da, want);
  } finally {
    for (const d of [a, b, c]) await Deno.remove(d, { recursive: true });
  }
});
