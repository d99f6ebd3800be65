/* glia colour-scheme toggle and print button. Without a choice the page follows prefers-color-scheme; the
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
    function show() {
      label.textContent = current() === "dark" ? "Use light theme" : "Use dark theme";
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
})();
