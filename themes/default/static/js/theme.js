/* glia colour-scheme toggle. Without a choice the page follows prefers-color-scheme; the
   button sets data-theme on <html> and remembers it in localStorage when that is allowed
   (an inline script in <head> applies it before the first paint). */
(function () {
  "use strict";
  var html = document.documentElement, KEY = "glia-theme";
  var button = document.querySelector(".theme-toggle");
  if (!button) return;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function current() {
    var t = html.getAttribute("data-theme");
    if (t === "light" || t === "dark") return t;
    return media && media.matches ? "dark" : "light";
  }
  function show() {
    button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
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
})();
