// The theme's Spanish stemmer (stemEs in js/search.js) run under node over a list of words,
// for tests/search_text.rs to compare with the Rust stems the index is built with.
//
//   node scripts/stem-es.mjs SEARCH_JS < words.json   → the stems, as a JSON array
//
// The function is read out of search.js (from `var ES_V` to `function words(`), so the test
// exercises the theme's own code.

import { readFileSync } from "node:fs";
import vm from "node:vm";

const code = readFileSync(process.argv[2], "utf8");
const start = code.indexOf("  var ES_V");
const end = code.indexOf("  function words(");
if (start < 0 || end < start) {
  console.error("stemEs not found in " + process.argv[2]);
  process.exit(2);
}
const stemEs = vm.runInNewContext(code.slice(start, end) + "\nstemEs;");
const words = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(words.map((w) => stemEs(w))));
