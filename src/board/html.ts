/**
 * Safe HTML building: every interpolated value is escaped unless it is a
 * {@linkcode SafeHtml} made by this code (the `html` template itself, or
 * {@linkcode trusted} for the plots' SVG). Links to the outside are only
 * ever `https:` URLs ({@linkcode safeUrl}); names become file names through
 * {@linkcode slug}.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * HTML that is safe to insert as is.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { html, SafeHtml } from "./html.ts";
 * equal(html`<b>${"x"}</b>` instanceof SafeHtml, true);
 * ```
 */
export class SafeHtml {
  /**
   * Wraps already-safe markup (use {@linkcode html} or {@linkcode trusted}).
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SafeHtml } from "./html.ts";
   * equal(new SafeHtml("<i>x</i>").toString(), "<i>x</i>");
   * ```
   */
  constructor(readonly value: string) {}

  /**
   * The markup.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { html } from "./html.ts";
   * equal(String(html`a`), "a");
   * ```
   */
  toString(): string {
    return this.value;
  }
}

/**
 * Escapes text for HTML content and double- or single-quoted attributes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { escapeHtml } from "./html.ts";
 * equal(escapeHtml(`"><img onerror=alert(1)>`), "&quot;&gt;&lt;img onerror=alert(1)&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => _ENTITIES[c]);
}

const _ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** A value the `html` template accepts. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

function _part(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(_part).join("");
  return escapeHtml(String(v));
}

/**
 * Template tag: the literal parts are markup, every `${value}` is escaped
 * (arrays are joined, `null`/`undefined`/`false` give nothing, SafeHtml is
 * kept).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { html } from "./html.ts";
 * const name = "<script>alert(1)</script>";
 * equal(String(html`<td title="${name}">${name}</td>`),
 *   '<td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td>');
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += _part(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/**
 * Marks markup produced by this code (e.g. the plots' SVG) as safe.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { html, trusted } from "./html.ts";
 * equal(String(html`${trusted("<svg></svg>")}`), "<svg></svg>");
 * ```
 */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * `url` when it is a plain `https:` URL, else `null` (no `javascript:`,
 * `data:`, relative or quoted URLs ever become links).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { safeUrl } from "./html.ts";
 * equal(safeUrl("https://arxiv.org/abs/2406.01755"), "https://arxiv.org/abs/2406.01755");
 * equal(safeUrl("javascript:alert(1)"), null);
 * equal(safeUrl(" https://x.org"), null);
 * ```
 */
export function safeUrl(url: string | null | undefined): string | null {
  if (typeof url !== "string") return null;
  return /^https:\/\/[A-Za-z0-9.-]+(?:[/?#][^\s"'<>`\\]*)?$/.test(url) ? url : null;
}

/**
 * A file-name-safe, stable slug: kebab-case names stay as they are, any other
 * name becomes `x-` and 12 hex digits of its SHA-256.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { slug } from "./html.ts";
 * equal(slug("pruned-orthogonal"), "pruned-orthogonal");
 * ok(/^x-[0-9a-f]{12}$/.test(slug("<script>")));
 * ```
 */
export function slug(name: string): string {
  if (/^[a-z0-9][a-z0-9-]{0,80}$/.test(name)) return name;
  return `x-${createHash("sha256").update(name).digest("hex").slice(0, 12)}`;
}

/**
 * SHA-256 of a script or style in the form a Content-Security-Policy takes.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { cspHash } from "./html.ts";
 * ok(cspHash("1;").startsWith("'sha256-"));
 * ```
 */
export function cspHash(source: string): string {
  return `'sha256-${createHash("sha256").update(source).digest("base64")}'`;
}
