// End-to-end check of a built glia site in a real browser (Debian's chromium, driven by
// playwright-core; no browser is ever downloaded).
//
//   node e2e.mjs START_URL        e.g. file:///tmp/x/public/index.html
//                                   or http://127.0.0.1:8123/sub/path/
//
// It opens the home page, follows a link to an article and goes back, types a word of the
// article's title into the header search box, waits for results and follows the first one.
// Every page visited is also checked with axe-core (serious and critical violations fail).
// It fails on any failed request or HTTP error status, any console error or uncaught page
// error, and any request that leaves the site: for http(s) a request to another origin, for
// file:// a request outside the folder of START_URL (or with another scheme).
//
// Prints one JSON summary on stdout; exit status 0 only if every check passed.
//
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_TIMEOUT_MS (per step, default 20000),
// E2E_QUERY (what to search for instead of a word of the article's title), E2E_RESULT_PATH
// (a path every result must lead into, e.g. /public/es/).

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const start = process.argv[2];
if (!start) {
  console.error("usage: node e2e.mjs START_URL");
  process.exit(2);
}
const startUrl = new URL(start);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const stepTimeout = Number(process.env.E2E_TIMEOUT_MS || 20000);

// The folder (file://) or origin (http) that every request must stay inside.
const scope =
  startUrl.protocol === "file:"
    ? startUrl.href.slice(0, startUrl.href.lastIndexOf("/") + 1)
    : startUrl.origin;
function inScope(url) {
  if (url.startsWith("data:") || url.startsWith("about:") || url.startsWith("blob:")) {
    return true;
  }
  if (startUrl.protocol === "file:") return url.startsWith(scope);
  try {
    return new URL(url).origin === scope;
  } catch {
    return false;
  }
}

const summary = {
  ok: false,
  start: startUrl.href,
  browser: null,
  steps: [],
  visited: [],
  requests: 0,
  failedRequests: [],
  httpErrors: [],
  consoleErrors: [],
  // Content-Security-Policy: pages without the theme's policy, and anything it refused.
  cspMissing: [],
  cspViolations: [],
  pageErrors: [],
  foreignRequests: [],
  accessibility: [],
  error: null,
};

function step(name, detail) {
  summary.steps.push(detail === undefined ? name : { [name]: detail });
}

// Chromium's file:// URLs and ours may differ in trailing index.html and fragments.
function samePage(a, b) {
  const norm = (u) => {
    const x = new URL(u);
    x.hash = "";
    x.search = "";
    return x.href.replace(/index\.html$/, "");
  };
  return norm(a) === norm(b);
}

async function axeCheck(page) {
  // Evaluated, not added as a <script>: the theme's Content-Security-Policy refuses inline
  // scripts, and the checker must not need the page to allow them.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // preload: false, or axe fetches the stylesheets with XMLHttpRequest, which file:// refuses
    // (a console error of the checker's own, not the site's).
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { preload: false, resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) summary.accessibility.push({ url: page.url(), violations: bad });
}

async function visited(page, response) {
  summary.visited.push(page.url());
  const csp = await page.evaluate(() => {
    const m = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    return m ? m.content : null;
  });
  if (!csp || !/(^|;)\s*script-src 'self'\s*(;|$)/.test(csp)) summary.cspMissing.push(page.url());
  summary.cspViolations.push(...(await page.evaluate(() => window.__cspViolations.splice(0))));
  if (response && !response.ok() && startUrl.protocol !== "file:") {
    throw new Error(`${page.url()} answered HTTP ${response.status()}`);
  }
  const h1 = await page.locator("h1").first().textContent({ timeout: stepTimeout });
  await axeCheck(page);
  return (h1 || "").trim();
}

// Search index scripts requested, relative to the site root.
const searchScripts = new Set();

