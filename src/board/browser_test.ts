/// <reference lib="dom" />
/**
 * The site in a real browser: headless Chromium (Debian's `chromium`) driven
 * by playwright-core opens every page from file://, and checks that every
 * table has rows, every plot has drawn marks, every internal link and anchor
 * resolves, no console error or page error occurs, no request leaves file://,
 * no injected script runs, and the ranking tables sort. Screenshots go to
 * `.cache/board-screenshots/` (ignored by git). Without Chromium this test
 * fails: `.ci/run` installs it with apt-get.
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { buildBoard } from "./build.ts";
import { REFERENCE_DIR, repositorySpecs } from "./reference.ts";
import { fixtureSpecs, writeFixtureStore } from "./testdata/fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = new URL("../../.cache/board-screenshots/", import.meta.url).pathname;

async function _launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; install it with "apt-get install -y chromium" (.ci/run does)`,
    );
  }
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

interface _Visit {
  readonly problems: string[];
  readonly pages: number;
}

/** Opens every page reachable from index.html and checks it; returns the problems found. */
async function _crawl(browser: Browser, siteDir: string, shotName: string): Promise<_Visit> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  let current = "";
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") {
      problems.push(`${current}: console ${m.type()}: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`${current}: page error: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith("file://")) problems.push(`${current}: request to ${r.url()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`${current}: a dialog opened (${d.message()})`);
    d.dismiss().catch(() => {});
  });
  const root = pathToFileURL(siteDir.endsWith("/") ? siteDir : `${siteDir}/`).href;
  const queue = [new URL("index.html", root).href];
  const seen = new Set<string>();
  const ids = new Map<string, Set<string>>();
  const anchors: { from: string; page: string; id: string }[] = [];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    current = url.slice(root.length);
    await page.goto(url, { waitUntil: "load" });
    const facts = await page.evaluate(() => {
      const tables = [...document.querySelectorAll("table")].map((t) => ({
        id: t.id,
        rows: t.tBodies[0]?.rows.length ?? 0,
      }));
      const plots = [...document.querySelectorAll("figure svg[viewBox]")].map((s) => {
        const box = (s as SVGSVGElement).getBoundingClientRect();
        return {
          width: box.width,
          height: box.height,
          marks: s.querySelectorAll("circle, path, line, rect").length,
          labels: s.querySelectorAll("text").length,
        };
      });
      const links = [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")!);
      const idList = [...document.querySelectorAll("[id]")].map((e) => e.id);
      const pwned = (globalThis as { __pwned?: unknown }).__pwned;
      return { tables, plots, links, idList, pwned: pwned === undefined ? null : String(pwned) };
    });
    ids.set(url.split("#")[0], new Set(facts.idList));
    if (facts.pwned !== null) problems.push(`${current}: injected script ran (${facts.pwned})`);
    for (const t of facts.tables) {
      if (t.rows === 0) problems.push(`${current}: table ${t.id || "(no id)"} has no rows`);
    }
    facts.plots.forEach((p, i) => {
      if (!(p.width > 100 && p.height > 50 && p.marks > 3 && p.labels > 2)) {
        problems.push(`${current}: plot ${i} did not render (${JSON.stringify(p)})`);
      }
    });
    for (const href of facts.links) {
      if (/^https:\/\//.test(href)) continue;
      const target = new URL(href, url);
      if (target.protocol !== "file:") {
        problems.push(`${current}: link ${href} is neither internal nor https`);
        continue;
      }
      const file = target.href.split("#")[0];
      if (!existsSync(fileURLToPath(file))) {
        problems.push(`${current}: link ${href} points to a missing file`);
        continue;
      }
      if (target.hash !== "") {
        anchors.push({ from: current, page: file, id: decodeURIComponent(target.hash.slice(1)) });
      }
      if (file.endsWith(".html") && file.startsWith(root)) queue.push(file);
    }
    if (current === "index.html") {
      Deno.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}${shotName}-index-top.png` });
      await page.screenshot({ path: `${SHOTS}${shotName}-index-full.png`, fullPage: true });
    }
  }
  for (const a of anchors) {
    if (!ids.get(a.page)?.has(a.id)) {
      problems.push(`${a.from}: anchor #${a.id} not found in ${a.page}`);
    }
  }
  await context.close();
  return { problems, pages: seen.size };
}

Deno.test("browser: the fixture site (hostile strings, failed, diverged, corrupt rows) renders cleanly", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "board_browser_" });
  const browser = await _launch();
  try {
    const specs = fixtureSpecs(true);
    writeFixtureStore(`${dir}/results.db`, specs, true);
    await buildBoard({
      stores: [`${dir}/results.db`],
      submissionDirs: [],
      specs,
      out: `${dir}/site`,
    });
    const visit = await _crawl(browser, `${dir}/site`, "fixture");
    deepEqual(visit.problems, []);
    ok(visit.pages > 10, `visited ${visit.pages} pages`);

    // Sorting: clicking the accuracy header orders the rows by it.
    const page = await browser.newPage();
    await page.goto(pathToFileURL(`${dir}/site/index.html`).href);
    const table = page.locator("table.ranking").first();
    const header = table.locator("th", { hasText: "test accuracy" });
    await header.click();
    equal(await header.getAttribute("aria-sort"), "ascending");
    const values = await table.locator("tbody tr td:nth-child(3)").evaluateAll((tds) =>
      tds.map((td) => Number(td.getAttribute("data-v")))
    );
    deepEqual(values, [...values].sort((a, b) => a - b));
    const filter = page.locator("input.filter").first();
    ok(await filter.count() === 1 || (await page.locator("input.filter").count()) > 0);
    await page.close();
  } finally {
    await browser.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("browser: the committed reference leaderboard's site renders cleanly", async () => {
  const store = `${REFERENCE_DIR}results.db`;
  ok(existsSync(store), `the reference store ${store} is committed`);
  const dir = Deno.makeTempDirSync({ prefix: "board_reference_browser_" });
  const browser = await _launch();
  try {
    const specs = await repositorySpecs();
    await buildBoard({ stores: [store], submissionDirs: [], specs, out: `${dir}/site` });
    const visit = await _crawl(browser, `${dir}/site`, "reference");
    deepEqual(visit.problems, []);
  } finally {
    await browser.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
