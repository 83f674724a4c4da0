// The Cite menu (templates/_cite.html): shows the copy buttons, lets the reader choose one
// format at a time, and copies a citation's text to the clipboard, saying so in the menu's
// status line ("Copied"). Without the Clipboard API (older browsers, pages not served over
// HTTPS) it selects the text and asks the browser to copy it, or leaves it selected for Ctrl+C.
(function () {
  "use strict";

  function say(box, text) {
    var status = box.querySelector(".copy-status");
    if (status) status.textContent = text;
  }

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fallback(box, node, label) {
    select(node);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (e) {
      copied = false;
    }
    say(box, copied ? "Copied the " + label + "." : "Selected the " + label + ": press Ctrl+C (or ⌘C) to copy it.");
  }

  function copy(box, button) {
    var node = document.getElementById(button.getAttribute("data-copy"));
    if (!node) return;
    var label = button.getAttribute("data-label") || "citation";
    var text = node.textContent;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        say(box, "Copied the " + label + ".");
      }, function () {
        fallback(box, node, label);
      });
    } else {
      fallback(box, node, label);
    }
  }

  function choose(box, name) {
    var formats = box.querySelectorAll(".cite-format");
    for (var i = 0; i < formats.length; i++) {
      formats[i].hidden = formats[i].getAttribute("data-format") !== name;
    }
  }

  var boxes = document.querySelectorAll("[data-cite]");
  for (var i = 0; i < boxes.length; i++) {
    (function (box) {
      var buttons = box.querySelectorAll("button.copy");
      for (var j = 0; j < buttons.length; j++) {
        buttons[j].hidden = false;
        buttons[j].addEventListener("click", function (event) {
          copy(box, event.currentTarget);
        });
      }
      var chooser = box.querySelector("[data-cite-choose]");
      if (chooser) {
        box.querySelector(".cite-choose").hidden = false;
        chooser.addEventListener("change", function () { choose(box, chooser.value); });
        choose(box, chooser.value);
      }
    })(boxes[i]);
  }
})();
