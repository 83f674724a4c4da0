"""The maps in a real Chromium: the search's Map view (fitted to the results, asking for the
search's tiles by its short link, its style switch, legend, click-through and keyboard), drawing
a polygon and a circle into the search's filters, and a record's mini map; under the portal's
Content-Security-Policy, with no console error and every /map/… request answered.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

DESKTOP = {"width": 1280, "height": 900}
HAS_POINT = {"and": [{"exists": {"geo_field": True}}]}
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


class Watched:
    """A page with its script errors, console errors, CSP violations, the /map/… requests it
    made and those answered with an error."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport=DESKTOP)
        self.page.add_init_script(WATCH)
        self.problems: list[str] = []
        self.map_requests: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))
        self.page.on("console", self._console)
        self.page.on("request", lambda r: self.map_requests.append(r.url)
                     if urlparse(r.url).path.startswith("/map/") else None)
        self.page.on("response", lambda r: self.problems.append(f"{r.status}: {r.url}")
                     if urlparse(r.url).path.startswith("/map/") and r.status >= 400 else None)

    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        self.problems.append(f"console: {msg.text} ({msg.location.get('url')})")

    def quiet(self) -> None:
        assert self.page.evaluate("window.__violations") == []
        assert self.problems == []


def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for ``condition`` (polled from here: the page's policy forbids the string
    evaluation Playwright's own polling uses)."""
    deadline = time.monotonic() + 15
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def attribute(page: Any, name: str) -> str | None:
    value: str | None = page.locator("#search-map").get_attribute(name)
    return value


def shown(page: Any) -> list[float]:
    page.locator("#search-map").scroll_into_view_if_needed()  # so the mouse can reach it
    until(lambda: bool(attribute(page, "data-shown")), "the map to be drawn")
    return [float(x) for x in page.locator("#search-map").get_attribute("data-shown").split(",")]


def mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def filters_of(url: str) -> Any:
    return json.loads(parse_qs(urlparse(url).query)["filters"][0])


def test_map_view_fits_the_results_and_asks_for_the_searchs_tiles(
        browser: Any, live_server: str, shot: Any) -> None:
    watched = Watched(browser)
    page = watched.page
    twin = page.request.get(live_server + "/search.json?q=forest&view=map").json()
    (south, west), (north, east) = twin["map"]["bounds"]
    page.goto(live_server + "/search?q=forest")
    page.get_by_role("navigation", name="Views").get_by_role("link", name="Map").click()
    page.wait_for_url(re.compile(r"view=map"))
    s, w, n, e = shown(page)
    assert s <= south and w <= west and n >= north and e >= east  # every result in view
    assert (n - s) < 3 * (north - south) + 10  # and fitted to them, not the whole world
    assert page.get_by_text("No base map on this portal").is_visible()
    page.wait_for_load_state("networkidle")
    tiles = [u for u in watched.map_requests if "/map/points/" in u]
    assert tiles, watched.map_requests
    asked = parse_qs(urlparse(tiles[0]).query)
    assert asked["key"] == [twin["map"]["key"]]
    assert re.search(r"/map/points/\d+/\d+/\d+(@2x)?\.png$", urlparse(tiles[0]).path)
    shot(page, "map-view")

    # the style switch asks for grid tiles and shows the legend of this search at this zoom
    page.get_by_label("Grid of counts").check()
    page.locator("#map-legend ul.legend li").first.wait_for()
    legend_asked = [u for u in watched.map_requests if "/map/legend.json" in u][-1]
    legend_query = parse_qs(urlparse(legend_asked).query)
    assert legend_query["style"] == ["grid"] and legend_query["key"] == asked["key"]
    assert legend_query["z"] == [page.locator("#search-map").get_attribute("data-zoom")]
    legend = page.request.get(legend_asked).json()
    assert legend["classes"]
    shown_legend = page.locator("#map-legend").inner_text()
    assert shown_legend.count(" record") == len(legend["classes"])
    top = legend["classes"][-1]
    label = str(top["min"]) if top["min"] == top["max"] else f"{top['min']}–{top['max']}"
    assert f"{label} record" in shown_legend
    page.wait_for_load_state("networkidle")
    assert any("/map/grid/" in u for u in watched.map_requests)
    shot(page, "map-view-grid")
    watched.quiet()
    page.close()


def test_clicking_the_map_lists_the_records_there(
        browser: Any, live_server: str, shot: Any) -> None:
    watched = Watched(browser)
    page = watched.page
    twin = page.request.get(live_server + "/search.json?q=forest&size=1&cols=decimalLatitude,"
                            "decimalLongitude&filters=" + json.dumps(HAS_POINT)).json()
    record = twin["records"][0]
    lat, lon = (float(record["data"][f]) for f in ("decimalLatitude", "decimalLongitude"))
    page.goto(live_server + "/search?q=forest&view=map")
    s, w, n, e = shown(page)
    box = page.locator("#search-map").bounding_box()
    x = box["x"] + (lon - w) / (e - w) * box["width"]
    y = box["y"] + (mercator(n) - mercator(lat)) / (mercator(n) - mercator(s)) * box["height"]
    page.mouse.click(x, y)
    records = page.locator("#map-records")
    records.get_by_role("link", name="Search these records").wait_for()
    asked = [u for u in watched.map_requests if "/map/records.json" in u][-1]
    answer = page.request.get(asked).json()
    assert answer["count"] >= 1
    assert record["id"] in {r["id"] for r in answer["records"]}
    count = answer["count"]
    assert f"{count} record{'s' if count > 1 else ''} here." in records.inner_text()
    assert records.locator("li").count() == len(answer["records"])
    narrowed = page.request.get(live_server + answer["search_url"].replace(
        "/search?", "/search.json?", 1)).json()
    assert narrowed["total"] == count  # the link is the search narrowed to the click
    west, south, east, north = (float(v) for v in parse_qs(urlparse(asked).query)["bbox"][0]
                                .split(","))
    span = 16 * 360 / (256 * 2 ** int(attribute(page, "data-zoom") or 0))
    assert abs(east - west - span) < 1e-3 and south < north  # 8 pixels around the click
    shot(page, "map-click-through")
    # the same from the keyboard: the button lists the records in view
    s, _, n, _ = shown(page)
    page.get_by_role("button", name="List the records in view").focus()
    page.keyboard.press("Enter")
    until(lambda: "/map/records.json" in watched.map_requests[-1]
          and watched.map_requests[-1] != asked, "the records in view")
    in_view = watched.map_requests[-1]
    west, south, east, north = (float(v) for v in parse_qs(urlparse(in_view).query)["bbox"][0]
                                .split(","))
    assert abs(south - max(s, -90)) < 1e-3 and abs(north - min(n, 90)) < 1e-3
    every = page.request.get(in_view).json()["count"]
    until(lambda: f"{every:,} record" in records.inner_text(), "the count in view")
    assert every >= count
    watched.quiet()
    page.close()


def test_the_map_pans_and_zooms_from_the_keyboard(browser: Any, live_server: str) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(live_server + "/search?q=forest&view=map")
    before = shown(page)
    zoom = int(attribute(page, "data-zoom") or 0)
    page.locator("#search-map").focus()
    page.keyboard.press("-")
    until(lambda: attribute(page, "data-zoom") == str(zoom - 1), "zooming out")
    zoomed_out = attribute(page, "data-shown")
    page.keyboard.press("ArrowRight")
    until(lambda: attribute(page, "data-shown") != zoomed_out, "panning")
    assert shown(page) != before
    # the zoom buttons and drawing controls are reachable with Tab and named
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Enter")
    until(lambda: attribute(page, "data-zoom") == str(zoom), "zooming in")
    page.get_by_role("button", name="Draw a polygon").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Cancel drawing").is_visible()
    page.keyboard.press("Escape")
    assert page.get_by_role("button", name="Cancel drawing").is_hidden()
    assert page.locator("#draw-help").inner_text() == "Drawing cancelled."
    watched.quiet()
    page.close()


def test_drawing_a_polygon_adds_it_to_the_filters(
        browser: Any, live_server: str, shot: Any) -> None:
    watched = Watched(browser)
    page = watched.page
    kenya = {"and": [{"string_equals": {"fields": ["country"], "value": "Kenya"}}]}
    page.goto(live_server + "/search?view=map&preset=everything&filters=" + json.dumps(kenya))
    shown(page)
    box = page.locator("#search-map").bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3
    corners = [(x0, y0), (x0 + 300, y0), (x0 + 250, y0 + 220)]
    page.get_by_role("button", name="Draw a polygon").click()
    for x, y in corners:
        page.mouse.click(x, y)
    shot(page, "map-drawing-polygon")
    page.mouse.click(*corners[0])  # back on the first corner: done
    page.wait_for_url(re.compile(r"geo_custom_area"))
    added = filters_of(page.url)
    assert added["and"][0] == kenya["and"][0]  # the drawing is added to the filters already set
    ((ring,),) = added["and"][1]["geo_custom_area"]
    assert len(ring) == 4 and ring[0] == ring[-1]
    (lon0, lat0), (lon1, lat1), (_, lat2) = ring[:3]
    assert lon1 > lon0 and abs(lat1 - lat0) < 1e-6 and lat2 < lat0  # east, then south
    assert "view=map" in page.url
    filters = page.get_by_role("region", name="Filters")
    assert "inside a drawn area (1 polygon, 3 corners)" in filters.inner_text()
    assert "geo_custom_area" in page.locator("#filters").input_value()
    page.locator(".builder > summary").click()  # the filter builder keeps it
    assert "geo_custom_area" in page.locator("#filter-builder").inner_text()
    shot(page, "map-drawn-polygon")
    watched.quiet()
    page.close()


def test_drawing_a_circle_adds_a_geo_point_filter(browser: Any, live_server: str) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(live_server + "/search?view=map")
    shown(page)
    box = page.locator("#search-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.get_by_role("button", name="Draw a circle").click()
    page.mouse.click(cx, cy)
    page.mouse.move(cx + 60, cy, steps=5)
    page.mouse.click(cx + 120, cy)
    page.wait_for_url(re.compile(r"geo_point"))
    (term,) = filters_of(page.url)["and"]
    point = term["geo_point"]
    assert point["radius"] > 0 and point["radius_unit"] == "km"
    assert -90 <= point["latitude"] <= 90 and -180 <= point["longitude"] <= 180
    filters = page.get_by_role("region", name="Filters").inner_text()
    assert re.search(r"within [\d.]+ km of", filters)
    watched.quiet()
    page.close()


def test_a_record_page_shows_its_point_on_a_mini_map(
        browser: Any, live_server: str, shot: Any) -> None:
    watched = Watched(browser)
    page = watched.page
    has_point = json.dumps({"and": [{"exists": {"geo_field": True}}]})
    twin = page.request.get(live_server + "/search.json?size=1&cols=decimalLatitude,"
                            "decimalLongitude&filters=" + has_point).json()
    record = twin["records"][0]
    page.goto(live_server + record["url"])
    page.locator("#record-map path.record-point").wait_for()
    caption = page.locator(".record-map figcaption").inner_text()
    assert f"latitude {float(record['data']['decimalLatitude'])}" in caption
    assert page.get_by_text("No base map on this portal").is_visible()
    page.locator(".record-map").scroll_into_view_if_needed()
    shot(page, "record-mini-map")
    watched.quiet()
    page.close()
