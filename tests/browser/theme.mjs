// The default theme in Debian's chromium, run by tests/theme.rs (issue 7).
//
//   node theme.mjs --site DIR --port PORT [--screenshots DIR]
//   node theme.mjs --site DIR --port PORT --pages name=/url/,name=/url/   (another site)
//
// Serves the built site DIR from a loopback HTTP server on PORT (the site must have been built
// with base_url http://127.0.0.1:PORT/, so the 404 page's absolute links stay local), then for
// every page type, in the light and dark colour schemes and with the toggle overriding the
// system scheme:
//   - injects axe-core and fails on any serious or critical violation of WCAG 2.0/2.1/2.2 A/AA;
//   - fails on horizontal scrolling at 320 px, on a page without exactly one <h1>, and on any
//     request leaving the loopback server;
// checks that the theme toggle flips data-theme and is remembered, that glossary tooltips open
// on keyboard focus, and writes viewport screenshots (390 px and 1280 px, light and dark) of the
// home page, an article, the glossary and the reference index into --screenshots.
//
// Exit status 0 when everything passes; otherwise every failure is printed, then status 1.

import { createServer } from "node:http";
import { readFile, stat, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const AXE = require.resolve("axe-core/axe.min.js");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const SITE = path.resolve(args.site ?? "public");
const PORT = Number(args.port ?? 8419);
const SHOTS = args.screenshots ? path.resolve(args.screenshots) : null;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

// `--pages name=/url/,…` checks those pages of another site (a fixture): accessibility, CSP
// and reflow only, since the toggle, tooltip and screenshot checks read the network's pages.
const FIXTURE = Boolean(args.pages);
const PAGES = FIXTURE ? args.pages.split(",").map((p) => p.split("=")) : [
  ["home", "/"],
  ["article", "/articles/ketamine-therapy/"],
  ["section", "/articles/"],
  ["about", "/about/"],
  ["glossary", "/glossary/"],
  ["references", "/references/"],
  ["search", "/search/?q=ketamine"],
  ["tag", "/tags/ketamine/"],
  ["tag-index", "/tags/"],
  ["404", "/no-such-page/"],
];
const SCREENSHOTS = ["home", "article", "glossary", "references"];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

async function file(p) {
  try {
    const s = await stat(p);
    if (s.isDirectory()) return file(path.join(p, "index.html"));
    return { body: await readFile(p), type: TYPES[path.extname(p)] ?? "application/octet-stream" };
  } catch {
    return null;
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, ORIGIN);
  const p = path.join(SITE, decodeURIComponent(url.pathname));
  const found = p.startsWith(SITE) ? await file(p) : null;
  if (found) {
    res.writeHead(200, { "content-type": found.type });
    res.end(found.body);
  } else {
    const nf = await file(path.join(SITE, "404.html"));
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
    res.end(nf ? nf.body : "not found");
  }
});
await new Promise((ok, fail) => server.listen(PORT, "127.0.0.1", ok).on("error", fail));

const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`FAIL ${msg}`);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

async function newPage(opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(ORIGIN + "/") || u.startsWith("data:")) return route.continue();
    fail(`request leaves the site: ${u}`);
    return route.abort();
  });
  // Every refusal of the theme's Content-Security-Policy fails the run, on any page.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      if (window.__expectCspViolation) {
        window.__sawCspViolation = true;
        return;
      }
      console.error(`CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => fail(`page error on ${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (expectCspViolation) return;
    if (/CSP violation|Content Security Policy/.test(m.text())) fail(`${page.url()}: ${m.text()}`);
  });
  return { context, page };
}

/** Set while the CSP check provokes a violation on purpose. */
let expectCspViolation = false;
const AXE_SOURCE = await readFile(AXE, "utf8");
/** axe-core, evaluated rather than added as a <script>, which the CSP would refuse. */
async function injectAxe(page) {
  await page.evaluate(AXE_SOURCE);
}

