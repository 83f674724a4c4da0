// The filter builder: edits the search form's `filters` JSON (an NHM v1.0.0 group) as nested
// "all of / any of / none of" groups of conditions, in plain words. The JSON box stays under
// the closed "Advanced" toggle; without JavaScript it and the "Add a filter" form still work.
(function () {
  "use strict";
  var box = document.getElementById("filter-builder");
  var text = document.getElementById("filters");
  if (!box || !text) return;
  var counter = 0;
  var advanced = text.closest("details");
  var noScript = document.querySelector(".fb-nojs");
  if (noScript) noScript.hidden = true;
  var KINDS = [
    ["string_equals", "is exactly"],
    ["string_contains", "contains the words"],
    ["number_range", "is a number between"],
    ["exists", "has a value"],
    ["geo_point", "is within km of a point"]
  ];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  function labelled(labelText, input) {
    var id = "fb-" + (++counter);
    input.id = id;
    return el("span", { "class": "fb-field" }, [el("label", { "for": id, text: labelText }), input]);
  }

  function button(label, onClick) {
    var b = el("button", { type: "button", "class": "fb-button", text: label });
    b.addEventListener("click", function () { onClick(); render(); });
    return b;
  }

  function newTerm() { return { string_equals: { fields: [""], value: "" } }; }

  function isGroup(node) {
    var k = Object.keys(node || {})[0];
    return k === "and" || k === "or" || k === "not";
  }

  function termEditor(node, onRemove) {
    var kind = Object.keys(node)[0];
    var body = node[kind];
    var known = KINDS.some(function (k) { return k[0] === kind; });
    if (!known || typeof body !== "object" || body === null) {
      // A term this editor has no form for (e.g. geo_named_area): kept as written.
      return el("div", { "class": "fb-term", role: "group", "aria-label": "Condition" }, [
        el("span", { "class": "fb-raw", text: "A condition written as JSON (edit it under Advanced): " }),
        el("code", { text: JSON.stringify(node) }),
        button("Remove", onRemove)
      ]);
    }
    var row = el("div", { "class": "fb-term", role: "group", "aria-label": "Condition" });
    var field = el("input", { list: "field-names", value: (body.fields || [""])[0] || "",
                              placeholder: "e.g. scientificName", autocomplete: "off" });
    field.addEventListener("input", function () { body.fields = [field.value]; save(); });
    if (kind !== "geo_point") row.appendChild(labelled("Field", field));
    var select = el("select");
    KINDS.forEach(function (k) {
      var o = el("option", { value: k[0], text: k[1] });
      if (k[0] === kind) o.selected = true;
      select.appendChild(o);
    });
    select.addEventListener("change", function () {
      var f = (body.fields || [""])[0] || "";
      delete node[kind];
      var k = select.value;
      if (k === "string_equals" || k === "string_contains") node[k] = { fields: [f], value: "" };
      else if (k === "number_range") node[k] = { fields: [f] };
      else if (k === "exists") node[k] = { fields: [f] };
      else node[k] = { latitude: 0, longitude: 0, radius: 10, radius_unit: "km" };
      render();
    });
    row.appendChild(labelled("Condition", select));
    function number(label, key) {
      var input = el("input", { type: "number", step: "any", value: body[key] === undefined ? "" : body[key] });
      input.addEventListener("input", function () {
        if (input.value === "") delete body[key]; else body[key] = Number(input.value);
        save();
      });
      row.appendChild(labelled(label, input));
    }
    if (kind === "string_equals" || kind === "string_contains") {
      var value = el("input", { value: body.value || "" });
      value.addEventListener("input", function () { body.value = value.value; save(); });
      row.appendChild(labelled("Value", value));
    } else if (kind === "number_range") {
      number("From", "greater_than");
      number("To", "less_than");
    } else if (kind === "geo_point") {
      number("Latitude", "latitude");
      number("Longitude", "longitude");
      number("Radius (km)", "radius");
    }
    row.appendChild(button("Remove", onRemove));
    return row;
  }

  function groupEditor(node, onRemove) {
    var op = Object.keys(node)[0];
    var members = node[op];
    var wrap = el("fieldset", { "class": "fb-group" });
    var select = el("select");
    [["and", "all of these conditions"], ["or", "any of these conditions"],
      ["not", "none of these conditions"]]
      .forEach(function (o) {
        var opt = el("option", { value: o[0], text: o[1] });
        if (o[0] === op) opt.selected = true;
        select.appendChild(opt);
      });
    select.addEventListener("change", function () {
      delete node[op];
      node[select.value] = members;
      render();
    });
    wrap.appendChild(el("legend", {}, [labelled("Show records that match", select)]));
    members.forEach(function (m, i) {
      var remove = function () { members.splice(i, 1); };
      wrap.appendChild(isGroup(m) ? groupEditor(m, remove) : termEditor(m, remove));
    });
    var tools = el("div", { "class": "fb-tools" }, [
      button("Add condition", function () { members.push(newTerm()); }),
      button("Add group", function () { members.push({ or: [newTerm(), newTerm()] }); })
    ]);
    if (onRemove) tools.appendChild(button("Remove group", onRemove));
    if (!members.length) {
      wrap.appendChild(el("p", { "class": "fb-empty muted",
        text: "No conditions yet: press \u201cAdd condition\u201d." }));
    }
    wrap.appendChild(tools);
    return wrap;
  }

  // The group the builder edits, read from the JSON box; null when the box holds something
  // the builder cannot show (e.g. JSON still being typed), which is then sent as written.
  function read() {
    var value;
    try { value = text.value.trim() ? JSON.parse(text.value) : { and: [] }; }
    catch (e) { return null; }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    if (!isGroup(value)) value = { and: [value] };
    var op = Object.keys(value)[0];
    return Array.isArray(value[op]) ? value : null;
  }

  var root = read();
  if (!root) { // leave hand-written JSON alone, and show it: the builder cannot
    if (advanced) advanced.open = true;
    return;
  }

  // A condition still without a field is dropped rather than sent.
  function clean(node) {
    var op = Object.keys(node)[0];
    if (!isGroup(node)) {
      var body = node[op];
      if (body && Array.isArray(body.fields) &&
          !body.fields.some(function (f) { return String(f).trim() !== ""; })) return null;
      return node;
    }
    var members = node[op].map(clean).filter(function (m) { return m !== null; });
    if (!members.length) return null;
    var out = {}; out[op] = members; return out;
  }

  var typed = false; // the box was edited by hand since the builder last wrote it

  function save() {
    var c = clean(JSON.parse(JSON.stringify(root)));
    text.value = c ? JSON.stringify(c) : "";
    typed = false;
  }

  function draw() {
    box.textContent = "";
    box.appendChild(groupEditor(root, null));
  }

  function render() {
    draw();
    save();
  }

  // Typing in the JSON box: the builder follows when it can read the JSON; either way the
  // box, not the builder, is what the form sends.
  text.addEventListener("input", function () {
    var found = read();
    typed = true;
    if (found) { root = found; draw(); }
  });
  text.closest("form").addEventListener("submit", function () { if (!typed) save(); });
  render();
})();
