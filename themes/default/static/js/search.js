/* glia search: plain JavaScript, no network requests. The index is script files added as
   needed, because browsers refuse fetch() on pages opened from disk: the manifest
   (search-index.js) on first focus, then the term shard of each query word's first letters
   and the snippet shards of the results shown (src/render/search/ writes them and
   describes the format). fold() and stem() mirror src/render/search/words.rs, the shard of a
   word shard_of() in src/render/search/mod.rs: keep them in step. */
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "./";
  var offline = document.documentElement.getAttribute("data-offline") === "true";
  var loading = null;
  /* The strings shown, in the page's language: <html data-i18n> holds the theme's strings
     where they are not the English here (src/i18n). */
  var ui = {};
  try { ui = JSON.parse(document.documentElement.getAttribute("data-i18n") || "{}"); } catch (e) { /* English */ }
  function say(key, n, one, other, q) {
    var text = ui[key + (n === 1 ? "_one" : "_other")] || (n === 1 ? one : other);
    return text.replace("{count}", n).replace("{query}", q || "");
  }
  var STOP = " a an and are as at be by for from has in is it its of on or that the to was were with ";

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function stem(w) {
    if (w.length <= 3 || /[^\x00-\x7f]/.test(w)) return w;
    var s = w;
    if (/ies$/.test(s)) s = s.slice(0, -3) + "y";
    else if (/sses$/.test(s)) s = s.slice(0, -2);
    else if (/(ches|shes|xes)$/.test(s)) s = s.slice(0, -2);
    else if (/s$/.test(s) && !/(ss|us|is)$/.test(s)) s = s.slice(0, -1);
    if (s.length >= 7 && /ing$/.test(s)) s = s.slice(0, -3);
    else if (s.length >= 6 && /ed$/.test(s)) s = s.slice(0, -2);
    return spelling(s);
  }
  var OUR = " al ally able ably ite ful less hood er ism ist y ";
  /* British spellings folded to American ones (anaesthesia, oedema, organise, behaviour):
     the rules of spelling() in src/render/search/words.rs, which says why each is this narrow. */
  function spelling(w) {
    var out = "", i = 0;
    while (i < w.length) {
      var c = w[i], next = w[i + 1], after = w[i + 2];
      if (c === "a" && next === "e") { out += "e"; i += 2; continue; }
      if (c === "o" && next === "e" && (i === 0 || after === "a" || after === "o" ||
          (i === 1 && ((w[0] === "c" && after === "l") || (w[0] === "f" && after === "t"))))) {
        out += "e"; i += 2; continue;
      }
      if ((c === "i" || c === "y") && next === "z" && i >= 3 &&
          (after === undefined || after === "e" || after === "a" || after === "i")) {
        out += c + "s"; i += 2; continue;
      }
      var rest = w.slice(i + 3);
      if (c === "o" && next === "u" && after === "r" && i >= 2 && (rest === "" || OUR.indexOf(" " + rest + " ") >= 0)) {
        return out + "or" + rest;
      }
      out += c; i++;
    }
    return out;
  }
  /* Spanish pages (<html lang="es">) are searched with Snowball's Spanish stemmer
     (js/stem-es.js, loaded with the index, so other pages never fetch it) and Spanish stop
     words, as src/i18n/text.rs indexes them. */
  var SPANISH = /^es\b/i.test(document.documentElement.lang || "");
  var STOP_ES = " a al con de del e el en es la las le les lo los o para por que se su sus u un una unas unos y ";
  if (SPANISH) STOP = STOP_ES;
  function words(q) {
    return fold(q).split(/[^\p{L}\p{N}]+/u).filter(function (w) {
      return w && STOP.indexOf(" " + w + " ") < 0;
    });
  }
  var loaded = {}, waiting = {};
  /* Adds the script `src` (relative to the site root) once; `done` runs when it has loaded,
     or failed (a missing shard then reads as empty). */
  function script(src, done) {
    if (loaded[src]) return done();
    if (waiting[src]) return waiting[src].push(done);
    waiting[src] = [done];
    var s = document.createElement("script");
    s.src = root + src;
    s.onload = s.onerror = function () {
      var w = waiting[src];
      loaded[src] = true;
      delete waiting[src];
      w.forEach(function (f) { f(); });
    };
    document.head.appendChild(s);
  }
  function scripts(srcs, done) {
    var left = srcs.length;
    if (!left) return done();
    srcs.forEach(function (src) { script(src, function () { if (--left === 0) done(); }); });
  }
  var idx = null, groupStart = null, chunkStart = null;
  /* The manifest: per result group its number of sections, and the first group of each
     snippet shard, both as base-36 numbers (the latter as gaps). */
  function load(done) {
    scripts(SPANISH ? ["search-index.js", "js/stem-es.js"] : ["search-index.js"], function () {
      if (!window.gliaSearchIndex) return;
      if (SPANISH && window.gliaStemEs) stem = window.gliaStemEs;
      if (!idx) {
        idx = window.gliaSearchIndex;
        groupStart = [0];
        idx.sizes.split(",").forEach(function (n) { groupStart.push(groupStart[groupStart.length - 1] + parseInt(n, 36)); });
        chunkStart = [];
        var at = 0;
        idx.chunks.split(",").forEach(function (n) { at += parseInt(n, 36); chunkStart.push(at); });
      }
      done();
    });
  }
  /* The last i with list[i] <= v. */
  function below(list, v) {
    var lo = 0, hi = list.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (list[mid] <= v) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  /* FNV-1a over the code points of the first `prefix` characters. */
  function shard(w) {
    var h = 0x811c9dc5, cs = Array.from(w).slice(0, idx.prefix);
    for (var i = 0; i < cs.length; i++) h = Math.imul(h ^ cs[i].codePointAt(0), 0x01000193) >>> 0;
    return h % idx.shards;
  }
  /* A query word is looked up as stemmed and as typed ("ties" stems to "ty"). */
  function forms(w) {
    var st = stem(w);
    return st === w ? [w] : [st, w];
  }
  var decoded = {};
  function postings(term, encoded) {
    if (decoded[term]) return decoded[term];
    var out = [], doc = 0, parts = encoded.split(",");
    for (var i = 0; i < parts.length; i++) {
      var v = parseInt(parts[i], 36);
      doc += Math.floor(v / 4);
      out.push([doc, v % 4]);
    }
    return (decoded[term] = out);
  }
  /* Every query word must match in the same section (as a word prefix, from `prefix`
     characters on; a shorter word matches whole words only); title hits rank above headings,
     headings above body text, exact words above prefixes. The sections of one page are one
     result, ranked and linked by its best section. */
  function rank(qs) {
    var scores = null;
    for (var i = 0; i < qs.length; i++) {
      var raw = qs[i], st = stem(raw), found = {};
      forms(raw).forEach(function (f) {
        var terms = idx.t[shard(f)] || {}, whole = Array.from(f).length < idx.prefix;
        for (var key in terms) {
          if (whole ? key !== f : key.lastIndexOf(f, 0) !== 0) continue;
          var exact = key === st || key === raw, list = postings(key, terms[key]);
          for (var j = 0; j < list.length; j++) {
            var fl = list[j][1], sc = (fl & 1 ? 10 : 0) + (fl & 2 ? 5 : 0) + 1;
            if (exact) sc *= 2;
            found[list[j][0]] = Math.max(found[list[j][0]] || 0, sc);
          }
        }
      });
      if (scores === null) scores = found;
      else for (var d in scores) scores[d] = d in found ? scores[d] + found[d] : -1;
    }
    var groups = {}, res = [];
    for (var d2 in scores) {
      var doc = +d2, score = scores[d2];
      if (score <= 0) continue;
      var g = below(groupStart, doc), best = groups[g];
      if (!best) groups[g] = { group: g, doc: doc, score: score, sections: 1 };
      else {
        best.sections++;
        if (score > best.score || (score === best.score && doc < best.doc)) { best.doc = doc; best.score = score; }
      }
    }
    for (var g2 in groups) res.push(groups[g2]);
    res.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return res.slice(0, 20);
  }
  /* Runs `q` and hands `done` its results, loading the shards it needs first. */
  function search(q, done) {
    var qs = words(q);
    if (!qs.length) return done([]);
    load(function () {
      var need = {};
      qs.forEach(function (w) { forms(w).forEach(function (f) { need["search-index/t" + shard(f) + ".js"] = true; }); });
      scripts(Object.keys(need), function () {
        var top = rank(qs), chunks = {};
        top.forEach(function (r) { chunks["search-index/d" + below(chunkStart, r.group) + ".js"] = true; });
        scripts(Object.keys(chunks), function () {
          done(top.map(function (r) {
            var k = below(chunkStart, r.group), entry = (idx.d[k] || [])[r.group - chunkStart[k]];
            if (!entry) return null;
            var row = entry[1][r.doc - groupStart[r.group]];
            return { url: href(row[0]), title: entry[0], heading: row[1], snippet: row[2], more: r.sections - 1 };
          }).filter(Boolean));
        });
      });
    });
  }
  function href(u) {
    if (offline) {
      var hash = u.indexOf("#"), path = hash < 0 ? u : u.slice(0, hash);
      if (path === "" || path.slice(-1) === "/") u = path + "index.html" + (hash < 0 ? "" : u.slice(hash));
    }
    return root + u;
  }
  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  /* Whether the text word `w` is one the query words `qs` (stemmed) match: as written or
     stemmed, so "anaesthesia" matches a search for "anesthesia". */
  function matches(w, qs) {
    var f = fold(w).replace(/[^\p{L}\p{N}]/gu, ""), st = f && stem(f);
    for (var i = 0; i < qs.length; i++) if (f && (f.lastIndexOf(qs[i], 0) === 0 || st.lastIndexOf(qs[i], 0) === 0)) return true;
    return false;
  }
  var SNIPPET = 180, BEFORE = 60;
  /* About SNIPPET characters of a section's text around the first word the query matches (its
     start when none does), cut between words, "…" where text was left out. */
  function excerpt(text, q) {
    var qs = words(q).map(stem), ws = text.split(/\s+/).filter(Boolean), at = [], pos = 0, hit = 0;
    ws.forEach(function (w) { pos = text.indexOf(w, pos); at.push(pos); pos += w.length; });
    for (var i = 0; i < ws.length; i++) if (matches(ws[i], qs)) { hit = i; break; }
    var first = hit;
    while (first > 0 && at[hit] - at[first - 1] <= BEFORE) first--;
    var last = first;
    while (last + 1 < ws.length && at[last + 1] + ws[last + 1].length - at[first] <= SNIPPET) last++;
    var out = ws.slice(first, last + 1).join(" ");
    return (first > 0 ? "…" : "") + out + (last + 1 < ws.length && out.slice(-1) !== "…" ? "…" : "");
  }
  function highlight(text, q) {
    var qs = words(q).map(stem);
    return text.split(/(\s+)/).map(function (w) {
      return matches(w, qs) ? "<mark>" + esc(w) + "</mark>" : esc(w);
    }).join("");
  }
  /* In the header's listbox each result link is itself the option (an option may not contain
     a link), kept out of the tab order: the input owns focus and the arrow keys move
     aria-activedescendant. The search page lists plain links. */
  function render(list, results, q, status) {
    var listbox = list.getAttribute("role") === "listbox";
    list.innerHTML = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      if (listbox) li.setAttribute("role", "none");
      li.innerHTML = '<a href="' + esc(r.url) + '"' +
        (listbox ? ' role="option" tabindex="-1" id="' + list.id + "-" + i + '"' : "") + '><span class="sr-title">' + esc(r.title) + "</span>" +
        (r.heading ? ' <span class="sr-heading">› ' + esc(r.heading) + "</span>" : "") +
        (r.more ? ' <span class="sr-more">' + esc(say("search.more_sections", r.more, "(+{count} section)", "(+{count} sections)")) + "</span>" : "") +
        (r.snippet ? '<span class="sr-snippet">' + highlight(excerpt(r.snippet, q), q) + "</span>" : "") + "</a>";
      list.appendChild(li);
    });
    if (status) status.textContent = q ? say("search.results", results.length, "{count} result for {query}", "{count} results for {query}", q) : "";
  }
  function setup(form) {
    var input = form.querySelector("input[name=q]"), list = form.querySelector(".search-results"),
      status = form.querySelector("[aria-live]"), active = -1;
    if (!input || !list) return;
    function show(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
    }
    function move(to) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      if (active >= 0 && items[active]) items[active].removeAttribute("aria-selected");
      active = (to + items.length) % items.length;
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    var seq = 0;
    function run() {
      var q = input.value.trim(), mine = ++seq;
      search(q, function (r) {
        if (mine !== seq) return; /* a later keystroke's query owns the list */
        render(list, r, q, status);
        active = -1;
        input.removeAttribute("aria-activedescendant");
        show(r.length > 0);
      });
    }
    input.addEventListener("focus", function () { load(function () {}); });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); move(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(active - 1); }
      else if (e.key === "Escape") { show(false); }
      else if (e.key === "Enter" && active >= 0) {
        var a = list.querySelectorAll("[role=option]")[active];
        if (a) { e.preventDefault(); window.location.href = a.href; }
      }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) show(false); });
  }
  function searchPage() {
    var box = document.getElementById("search-page-results");
    if (!box) return;
    var m = /[?&]q=([^&#]*)/.exec(window.location.search), q = m ? decodeURIComponent(m[1].replace(/\+/g, " ")) : "";
    var input = document.getElementById("search-page-q");
    if (input) input.value = q;
    if (!q) return;
    search(q, function (r) { render(box, r, q, document.getElementById("search-page-status")); });
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target, tag = t && t.tagName;
    if (e.key === "/" && tag !== "INPUT" && tag !== "TEXTAREA" && !(t && t.isContentEditable)) {
      var input = document.querySelector(".site-search input[name=q]");
      if (input) { e.preventDefault(); input.focus(); }
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll("form.site-search"), setup);
  searchPage();
})();
