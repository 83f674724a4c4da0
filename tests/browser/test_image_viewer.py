"""Record pages zoom into their images (OpenSeadragon from the record's IIIF manifest), with a
thumbnail strip, full screen, keyboard navigation and a drawer's hotspots as links; the search
gallery shows the image server's thumbnails. Everything runs under the Content-Security-Policy,
against the portal's own image server (/iiif/3) on real stored files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from holotype.config import load_settings
from holotype.services.context import Portal
from holotype.services.iiif import converter
from tests.browser.test_accessibility import AXE, FAILING, RUN_AXE, WCAG, _readable
from tests.browser.test_content_security_policy import WATCH, watched
from tests.fixtures.iiif_site import IIIFSite, add_iiif_datasets
from tests.fixtures.site import AREAS, LiveServer, make_site

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def iiif_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, IIIFSite]]:
    folder = tmp_path_factory.mktemp("iiif-browser")
    # no allowed host: the web images cannot be fetched here, so they are not shown
    settings = make_site(folder / "site", records=20, rate_limit_per_minute=0)
    site = add_iiif_datasets(settings, folder, files=True)
    with LiveServer(site.settings) as server:
        yield server.url, site


def _page(browser: Any) -> tuple[Any, list[str]]:
    return watched(browser, DESKTOP)


def _accessible(page: Any) -> None:
    """axe-core's WCAG 2 A/AA rules find nothing serious on the page as it is now."""
    page.evaluate(AXE.read_text() + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, _readable(failing)


def _record(url: str, site: IIIFSite, record: str) -> str:
    return f"{url}/record/{site.resource}/{quote(record, safe='')}"


def test_a_drawer_zooms_and_its_hotspots_lead_to_the_specimens(
        browser: Any, iiif_live: tuple[str, IIIFSite], shot: Any) -> None:
    url, site = iiif_live
    page, problems = _page(browser)
    tiles: list[str] = []
    page.on("request", lambda r: tiles.append(r.url) if "/iiif/3/" in r.url else None)
    page.goto(_record(url, site, "drawer-7"))
    page.wait_for_selector('#iiif-viewer[data-opened="0"]')
    assert page.locator("#iiif-viewer").get_attribute("data-hotspots") == "2"
    assert "2 specimens are outlined" in page.locator("#viewer-status").inner_text()
    spots = page.locator("#deep-zoom a.hotspot")
    assert spots.count() == 2
    page.wait_for_function("() => document.querySelector('#deep-zoom a.hotspot')"
                           ".getBoundingClientRect().width > 10")
    viewer = page.locator("#deep-zoom").bounding_box()
    before = spots.first.bounding_box()
    # the first hotspot is 300 of the canvas's 1000 wide; the whole image fits the box
    assert 0.2 < before["width"] / viewer["width"] < 0.4
    shot(page, "viewer-drawer-hotspots")
    _accessible(page)

    page.locator("#deep-zoom .openseadragon-canvas").first.focus()
    asked = len(tiles)
    width = "document.querySelector('#deep-zoom a.hotspot').getBoundingClientRect().width"
    for _ in range(40):  # each press zooms a little, animated
        page.keyboard.press("+")
        page.wait_for_timeout(250)
        if page.evaluate(width) > before["width"] * 2.5:
            break
    assert page.evaluate(width) > before["width"] * 2.5  # near the 1000-px image's full size
    page.wait_for_timeout(500)
    # the image is read in tiles of its pyramid (regions), not as one picture
    sharper = [t for t in tiles if "/full/" not in t and "info.json" not in t]
    assert sharper and asked >= 1
    page.keyboard.press("0")  # back to the whole image
    page.wait_for_function(
        "w => document.querySelector('#deep-zoom a.hotspot').getBoundingClientRect().width < w",
        arg=before["width"] * 1.2)

    spots.first.click()
    page.wait_for_url("**/record/**/pin-1")
    assert page.locator("h1").inner_text() == "Carabus nitens (PIN-1)"
    # and back: the specimen's page shows its region of the drawer, from the image server
    crop = page.locator("section.in-drawer img")
    crop.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('section.in-drawer img').naturalWidth")
    assert "/100,200,300,400/" in (crop.get_attribute("src") or "")
    shot(page, "record-in-drawer")
    assert page.evaluate("window.__violations") == [] and problems == []
    page.close()


def test_a_record_with_several_images_has_a_strip_full_screen_and_a_iiif_link(
        browser: Any, iiif_live: tuple[str, IIIFSite], shot: Any) -> None:
    url, site = iiif_live
    page, problems = _page(browser)
    page.goto(_record(url, site, "pin-1"))
    page.wait_for_selector('#iiif-viewer[data-opened="0"]')
    strip = page.locator(".viewer-strip button")
    assert strip.count() == 2
    strip.nth(1).click()
    page.wait_for_selector('#iiif-viewer[data-opened="1"]')
    assert strip.nth(1).get_attribute("aria-pressed") == "true"
    assert strip.nth(0).get_attribute("aria-pressed") == "false"
    assert page.locator("#deep-zoom a.hotspot").count() == 0

    link = page.locator("a.iiif-badge")
    manifest = f"{url}/iiif/manifest/record/{site.resource}/pin-1"
    assert link.get_attribute("href") == f"{manifest}?manifest={quote(manifest, safe='')}"
    assert page.request.get(manifest).json()["type"] == "Manifest"
    shot(page, "viewer-image-strip")
    _accessible(page)

    page.locator('#deep-zoom div[title="Toggle full page"]').click()
    page.wait_for_function("() => document.querySelector('#deep-zoom .openseadragon-container')"
                           ".getBoundingClientRect().width >= window.innerWidth - 2")
    shot(page, "viewer-full-page")
    page.keyboard.press("Escape")
    assert page.evaluate("window.__violations") == [] and problems == []
    page.close()


def test_the_gallery_shows_lazy_iiif_thumbnails_and_pages_on(
        browser: Any, iiif_live: tuple[str, IIIFSite], shot: Any) -> None:
    url, site = iiif_live
    page, problems = _page(browser)
    page.goto(f"{url}/search?resource_ids={site.resource}&view=gallery&size=10")
    thumbs = page.locator("ul.gallery img.iiif-thumb")
    assert page.locator("ul.gallery figure").count() == 10
    assert thumbs.count() == 9  # far-1's image is on a host the portal may not fetch from
    first = thumbs.first
    assert first.get_attribute("loading") == "lazy"
    assert first.get_attribute("src").endswith("/full/^!300,300/0/default.jpg")
    assert first.get_attribute("width") and first.get_attribute("height")
    for n in range(4):  # the first row, in view, loads
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=thumbs.nth(n).element_handle())
    assert page.locator("a.iiif-badge").get_attribute("href").startswith(
        "/iiif/collection/search?")
    shot(page, "gallery-iiif-thumbnails")
    _accessible(page)
    seen = set()
    pages = 0
    while True:
        pages += 1
        seen |= {a.get_attribute("href") for a in
                 page.locator("ul.gallery figcaption a").element_handles()}
        following = page.locator('a[rel="next"]')
        if not following.count():
            break
        following.click()
        page.wait_for_load_state()
    assert pages == 3 and len(seen) == 28  # every record with an image field, once
    assert page.evaluate("window.__violations") == [] and problems == []
    page.close()


