/**
 * Keeps the layering of `src/` true: data flows one way. Reads the module
 * graph of every file under `src/` (tests included) from `deno info --json`
 * and fails on an import between directories that runs upward or in a
 * circle, that bypasses the target directory's `mod.ts` face, or that comes
 * from a directory missing from {@linkcode LAYERS}; and on a `mod.ts` that
 * re-exports a private `_` file.
 *
 * @module
 */

import { ok } from "node:assert/strict";

/** Directories of `src/`, bottom to top: each may import only directories before it. */
const LAYERS: readonly string[] = [
  "rng",
  "linalg",
  "init",
  "data",
  "nn",
  "engine",
  "train",
  "metrics",
  "prune",
  "cell",
  "store",
  "grid",
  "sandbox",
  "board",
  "compare",
  "cli",
  "cluster",
  "ci",
];

const SRC = new URL("./", import.meta.url);

/** Every `.ts` file under `src/`, as file URLs. */
function _sourceFiles(dir: URL = SRC): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) out.push(..._sourceFiles(url));
    else if (e.name.endsWith(".ts")) out.push(url.href);
  }
  return out;
}

interface _Edge {
  readonly from: string;
  readonly to: string;
}

/** Import edges between files under `src/` (`from` and `to` relative to `src/`). */
async function _edges(): Promise<_Edge[]> {
  const entry = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    const files = _sourceFiles().filter((f) => !f.endsWith("/layers_test.ts"));
    await Deno.writeTextFile(entry, files.map((f) => `import ${JSON.stringify(f)};`).join("\n"));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      stdout: "piped",
      stderr: "piped",
    }).output();
    ok(out.success, new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: { specifier: string; dependencies?: { code?: { specifier: string } }[] }[];
    };
    const root = SRC.href;
    const edges: _Edge[] = [];
    for (const m of info.modules) {
      if (!m.specifier.startsWith(root)) continue;
      for (const d of m.dependencies ?? []) {
        const to = d.code?.specifier;
        if (to === undefined || !to.startsWith(root)) continue;
        edges.push({ from: m.specifier.slice(root.length), to: to.slice(root.length) });
      }
    }
    return edges;
  } finally {
    await Deno.remove(entry);
  }
}

const _dir = (path: string) => path.split("/")[0];

Deno.test("src/: every directory is a layer; imports between them run downward through mod.ts", async () => {
  const edges = await _edges();
  ok(edges.length > 100, `read only ${edges.length} import edges`);
  for (const e of Deno.readDirSync(SRC)) {
    if (e.isDirectory) ok(LAYERS.includes(e.name), `src/${e.name}/ is not placed in LAYERS`);
  }
  const problems: string[] = [];
  for (const { from, to } of edges) {
    const a = _dir(from), b = _dir(to);
    if (a === b || !from.includes("/")) continue;
    if (LAYERS.indexOf(b) >= LAYERS.indexOf(a)) {
      problems.push(`${from} imports ${to}: ${a} may not import ${b} (a layer above or beside it)`);
    }
    if (!to.endsWith("/mod.ts")) {
      problems.push(`${from} imports ${to}: go through ${b}/mod.ts`);
    }
  }
  ok(problems.length === 0, problems.join("\n"));
});

Deno.test("src/: the directory graph has no cycle", async () => {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of await _edges()) {
    const a = _dir(from), b = _dir(to);
    if (a !== b && from.includes("/")) next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  // Depth-first search; a grey node met again closes a cycle.
  const state = new Map<string, "grey" | "black">();
  const path: string[] = [];
  const visit = (n: string): string | null => {
    state.set(n, "grey");
    path.push(n);
    for (const m of next.get(n) ?? []) {
      if (state.get(m) === "grey") return [...path.slice(path.indexOf(m)), m].join(" -> ");
      if (state.get(m) === undefined) {
        const found = visit(m);
        if (found !== null) return found;
      }
    }
    path.pop();
    state.set(n, "black");
    return null;
  };
  for (const n of next.keys()) {
    if (state.get(n) === undefined) {
      const cycle = visit(n);
      ok(cycle === null, `import cycle between directories: ${cycle}`);
    }
  }
});

Deno.test("src/: no mod.ts re-exports a private _ file", () => {
  for (const e of Deno.readDirSync(SRC)) {
    if (!e.isDirectory) continue;
    let text: string;
    try {
      text = Deno.readTextFileSync(new URL(`${e.name}/mod.ts`, SRC));
    } catch {
      ok(false, `src/${e.name}/ has no mod.ts`);
      continue;
    }
    const bad = [...text.matchAll(/from "\.\/(_[^"]+)"/g)].map((m) => m[1]);
    ok(bad.length === 0, `src/${e.name}/mod.ts re-exports ${bad.join(", ")}`);
  }
});

Deno.test("src/: no face exports a private _ name", async () => {
  for (const e of Deno.readDirSync(SRC)) {
    if (!e.isDirectory) continue;
    const face: Record<string, unknown> = await import(new URL(`${e.name}/mod.ts`, SRC).href);
    const bad = Object.keys(face).filter((k) => k.startsWith("_"));
    ok(bad.length === 0, `src/${e.name}/mod.ts exports ${bad.join(", ")}`);
  }
});
