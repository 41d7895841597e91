/**
 * The site's pages, rendered from a {@linkcode Leaderboard} alone (so a
 * leaderboard.json from elsewhere renders the same way): `index.html` (the
 * verdicts, then one section per track with its ranking table and plots),
 * one page per reproduction (claim, source, every check with what was
 * measured against what), one page per method (description, paper, settings,
 * every result). Every string from the data goes through the escaping `html`
 * template; pages carry a Content-Security-Policy that allows no network
 * access and only this file's own script (by hash).
 *
 * @module
 */

import { cspHash, html, type SafeHtml, safeUrl, slug, trusted } from "./html.ts";
import { type Figure, reproductionFigures, trackFigures } from "./figures.ts";
import type {
  BoardRecord,
  ComparisonInfo,
  Leaderboard,
  MeasureRecord,
  MethodInfo,
  ReproductionInfo,
  TrackInfo,
} from "./schema.ts";

const _STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0; background: #fafafa; }
header.top { background: #1f3a5f; color: #fff; padding: 14px 24px; }
header.top a { color: #fff; }
header.top nav a { margin-right: 16px; }
main { max-width: 1400px; margin: 0 auto; padding: 8px 24px 48px; }
h1 { font-size: 24px; margin: 8px 0; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 24px 0 6px; }
h4 { font-size: 14px; margin: 16px 0 4px; color: #444; }
section.track { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 4px 16px 12px; margin: 16px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; background: #fff; }
table.ranking { font-size: 12.5px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f6; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name { white-space: nowrap; }
td.small, td small { font-size: 12px; color: #444; }
table.ranking td.small { min-width: 130px; max-width: 190px; }
tr.best td { background: #eaf6ea; }
th.sortable { cursor: pointer; }
th.sortable::after { content: " ⇅"; color: #889; }
th[aria-sort=ascending]::after { content: " ▲"; }
th[aria-sort=descending]::after { content: " ▼"; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
.v-holds { background: #d4f0d4; color: #145214; }
.v-fails, .v-does-not-hold { background: #f8d4d4; color: #7a1010; }
.v-inconclusive, .v-not-enough-seeds, .v-incomplete, .v-no-results { background: #fbeec8; color: #6b4a00; }
.v-info, .v-described { background: #e6e6e6; color: #333; }
.tie { background: #dbe9fb; color: #123f75; }
.submitted { background: #efe0fb; color: #4b1a75; }
.worse { background: #eee; color: #555; }
.note { color: #444; font-size: 13px; max-width: 110ch; }
.warn { background: #fff4e5; border: 1px solid #f0b35a; padding: 8px 12px; border-radius: 6px; }
.empty { background: #fff; border: 1px dashed #aaa; padding: 24px; border-radius: 6px; font-size: 16px; }
figure { margin: 8px 0 16px; }
figcaption { font-size: 12px; color: #555; max-width: 720px; }
.figs { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.fig { width: 620px; max-width: 100%; }
.filter { margin: 6px 0 0; font-size: 13px; padding: 3px 6px; width: 260px; }
code { font-size: 13px; }
dl.kv { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; font-size: 14px; }
dl.kv dt { font-weight: 600; }
footer { color: #666; font-size: 12px; margin-top: 40px; }
`;

const _SCRIPT = `(function () {
  "use strict";
  function key(cell, numeric) {
    var v = cell.getAttribute("data-v");
    if (v === null) v = cell.textContent.trim();
    if (!numeric) return v.toLowerCase();
    return v === "" ? null : Number(v);
  }
  function sortBy(table, index, th) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) heads[h].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = th.getAttribute("data-sort") === "num";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * (ascending ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, i) {
      if (!th.hasAttribute("data-sort")) return;
      th.classList.add("sortable");
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, i, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(table, i, th); });
    });
    if (table.tBodies[0] && table.tBodies[0].rows.length > 3) {
      var input = document.createElement("input");
      input.type = "search";
      input.className = "filter";
      input.placeholder = "filter rows…";
      input.setAttribute("aria-label", "filter the rows of the next table");
      input.addEventListener("input", function () {
        var q = input.value.toLowerCase();
        Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
          r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
      table.parentNode.insertBefore(input, table);
    }
  });
})();`;

/**
 * The Content-Security-Policy of every page: nothing may be fetched, only the
 * page's own inline script runs.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { CONTENT_SECURITY_POLICY } from "./pages.ts";
 * ok(CONTENT_SECURITY_POLICY.startsWith("default-src 'none'"));
 * ```
 */
export const CONTENT_SECURITY_POLICY =
  `default-src 'none'; script-src ${cspHash(_SCRIPT)}; style-src 'unsafe-inline'; ` +
  `img-src data:; base-uri 'none'; form-action 'none'`;

function _page(o: { title: string; prefix: string; body: SafeHtml }): string {
  return String(html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
        <meta name="referrer" content="no-referrer">
        <title>${o.title}</title>
        <style>${trusted(_STYLE)}</style>
      </head>
      <body>
        <header class="top">
          <nav><a href="${o.prefix}index.html">Leaderboard</a><a href="${o
            .prefix}index.html#verdicts">Verdicts</a><a href="${o
            .prefix}index.html#methods">Methods</a><a href="${o
            .prefix}leaderboard.json">leaderboard.json</a><a href="${o
            .prefix}LEADERBOARD.md">LEADERBOARD.md</a></nav>
        </header>
        <main>
    ${o.body}
        </main>
        <script>${trusted(_SCRIPT)}</script>
      </body>
    </html>
  `);
}

// ---------------------------------------------------------------- formatting

function _f(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a !== 0 && (a < 10 ** -digits || a >= 1e6)) return x.toExponential(2);
  return x.toFixed(digits);
}

function _signed(x: number | null, digits = 3): string {
  if (x === null) return "—";
  const s = _f(x, digits);
  return x > 0 ? `+${s}` : s.replace(/^-/, "−");
}

function _int(x: number | null): string {
  if (x === null) return "—";
  return Math.round(x).toLocaleString("en-US");
}

function _sig(x: number | null): string {
  if (x === null) return "—";
  return Number(x.toPrecision(4)).toString();
}

function _interval(ci: readonly [number, number] | null, signed = false): string {
  if (ci === null) return "—";
  return signed ? `[${_signed(ci[0])}, ${_signed(ci[1])}]` : `[${_f(ci[0])}, ${_f(ci[1])}]`;
}

function _verdictClass(v: string): string {
  return `badge v-${v.replace(/[^a-z]+/g, "-")}`;
}

function _badge(v: string): SafeHtml {
  return html`<span class="${_verdictClass(v)}">${v}</span>`;
}

/** Path of a method's page from a page under `prefix`. */
function _methodHref(prefix: string, name: string, submitted: boolean): string {
  return `${prefix}methods/${submitted ? "submitted-" : ""}${slug(name)}.html`;
}

function _reproHref(prefix: string, name: string): string {
  return `${prefix}reproductions/${slug(name)}.html`;
}

function _trackAnchor(track: TrackInfo | string): string {
  return `track-${slug(typeof track === "string" ? track : track.id)}`;
}

function _figures(figs: readonly Figure[]): SafeHtml {
  if (figs.length === 0) return html``;
  return html`<div class="figs">${
    figs.map((f) => html`<div class="fig"><h4>${f.title}</h4>${trusted(f.svg)}</div>`)
  }</div>`;
}

// ---------------------------------------------------------------- ranking table

function _vsBestCell(r: BoardRecord): SafeHtml {
  const v = r.versusBest;
  if (v === null) return html`<td data-v="">no result</td>`;
  if (v.isBest) {
    return html`<td data-v="0" title="${v.note}"><span class="badge v-holds">best</span></td>`;
  }
  if (v.tied === true) {
    const need = v.seedsToDecide === null ? "no feasible n decides" : `≈${v.seedsToDecide} would`;
    return html`
      <td class="small" data-v="1"
        title="${v.note}"><span class="badge tie">tied with the best</span><br>${v
          .n} seeds can't decide; ${need}</td>
    `;
  }
  if (v.tied === false) {
    return html`<td data-v="2" title="${v.note}"><span class="badge worse">below the best</span></td>`;
  }
  return html`
    <td class="small" data-v="3"
      title="${v.note}"><span class="badge v-not-enough-seeds">undecidable</span><br>${v.n === 0
        ? "no shared seed"
        : "1 shared seed; needs ≥ 2"}</td>
  `;
}

function _multiplyAdds(r: BoardRecord): string {
  const dct = r.dctOffsetMultiplyAdds ?? 0;
  return dct > 0 ? `${_int(r.sparseMultiplyAdds)} + ${_int(dct)} DCT` : _int(r.sparseMultiplyAdds);
}

function _versions(r: BoardRecord): string {
  const p = r.provenance;
  return [
    p.backends.join("/") || "—",
    p.tfjsVersions.length > 0 ? `tfjs ${p.tfjsVersions.join("/")}` : "",
    p.denoVersions.length > 0 ? `Deno ${p.denoVersions.join("/")}` : "",
  ].filter((s) => s !== "").join(", ");
}

function _budget(track: TrackInfo, r: BoardRecord): string {
  const b = track.budget;
  const steps = r.steps === null ? "—" : `${_int(r.steps)} steps`;
  const ex = b.trainExamples === null ? "all examples" : `${_int(b.trainExamples)} ex.`;
  return `${steps}, ${ex}`;
}

function _rankingTable(
  board: Leaderboard,
  track: TrackInfo,
  records: readonly BoardRecord[],
  prefix: string,
): SafeHtml {
  const rows = records.map((r) => {
    const a = r.testAccuracy;
    const v = r.versusBest;
    const failed = r.failedSeeds.length;
    const diverged = r.divergedSeeds.length;
    const problems = r.messages.map((m) => `seed ${m.seed}: ${m.message}`).join("\n");
    return html`<tr class="${v?.isBest ? "best" : ""}">
<td class="num" data-v="${r.rank ?? ""}">${r.rank ?? "—"}</td>
<td class="name"><a href="${_methodHref(prefix, r.method, r.submitted)}">${r.label}</a>${
      r.submitted
        ? html`
          <span class="badge submitted">submitted</span>
        `
        : ""
    }</td>
<td class="num" data-v="${a.mean ?? ""}">${
      a.mean === null ? "no result" : `${_f(a.mean)} ± ${_f(a.std)}`
    }<br><small>${_interval(a.ci95)}</small></td>
<td class="num" data-v="${a.n}">${a.n}</td>
<td class="num" data-v="${v?.meanDifference ?? ""}">${
      v === null || v.isBest
        ? "—"
        : html`${_signed(v.meanDifference)}<br><small>${_interval(v.ci95, true)}</small>`
    }</td>
${_vsBestCell(r)}
<td class="num" data-v="${r.achievedDensity ?? ""}">${_sig(r.requestedDensity)}<br><small>${
      _sig(r.achievedDensity)
    }</small></td>
<td class="num" data-v="${r.trainableParameters ?? ""}">${_int(r.trainableParameters)}</td>
<td class="num" data-v="${r.sparseMultiplyAdds ?? ""}">${_multiplyAdds(r)}</td>
<td class="num" data-v="${diverged + failed}" title="${problems}">${diverged} / ${failed}</td>
<td class="small">${_budget(track, r)}<br>${_versions(r)}</td>
</tr>`;
  });
  return html`
    <div class="scroll">
      <table class="sortable ranking" id="table-${_trackAnchor(track)}">
        <thead>
          <tr>
            <th data-sort="num">#</th>
            <th data-sort="text">method (allocation)</th>
            <th data-sort="num">test accuracy<br>mean ± std<br><small>[95% CI]</small></th>
            <th data-sort="num">seeds</th>
            <th data-sort="num">Δ to best<br><small>[95% paired CI]</small></th>
            <th data-sort="num">vs the best</th>
            <th data-sort="num">density<br>asked<br><small>achieved</small></th>
            <th data-sort="num">trainable<br>parameters</th>
            <th data-sort="num">multiply-adds<br>per example</th>
            <th data-sort="num">diverged<br>/ failed</th>
            <th>budget<br>backend, versions</th>
          </tr>
        </thead>
        <tbody>
    ${rows}
        </tbody>
      </table>
    </div>${records.some((r) => r.divergedSeeds.length > 0)
      ? html`
        <p
          class="note">A diverged run counts as test accuracy ${board.metric
            .divergedAs} (chance); failed runs are not results and are left out.</p>
      `
      : ""}
  `;
}

function _recordsOf(board: Leaderboard, track: TrackInfo): BoardRecord[] {
  const byId = new Map(board.records.map((r) => [r.id, r]));
  return track.records.map((id) => byId.get(id)).filter((r): r is BoardRecord => r !== undefined);
}

function _trackSection(board: Leaderboard, track: TrackInfo, prefix: string): SafeHtml {
  const recs = _recordsOf(board, track);
  return html`<section class="track" id="${_trackAnchor(track)}">
<h3>${track.title}</h3>
<p class="note">${track.note}</p>
${_rankingTable(board, track, recs, prefix)}
${_figures(trackFigures(board, track))}
</section>`;
}

// ---------------------------------------------------------------- verdicts

function _verdictSummary(board: Leaderboard, prefix: string): SafeHtml {
  const rows = board.reproductions.map((r) => {
    if (r.verdicts.length === 0) {
      return html`
        <tr>
          <td><a href="${_reproHref(prefix, r.name)}">${r.name}</a></td>
          <td>${r.kind}</td>
          <td>—</td>
          <td>${_badge("no results")}</td>
          <td class="num">0</td>
          <td>${r.title}</td>
        </tr>
      `;
    }
    return r.verdicts.map((v) =>
      html`
        <tr>
          <td><a href="${_reproHref(prefix, r.name)}">${r.name}</a></td>
          <td>${r.kind}</td>
          <td>${v.preset}</td>
          <td>${_badge(v.verdict)}</td>
          <td class="num" data-v="${v.finished}">${v.finished} / ${v.jobs}${v.failed > 0
            ? ` (${v.failed} failed)`
            : ""}</td>
          <td>${r.title}</td>
        </tr>
      `
    );
  });
  return html`
    <h2 id="verdicts">Verdicts</h2>
    <p
      class="note">Each reproduction tests one claim of a paper with declarative checks on the stored results (its page shows every comparison). "Incomplete" means some jobs of the grid have no result yet.</p>
    <div class="scroll">
      <table class="sortable" id="verdict-table">
        <thead>
          <tr>
            <th data-sort="text">reproduction</th>
            <th data-sort="text">kind</th>
            <th data-sort="text">preset</th>
            <th data-sort="text">verdict</th>
            <th data-sort="num">jobs done</th>
            <th data-sort="text">title</th>
          </tr>
        </thead>
        <tbody>${rows}</tbody>
      </table>
    </div>
  `;
}

function _comparisonRow(c: ComparisonInfo): SafeHtml {
  const side = (s: ComparisonInfo["measured"] | null) =>
    s === null ? "" : `${_f(s.mean, 4)} ± ${_f(s.std, 4)} (n=${s.n})`;
  return html`
    <tr>
      <td>${c.group}</td>
      <td>${c.measured.label}</td>
      <td class="num">${side(c.measured)}</td>
      <td>${c.against?.label ?? ""}</td>
      <td class="num">${side(c.against)}</td>
      <td>${_badge(c.outcome)}</td>
      <td>${c.detail}</td>
    </tr>
  `;
}

function _checks(r: ReproductionInfo): SafeHtml {
  return html`${
    r.verdicts.map((v) =>
      html`
        <h2>Verdict (${v.preset} preset): ${_badge(v.verdict)}</h2>
        <p
          class="note">${v.description ?? ""} ${v.finished} of ${v.jobs} jobs have a result; ${v
            .missing} missing${v.failed > 0 ? `, of which ${v.failed} failed` : ""}.</p>
        ${v.checks.map((c, i) =>
          html`<h3>${c.kind === "describe" ? "Table" : "Check"} ${i + 1}${
            c.tag === "extension" ? " (extension: not part of the verdict)" : ""
          }: ${c.label} ${_badge(c.verdict)}</h3>
<p class="note"><code>${c.description}</code></p>
${
            c.comparisons.length === 0 ? html`<p class="note">No rows to compare yet.</p>` : html`
              <div class="scroll">
                <table class="sortable">
                  <thead>
                    <tr>
                      <th data-sort="text">group</th>
                      <th data-sort="text">measured</th>
                      <th>mean ± std</th>
                      <th data-sort="text">compared with</th>
                      <th>mean ± std</th>
                      <th data-sort="text">outcome</th>
                      <th>test</th>
                    </tr>
                  </thead>
                  <tbody>${c.comparisons.map(_comparisonRow)}</tbody>
                </table>
              </div>
            `
          }`
        )}
      `
    )
  }`;
}

// ---------------------------------------------------------------- measures

function _measureTable(measures: readonly MeasureRecord[], prefix: string): SafeHtml {
  if (measures.length === 0) return html``;
  const rows = measures.map((m) =>
    html`
      <tr>
        <td>${m.measure}</td>
        <td><a href="${_methodHref(prefix, m.method, false)}">${m.method}</a></td>
        <td>${m.shape.join("×")}</td>
        <td class="num" data-v="${m.density}">${m.density}</td>
        <td class="num" data-v="${m.seeds.length}">${m.seeds.length}${m.failedSeeds.length > 0
          ? ` (+${m.failedSeeds.length} failed)`
          : ""}</td>
        <td class="num" data-v="${m.unsupportedSeeds.length}">${m.unsupportedSeeds.length}</td>
        <td class="num" data-v="${m.achievedDensity ?? ""}">${_sig(m.achievedDensity)}</td>
        <td class="num" data-v="${m.densityErrorMax ?? ""}">${_sig(m.densityErrorMax)}</td>
        <td class="num" data-v="${m.orthogonalityErrorMax ?? ""}">${_sig(
          m.orthogonalityErrorMax,
        )}</td>
        <td class="num" data-v="${m.seconds?.mean ?? ""}">${m.seconds === null
          ? "—"
          : `${_sig(m.seconds.mean)} s`}</td>
      </tr>
    `
  );
  return html`
    <div class="scroll">
      <table class="sortable measures">
        <thead>
          <tr>
            <th data-sort="text">measure</th>
            <th data-sort="text">method</th>
            <th data-sort="text">shape</th>
            <th data-sort="num">density</th>
            <th data-sort="num">seeds</th>
            <th data-sort="num">unsupported</th>
            <th data-sort="num">achieved density</th>
            <th data-sort="num">max |density error|</th>
            <th data-sort="num">max orthogonality error</th>
            <th data-sort="num">generation time</th>
          </tr>
        </thead>
        <tbody>${rows}</tbody>
      </table>
    </div>
  `;
}

// ---------------------------------------------------------------- pages

function _provenance(board: Leaderboard): SafeHtml {
  const p = board.provenance;
  const src = board.sources.map((s) =>
    `${s.name} (${s.kind}: ${s.ok} ok, ${s.diverged} diverged, ${s.failed} failed${
      s.skipped > 0 ? `, ${s.skipped} skipped` : ""
    }${s.duplicates > 0 ? `, ${s.duplicates} duplicates` : ""})`
  ).join("; ");
  return html`
    <dl class="kv">
      <dt>sources</dt>
      <dd>${src || "none"}</dd>
      <dt>git commits</dt>
      <dd><code>${p.gitCommits.join(", ") || "—"}</code></dd>
      <dt>backends</dt>
      <dd>${p.backends.join(", ") || "—"}</dd>
      <dt>versions</dt>
      <dd>tfjs ${p.tfjsVersions.join(", ") || "—"} · Deno ${p.denoVersions.join(", ") ||
        "—"} · V8 ${p.v8Versions.join(", ") || "—"}</dd>
      <dt>machines</dt>
      <dd>${p.machines.join("; ") || "—"}</dd>
      <dt>runs finished</dt>
      <dd>${p.finishedFirst ?? "—"} to ${p.finishedLast ?? "—"}</dd>
    </dl>
  `;
}

function _skipped(board: Leaderboard): SafeHtml {
  if (board.skipped.length === 0) return html``;
  return html`
    <div class="warn"
      id="skipped"><strong>${board.skipped
        .length} stored row(s) could not be used and were skipped:</strong>
    <div class="scroll"><table><thead><tr><th>source</th><th>cell id</th><th>seed</th><th>reason</th></tr></thead><tbody>${board
      .skipped.map((s) =>
        html`
          <tr>
            <td>${s.source}</td>
            <td><code>${s.cellId}</code></td>
            <td class="num">${s.seed}</td>
            <td>${s.reason}</td>
          </tr>
        `
      )}</tbody></table></div></div>
  `;
}

function _methodsTable(board: Leaderboard, prefix: string): SafeHtml {
  return html`
    <h2 id="methods">Methods</h2>
    <div class="scroll">
      <table class="sortable" id="methods-table">
        <thead>
          <tr>
            <th data-sort="text">method</th>
            <th data-sort="text">level</th>
            <th>what it does</th>
            <th data-sort="text">paper</th>
            <th data-sort="num">tracks</th>
          </tr>
        </thead>
        <tbody>${board.methods.map((m) => {
          const n = new Set(
            board.records.filter((r) =>
              r.method === m.name && r.submitted === (m.level === "submitted")
            )
              .map((r) => r.track),
          ).size;
          return html`
            <tr>
              <td><a href="${_methodHref(prefix, m.name, m.level === "submitted")}">${m
                .name}</a>${m.level === "submitted"
                ? html`
                  <span class="badge submitted">submitted</span>
                `
                : ""}</td>
              <td>${m.level}</td>
              <td>${m.description}</td>
              <td>${m.paper}</td>
              <td class="num">${n}</td>
            </tr>
          `;
        })}</tbody>
      </table>
    </div>
  `;
}

function _reproSection(board: Leaderboard, r: ReproductionInfo | null, prefix: string): SafeHtml {
  const name = r?.name ?? null;
  const tracks = board.tracks.filter((t) => t.reproduction === name);
  const measures = board.measures.filter((m) => m.reproduction === name);
  if (tracks.length === 0 && measures.length === 0) return html``;
  const heading = r === null
    ? html`
      <h2 id="repro-other">Results outside the reproductions</h2>
      <p class="note">Rows whose config is in no reproduction's grid (e.g. from other experiments).</p>
    `
    : html`<h2 id="repro-${slug(r.name)}"><a href="${
      _reproHref(prefix, r.name)
    }">${r.name}</a>: ${r.title}</h2>
<p class="note"><strong>Claim:</strong> ${r.claim.text} <em>(${r.claim.source})</em> ${
      r.verdicts.map((v) =>
        html`
          ${v.preset}: ${_badge(v.verdict)}
        `
      )
    }</p>`;
  return html`${heading}
${
    _figures(
      reproductionFigures(board, name),
    )
  }
${tracks.map((t) => _trackSection(board, t, prefix))}
${_measureTable(measures, prefix)}`;
}

function _toc(board: Leaderboard): SafeHtml {
  const items = [...board.reproductions.map((r) => r.name as string | null), null].map((name) => {
    const tracks = board.tracks.filter((t) => t.reproduction === name);
    if (tracks.length === 0) return html``;
    return html`<li>${name ?? "outside the reproductions"}: ${
      tracks.map((t, i) =>
        html`${i > 0 ? ", " : ""}<a href="#${_trackAnchor(t)}">${
          t.title.split(" · ").slice(1).join(" · ")
        }</a>`
      )
    }</li>`;
  });
  return html`
    <details>
      <summary>All ${board.tracks.length} tracks</summary>
      <ul class="note">${items}</ul>
    </details>
  `;
}

/**
 * `index.html`: verdicts, every track's ranking table and plots, methods.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { buildLeaderboard } from "./aggregate.ts";
 * import { indexPage } from "./pages.ts";
 * ok(indexPage(buildLeaderboard({ specs: [], sources: [] })).includes("No results yet"));
 * ```
 */
export function indexPage(board: Leaderboard): string {
  const prefix = "";
  const empty = board.records.length === 0 && board.measures.length === 0;
  const body = html`
    <h1>Sparse initialization leaderboard</h1>
    <p
      class="note">Every result in the results store(s), ranked per track by test accuracy over seeds. A track is one reproduction's training cells that share dataset, architecture, depth, width, activation, density, allocation and budget. Seeds are paired across methods (same data order), so each method is compared with its track's best over the seeds both have, by a 95% paired-t interval: "tied with the best" means that interval contains 0, i.e. these seeds cannot tell the two apart. Numbers come from the stores only.</p>
    ${_provenance(board)}
    ${_skipped(board)}
    ${empty
      ? html`
        <p class="empty"
          id="no-results"><strong>No results yet.</strong> The store(s) hold no usable rows. Run <code>deno task reproduce</code> to fill <code>results/results.db</code>, then <code>deno task board</code>.</p>
      `
      : ""}
    ${_verdictSummary(board, prefix)}
    ${empty ? "" : _toc(board)}
    ${board.reproductions.map((r) => _reproSection(board, r, prefix))}
    ${_reproSection(board, null, prefix)}
    ${_methodsTable(board, prefix)}
    <footer>leaderboard.json schema ${board.schema} version ${board
      .schemaVersion}; intervals at ${board.metric.confidenceLevel * 100}% (Student t).</footer>
  `;
  return _page({ title: "Sparse initialization leaderboard", prefix, body });
}

/**
 * One reproduction's page: claim, source, every check's comparisons, its
 * tracks and plots.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { buildLeaderboard } from "./aggregate.ts";
 * import { reproductionPage } from "./pages.ts";
 * const board = buildLeaderboard({ specs: [], sources: [] });
 * const info = { name: "x", title: "<T>", claim: { text: "c", source: "s" }, kind: "train", notes: null, verdicts: [] };
 * ok(reproductionPage(board, info).includes("&lt;T&gt;"));
 * ```
 */
export function reproductionPage(board: Leaderboard, r: ReproductionInfo): string {
  const prefix = "../";
  const tracks = board.tracks.filter((t) => t.reproduction === r.name);
  const measures = board.measures.filter((m) => m.reproduction === r.name);
  const body = html`
    <h1>${r.name}: ${r.title}</h1>
    <dl
      class="kv"><dt>claim</dt><dd>${r.claim.text}</dd><dt>source</dt><dd>${r.claim
        .source}</dd><dt>kind</dt><dd>${r.kind}</dd>${r.notes === null ? "" : html`
        <dt>notes</dt>
        <dd>${r.notes}</dd>
      `}</dl>
    ${r.verdicts.length === 0
      ? html`
        <p
          class="empty">No results for this reproduction in the store(s) yet: run <code>deno task reproduce ${r
            .name}</code>.</p>
      `
      : _checks(r)}
    ${tracks.length > 0
      ? html`
        <h2>Tracks</h2>
        <ul>${tracks.map((t) =>
          html`<li><a href="${prefix}index.html#${_trackAnchor(t)}">${t.title}</a> — best: ${
            _recordsOf(board, t)[0]?.label ?? "no result"
          }</li>`
        )}</ul>
      `
      : ""}
    ${_figures(reproductionFigures(board, r.name))}
    ${measures.length > 0
      ? html`<h2>Measured initializers</h2>${_measureTable(measures, prefix)}`
      : ""}
  `;
  return _page({ title: `${r.name} — sparse initialization leaderboard`, prefix, body });
}

function _settings(recs: readonly BoardRecord[]): SafeHtml {
  const rows = new Map<string, Set<string>>();
  for (const r of recs) {
    const add = (k: string, v: unknown) => {
      if (!rows.has(k)) rows.set(k, new Set());
      rows.get(k)!.add(String(v));
    };
    add("allocation", r.allocation);
    add("requested density", r.requestedDensity);
    for (const [k, v] of Object.entries(r.variant)) if (k !== "method") add(k, v);
  }
  if (rows.size === 0) return html``;
  return html`
    <h2>Settings it ran with</h2>
    <dl class="kv">${[...rows.entries()].sort((a, b) => a[0] < b[0] ? -1 : 1).map(([k, vs]) =>
      html`
        <dt>${k}</dt>
        <dd>${[...vs].sort().join(", ")}</dd>
      `
    )}</dl>
  `;
}

/**
 * One method's page: description, paper, settings and every result.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { buildLeaderboard } from "./aggregate.ts";
 * import { methodPage } from "./pages.ts";
 * const board = buildLeaderboard({ specs: [], sources: [] });
 * const eoi = board.methods.find((m) => m.name === "eoi")!;
 * ok(methodPage(board, eoi).includes("Nowak"));
 * ```
 */
export function methodPage(board: Leaderboard, m: MethodInfo): string {
  const prefix = "../";
  const submitted = m.level === "submitted";
  const recs = board.records.filter((r) => r.method === m.name && r.submitted === submitted);
  const tracks = new Map(board.tracks.map((t) => [t.id, t]));
  const counts = new Map<string, number>();
  for (const r of board.records) counts.set(r.track, (counts.get(r.track) ?? 0) + 1);
  const url = safeUrl(m.url);
  const rows = recs.map((r) => {
    const t = tracks.get(r.track);
    const a = r.testAccuracy;
    const v = r.versusBest;
    return html`
      <tr>
        <td>${r.reproduction ?? "—"}</td>
        <td><a href="${prefix}index.html#${_trackAnchor(r.track)}">${t?.title ?? r.track}</a></td>
        <td>${r.label}</td>
        <td class="num" data-v="${r.rank ?? ""}">${r.rank ?? "—"} of ${counts.get(r.track) ??
          0}</td>
        <td class="num" data-v="${a.mean ?? ""}">${a.mean === null
          ? "no result"
          : `${_f(a.mean)} ± ${_f(a.std)}`}</td>
        <td class="num">${_interval(a.ci95)}</td>
        <td class="num">${a.n}</td>
        <td>${v === null
          ? "—"
          : v.isBest
          ? "best"
          : v.tied === true
          ? "tied with the best"
          : v.tied === false
          ? "below the best"
          : "undecidable"}</td>
        <td class="num">${r.divergedSeeds.length} / ${r.failedSeeds.length}</td>
      </tr>
    `;
  });
  const measures = board.measures.filter((x) => x.method === m.name && !submitted);
  const body = html`
    <h1>${m.name}${submitted
      ? html`
        <span class="badge submitted">submitted</span>
      `
      : ""}</h1>
    <dl
      class="kv"><dt>what it does</dt><dd>${m.description}</dd><dt>paper</dt><dd>${m.paper ||
        "—"}</dd><dt>level</dt><dd>${m.level === "layer"
        ? "per-layer initializer (registry)"
        : m.level === "network"
        ? "network-level method"
        : m.level === "submitted"
        ? "submitted by a user (compare --submit); not part of this suite"
        : m.level}</dd>${url === null ? "" : html`
        <dt>link</dt>
        <dd><a href="${url}" rel="noopener noreferrer">${url}</a></dd>
      `}</dl>
    ${_settings(recs)}
    <h2>Results across tracks</h2>
    ${recs.length === 0
      ? html`<p class="note">No training results for this method in the store(s).</p>`
      : html`
        <div class="scroll">
          <table class="sortable" id="method-results">
            <thead>
              <tr>
                <th data-sort="text">reproduction</th>
                <th data-sort="text">track</th>
                <th data-sort="text">variant</th>
                <th data-sort="num">rank</th>
                <th data-sort="num">test accuracy</th>
                <th>95% CI</th>
                <th>seeds</th>
                <th>vs the best</th>
                <th>diverged / failed</th>
              </tr>
            </thead>
            <tbody>${rows}</tbody>
          </table>
        </div>
      `}
    ${measures.length > 0
      ? html`<h2>Measured as an initializer</h2>${_measureTable(measures, prefix)}`
      : ""}
  `;
  return _page({ title: `${m.name} — sparse initialization leaderboard`, prefix, body });
}

/**
 * Relative path of a method's page from the site root.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { methodPagePath } from "./pages.ts";
 * equal(methodPagePath({ name: "eoi", level: "layer" }), "methods/eoi.html");
 * equal(methodPagePath({ name: "eoi", level: "submitted" }), "methods/submitted-eoi.html");
 * ```
 */
export function methodPagePath(m: Pick<MethodInfo, "name" | "level">): string {
  return _methodHref("", m.name, m.level === "submitted");
}

/**
 * Relative path of a reproduction's page from the site root.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { reproductionPagePath } from "./pages.ts";
 * equal(reproductionPagePath("mlp-mnist"), "reproductions/mlp-mnist.html");
 * ```
 */
export function reproductionPagePath(name: string): string {
  return _reproHref("", name);
}