def test_a_finger_moves_the_drawer_on_a_phone(
        browser: Any, iiif_live: tuple[str, IIIFSite], shot: Any) -> None:
    url, site = iiif_live
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    page.add_init_script(WATCH)
    page.goto(_record(url, site, "drawer-7"))
    page.wait_for_selector('#iiif-viewer[data-opened="0"]')
    spot = page.locator("#deep-zoom a.hotspot").first
    page.wait_for_function("() => document.querySelector('#deep-zoom a.hotspot')"
                           ".getBoundingClientRect().width > 10")
    page.wait_for_timeout(500)
    before = spot.bounding_box()
    box = page.locator("#deep-zoom").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = context.new_cdp_session(page)

    def touch(kind: str, points: list[tuple[float, float]]) -> None:
        cdp.send("Input.dispatchTouchEvent", {
            "type": kind, "touchPoints": [{"x": px, "y": py, "id": n}
                                          for n, (px, py) in enumerate(points)]})

    touch("touchStart", [(x, y)])
    for step in range(1, 11):  # a finger drags the image 80 pixels to the left
        touch("touchMove", [(x - 8 * step, y)])
        page.wait_for_timeout(30)
    touch("touchEnd", [])
    page.wait_for_function(
        "x => document.querySelector('#deep-zoom a.hotspot').getBoundingClientRect().x < x",
        arg=before["x"] - 40)

    touch("touchStart", [(x - 40, y), (x + 40, y)])  # two fingers spread apart: zoom in
    for step in range(1, 11):
        touch("touchMove", [(x - 40 - 8 * step, y), (x + 40 + 8 * step, y)])
        page.wait_for_timeout(30)
    touch("touchEnd", [])
    page.wait_for_function(
        "w => document.querySelector('#deep-zoom a.hotspot').getBoundingClientRect().width > w",
        arg=before["width"] * 1.5)
    shot(page, "viewer-drawer-phone")
    assert page.evaluate("window.__violations") == []
    context.close()


@pytest.fixture(scope="module")
def preparing_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, IIIFSite]]:
    """A portal whose drawer image (1000 x 800) is over image_background_pixels, with no
    conversion workers of its own: the test runs one when it wants the image made."""
    folder = tmp_path_factory.mktemp("iiif-preparing")
    settings = load_settings(data_dir=folder / "site", geo_areas_dir=AREAS, map_tile_url="",
                             rate_limit_per_minute=0, image_background_pixels=500_000,
                             image_workers=0)
    site = add_iiif_datasets(settings, folder, files=True)
    with LiveServer(site.settings) as server:
        yield server.url, site


def test_a_large_image_is_announced_as_prepared_then_shown(
        browser: Any, preparing_live: tuple[str, IIIFSite], shot: Any) -> None:
    url, site = preparing_live
    page, problems = _page(browser)
    page.goto(_record(url, site, "drawer-7"))
    page.wait_for_selector('#iiif-viewer[data-opened="preparing"]')
    assert page.locator("#viewer-status").inner_text() == (
        "This image is being prepared; it will appear shortly.")
    shot(page, "viewer-image-being-prepared")
    portal = Portal.open(site.settings)
    try:  # a worker (as holotype worker runs) makes the queued pyramid
        worker = converter.make_worker(portal)
        assert worker.run_once()
    finally:
        portal.close()
    page.wait_for_selector('#iiif-viewer[data-opened="0"]', timeout=10_000)  # asked again
    assert "2 specimens are outlined" in page.locator("#viewer-status").inner_text()
    assert page.evaluate("window.__violations") == [] and problems == []
