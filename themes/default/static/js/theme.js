/* glia theme behaviour: the colour-scheme toggle, the print button, and glossary definitions
   on a tap.

   Colour scheme. Without a choice the page follows prefers-color-scheme; the
   button sets data-theme on <html> and remembers it in localStorage when that is allowed.
   Loaded (not deferred) in <head>, so the remembered choice applies before the first paint;
   the button is wired once the document is parsed. A file, not an inline script, so the
   theme's Content-Security-Policy can forbid inline scripts. */
(function () {
  "use strict";
  var html = document.documentElement, KEY = "glia-theme";
  try {
    var saved = localStorage.getItem(KEY);
    if (saved === "light" || saved === "dark") html.setAttribute("data-theme", saved);
  } catch (e) { /* storage off: follow the system scheme */ }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
  glossary();
  function wire() {
    wirePrint();
    wireToggle();
  }
  /* "Print this page" buttons start hidden: without this script they could do nothing. */
  function wirePrint() {
    var buttons = document.querySelectorAll(".print-button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () { window.print(); });
      buttons[i].hidden = false;
    }
  }
  function wireToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    function current() {
      var t = html.getAttribute("data-theme");
      if (t === "light" || t === "dark") return t;
      return media && media.matches ? "dark" : "light";
    }
    var label = button.querySelector(".theme-toggle-label") || button;
    /* The label says what a click does ("Use light theme" while dark): a fixed "Dark theme"
       read as the current scheme to readers already in it. Not aria-pressed too: a toggle
       button's name must not change with its state. */
    /* In the page's language: <html data-i18n> holds the theme's strings where they are not
       the English below (src/i18n). */
    var ui = {};
    try { ui = JSON.parse(html.getAttribute("data-i18n") || "{}"); } catch (e) { /* English */ }
    function show() {
      label.textContent = current() === "dark" ? ui["theme.use_light"] || "Use light theme"
        : ui["theme.use_dark"] || "Use dark theme";
    }
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      html.setAttribute("data-theme", next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* storage off: this page only */ }
      show();
    });
    if (media && media.addEventListener) media.addEventListener("change", show);
    button.hidden = false;
    show();
  }
  /* Glossary terms (<span class="gloss"><a class="gloss-term" aria-describedby> + the
     tooltip). Hover and focus show the definition with CSS alone; a phone has neither, so a
     tap on a term shows its definition in place and a second tap on it follows the link to
     the term's page (the first tap alone, without JavaScript). A tap elsewhere closes it.
     Escape hides whatever definition is showing, even under the pointer or focus, until the
     pointer leaves or focus moves (WCAG 1.4.13: dismissible). Listeners on the document, so
     they work before the body is parsed. */
  function glossary() {
    var touch = false;
    function wrapper(el) {
      return el && el.closest ? el.closest(".gloss") : null;
    }
    function closeAll(except) {
      Array.prototype.forEach.call(document.querySelectorAll(".gloss-open"), function (g) {
        if (g !== except) g.classList.remove("gloss-open");
      });
    }
    document.addEventListener("pointerdown", function (e) {
      touch = e.pointerType === "touch" || e.pointerType === "pen";
    }, true);
    document.addEventListener("click", function (e) {
      var g = wrapper(e.target), term = g && e.target.closest(".gloss-term");
      closeAll(g);
      if (!term || !touch || !term.hasAttribute("aria-describedby")) return;
      if (g.classList.contains("gloss-open") && !g.classList.contains("gloss-hide")) return;
      e.preventDefault();
      g.classList.remove("gloss-hide");
      g.classList.add("gloss-open");
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      Array.prototype.forEach.call(document.querySelectorAll(".gloss-open, .gloss:hover, .gloss:focus-within"), function (g) {
        g.classList.remove("gloss-open");
        g.classList.add("gloss-hide");
      });
    });
    function unhide(e) {
      var g = wrapper(e.target);
      if (g && !g.contains(e.relatedTarget)) g.classList.remove("gloss-hide");
    }
    document.addEventListener("mouseout", unhide);
    document.addEventListener("focusout", unhide);
  }
})();
