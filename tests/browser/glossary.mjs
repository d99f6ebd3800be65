// Glossary terms on a phone and with a mouse, in a real browser (Debian's chromium, driven by
// playwright-core). Issue 20, point 10; WCAG 1.4.13.
//
//   node glossary.mjs ARTICLE_URL     a page whose prose links a glossary term with a tooltip
//
// On a 375 px touch screen a tap on a term shows its definition in place (the page stays),
// Escape hides it, a second tap follows the link to the term's page. With a mouse, hovering
// shows it, Escape hides it while the pointer stays, and a click follows the link. With
// JavaScript off a tap follows the link at once.
//
// Prints one JSON summary on stdout; exit status 0 only if every check passed.
// Environment: CHROMIUM (default /usr/bin/chromium).

import { chromium } from "playwright-core";

const url = process.argv[2];
if (!url) {
  console.error("usage: node glossary.mjs ARTICLE_URL");
  process.exit(2);
}
const summary = { ok: false, url, steps: [], failures: [], error: null };
function check(name, ok, detail) {
  summary.steps.push({ [name]: ok });
  if (!ok) summary.failures.push(detail ? `${name}: ${detail}` : name);
}

const MOBILE = { viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true };
const TERM = ".prose a.gloss-term[aria-describedby]";

async function open(browser, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on("pageerror", (e) => summary.failures.push(`page error: ${e.message}`));
  await page.goto(url);
  const term = page.locator(TERM).first();
  await term.scrollIntoViewIfNeeded();
  const tip = page.locator(`[id="${await term.getAttribute("aria-describedby")}"]`);
  return { context, page, term, tip };
}

const settle = (page) => page.waitForTimeout(200);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
});
try {
  // A phone: tap shows, Escape hides, a second tap goes to the term's page.
  {
    const { context, page, term, tip } = await open(browser, MOBILE);
    check("phone: definition hidden at first", !(await tip.isVisible()));
    await term.tap();
    await settle(page);
    check("phone: a tap keeps the page", page.url() === url, page.url());
    check("phone: a tap shows the definition", await tip.isVisible());
    await page.keyboard.press("Escape");
    await settle(page);
    check("phone: Escape hides the definition", !(await tip.isVisible()));
    await term.tap();
    await settle(page);
    check("phone: a tap shows it again", await tip.isVisible());
    await page.locator("h1").first().tap();
    await settle(page);
    check("phone: a tap elsewhere closes it", !(await tip.isVisible()));
    await term.tap();
    await settle(page);
    await Promise.all([page.waitForURL(/\/glossary\/[^/]+\//), term.tap()]);
    check("phone: a second tap opens the term's page", /\/glossary\/[^/]+\//.test(page.url()), page.url());
    await context.close();
  }
  // A mouse: hover shows, Escape hides under the pointer, a click goes to the term's page.
  {
    const { context, page, term, tip } = await open(browser, { viewport: { width: 1200, height: 800 } });
    await term.hover();
    await settle(page);
    check("mouse: hover shows the definition", await tip.isVisible());
    await tip.hover();
    await settle(page);
    check("mouse: the definition stays while hovered", await tip.isVisible());
    await page.keyboard.press("Escape");
    await settle(page);
    check("mouse: Escape hides it under the pointer", !(await tip.isVisible()));
    await page.mouse.move(0, 0);
    await term.hover();
    await settle(page);
    check("mouse: hovering again shows it", await tip.isVisible());
    await Promise.all([page.waitForURL(/\/glossary\/[^/]+\//), term.click()]);
    check("mouse: a click opens the term's page", true);
    await context.close();
  }
  // Keyboard focus still shows it.
  {
    const { context, page, term, tip } = await open(browser, { viewport: { width: 1200, height: 800 } });
    await term.focus();
    await settle(page);
    check("keyboard: focus shows the definition", await tip.isVisible());
    await page.keyboard.press("Escape");
    await settle(page);
    check("keyboard: Escape hides it", !(await tip.isVisible()));
    await context.close();
  }
  // JavaScript off: the link is a link.
  {
    const { context, page, term } = await open(browser, { ...MOBILE, javaScriptEnabled: false });
    await Promise.all([page.waitForURL(/\/glossary\/[^/]+\//), term.tap()]);
    check("no JavaScript: a tap opens the term's page", true);
    await context.close();
  }
} catch (e) {
  summary.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}
summary.ok = summary.failures.length === 0 && summary.error === null;
console.log(JSON.stringify(summary, null, 2));
process.exit(summary.ok ? 0 : 1);
