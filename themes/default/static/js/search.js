/* glia search: plain JavaScript, no network requests. The index is a script file added on
   first focus, because browsers refuse fetch() on pages opened from disk. fold() and stem()
   mirror src/render/search.rs: keep them in step. */
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "./";
  var offline = document.documentElement.getAttribute("data-offline") === "true";
  var loading = null;
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
    return s;
  }
  function words(q) {
    return fold(q).split(/[^\p{L}\p{N}]+/u).filter(function (w) {
      return w && STOP.indexOf(" " + w + " ") < 0;
    });
  }
  function load(done) {
    if (window.gliaSearchIndex) return done();
    if (!loading) {
      loading = [];
      var s = document.createElement("script");
      s.src = root + "search-index.js";
      s.onload = function () { loading.forEach(function (f) { f(); }); };
      document.head.appendChild(s);
    }
    loading.push(done);
  }
  var decoded = {};
  function postings(term) {
    if (decoded[term]) return decoded[term];
    var out = [], doc = 0, parts = window.gliaSearchIndex.terms[term].split(",");
    for (var i = 0; i < parts.length; i++) {
      var v = parseInt(parts[i], 36);
      doc += Math.floor(v / 4);
      out.push([doc, v % 4]);
    }
    return (decoded[term] = out);
  }
  /* Every query word must match (as a word prefix); title hits rank above headings, headings
     above body text, exact words above prefixes. */
  function search(q) {
    var idx = window.gliaSearchIndex, qs = words(q), keys = Object.keys(idx.terms), scores = null;
    if (!qs.length) return [];
    for (var i = 0; i < qs.length; i++) {
      var raw = qs[i], st = stem(raw), found = {};
      for (var k = 0; k < keys.length; k++) {
        var key = keys[k];
        if (key.lastIndexOf(st, 0) !== 0 && key.lastIndexOf(raw, 0) !== 0) continue;
        var exact = key === st || key === raw, list = postings(key);
        for (var j = 0; j < list.length; j++) {
          var f = list[j][1], sc = (f & 1 ? 10 : 0) + (f & 2 ? 5 : 0) + 1;
          if (exact) sc *= 2;
          found[list[j][0]] = Math.max(found[list[j][0]] || 0, sc);
        }
      }
      if (scores === null) scores = found;
      else for (var d in scores) scores[d] = d in found ? scores[d] + found[d] : -1;
    }
    var res = [];
    for (var d2 in scores) if (scores[d2] > 0) res.push([+d2, scores[d2]]);
    res.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return res.slice(0, 20).map(function (r) {
      var doc = idx.docs[r[0]];
      return { url: href(doc[0]), title: idx.titles[doc[1]], heading: doc[2], snippet: doc[3] };
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
  function highlight(text, q) {
    var qs = words(q).map(stem);
    return text.split(/(\s+)/).map(function (w) {
      var f = fold(w).replace(/[^\p{L}\p{N}]/gu, "");
      for (var i = 0; i < qs.length; i++) if (f && f.lastIndexOf(qs[i], 0) === 0) return "<mark>" + esc(w) + "</mark>";
      return esc(w);
    }).join("");
  }
  function render(list, results, q, status) {
    list.innerHTML = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.innerHTML = '<a href="' + esc(r.url) + '"><span class="sr-title">' + esc(r.title) + "</span>" +
        (r.heading ? ' <span class="sr-heading">› ' + esc(r.heading) + "</span>" : "") +
        (r.snippet ? '<span class="sr-snippet">' + highlight(r.snippet, q) + "…</span>" : "") + "</a>";
      list.appendChild(li);
    });
    if (status) status.textContent = q ? results.length + (results.length === 1 ? " result" : " results") + " for " + q : "";
  }
  function setup(form) {
    var input = form.querySelector("input[type=search]"), list = form.querySelector(".search-results"),
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
    function run() {
      var q = input.value.trim();
      load(function () {
        var r = q ? search(q) : [];
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
        var a = list.querySelectorAll("[role=option] a")[active];
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
    load(function () { render(box, search(q), q, document.getElementById("search-page-status")); });
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target, tag = t && t.tagName;
    if (e.key === "/" && tag !== "INPUT" && tag !== "TEXTAREA" && !(t && t.isContentEditable)) {
      var input = document.querySelector(".site-search input[type=search]");
      if (input) { e.preventDefault(); input.focus(); }
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll("form.site-search"), setup);
  searchPage();
})();
