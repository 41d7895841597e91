/**
 * The end-of-run report: per reproduction, the claim, what was measured
 * (mean ± std over seeds) and the verdict.
 *
 * @module
 */

import {
  describeCheck,
  extensionLines,
  type ReproductionSpec,
  type Summary,
  type VerdictReport,
} from "../grid/mod.ts";

function _num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toFixed(4);
}

/**
 * `mean ± std (n=k)`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatSummary } from "./render.ts";
 * equal(formatSummary({ label: "x", n: 2, mean: 0.5, std: 0.01 }), "0.5000 ± 0.0100 (n=2)");
 * ```
 */
export function formatSummary(s: Summary): string {
  return `${_num(s.mean)} ± ${_num(s.std)} (n=${s.n})`;
}

/**
 * Left-aligned text table with a header rule.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { textTable } from "./render.ts";
 * equal(textTable(["a", "bb"], [["1", "2"]]), "a  bb\n-  --\n1  2 ");
 * ```
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) => r.map((c, i) => (c ?? "").padEnd(w[i])).join("  ");
  return [line(header), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n");
}

/**
 * The report of one reproduction as text: the claim, the verdict (made of
 * the paper's checks only), the extensions beside it (one line each: which
 * side is better, by how much, with the 95% paired interval), then every
 * check's table (extension checks marked `[extension]`).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { renderReport } from "./render.ts";
 * const spec = { name: "r", title: "T", claim: { text: "C", source: "S" } };
 * const text = renderReport(spec, "quick", { verdict: "incomplete", checks: [], missing: 3 });
 * ok(text.includes("INCOMPLETE") && text.includes("3 job(s)"));
 * ```
 */
export function renderReport(
  spec: Pick<ReproductionSpec, "name" | "title" | "claim">,
  preset: string,
  report: VerdictReport,
): string {
  const out: string[] = [];
  out.push(`== ${spec.name} (${preset}): ${spec.title}`);
  out.push(`Claim: ${spec.claim.text}`);
  out.push(`Source: ${spec.claim.source}`);
  const missing = report.missing > 0
    ? ` — ${report.missing} job(s) without a result (not run, other shard, or failed)`
    : "";
  out.push(`Verdict: ${report.verdict.toUpperCase()}${missing}`);
  if (report.verdict === "inconclusive") {
    const need = report.checks.flatMap((c) =>
      c.tag === "paper" ? c.comparisons.filter((m) => m.outcome === "inconclusive") : []
    );
    out.push(
      `  ${need.length} paper comparison(s) undecided: their 95% paired intervals contain 0 or there are too few seeds (see "test" below).`,
    );
  }
  const extensions = extensionLines(report);
  if (extensions.length > 0) {
    out.push("Extensions (comparisons the paper did not run; not part of the verdict):");
    for (const line of extensions) out.push(`  - ${line}`);
  }
  report.checks.forEach((c, i) => {
    const ck = c.check;
    const what = describeCheck(ck);
    const where = ck.where === undefined ? "" : ` where ${JSON.stringify(ck.where)}`;
    out.push("");
    out.push(
      `${ck.kind === "describe" ? "Table" : "Check"} ${i + 1}${
        c.tag === "extension" ? " [extension]" : ""
      }: ${ck.label ?? what}${ck.label !== undefined ? ` [${what}]` : ""}${where} → ${c.verdict}`,
    );
    if (c.comparisons.length === 0) {
      out.push("  (no rows to compare)");
      return;
    }
    const rows = c.comparisons.map((m) => [
      m.group === m.left.label ? "" : m.group,
      m.left.label,
      formatSummary(m.left),
      m.right?.label ?? "",
      m.right === undefined ? "" : formatSummary(m.right),
      m.outcome,
      m.detail,
    ]);
    const table = textTable([
      "group",
      "measured",
      "mean ± std",
      "vs",
      "mean ± std",
      "outcome",
      "test",
    ], rows);
    out.push(table.split("\n").map((l) => `  ${l.trimEnd()}`).join("\n"));
  });
  return out.join("\n");
}
