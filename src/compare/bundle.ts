/**
 * Bundling a user's module for the sandbox: its import graph (from
 * `deno info --json`) is copied into a fresh directory together with the
 * child runner and the suite's generator, and nothing else.
 *
 * A user's module may import only relative files of its own: every code
 * import must be written `./…` or `../…` and resolve to a file under the
 * module's root directory (default: the module's own directory), symlinks
 * included. `npm:`, `jsr:`, `node:`, `http(s):`, absolute paths and bare
 * names are refused with the file, line and specifier. Type-only imports are
 * skipped (they are erased before the module runs). The check runs twice:
 * on the user's files, for messages that name them, and on the copy, which is
 * what will run — so a file changed between the two cannot slip in an import.
 *
 * `deno bundle` exists in Deno 2.9.6, but it would inline whatever the module
 * imports (an absolute JSON path included) on the host, with the host's
 * permissions; copying the checked graph keeps the host out of it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { SandboxError } from "./errors.ts";

/** Options of {@linkcode buildBundle}. */
export interface BundleOptions {
  /** The directory the module's imports must stay in; default the module's directory. */
  readonly root?: string;
  /** The Deno binary that analyses the graph; default `Deno.execPath()`. */
  readonly denoPath?: string;
  /** Kill `deno info` after this many milliseconds; default 60,000. */
  readonly timeoutMs?: number;
}

/** A bundle directory, ready for the child. */
export interface Bundle {
  /** The bundle directory: `main.ts`, `src/` (runner and generator) and `user/`. */
  readonly dir: string;
  /** The user's module relative to `dir`, e.g. `"user/my_init.ts"`. */
  readonly entry: string;
  /** The user's root directory (real path). */
  readonly root: string;
  /** The user's module (real path). */
  readonly module: string;
  /** The user's files that were copied (real paths), entry first. */
  readonly files: readonly string[];
  /**
   * SHA-256 (hex) of the user's files as copied: for each, sorted by its path
   * relative to the root, the path, a NUL, its byte length, a NUL and its bytes.
   * The same files give the same digest wherever they are.
   */
  readonly digest: string;
}

/** Suite files the child runs, relative to `src/`; `child_runner.ts` imports exactly the others. */
export const RUNNER_FILES: readonly string[] = [
  "compare/child_runner.ts",
  "compare/frames.ts",
  "rng/mod.ts",
  "rng/rng.ts",
];

const _EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/** The digest of {@linkcode Bundle.digest}: the files `rels` under `dir`. */
async function _digest(dir: string, rels: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  const enc = new TextEncoder();
  for (const rel of [...rels].sort()) {
    const bytes = await Deno.readFile(join(dir, rel));
    const name = rel.split(sep).join("/");
    hash.update(enc.encode(`${name}\u0000${bytes.length}\u0000`));
    hash.update(bytes);
  }
  return hash.digest("hex");
}

interface _Span {
  readonly start?: { readonly line: number; readonly character: number };
}
interface _Resolution {
  readonly specifier?: string;
  readonly error?: string;
  readonly span?: _Span;
}
interface _Dependency {
  readonly specifier: string;
  readonly code?: _Resolution;
  readonly type?: _Resolution;
}
interface _Module {
  readonly specifier: string;
  readonly local?: string;
  readonly error?: string;
  readonly dependencies?: readonly _Dependency[];
}
interface _Graph {
  readonly roots: readonly string[];
  readonly modules: readonly _Module[];
}

