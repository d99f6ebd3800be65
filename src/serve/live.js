// Injected by `glia serve` only: reloads the page after a rebuild and shows build errors.
(function () {
  "use strict";
  var script = document.currentScript;
  var loaded = script ? script.getAttribute("data-generation") : null;
  function overlay(html) {
    var old = document.getElementById("glia-overlay");
    if (old) old.parentNode.removeChild(old);
    if (!html) return;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    if (holder.firstElementChild) document.body.appendChild(holder.firstElementChild);
  }
  var events = new EventSource("/__glia/events");
  events.onmessage = function (e) {
    var s = JSON.parse(e.data);
    if (s.overlay) {
      // The build is broken: keep showing this (last good) page, with the errors on top.
      overlay(s.overlay);
    } else if (loaded !== null && String(s.generation) !== loaded) {
      location.reload();
    } else {
      overlay("");
    }
  };
})();
