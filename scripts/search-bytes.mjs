// What the theme's search loads for a query, measured by running the site's own js/search.js
// against a built site in a stand-in document (no browser needed): the search page's path,
// `search/?q=WORD`, with every <script> the search adds read from the output folder.
//
//   node scripts/search-bytes.mjs PUBLIC_DIR WORD...
//
// Prints one JSON line per word: {"query", "results", "scripts", "bytes", "snippets"}, where
// scripts are the index files loaded (the manifest included), bytes their total size and
// snippets the results' HTML.

import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";

const [dir, ...queries] = process.argv.slice(2);
if (!dir || !queries.length) {
  console.error("usage: node scripts/search-bytes.mjs PUBLIC_DIR WORD...");
  process.exit(2);
}
const code = readFileSync(join(dir, "js", "search.js"), "utf8");

function element(tag) {
  return {
    tag,
    attrs: {},
    children: [],
    innerHTML: "",
    textContent: "",
    value: "",
    setAttribute(k, v) { this.attrs[k] = v; },
    getAttribute(k) { return this.attrs[k] ?? null; },
    appendChild(c) { this.children.push(c); },
  };
}

async function measure(query) {
  const loaded = [];
  const results = element("ol");
  const status = element("p");
  status.done = false;
  Object.defineProperty(status, "textContent", {
    set(v) { this._t = v; this.done = true; },
    get() { return this._t; },
  });
  const ctx = {};
  const document = {
    documentElement: element("html"),
    head: {
      appendChild(s) {
        // The page is search/index.html; data-root is "../"; files are read from the root.
        const rel = s.src.replace(/^\.\.\//, "");
        loaded.push(rel);
        setImmediate(() => {
          let ok = true;
          try {
            vm.runInContext(readFileSync(join(dir, rel), "utf8"), ctx, { filename: rel });
          } catch {
            ok = false;
          }
          (ok ? s.onload : s.onerror)?.();
        });
      },
    },
    createElement: element,
    querySelectorAll: () => [],
    querySelector: () => null,
    addEventListener() {},
    getElementById(id) {
      if (id === "search-page-results") return results;
      if (id === "search-page-status") return status;
      if (id === "search-page-q") return element("input");
      return null;
    },
  };
  document.documentElement.setAttribute("data-root", "../");
  // The page's language picks the stemmer, as <html lang> does in a browser.
  const page = readFileSync(join(dir, "search", "index.html"), "utf8");
  document.documentElement.lang = (/<html lang="([^"]*)"/.exec(page) || [])[1] || "";
  Object.assign(ctx, { document, location: { search: "?q=" + encodeURIComponent(query) } });
  ctx.window = ctx;
  vm.createContext(ctx);
  vm.runInContext(code, ctx, { filename: "search.js" });
  const deadline = Date.now() + 60000;
  while (!status.done) {
    if (Date.now() > deadline) throw new Error(`no results for ${query} after 60 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const bytes = loaded.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const snippets = results.children.map((li) => li.innerHTML);
  return { query, results: results.children.length, scripts: loaded, bytes, snippets };
}

for (const q of queries) console.log(JSON.stringify(await measure(q)));
