/* A record's images in deep zoom, drawn with OpenSeadragon from the record's IIIF manifest:
 * each canvas's image service (its info.json), a thumbnail strip to change image, and a
 * drawer's hotspots (the manifest's "linking" annotations) as outlines that lead to the
 * specimens' records. OpenSeadragon gives full screen, keyboard (arrows, + and -, 0) and
 * touch (drag, pinch) navigation. A large image the portal is still converting (info.json
 * answers 503 with Retry-After) is announced as being prepared and asked for again after the
 * time given, a bounded number of times, then opened. */
(function () {
  "use strict";
  var OSD = window.OpenSeadragon;
  var box = document.getElementById("iiif-viewer");
  if (!OSD || !box) return;
  var status = document.getElementById("viewer-status");
  var buttons = Array.prototype.slice.call(box.querySelectorAll(".viewer-strip button"));
  var canvases = [];
  var current = 0;
  var MAX_WAITS = 60;  // asks for an image being prepared before giving up
  var waiting = null;  // the timer of the next ask, while an image is being prepared

  function say(text) { status.textContent = text; }

  /* Addresses on this portal are used by their path: the page may only fetch from itself. */
  function local(address) {
    var url = new URL(address, window.location.href);
    return url.origin === window.location.origin ? url.pathname + url.search : null;
  }

  function text(label) {
    if (!label) return "";
    var values = label.en || label.none || label[Object.keys(label)[0]] || [];
    return values.join(" ");
  }

  function hotspots(canvas) {
    var found = [];
    (canvas.annotations || []).forEach(function (page) {
      (page.items || []).forEach(function (annotation) {
        var target = typeof annotation.target === "string" ? annotation.target : "";
        var m = /#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(target);
        var body = annotation.body || {};
        var href = body.id ? local(body.id) : null;
        if (annotation.motivation !== "linking" || !m || !href) return;
        found.push({ x: +m[1], y: +m[2], w: +m[3], h: +m[4], href: href,
          label: text(body.label) || "Specimen" });
      });
    });
    return found;
  }

  function read(manifest) {
    return (manifest.items || []).map(function (canvas) {
      var painting = ((canvas.items || [])[0] || {}).items || [];
      var body = (painting[0] || {}).body || {};
      var service = (body.service || [])[0] || {};
      return { info: service.id ? local(service.id + "/info.json") : null,
        width: canvas.width, label: text(canvas.label), spots: hotspots(canvas) };
    }).filter(function (canvas) { return canvas.info; });
  }

  /* OpenSeadragon adds an inline <style> (hiding the focus outline on touch screens) unless
   * the page has one: the Content-Security-Policy would block it, and the portal keeps its
   * focus outlines, so while the viewer is made the page answers that it has one. */
  var STYLE = "style[data-openseadragon-mobile-css]";
  var find = document.querySelector;
  document.querySelector = function (selector) {
    return selector === STYLE ? document.head : find.call(document, selector);
  };
  var viewer;
  try {
    viewer = OSD({
      element: document.getElementById("deep-zoom"),
      prefixUrl: box.dataset.images,
      showNavigator: true,
      navigatorPosition: "BOTTOM_RIGHT",
      visibilityRatio: 0.5,
      maxZoomPixelRatio: 2,  // a specimen may be looked at closer than one image pixel
      gestureSettingsTouch: { pinchRotate: false, flickEnabled: true },
    });
  } finally {
    delete document.querySelector;
  }

  /* Hotspots are in the canvas's coordinates: scaled to the image's pixels as info.json
   * gives them (the same when the canvas is as big as the image). */
  function outline(spot, scale) {
    var link = document.createElement("a");
    link.className = "hotspot";
    link.href = spot.href;
    link.title = spot.label;
    link.setAttribute("aria-label", spot.label);
    viewer.addOverlay({ element: link, location: viewer.viewport.imageToViewportRectangle(
      spot.x * scale, spot.y * scale, spot.w * scale, spot.h * scale) });
    new OSD.MouseTracker({ element: link, clickHandler: function (event) {
      if (event.quick) window.location.href = link.href;
    } });
  }

  viewer.addHandler("open", function () {
    var canvas = canvases[current];
    var item = viewer.world.getItemAt(0);
    var scale = item && canvas.width ? item.source.dimensions.x / canvas.width : 1;
    canvas.spots.forEach(function (spot) { outline(spot, scale); });
    box.dataset.opened = String(current);
    box.dataset.hotspots = String(canvas.spots.length);
    say("Image " + (current + 1) + " of " + canvases.length +
      (canvas.label ? ": " + canvas.label : "") +
      (canvas.spots.length ? ". " + canvas.spots.length + " specimens are outlined; " +
        "choose one to open its record." : "."));
  });
  viewer.addHandler("open-failed", failed);

  function failed() {
    box.dataset.opened = "failed";
    say("This image could not be loaded just now. Try again later.");
  }

  /* Opens the image once its info.json is there; while the portal prepares it (503), says so
   * and asks again after Retry-After seconds. */
  function load(index, waits) {
    fetch(canvases[index].info, { headers: { Accept: "application/ld+json" } })
      .then(function (response) {
        if (index !== current) return;  // another image was chosen meanwhile
        if (response.status === 503 && waits < MAX_WAITS) {
          var seconds = parseInt(response.headers.get("Retry-After") || "", 10);
          box.dataset.opened = "preparing";
          say("This image is being prepared; it will appear shortly.");
          waiting = window.setTimeout(function () { load(index, waits + 1); },
            1000 * Math.min(Math.max(seconds || 2, 1), 60));
        } else if (response.ok) {
          viewer.open(canvases[index].info);
        } else {
          failed();
        }
      })
      .catch(function () { if (index === current) failed(); });
  }

  function show(index) {
    current = index;
    window.clearTimeout(waiting);
    buttons.forEach(function (button, i) {
      button.setAttribute("aria-pressed", i === index ? "true" : "false");
    });
    load(index, 0);
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () { show(+button.dataset.index); });
  });

  fetch(box.dataset.manifest, { headers: { Accept: "application/ld+json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("manifest " + response.status);
      return response.json();
    })
    .then(function (manifest) {
      canvases = read(manifest);
      if (canvases.length) show(0);
      else say("This record has no image the portal can show.");
    })
    .catch(function () {
      box.dataset.opened = "failed";
      say("The images could not be loaded just now. Try again later.");
    });
})();
