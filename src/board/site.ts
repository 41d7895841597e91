/**
 * The static site as files: `index.html`, `reproductions/<name>.html`,
 * `methods/<name>.html`, `leaderboard.json` (sorted keys, 2-space indent)
 * and `LEADERBOARD.md`. {@linkcode siteFiles} is pure (same leaderboard, same
 * bytes); {@linkcode writeSite} puts the files in a directory.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { leaderboardMarkdown } from "./markdown.ts";
import {
  indexPage,
  methodPage,
  methodPagePath,
  reproductionPage,
  reproductionPagePath,
} from "./pages.ts";
import type { Leaderboard } from "./schema.ts";

function _sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(_sorted);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = _sorted(o[k]);
    return out;
  }
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  return v;
}

/**
 * leaderboard.json's text: keys sorted at every level, 2-space indent,
 * non-finite numbers as `null`, a final newline.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { leaderboardJson } from "./site.ts";
 * equal(leaderboardJson({ b: 1, a: [NaN] } as never), '{\n  "a": [\n    null\n  ],\n  "b": 1\n}\n');
 * ```
 */
export function leaderboardJson(board: Leaderboard): string {
  return JSON.stringify(_sorted(board), null, 2) + "\n";
}

/**
 * Every file of the site, by path relative to the site's root.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { buildLeaderboard } from "./aggregate.ts";
 * import { siteFiles } from "./site.ts";
 * const files = siteFiles(buildLeaderboard({ specs: [], sources: [] }));
 * ok(files.has("index.html") && files.has("leaderboard.json") && files.has("LEADERBOARD.md"));
 * ok(files.has("methods/eoi.html"));
 * ```
 */
export function siteFiles(board: Leaderboard): Map<string, string> {
  const files = new Map<string, string>();
  files.set("index.html", indexPage(board));
  for (const r of board.reproductions) {
    files.set(reproductionPagePath(r.name), reproductionPage(board, r));
  }
  for (const m of board.methods) files.set(methodPagePath(m), methodPage(board, m));
  files.set("leaderboard.json", leaderboardJson(board));
  files.set("LEADERBOARD.md", leaderboardMarkdown(board));
  return new Map([...files.entries()].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Writes `files` under `dir` (created if needed). Old `.html` pages in
 * `dir/methods/` and `dir/reproductions/` are removed first so no stale page
 * survives; nothing else in `dir` is touched. Returns the absolute path of
 * `index.html`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { writeSite } from "./site.ts";
 * const dir = Deno.makeTempDirSync();
 * ok(writeSite(dir, new Map([["index.html", "<p>x</p>"]])).endsWith("/index.html"));
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function writeSite(dir: string, files: ReadonlyMap<string, string>): string {
  for (const sub of ["methods", "reproductions"]) {
    try {
      for (const e of Deno.readDirSync(join(dir, sub))) {
        if (e.isFile && e.name.endsWith(".html")) Deno.removeSync(join(dir, sub, e.name));
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  for (const [path, text] of files) {
    const full = join(dir, path);
    Deno.mkdirSync(dirname(full), { recursive: true });
    Deno.writeTextFileSync(full, text);
  }
  return resolve(dir, "index.html");
}
