"""Record pages zoom into their images (OpenSeadragon from the record's IIIF manifest), with a
thumbnail strip, full screen, keyboard navigation and a drawer's hotspots as links; the search
gallery shows the image server's thumbnails. Everything runs under the Content-Security-Policy.

The image server here is the TEST-ONLY stand-in of ``fake_image_server.py`` until the image
lane's ``/iiif/3`` is wired into the portal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.fake_image_server import FakeImageServer
from tests.browser.test_accessibility import AXE, FAILING, RUN_AXE, WCAG, _readable
from tests.browser.test_content_security_policy import WATCH
from tests.fixtures.iiif_site import ALLOWED_HOST, IIIFSite, add_iiif_datasets
from tests.fixtures.site import LiveServer, make_site

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def iiif_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, IIIFSite]]:
    folder = tmp_path_factory.mktemp("iiif-browser")
    settings = make_site(folder / "site", records=20, rate_limit_per_minute=0,
                         media_allowed_hosts=[ALLOWED_HOST])
    site = add_iiif_datasets(settings, folder)
    server = LiveServer(site.settings)
    server.server.config.app = FakeImageServer(server.server.config.app)  # TEST-ONLY /iiif/3
    with server:
        yield server.url, site


def _page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport=DESKTOP)
    page.add_init_script(WATCH)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}")
            if "Content Security Policy" in msg.text else None)
    return page, problems


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
        if page.evaluate(width) > before["width"] * 3:
            break
    assert page.evaluate(width) > before["width"] * 3
    page.wait_for_timeout(500)
    sharper = [t for t in tiles[asked:] if "/full/" not in t and "info.json" not in t]
    assert sharper  # full-resolution tiles of the region in view were fetched
    page.keyboard.press("0")  # back to the whole image
    page.wait_for_function(
        "w => document.querySelector('#deep-zoom a.hotspot').getBoundingClientRect().width < w",
        arg=before["width"] * 1.2)

    spots.first.click()
    page.wait_for_url("**/record/**/pin-1")
    assert page.locator("h1").inner_text() == "Carabus nitens (PIN-1)"
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
    assert first.get_attribute("src").endswith("/full/!300,300/0/default.jpg")
    assert first.get_attribute("width") and first.get_attribute("height")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=first.element_handle())
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
