/**
 * The comparison report as Markdown (`report.md`, and what `compare`
 * prints): the method and how it ran, the Holm-corrected counts over tracks,
 * where it wins and loses, a table per track with the paired difference to
 * every entry, the tracks left out, and what every statistic means.
 *
 * Text from the user's module (name, description, paper) is escaped for
 * Markdown tables and stripped of control characters.
 *
 * @module
 */

import type { CompareReport, Counts, TrackReport } from "./report.ts";

/** Markdown-safe one-line text (pipes, backticks and angle brackets escaped). */
function _text(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/([\\|`*_<>[\]])/g, "\\$1");
}

/** Text for a code span: one line, backticks replaced (escapes do not work inside one). */
function _code(s: string): string {
  // deno-lint-ignore no-control-regex
  return "`" + s.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/`/g, "'") + "`";
}

function _acc(x: number | null | undefined): string {
  return x === null || x === undefined ? "—" : x.toFixed(3);
}

function _diff(x: number | null | undefined): string {
  if (x === null || x === undefined) return "—";
  return `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
}

function _ci(ci: readonly [number, number] | null): string {
  return ci === null ? "no interval" : `[${_diff(ci[0])}, ${_diff(ci[1])}]`;
}

function _p(p: number | null | undefined): string {
  if (p === null || p === undefined) return "—";
  if (p === 0) return "0";
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function _counts(c: Counts): string {
  return `${c.win} win${c.win === 1 ? "" : "s"}, ${c.tie} tie${c.tie === 1 ? "" : "s"}, ` +
    `${c.inconclusive} inconclusive, ${c.loss} loss${c.loss === 1 ? "" : "es"}`;
}

function _user(t: TrackReport): string {
  const u = t.user;
  if (u.mean === null) {
    return `no result (failed seeds: ${u.failedSeeds.join(", ") || "none"})`;
  }
  const values = u.seeds.map((s, i) => `${s}: ${u.values[i].toFixed(4)}`).join(", ");
  const diverged = u.divergedSeeds.length > 0
    ? `; diverged on seed${u.divergedSeeds.length === 1 ? "" : "s"} ${
      u.divergedSeeds.join(", ")
    } (counted as chance)`
    : "";
  const failed = u.failedSeeds.length > 0 ? `; failed on seeds ${u.failedSeeds.join(", ")}` : "";
  return `${_acc(u.mean)} ± ${_acc(u.std)} (seed ${values}${diverged}${failed})`;
}

function _track(t: TrackReport, out: string[]): void {
  out.push(`### ${_text(t.title)}`, "");
  out.push(
    `Track \`${t.id}\` (${_text(t.reproduction)}). The method: ${_user(t)}; rank ${
      t.rank ?? "—"
    } of ${t.entries}.`,
  );
  if (t.missingBaselines.length > 0) {
    out.push(
      "",
      `Baseline runs missing from the baselines' store, or failed there (those entries are compared over the seeds they have): ${
        t.missingBaselines.map((m) => `${_text(m.method)} seed ${m.seeds.join(", ")}`).join("; ")
      }.`,
    );
  }
  out.push("");
  if (t.versus.length === 0) {
    out.push("No entry to compare with.", "");
    return;
  }
  out.push(
    "| entry | rank | mean | difference (method − entry) | 95% paired interval | seeds higher | P(beats) | outcome |",
    "| --- | --: | --: | --: | --- | --: | --: | --- |",
  );
  for (const v of t.versus) {
    const c = v.comparison;
    const outcome = c.outcome === "inconclusive" && c.seedsToDecide !== null
      ? `inconclusive (≈ ${c.seedsToDecide} seeds would decide)`
      : c.outcome;
    out.push(
      `| ${_text(v.label)} | ${v.rank ?? "—"} | ${_acc(v.mean)} | ${_diff(c.meanDifference)} | ${
        _ci(c.ci95)
      } | ${c.seedsHigher} of ${c.n} | ${_p(c.pBeats)} | ${outcome} |`,
    );
  }
  out.push("");
}

/**
 * The report as Markdown.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { buildLeaderboard } from "../board/mod.ts";
 * import { compareReport } from "./report.ts";
 * import { reportMarkdown } from "./markdown.ts";
 * const board = buildLeaderboard({ specs: [], sources: [] });
 * const report = compareReport({
 *   board, plan: { preset: "quick", tracks: [], skipped: [] }, margin: 0.01, wallSeconds: 1,
 *   method: { name: "my-init", description: "d", kinds: ["dense"], takesMask: true,
 *     scoredWith: "pruned-kaiming", scoredWithDefault: true },
 *   module: { path: "m.ts", digest: "ab" }, isolation: { bwrap: true, reason: null },
 *   baselines: { source: "reference", store: "leaderboard/results.db", provenance: board.provenance },
 *   baselineRows: [],
 *   versions: { backend: "cpu", tfjsVersion: "4.22.0", denoVersion: "2", v8Version: "1", resultsVersion: 1 },
 * });
 * ok(reportMarkdown(report).startsWith("# compare: my-init"));
 * ```
 */
export function reportMarkdown(report: CompareReport): string {
  const r = report;
  const m = r.method;
  const out: string[] = [];
  out.push(`# compare: ${_text(m.name)}`, "");
  out.push(`${_text(m.description)}${m.paper === undefined ? "" : ` (${_text(m.paper)})`}`, "");
  const v = r.versions;
  const p = r.baselines.provenance;
  out.push(
    `- Module ${_code(r.module.path)}, files sha256 \`${r.module.digest.slice(0, 16)}\`; run ${
      r.isolation.bwrap
        ? "in a separate process under bubblewrap"
        : `in a separate process without bubblewrap (${_text(r.isolation.reason ?? "")})`
    }, no permissions.`,
    `- Layers: ${m.kinds.join(", ")}; ${
      m.takesMask ? "uses a given mask exactly" : "places its own non-zeros"
    }; SNIP/GraSP/SynFlow score its networks with \`${m.scoredWith}\`${
      m.scoredWithDefault ? " (the default: the module gives no scoredWith)" : ""
    }.`,
    `- Preset \`${r.preset}\`; baselines ${
      r.baselines.source === "reference" ? "from the reference store" : "re-run here into"
    } ${_code(r.baselines.store)} (${p.backends.join(", ") || "—"}, tfjs ${
      p.tfjsVersions.join(", ") || "—"
    }, Deno ${p.denoVersions.join(", ") || "—"}, V8 ${p.v8Versions.join(", ") || "—"}).`,
    `- This run: ${v.backend}, tfjs ${v.tfjsVersion}, Deno ${v.denoVersion}, V8 ${v.v8Version}, RESULTS_VERSION ${v.resultsVersion}; ${
      r.wallSeconds.toFixed(0)
    } s.`,
    "",
  );

  out.push("## Summary", "");
  const o = r.overTracks;
  out.push(
    `Over ${r.tracks.length} track${
      r.tracks.length === 1 ? "" : "s"
    }, against each track's best other entry, Holm-corrected over the ${o.tests} track${
      o.tests === 1 ? "" : "s"
    } with a paired test (family-wise α ${r.statistics.holmAlpha}): **${_counts(o)}**.`,
    "",
  );
  const list = (xs: CompareReport["wins"]) =>
    xs.length === 0
      ? "none"
      : xs.map((x) => `${_text(x.entry)} in \`${x.track}\` (${_diff(x.difference)})`).join("; ");
  out.push(
    `- Beats (95% paired interval above 0, not corrected): ${list(r.wins)}.`,
    `- Loses to (95% paired interval below 0, not corrected): ${list(r.losses)}.`,
    "",
  );
  if (r.tracks.length > 0) {
    out.push(
      "| track | rank | method's mean | best other entry | difference | 95% paired interval | P(beats) | Holm-adjusted p | outcome |",
      "| --- | --: | --: | --- | --: | --- | --: | --: | --- |",
    );
    for (const t of r.tracks) {
      const b = t.versus[0];
      out.push(
        `| ${_text(t.title)} (${_text(t.reproduction)}) | ${t.rank ?? "—"} of ${t.entries} | ${
          _acc(t.user.mean)
        } | ${b === undefined ? "—" : _text(b.label)} | ${_diff(b?.comparison.meanDifference)} | ${
          b === undefined ? "—" : _ci(b.comparison.ci95)
        } | ${_p(b?.comparison.pBeats)} | ${_p(t.holm?.adjusted)} | ${t.holm?.outcome ?? "—"} |`,
      );
    }
    out.push("");
  }
  if (r.byMethod.length > 0) {
    out.push(
      "Per baseline method, Holm-corrected over the tracks it appears in:",
      "",
      "| method | tracks | wins | ties | inconclusive | losses |",
      "| --- | --: | --: | --: | --: | --: |",
    );
    for (const b of r.byMethod) {
      const n = b.win + b.tie + b.inconclusive + b.loss;
      out.push(
        `| ${_text(b.method)} | ${n} | ${b.win} | ${b.tie} | ${b.inconclusive} | ${b.loss} |`,
      );
    }
    out.push("");
  }

  out.push("## Tracks", "");
  for (const t of r.tracks) _track(t, out);
  if (r.skipped.length > 0) {
    out.push("## Not compared", "");
    for (const s of r.skipped) out.push(`- \`${s.id}\` ${_text(s.title)}: ${_text(s.reason)}.`);
    out.push("");
  }

  const s = r.statistics;
  out.push(
    "## What the numbers are",
    "",
    `- Values are test accuracies per seed; a diverged run counts as ${s.divergedAs} (chance), a failed run is no value. Seeds are paired: a seed fixes the data order, split and subset for every method.`,
    `- Difference: mean over shared seeds of (method − entry), with its ${
      s.confidenceLevel * 100
    }% paired-t interval. **beats** / **loses** only when the interval excludes 0; **tied** when it lies within ±${s.tieMargin}; otherwise **inconclusive**, with the number of shared seeds that would make the interval exclude 0 at the observed mean difference and spread.`,
    `- P(beats): the ${s.pBeats}. "Seeds higher": the plain count of shared seeds where the method's accuracy is higher.`,
    `- Holm: two-sided paired-t p-values, adjusted by Holm's step-down method over the family (the tracks; or one method's tracks), family-wise α ${s.holmAlpha}. A win or loss needs the adjusted p ≤ α; a tie needs a tied pair that is not rejected; comparisons with fewer than 2 shared seeds are not tests and count as inconclusive.`,
    "",
  );
  return out.join("\n");
}
