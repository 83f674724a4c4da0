// Statistics figures: each <figure class="stat"> holds its Vega-Lite spec in a JSON block;
// draw it with vega-embed, through Vega's expression interpreter (the CSP forbids eval) and
// without vega-embed's injected styles. Once drawn, the figure's table is hidden from sight
// (never from screen readers) and a button shows it again. Clicking a bar follows its href:
// the search that counts it.
(function () {
  "use strict";

  function tableToggle(figure) {
    var table = figure.querySelector(".stat-table");
    if (!table) return;
    table.classList.add("visually-hidden");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "stat-toggle";
    button.setAttribute("aria-controls", table.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = "Show the table";
    button.addEventListener("click", function () {
      var hidden = table.classList.toggle("visually-hidden");
      button.setAttribute("aria-expanded", hidden ? "false" : "true");
      button.textContent = hidden ? "Show the table" : "Hide the table";
    });
    table.parentNode.insertBefore(button, table);
  }

  function draw(figure) {
    var block = figure.querySelector(".stat-spec");
    var target = figure.querySelector(".stat-chart");
    if (!block || !target || !window.vegaEmbed || !window.vega || !vega.expressionInterpreter) {
      return;
    }
    var spec = JSON.parse(block.textContent);
    vegaEmbed(target, spec, {
      renderer: "svg", actions: false, defaultStyle: false, tooltip: false,
      ast: true, expr: vega.expressionInterpreter
    }).then(function () {
      var svg = target.querySelector("svg");
      if (svg && spec.description) {
        svg.setAttribute("aria-label", spec.title + ": " + spec.description);
      }
      figure.classList.add("stat-drawn");
      tableToggle(figure);
    }).catch(function (error) {
      target.textContent = "The chart could not be drawn; the table below has its data.";
      if (window.console) console.error(error);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.stat"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
