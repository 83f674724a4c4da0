/* The portal's maps, drawn with Leaflet: a record's mini map, and the search's Map view (record
 * tiles of the search, its legend, the records under a click, and drawing an area to filter by).
 * Tiles, legend and click-through come from /map/… with the search's short link as `key`. */
(function () {
  "use strict";
  var L = window.L;
  if (!L) return;

  function newMap(el, options) {
    var map = L.map(el, Object.assign({ attributionControl: false, worldCopyJump: true }, options));
    if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
    return map;
  }

  function element(tag, text, attrs) {
    var el = document.createElement(tag);
    if (text) el.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function round(x, places) {
    var f = Math.pow(10, places);
    return Math.round(x * f) / f;
  }

  /* ---- a record's mini map: its point on the base map ---- */
  var mini = document.getElementById("record-map");
  if (mini) {
    var at = [parseFloat(mini.dataset.lat), parseFloat(mini.dataset.lon)];
    var still = { zoomControl: false, keyboard: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, touchZoom: false };
    var small = newMap(mini, still).setView(at, 5);
    L.circleMarker(at, { radius: 7, color: "#ffffff", weight: 2, fillColor: "#b3261e",
      fillOpacity: 1, interactive: false, className: "record-point" }).addTo(small);
  }

  /* ---- the search's Map view ---- */
  var view = document.getElementById("map-view");
  if (!view) return;
  var key = view.dataset.key, version = view.dataset.version, pins = view.dataset.pins;
  var empty = view.dataset.empty === "true"; /* no resource searched: nothing to draw */
  var mapEl = document.getElementById("search-map");
  var map = newMap(mapEl, {});
  /* what the map shows, on the element (south,west,north,east and zoom): for scripts and tests */
  map.on("moveend", function () {
    var b = map.getBounds();
    mapEl.dataset.shown = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]
      .map(function (x) { return round(x, 6); }).join(",");
    mapEl.dataset.zoom = String(map.getZoom());
  });
  var bounds = view.dataset.bounds ? JSON.parse(view.dataset.bounds) : null;
  if (bounds) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 10 });
  else map.setView([20, 0], 2);

  function query(extra) {
    var params = new URLSearchParams();
    if (key) params.set("key", key);
    if (version) params.set("version", version);
    if (pins) params.set("pins", pins);
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function getJSON(path, extra) {
    return fetch(path + query(extra), { headers: { Accept: "application/json" } })
      .then(function (answer) {
        if (!answer.ok) throw new Error("HTTP " + answer.status);
        return answer.json();
      });
  }

  /* record tiles in the chosen style; a tile that fails leaves the map usable and says so */
  var style = "points", records = null;
  var tilesNote = document.getElementById("map-tiles-note");
  function showStyle() {
    if (records) map.removeLayer(records);
    if (empty) return;
    records = L.tileLayer("/map/" + style + "/{z}/{x}/{y}{r}.png" + query(), { maxZoom: 19 });
    records.on("tileerror", function () { tilesNote.hidden = false; });
    records.addTo(map);
    showLegend();
  }

  var legendBox = document.getElementById("map-legend");
  function showLegend() {
    legendBox.replaceChildren();
    if (style === "points") {
      legendBox.appendChild(element("p", "Each dot is one or more records at that place.",
        { class: "muted" }));
      return;
    }
    getJSON("/map/legend.json", { style: style, z: String(map.getZoom()) }).then(function (data) {
      var classes = Array.isArray(data) ? data : (data.classes || []);
      var list = element("ul", "", { class: "legend" });
      classes.forEach(function (c) {
        var item = element("li");
        var swatch = element("span", "", { class: "swatch", "aria-hidden": "true" });
        swatch.style.backgroundColor = c.colour || c.color || "transparent";
        var label = c.label || (c.max == null ? c.min + " or more" :
          c.min === c.max ? String(c.min) : c.min + "–" + c.max);
        item.append(swatch, element("span", label + (label === "1" ? " record" : " records")));
        list.appendChild(item);
      });
      legendBox.replaceChildren(element("p", data.title || "Records per cell"), list);
    }).catch(function (err) {
      legendBox.replaceChildren(element("p", "The legend is not available just now (" +
        err.message + ").", { class: "muted" }));
    });
  }

  view.querySelectorAll('input[name="map-style"]').forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.checked) { style = input.value; showStyle(); }
    });
  });
  map.on("zoomend", function () { if (style !== "points") showLegend(); });

  /* the records under a click, or in view */
  var recordsBox = document.getElementById("map-records");
  function bbox(southWest, northEast) {
    var clamp = function (x, lo, hi) { return Math.min(hi, Math.max(lo, x)); };
    return [clamp(southWest.lng, -180, 180), clamp(southWest.lat, -90, 90),
      clamp(northEast.lng, -180, 180), clamp(northEast.lat, -90, 90)]
      .map(function (x) { return round(x, 6); }).join(",");
  }
  function listRecords(box) {
    if (empty) {
      recordsBox.replaceChildren(element("p", "This search reads no records, so none are here."));
      return;
    }
    recordsBox.replaceChildren(element("p", "Looking up the records here…", { class: "muted" }));
    getJSON("/map/records.json", { bbox: box }).then(function (data) {
      var n = data.count || 0;
      var parts = [element("p", n.toLocaleString("en") + " record" + (n === 1 ? "" : "s") + " here.")];
      if (data.records && data.records.length) {
        var list = element("ul", "", { class: "map-record-list" });
        data.records.forEach(function (r) {
          var item = element("li");
          item.appendChild(element("a", r.title || r.id, { href: r.url }));
          list.appendChild(item);
        });
        parts.push(list);
      }
      if (data.search_url && n) {
        var more = element("p");
        more.appendChild(element("a", "Search these records", { href: data.search_url }));
        parts.push(more);
      }
      recordsBox.replaceChildren.apply(recordsBox, parts);
    }).catch(function (err) {
      recordsBox.replaceChildren(element("p", "The records here could not be listed just now (" +
        err.message + ").", { class: "muted" }));
    });
  }
  map.on("click", function (e) {
    if (drawing) return;
    var p = map.latLngToContainerPoint(e.latlng), r = 8;
    var sw = map.containerPointToLatLng([p.x - r, p.y + r]).wrap();
    var ne = map.containerPointToLatLng([p.x + r, p.y - r]).wrap();
    listRecords(bbox(sw, ne));
  });
  document.getElementById("map-list-view").addEventListener("click", function () {
    var b = map.getBounds();
    listRecords(bbox(b.getSouthWest(), b.getNorthEast()));
  });

  /* drawing an area: a polygon becomes geo_custom_area, a circle geo_point, added to filters */
  var drawing = false;
  var help = document.getElementById("draw-help");
  var cancel = document.getElementById("draw-cancel");
  function stopDrawing(message) {
    if (map.pm) map.pm.disableDraw();
    drawing = false;
    cancel.hidden = true;
    help.textContent = message || "";
  }
  function startDrawing(shape) {
    if (!map.pm) { help.textContent = "Drawing is not available on this page."; return; }
    map.pm.disableDraw();
    map.pm.enableDraw(shape, { snappable: false, tooltips: false, continueDrawing: false });
    drawing = true;
    cancel.hidden = false;
    help.textContent = shape === "Polygon"
      ? "Click the map at each corner; click the first corner again to finish. Escape cancels."
      : "Click the map at the centre, then click again at the edge. Escape cancels.";
  }
  document.getElementById("draw-polygon").addEventListener("click", function () { startDrawing("Polygon"); });
  document.getElementById("draw-circle").addEventListener("click", function () { startDrawing("Circle"); });
  cancel.addEventListener("click", function () { stopDrawing("Drawing cancelled."); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && drawing) stopDrawing("Drawing cancelled.");
  });

  function addTerm(filters, term) {  /* as search_url.add_term on the server */
    var same = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
    if (!filters) return { and: [term] };
    var keys = Object.keys(filters);
    if (keys.length === 1 && keys[0] === "and" && Array.isArray(filters.and)) {
      if (filters.and.some(function (m) { return same(m, term); })) return filters;
      return { and: filters.and.concat([term]) };
    }
    return { and: [filters, term] };
  }
  function areaTerm(shape, layer) {
    if (shape === "Circle") {
      var c = layer.getLatLng().wrap();
      return { geo_point: { latitude: round(c.lat, 6), longitude: round(c.lng, 6),
        radius: round(layer.getRadius() / 1000, 3), radius_unit: "km" } };
    }
    var ring = layer.getLatLngs()[0].map(function (ll) {
      var w = ll.wrap();
      return [round(w.lng, 6), round(w.lat, 6)];
    });
    ring.push(ring[0].slice());
    return { geo_custom_area: [[ring]] };
  }
  map.on("pm:create", function (e) {
    var term = areaTerm(e.shape, e.layer);
    stopDrawing("Filtering by the area drawn…");
    var filters = view.dataset.filters ? JSON.parse(view.dataset.filters) : null;
    var url = new URL(view.dataset.searchUrl, window.location.href);
    url.searchParams.set("filters", JSON.stringify(addTerm(filters, term)));
    url.searchParams.delete("after");
    window.location.assign(url.pathname + url.search);
  });

  showStyle();
})();
