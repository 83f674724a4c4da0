// Local times: each <time class="local" datetime="…Z"> arrives with its UTC text (what readers
// without JavaScript see); this rewrites it in the reader's time zone and language, with the
// zone's name, e.g. "5 Dec 2026, 20:59:03 GMT+1". The hover (title) keeps the exact version and
// the UTC time, and links keep version=<milliseconds> exactly.
(function () {
  "use strict";
  if (typeof Intl === "undefined" || !Intl.DateTimeFormat) return;
  var format;
  try {
    format = new Intl.DateTimeFormat(undefined, {
      day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short"
    });
  } catch (e) {
    return;
  }
  var times = document.querySelectorAll("time.local[datetime]");
  for (var i = 0; i < times.length; i++) {
    var node = times[i];
    var moment = new Date(node.getAttribute("datetime"));
    if (isNaN(moment.getTime())) continue;
    if (!node.title) node.title = node.textContent;
    node.textContent = format.format(moment);
  }
})();