/**
 * Copies the user's module `modulePath` and its relative imports into
 * `outDir/user/`, the child runner and the generator into `outDir/src/`, and
 * writes `outDir/main.ts`, which loads the module through a literal dynamic
 * import (so the child needs no read permission, and errors in the module
 * reach the host as messages).
 *
 * @throws {SandboxError} `import` for a non-relative import or one that leaves the root
 *   (naming file, line and specifier), a missing file or an unsupported extension;
 *   `syntax` for a module that does not parse (the message has file and line);
 *   `spawn` if `deno info` cannot run.
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildBundle } from "./bundle.ts";
 * const out = await Deno.makeTempDir();
 * const bundle = await buildBundle("examples/sparse_glorot.ts", out);
 * equal(bundle.entry, "user/sparse_glorot.ts");
 * equal(bundle.files.length, 1);
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function buildBundle(
  modulePath: string,
  outDir: string,
  options: BundleOptions = {},
): Promise<Bundle> {
  const denoPath = options.denoPath ?? Deno.execPath();
  const timeoutMs = options.timeoutMs ?? 60_000;
  let module: string;
  try {
    module = await Deno.realPath(resolve(modulePath));
  } catch (e) {
    throw new SandboxError(
      "import",
      `module ${modulePath}: cannot open it: ${(e as Error).message}`,
    );
  }
  if (!(await Deno.stat(module)).isFile) {
    throw new SandboxError("import", `module ${modulePath} is not a file`);
  }
  if (!_EXTENSIONS.includes(extname(module))) {
    throw new SandboxError(
      "import",
      `module ${modulePath}: the extension must be one of ${_EXTENSIONS.join(", ")}`,
    );
  }
  if (/[#?]/.test(module)) {
    throw new SandboxError(
      "import",
      `module ${module}: its path contains "#" or "?", which Deno reads as part of a URL; rename it`,
    );
  }
  const root = await Deno.realPath(resolve(options.root ?? dirname(module)));
  if (!_inside(module, root)) {
    throw new SandboxError("import", `module ${module} is not inside its root ${root}`);
  }
  const infoDir = await Deno.makeTempDir({ prefix: "sparse-init-info-" });
  try {
    const graph = await _denoInfo(denoPath, module, infoDir, timeoutMs);
    const userFiles = await _checkGraph(graph, root, "the user's files");
    const user = join(outDir, "user");
    for (const file of userFiles) {
      const dest = join(user, relative(root, file.path));
      await Deno.mkdir(dirname(dest), { recursive: true });
      await Deno.copyFile(file.path, dest);
    }
    for (const rel of RUNNER_FILES) {
      const dest = join(outDir, "src", rel);
      await Deno.mkdir(dirname(dest), { recursive: true });
      await Deno.writeFile(dest, await Deno.readFile(new URL(`../${rel}`, import.meta.url)));
    }
    const entry = ["user", ...relative(root, module).split(sep)].join("/");
    const specifier = "./" + entry.split("/").map(encodeURIComponent).join("/");
    await Deno.writeTextFile(
      join(outDir, "main.ts"),
      `// Generated by the compare sandbox: loads the user's module and serves the host.\n` +
        `import { serve } from "./src/compare/child_runner.ts";\n` +
        `await serve(() => import(${JSON.stringify(specifier)}));\n`,
    );
    // The authoritative check: the copy that will run reaches nothing outside the bundle,
    // and exactly the files copied.
    const copied = await _checkGraph(
      await _denoInfo(denoPath, join(outDir, "main.ts"), infoDir, timeoutMs),
      await Deno.realPath(outDir),
      "the bundle",
    );
    const expected = userFiles.length + RUNNER_FILES.length + 1;
    if (copied.length !== expected) {
      throw new SandboxError(
        "import",
        `module ${module}: the bundle's graph has ${copied.length} files, ${expected} were copied ` +
          `(did a file change while it was bundled?)`,
      );
    }
    const rels = userFiles.map((f) => relative(root, f.path));
    return {
      dir: outDir,
      entry,
      root,
      module,
      files: userFiles.map((f) => f.path),
      digest: await _digest(user, rels),
    };
  } finally {
    await Deno.remove(infoDir, { recursive: true }).catch(() => {});
  }
}

/** Whether real path `path` lies under directory `dir`. */
function _inside(path: string, dir: string): boolean {
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** `file:line:col` of a span in a module, 1-based. */
function _at(module: string, span?: _Span): string {
  const where = module.startsWith("file:") ? fileURLToPath(module) : module;
  return span?.start ? `${where}:${span.start.line + 1}:${span.start.character + 1}` : where;
}

/**
 * Walks the graph's code edges from its root and checks every module: it
 * parsed, and each of its code imports is relative and resolves to a file
 * under `root` (also after resolving symlinks). Returns the modules' paths,
 * root first.
 */
async function _checkGraph(
  graph: _Graph,
  root: string,
  what: string,
): Promise<{ path: string }[]> {
  const byUrl = new Map(graph.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const out: { path: string }[] = [];
  const queue = [graph.roots[0]];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const m = byUrl.get(url);
    if (m === undefined) throw new SandboxError("import", `${what}: ${url} is not in the graph`);
    if (m.error !== undefined) {
      const syntax = /SyntaxError|could not be parsed|Expected/.test(m.error);
      throw new SandboxError(
        syntax ? "syntax" : "import",
        `${_at(url)}: ${syntax ? "does not parse" : "cannot be loaded"}: ${m.error}`,
      );
    }
    if (!url.startsWith("file:")) {
      throw new SandboxError("import", `${what}: ${url} is not a local file`);
    }
    const path = fileURLToPath(url);
    const real = await Deno.realPath(path);
    if (!_inside(path, root) || !_inside(real, root)) {
      throw new SandboxError("import", `${what}: ${path} is outside the module's root ${root}`);
    }
    out.push({ path });
    for (const dep of m.dependencies ?? []) {
      if (dep.code === undefined) continue; // type-only: erased before the module runs
      const at = _at(url, dep.code.span);
      if (!(dep.specifier.startsWith("./") || dep.specifier.startsWith("../"))) {
        throw new SandboxError(
          "import",
          `${at}: import ${JSON.stringify(dep.specifier)} is not allowed: a module may import ` +
            `only relative files of its own ("./x.ts", "../lib/y.ts" under ${root}); ` +
            `copy other code into them`,
        );
      }
      if (dep.code.error !== undefined || dep.code.specifier === undefined) {
        throw new SandboxError(
          "import",
          `${at}: import ${JSON.stringify(dep.specifier)} cannot be resolved: ${dep.code.error}`,
        );
      }
      queue.push(dep.code.specifier);
    }
  }
  return out;
}

/** `deno info --json` of a file, with a clean environment and its own cache directory. */
async function _denoInfo(
  denoPath: string,
  file: string,
  denoDir: string,
  timeoutMs: number,
): Promise<_Graph> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(denoPath, {
      args: ["info", "--json", "--no-config", "--no-lock", "--no-remote", "--no-npm", file],
      clearEnv: true,
      env: { DENO_DIR: denoDir, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: abort.signal,
    }).output();
  } catch (e) {
    throw new SandboxError(
      "spawn",
      `deno info ${file}: cannot run ${denoPath}: ${(e as Error).message}`,
    );
  } finally {
    clearTimeout(timer);
  }
  const text = new TextDecoder().decode(output.stdout);
  try {
    if (output.code !== 0) throw new Error(`exit code ${output.code}`);
    const graph = JSON.parse(text) as _Graph;
    if (!Array.isArray(graph.roots) || !Array.isArray(graph.modules)) throw new Error("no graph");
    return graph;
  } catch (e) {
    const stderr = new TextDecoder().decode(output.stderr).slice(0, 2000);
    throw new SandboxError(
      "import",
      `deno info ${file} failed (${(e as Error).message}${
        abort.signal.aborted ? `; killed after ${timeoutMs} ms` : ""
      }): ${stderr}`,
    );
  }
}