async function run() {
  const profile = mkdtempSync(join(tmpdir(), "glia-e2e-profile-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      timeout: 60000,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    summary.browser = context.browser()?.version() ?? "chromium";
    context.setDefaultTimeout(stepTimeout);

    context.on("request", (req) => {
      summary.requests++;
      const m = /\/search-index(\.js|\/[td]\d+\.js)$/.exec(new URL(req.url()).pathname);
      if (m) searchScripts.add(m[0].slice(1));
      if (!inScope(req.url())) summary.foreignRequests.push(req.url());
    });
    context.on("requestfailed", (req) => {
      summary.failedRequests.push({ url: req.url(), error: req.failure()?.errorText ?? "failed" });
    });
    context.on("response", (res) => {
      if (res.status() >= 400) summary.httpErrors.push({ url: res.url(), status: res.status() });
    });
    // Anything that would leave the site is refused before it reaches the network (and is
    // reported above as a foreign request).
    await context.route("**/*", (route) =>
      inScope(route.request().url()) ? route.continue() : route.abort("blockedbyclient"),
    );

    // Every refusal of the Content-Security-Policy, recorded in the page as it happens.
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__cspViolations.push(
          `${e.effectiveDirective} refused ${e.blockedURI || "inline"} on ${document.location.href} (${e.sourceFile}:${e.lineNumber})`,
        );
      });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (msg) => {
      if (msg.type() === "error") {
        summary.consoleErrors.push({ text: msg.text(), location: msg.location()?.url ?? "" });
      }
    });
    page.on("pageerror", (err) => summary.pageErrors.push(String(err && err.stack ? err.stack : err)));

    // 1. The home page.
    const homeResponse = await page.goto(startUrl.href, { waitUntil: "load" });
    const homeTitle = await visited(page, homeResponse);
    step("home", homeTitle);
    const homeUrl = page.url();

    // 2. A link from the home page to an article, and back.
    const articleHref = await page.evaluate(() => {
      const re = /\/articles\/[^/]+\/(index\.html)?$/;
      const links = Array.from(document.querySelectorAll("main a[href]"));
      const a = links.find((l) => re.test(new URL(l.href, document.baseURI).pathname));
      return a ? a.getAttribute("href") : null;
    });
    if (!articleHref) throw new Error("the home page links no article (main a[href] → articles/<slug>/)");
    const [articleResponse] = await Promise.all([
      page.waitForNavigation({ waitUntil: "load" }),
      page.locator(`main a[href="${articleHref.replace(/"/g, '\\"')}"]`).first().click(),
    ]);
    const articleTitle = await visited(page, articleResponse);
    if (!articleTitle) throw new Error(`article ${page.url()} has an empty <h1>`);
    step("article", { href: articleHref, url: page.url(), title: articleTitle });

    await page.goBack({ waitUntil: "load" });
    if (!samePage(page.url(), homeUrl)) {
      throw new Error(`going back from the article landed on ${page.url()}, not ${homeUrl}`);
    }
    step("back", page.url());

    // 3. Search for a word of the article's title from the header search box.
    const word =
      process.env.E2E_QUERY ||
      articleTitle
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length >= 4)
        .sort((a, b) => b.length - a.length)[0];
    if (!word) throw new Error(`no word of four letters or more in the title "${articleTitle}"`);
    // The header box: `input[name=q]` is what the theme's search.js looks for (the theme made it
    // type=text with inputmode=search, since role=combobox is not allowed on type=search).
    const input = page
      .locator("form.site-search input[name=q], form.site-search input[type=search]")
      .first();
    await input.click();
    await input.pressSequentially(word, { delay: 20 });
    // A result is the link of an option: `li[role=option] a`, or `a[role=option]` in a
    // `li[role=none]` (the theme's current markup).
    const RESULT = [
      "form.site-search ul.search-results li[role=option] a",
      "form.site-search ul.search-results a[role=option]",
    ].join(", ");
    const firstResult = page.locator(RESULT).first();
    await firstResult.waitFor({ state: "visible" });
    const results = await page
      .locator(RESULT)
      .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href"), text: a.textContent.trim() })));
    step("search", { word, results: results.length, first: results[0] });
    const within = process.env.E2E_RESULT_PATH;
    if (within) {
      const outside = await page
        .locator(RESULT)
        .evaluateAll((as, within) => as.map((a) => a.href).filter((h) => !new URL(h).pathname.includes(within)), within);
      if (outside.length) throw new Error(`results outside ${within}: ${outside.join(", ")}`);
    }
    // The sharded index: the manifest, then only the term shards of what was typed (one per
    // prefix of up to `prefix` letters, stemmed and as typed) and the snippet shards of the
    // results shown, never the whole index.
    const layout = await page.evaluate(() => ({
      prefix: window.gliaSearchIndex.prefix,
      shards: window.gliaSearchIndex.shards,
    }));
    const loaded = [...searchScripts].sort();
    const terms = loaded.filter((s) => /\/t\d+\.js$/.test(s));
    const snippets = loaded.filter((s) => /\/d\d+\.js$/.test(s));
    step("search scripts", { layout, loaded });
    if (!loaded.includes("search-index.js")) throw new Error("search did not load search-index.js");
    if (terms.length < 1 || terms.length > Math.min(layout.shards, 2 * layout.prefix)) {
      throw new Error(`typing "${word}" loaded ${terms.length} of ${layout.shards} term shards: ${terms}`);
    }
    if (snippets.length < 1 || snippets.length > results.length) {
      throw new Error(`${results.length} results loaded ${snippets.length} snippet shards: ${snippets}`);
    }

    // 4. The first result.
    const target = await firstResult.evaluate((a) => a.href);
    const [resultResponse] = await Promise.all([
      page.waitForNavigation({ waitUntil: "load" }),
      firstResult.click(),
    ]);
    if (!samePage(page.url(), target)) {
      throw new Error(`the first result points at ${target} but the browser landed on ${page.url()}`);
    }
    const resultTitle = await visited(page, resultResponse);
    const hash = new URL(page.url()).hash;
    if (hash.length > 1) {
      const id = decodeURIComponent(hash.slice(1));
      const found = await page.evaluate((id) => document.getElementById(id) !== null, id);
      if (!found) throw new Error(`${page.url()}: no element with id "${id}"`);
    }
    step("result", { url: page.url(), title: resultTitle });
    // Let late requests (deferred scripts, images) finish before judging.
    await page.waitForLoadState("networkidle").catch(() => {});
  } finally {
    if (context) await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

try {
  await run();
} catch (e) {
  summary.error = String(e && e.message ? e.message : e);
}
const problems = [];
if (summary.error) problems.push(`error: ${summary.error}`);
if (summary.failedRequests.length) problems.push("failed requests");
if (summary.httpErrors.length) problems.push("HTTP error responses");
if (summary.consoleErrors.length) problems.push("console errors");
if (summary.cspMissing.length) problems.push("pages without the theme's Content-Security-Policy");
if (summary.cspViolations.length) problems.push("Content-Security-Policy violations");
if (summary.pageErrors.length) problems.push("uncaught page errors");
if (summary.foreignRequests.length) problems.push("requests outside the site");
if (summary.accessibility.length) problems.push("serious accessibility violations (axe-core)");
summary.ok = problems.length === 0;
summary.problems = problems;
console.log(JSON.stringify(summary, null, 2));
process.exit(summary.ok ? 0 : 1);
