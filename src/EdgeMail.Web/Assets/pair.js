// /pair without a window follows the box and reloads when a window opens; the form counts its seconds down; the
// answer says when its phone link was used. Without JavaScript each page is complete.
"use strict";
(function () {
  var wait = document.querySelector("[data-pairing-wait]");
  if (wait && window.EventSource) {
    var source = new EventSource("/api/events");
    source.addEventListener("status", function (e) {
      if (JSON.parse(e.data).pairing.open) { source.close(); location.reload(); }
    });
  }
  var countdown = document.querySelector("[data-countdown]");
  if (countdown) {
    var left = +countdown.getAttribute("data-countdown");
    var timer = setInterval(function () {
      left = Math.max(0, left - 1);
      countdown.textContent = String(left);
      if (left === 0) clearInterval(timer);
    }, 1000);
  }
  var state = document.getElementById("phone-link-state");
  if (state) {
    var poll = setInterval(function () {
      fetch(state.getAttribute("data-state-url"), { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
        if (s.state === "used") { state.textContent = "The phone has its password: the code was used."; state.className = "ok"; clearInterval(poll); }
        else if (s.state === "expired") { state.textContent = "The code has expired with the pairing window."; clearInterval(poll); }
      });
    }, 2000);
  }
})();
