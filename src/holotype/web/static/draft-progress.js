// The review page of a draft being read: ask its JSON twin every second for the step and the
// rows read, and reload the page once the review is ready (or the draft failed). Without
// scripts the page refreshes itself (a <noscript> refresh).
(function () {
  "use strict";
  var box = document.getElementById("draft-progress");
  if (!box || box.dataset.waiting !== "true") return;
  var url = box.dataset.poll;
  function set(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return setTimeout(poll, 2000);
        set("draft-status", d.status);
        set("draft-step", d.step || "");
        set("draft-rows", Number(d.rows_read || 0).toLocaleString("en"));
        if (d.waiting) setTimeout(poll, 1000);
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 500);
})();
