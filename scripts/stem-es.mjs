// The theme's Spanish stemmer (js/stem-es.js) run under node over a list of words, for
// tests/search_text.rs to compare with the Rust stems the index is built with.
//
//   node scripts/stem-es.mjs STEM_ES_JS < words.json   → the stems, as a JSON array

import { readFileSync } from "node:fs";
import vm from "node:vm";

const window = {};
vm.runInNewContext(readFileSync(process.argv[2], "utf8"), { window });
if (typeof window.gliaStemEs !== "function") {
  console.error("window.gliaStemEs not defined by " + process.argv[2]);
  process.exit(2);
}
const words = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(words.map((w) => window.gliaStemEs(w))));
