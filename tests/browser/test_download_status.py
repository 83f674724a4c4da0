"""The download status page in a real browser: from the form to a finished download."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixtures.site import LiveServer, make_site


@pytest.fixture(scope="module")
def download_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = make_site(tmp_path_factory.mktemp("download-site"), records=3_000,
                         download_workers=1, rate_limit_per_minute=0)
    with LiveServer(settings) as server:
        yield server.url


def _request_download(page: Any, url: str, fmt: str) -> None:
    """Ask for a download as a visitor does: from the search page's Download form (a form on
    another site would be refused: it cannot carry the form token)."""
    page.goto(f"{url}/search?q=forest&resource_ids=demo-specimens/records")
    page.click("details.download-box summary")
    page.select_option("#download-format", fmt)
    page.click("form.download button[type=submit]")


def test_status_page_shows_a_finished_download(browser: Any, download_server: str,
                                               shot: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _request_download(page, download_server, "csv")
    page.wait_for_url("**/status/download/*")
    assert page.locator("h1").inner_text().startswith("Download ")
    # The page refreshes itself until the file is ready.
    page.wait_for_selector("a.button[download]", timeout=30_000)
    status = page.locator("[role=status]").inner_text()
    assert "Complete" in status and "ready" in status
    assert "demo-specimens/records" in page.locator(".download-details").inner_text()
    progress = page.locator("progress")
    assert progress.get_attribute("value") == progress.get_attribute("max")
    path = shot(page, "download-status-desktop")
    assert path.stat().st_size > 10_000
    with page.expect_download() as info:
        page.click("a.button[download]")
    assert info.value.suggested_filename.endswith("-csv.zip")
    page.close()


def test_status_page_fits_a_phone(browser: Any, download_server: str, shot: Any) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})
    _request_download(page, download_server, "dwca")
    page.wait_for_url("**/status/download/*")
    page.wait_for_selector("a.button[download]", timeout=30_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
    shot(page, "download-status-phone")
    page.close()
