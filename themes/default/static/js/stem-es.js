/* glia search in Spanish: Snowball's Spanish stemmer (snowballstem.org, the algorithm the
   rust-stemmers crate compiles, which src/i18n/text.rs indexes Spanish pages with), step for
   step. js/search.js loads this file with the index on pages in Spanish only and stems
   queries with it; tests/search_text.rs checks it against the Rust stems word by word. */
(function () {
  "use strict";
  var ES_V = "aeiou\u00e1\u00e9\u00ed\u00f3\u00fa\u00fc";
  var ES_PRONOUN = ["me", "se", "sela", "selo", "selas", "selos", "la", "le", "lo", "las", "les", "los", "nos"];
  var ES_BEFORE_PRONOUN = { "iendo": 6, "ando": 6, "ar": 6, "er": 6, "ir": 6, "yendo": 7,
    "i\u00e9ndo": "iendo", "\u00e1ndo": "ando", "\u00e1r": "ar", "\u00e9r": "er", "\u00edr": "ir" };
  var ES_STANDARD = { anza: 1, anzas: 1, ico: 1, ica: 1, icos: 1, icas: 1, ismo: 1, ismos: 1,
    able: 1, ables: 1, ible: 1, ibles: 1, ista: 1, istas: 1, oso: 1, osa: 1, osos: 1, osas: 1,
    amiento: 1, amientos: 1, imiento: 1, imientos: 1, adora: 2, ador: 2, "aci\u00f3n": 2,
    adoras: 2, adores: 2, aciones: 2, ante: 2, antes: 2, ancia: 2, ancias: 2,
    "log\u00eda": 3, "log\u00edas": 3, "uci\u00f3n": 4, uciones: 4, encia: 5, encias: 5,
    amente: 6, mente: 7, idad: 8, idades: 8, iva: 9, ivo: 9, ivas: 9, ivos: 9 };
  var ES_Y_VERB = ["ya", "ye", "yan", "yen", "yeron", "yendo", "yo", "y\u00f3", "yas", "yes", "yais", "yamos"];
  var ES_VERB = ("aba ada ida ara iera \u00eda ar\u00eda er\u00eda ir\u00eda ad ed id ase iese aste iste an aban aran " +
    "ieran \u00edan ar\u00edan er\u00edan ir\u00edan asen iesen aron ieron ar\u00e1n er\u00e1n ir\u00e1n ado ido ando iendo ar er " +
    "ir as abas adas idas aras ieras \u00edas ar\u00edas er\u00edas ir\u00edas ases ieses abais arais ierais \u00edais " +
    "ar\u00edais er\u00edais ir\u00edais aseis ieseis asteis isteis \u00e1is ar\u00e9is er\u00e9is ir\u00e9is ados idos amos " +
    "\u00e1bamos \u00e1ramos i\u00e9ramos \u00edamos ar\u00edamos er\u00edamos ir\u00edamos aremos eremos iremos \u00e1semos " +
    "i\u00e9semos imos ar\u00e1s er\u00e1s ir\u00e1s \u00eds ar\u00e1 er\u00e1 ir\u00e1 ar\u00e9 er\u00e9 ir\u00e9 i\u00f3").split(" ");
  var ES_VERB_GU = ["en", "es", "\u00e9is", "emos"];
  window.gliaStemEs = function (word) {
    var s = Array.from(word), n = s.length;
    function v(i) { return i >= 0 && i < s.length && ES_V.indexOf(s[i]) >= 0; }
    function past(i, vowel) { for (; i < n; i++) if (v(i) === vowel) return i + 1; return -1; }
    /* The regions: RV from pV, R1 from p1, R2 from p2 (indexes of code points). */
    var pV = n, p1 = n, p2 = n, r = -1;
    if (n > 1 && v(0)) {
      r = v(1) ? past(2, false) : past(2, true);
    } else if (n > 1) {
      r = v(1) ? (n > 2 ? 3 : -1) : past(2, true);
    }
    if (r >= 0) pV = r;
    r = past(0, true);
    if (r >= 0 && (r = past(r, false)) >= 0) {
      p1 = r;
      if ((r = past(r, true)) >= 0 && (r = past(r, false)) >= 0) p2 = r;
    }
    /* The longest of `list` that the word ends with, starting at `from` or later. */
    function ending(list, from) {
      var best = null, w = s.join("");
      list.forEach(function (e) {
        var len = Array.from(e).length;
        if (len <= s.length - from && w.slice(-e.length) === e && (!best || len > best.len)) best = { e: e, len: len };
      });
      return best && { e: best.e, at: s.length - best.len };
    }
    function ends(str, at) { return s.slice(0, at).join("").slice(-str.length) === str && at - Array.from(str).length >= 0; }
    function cut(at, put) { s = s.slice(0, at).concat(put ? Array.from(put) : []); }
    /* attached_pronoun */
    var m = ending(ES_PRONOUN, 0);
    if (m) {
      var b = m.at, w0 = s.slice(0, b).join(""), k = null;
      Object.keys(ES_BEFORE_PRONOUN).forEach(function (e) {
        if (w0.slice(-e.length) === e && (!k || Array.from(e).length > Array.from(k).length)) k = e;
      });
      if (k) {
        var at = b - Array.from(k).length, act = ES_BEFORE_PRONOUN[k];
        if (at >= pV) {
          if (typeof act === "string") cut(at, act);
          else if (act === 6) cut(b);
          else if (act === 7 && s[at - 1] === "u") cut(b);
        }
      }
    }
    /* standard_suffix, else y_verb_suffix, else verb_suffix */
    function standard() {
      var m = ending(Object.keys(ES_STANDARD), 0);
      if (!m) return false;
      var at = m.at, act = ES_STANDARD[m.e];
      if (act === 6) {
        if (at < p1) return false;
        cut(at);
        var t = ending(["iv", "os", "ic", "ad"], 0);
        if (t && t.at >= p2) {
          cut(t.at);
          if (t.e === "iv" && ends("at", t.at) && t.at - 2 >= p2) cut(t.at - 2);
        }
        return true;
      }
      if (at < p2) return false;
      if (act === 3) cut(at, "log");
      else if (act === 4) cut(at, "u");
      else if (act === 5) cut(at, "ente");
      else cut(at);
      var more = act === 7 ? ["ante", "able", "ible"] : act === 8 ? ["abil", "ic", "iv"] : null;
      if (more) {
        var x = ending(more, 0);
        if (x && x.at >= p2) cut(x.at);
      } else if ((act === 2 && ends("ic", at) || act === 9 && ends("at", at)) && at - 2 >= p2) {
        cut(at - 2);
      }
      return true;
    }
    function yVerb() {
      if (s.length < pV) return false;
      var m = ending(ES_Y_VERB, pV);
      if (!m || s[m.at - 1] !== "u") return false;
      cut(m.at);
      return true;
    }
    function verb() {
      if (s.length < pV) return false;
      var m = ending(ES_VERB.concat(ES_VERB_GU), pV);
      if (!m) return false;
      var at = m.at;
      if (ES_VERB_GU.indexOf(m.e) >= 0 && s[at - 1] === "u" && s[at - 2] === "g") at -= 1;
      cut(at);
      return true;
    }
    if (!standard()) { if (!yVerb()) verb(); }
    /* residual_suffix */
    var z = ending(["os", "a", "o", "\u00e1", "\u00ed", "\u00f3", "e", "\u00e9"], 0);
    if (z && z.at >= pV) {
      cut(z.at);
      if ((z.e === "e" || z.e === "\u00e9") && s[z.at - 1] === "u" && s[z.at - 2] === "g" && z.at - 1 >= pV) cut(z.at - 1);
    }
    return s.join("").replace(/[\u00e1\u00e9\u00ed\u00f3\u00fa]/g, function (c) {
      return { "\u00e1": "a", "\u00e9": "e", "\u00ed": "i", "\u00f3": "o", "\u00fa": "u" }[c];
    });
  };
})();