try {
  // Accessibility: every page type, system light, system dark, and the toggle set to dark
  // while the system is light.
  for (const mode of ["light", "dark", "toggle-dark"]) {
    const scheme = mode === "dark" ? "dark" : "light";
    const { context, page } = await newPage({ colorScheme: scheme });
    if (mode === "toggle-dark") {
      await context.addInitScript(() => {
        try { localStorage.setItem("glia-theme", "dark"); } catch {}
      });
    }
    for (const [name, url] of PAGES) {
      const resp = await page.goto(ORIGIN + url);
      const want = name === "404" ? 404 : 200;
      if (resp.status() !== want) fail(`${name}: HTTP ${resp.status()} for ${url}`);
      if (mode === "toggle-dark") {
        const t = await page.evaluate(() => document.documentElement.getAttribute("data-theme"));
        if (t !== "dark") fail(`${name}: a remembered dark choice did not set data-theme (got ${t})`);
      }
      if (name === "search") await page.waitForSelector("#search-page-results li", { timeout: 5000 }).catch(() => fail("search: no results for 'ketamine'"));
      await injectAxe(page);
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
        TAGS,
      );
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      for (const v of bad) {
        const where = v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`).join("; ");
        fail(`axe ${mode} ${name} (${url}): ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} nodes) ${where}`);
      }
      console.log(`axe ${mode.padEnd(11)} ${name.padEnd(10)} ${bad.length} serious/critical, ${result.violations.length - bad.length} minor`);
      if (mode === "light") {
        const h1 = await page.locator("h1").count();
        if (h1 !== 1) fail(`${name}: ${h1} <h1> elements, want exactly 1`);
        const lang = await page.evaluate(() => document.documentElement.lang);
        if (!lang) fail(`${name}: <html> has no lang`);
      }
    }
    await context.close();
  }

  // The Content-Security-Policy: every page type declares it and is enforced by it (an inline
  // script added to the page does not run, and its refusal is seen: the check above works).
  {
    const { context, page } = await newPage();
    for (const [name, url] of PAGES) {
      await page.goto(ORIGIN + url);
      const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? "");
      if (!/(^|;)\s*script-src 'self'\s*(;|$)/.test(csp)) fail(`${name}: no script-src 'self' policy (${csp})`);
    }
    expectCspViolation = true;
    const ran = await page.evaluate(async () => {
      window.__expectCspViolation = true;
      const s = document.createElement("script");
      s.textContent = "window.__inlineRan = true;";
      document.head.appendChild(s);
      await new Promise((r) => setTimeout(r, 100));
      window.__expectCspViolation = false;
      return [window.__inlineRan === true, window.__sawCspViolation === true];
    });
    expectCspViolation = false;
    if (ran[0]) fail("CSP: an inline script ran");
    if (!ran[1]) fail("CSP: refusing an inline script was not reported, so violations would go unseen");
    await context.close();
  }

  // No horizontal scrolling at 320 px (WCAG 1.4.10 reflow); tables scroll in their own box.
  {
    const { context, page } = await newPage({ viewport: { width: 320, height: 640 } });
    for (const [name, url] of PAGES) {
      await page.goto(ORIGIN + url);
      const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      if (sw > cw) fail(`${name}: scrolls sideways at 320 px (${sw} > ${cw})`);
    }
    await context.close();
  }

  // The toggle: flips data-theme, the background follows, and the choice survives a reload.
  if (!FIXTURE) {
    const { context, page } = await newPage({ colorScheme: "light" });
    await page.goto(ORIGIN + "/articles/ketamine-therapy/");
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const before = await bg();
    const button = page.locator("button.theme-toggle");
    if (!(await button.isVisible())) fail("toggle: the theme button is not visible");
    await button.click();
    const attr = await page.evaluate(() => document.documentElement.getAttribute("data-theme"));
    if (attr !== "dark") fail(`toggle: data-theme is ${attr} after one click, want dark`);
    if ((await bg()) === before) fail("toggle: the background did not change");
    // Its label says what a click does, so in dark it offers light (issue 20, point 13).
    const label = (await button.innerText()).trim();
    if (!label.endsWith("Use light theme")) fail(`toggle: the label in dark is “${label}”, want “Use light theme”`);
    await page.reload();
    const kept = await page.evaluate(() => document.documentElement.getAttribute("data-theme"));
    if (kept !== "dark") fail(`toggle: the choice was not remembered (data-theme ${kept})`);
    await page.locator("button.theme-toggle").click();
    if ((await bg()) !== before) fail("toggle: a second click did not return to light");
    const back = (await page.locator("button.theme-toggle").innerText()).trim();
    if (!back.endsWith("Use dark theme")) fail(`toggle: the label in light is “${back}”, want “Use dark theme”`);

    // The print button (issue 20, point 9): shown by theme.js, a click calls window.print, and
    // print media hides it.
    const print = page.locator("button.print-button");
    if (!(await print.isVisible())) fail("print: the print button is not visible with JavaScript on");
    else {
      await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; });
      await print.click();
      if ((await page.evaluate(() => window.__printed)) !== 1) fail("print: a click did not call window.print");
      await page.emulateMedia({ media: "print" });
      if (await print.isVisible()) fail("print: the print button shows in print");
      await page.emulateMedia({ media: "screen" });
    }
    // A work cited many times folds its back-links (issue 20, point 13); each is 24 px or more.
    const folded = page.locator("details.backlinks").first();
    if ((await folded.count()) === 0) fail("back-links: no folded back-links on the article");
    else {
      await folded.locator("summary").click();
      const sizes = await folded.locator("a").evaluateAll((as) => as.map((a) => [a.getBoundingClientRect().width, a.getBoundingClientRect().height]));
      const small = sizes.filter(([w, h]) => w < 24 || h < 24);
      if (small.length) fail(`back-links: ${small.length} of ${sizes.length} targets are under 24 px (${JSON.stringify(small[0])})`);
    }

    // Glossary tooltips open on keyboard focus (WCAG 1.4.13 / 2.1.1).
    const term = page.locator(".prose a.gloss-term").first();
    await term.focus();
    const tip = page.locator(".prose .gloss-term:focus + .gloss-tip");
    if (!(await tip.isVisible())) fail("tooltip: a glossary term's definition does not show on keyboard focus");
    // The header's search suggestions, open with one selected, are accessible too.
    await page.fill("#site-search-q", "ketamine");
    await page.waitForSelector("#site-search-results [role=option]");
    await page.keyboard.press("ArrowDown");
    await injectAxe(page);
    const open = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
      TAGS,
    );
    for (const v of open.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
      fail(`axe search suggestions: ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} nodes)`);
    }
    // The skip link is the first thing Tab reaches, and it is visible then.
    await page.goto(ORIGIN + "/");
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => document.activeElement && document.activeElement.className);
    if (skip !== "skip-link") fail(`skip link: first Tab stop is .${skip}`);
    else if (!(await page.locator(".skip-link").isVisible())) fail("skip link: not visible on focus");
    await context.close();
  }

  // Screenshots for the README.
  if (SHOTS && !FIXTURE) {
    await mkdir(SHOTS, { recursive: true });
    for (const [label, viewport] of [["390", { width: 390, height: 844 }], ["1280", { width: 1280, height: 800 }]]) {
      for (const scheme of ["light", "dark"]) {
        const { context, page } = await newPage({ viewport, colorScheme: scheme });
        for (const [name, url] of PAGES.filter(([n]) => SCREENSHOTS.includes(n))) {
          await page.goto(ORIGIN + url);
          await page.screenshot({ path: path.join(SHOTS, `${name}-${label}-${scheme}.png`) });
        }
        await context.close();
      }
    }
    console.log(`screenshots in ${SHOTS}`);
  }
} finally {
  await browser.close();
  server.close();
}

if (failures.length) {
  console.error(`\n${failures.length} failure(s)`);
  process.exit(1);
}
console.log("theme: all checks passed");
