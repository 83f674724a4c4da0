// The error report form: "Report another field" adds a row in place (without the script, the
// link reloads the form with one more row).
(function () {
  "use strict";
  var link = document.getElementById("report-add-row");
  var rows = document.getElementById("report-rows");
  if (!link || !rows) { return; }
  var max = parseInt(link.getAttribute("data-max"), 10) || 20;
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var all = rows.querySelectorAll(".report-row");
    var copy = all[0].cloneNode(true);
    var n = all.length + 1;
    copy.querySelectorAll("select, input").forEach(function (input) {
      var id = input.id.replace(/-\d+$/, "-" + n);
      var label = copy.querySelector('label[for="' + input.id + '"]');
      if (label) { label.setAttribute("for", id); }
      input.id = id;
      input.removeAttribute("required");
      if (input.tagName === "SELECT") { input.selectedIndex = 0; } else { input.value = ""; }
    });
    rows.appendChild(copy);
    copy.querySelector("select").focus();
    if (n >= max) { link.parentNode.removeChild(link); }
  });
}());
