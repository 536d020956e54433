// The status view follows the server's events: each "status" event carries the whole /api/status JSON, and every
// element marked data-bind (a path into it) is rewritten; data-show blocks are shown when their path is true
// ("!path": false). Without JavaScript the page is complete and reloads itself (a <noscript> refresh).
"use strict";
(function () {
  function get(obj, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? undefined : o[k]; }, obj);
  }
  function bytes(n) {
    if (n == null) return "unknown";
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }
  function duration(s) {
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min";
    if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor(s % 3600 / 60) + " min";
    return Math.floor(s / 86400) + " d " + Math.floor(s % 86400 / 3600) + " h";
  }
  var countdown = null;
  function apply(status) {
    document.querySelectorAll("[data-bind]").forEach(function (el) {
      var v = get(status, el.getAttribute("data-bind"));
      var f = el.getAttribute("data-format");
      el.textContent = f === "bytes" ? bytes(v) : f === "duration" ? duration(v) : v == null ? "" : String(v);
    });
    document.querySelectorAll("[data-show]").forEach(function (el) {
      var p = el.getAttribute("data-show"), neg = p.charAt(0) === "!";
      var v = !!get(status, neg ? p.slice(1) : p);
      el.hidden = neg ? v : !v;
    });
    // The window's seconds count down between events; the server's next event corrects them.
    if (countdown) clearInterval(countdown);
    countdown = null;
    if (status.pairing && status.pairing.open) {
      var left = status.pairing.secondsLeft;
      countdown = setInterval(function () {
        left = Math.max(0, left - 1);
        document.querySelectorAll("[data-format=countdown]").forEach(function (el) { el.textContent = String(left); });
        if (left === 0) { clearInterval(countdown); countdown = null; }
      }, 1000);
    }
    document.documentElement.setAttribute("data-status-version", String((+document.documentElement.getAttribute("data-status-version") || 0) + 1));
  }
  if (!window.EventSource) return;
  var source = new EventSource("/api/events");
  source.addEventListener("status", function (e) { apply(JSON.parse(e.data)); });
})();
