"""A correction in a real browser: the record page's history shows the version it made, who
accepted it and the error report (linked for the dataset's maintainers, "an error report" for
others), and the dataset page links its maintainers to the export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from holotype.services import corrections
from holotype.services.accounts import sessions
from tests.fixtures.corrections_site import (
    RESOURCE,
    CorrectionsSite,
    cookie_for,
    make_corrections_site,
)
from tests.fixtures.site import LiveServer

REPORT = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CorrectionsSite, str]]:
    site = make_corrections_site(tmp_path_factory.mktemp("corrections-browser"))
    corrections.accept(site.portal, site.people["editor"], RESOURCE, "h-1",
                       {"country": "France", "locality": "Bois de Boulogne"}, report_id=REPORT)
    with LiveServer(site.portal.settings) as server:
        yield site, server.url
    site.portal.close()


def _page(browser: Any, site: CorrectionsSite, url: str, username: str | None) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    if username is not None:
        context.add_cookies([{"name": sessions.COOKIE, "value": cookie_for(site, username),
                              "url": url}])
    return context.new_page()


def test_the_history_shows_the_correction_to_a_maintainer(
        browser: Any, served: tuple[CorrectionsSite, str], shot: Any) -> None:
    site, url = served
    page = _page(browser, site, url, "editor")
    page.goto(f"{url}/record/{site.resource_id}/h-1")
    newest = page.locator("ol.history > li").first
    note = newest.locator("p.correction")
    assert note.inner_text().startswith("Corrected by editor on 20")
    assert "from error report " + REPORT in note.inner_text()
    assert note.locator("a").get_attribute("href") == f"/reports/{REPORT}"
    rows = newest.locator("table.diff tbody tr")
    assert rows.count() == 2  # country and locality, nothing else
    assert "Frnace" in rows.nth(0).inner_text() and "France" in rows.nth(0).inner_text()
    newest.scroll_into_view_if_needed()
    shot(page, "correction-history")
    page.goto(f"{url}/dataset/herb")
    link = page.locator("a", has_text="CSV").last
    assert link.get_attribute("href") == "/dataset/herb/corrections.csv"
    page.context.close()


def test_a_public_reader_sees_that_a_correction_happened(
        browser: Any, served: tuple[CorrectionsSite, str], shot: Any) -> None:
    site, url = served
    page = _page(browser, site, url, None)
    page.goto(f"{url}/record/{site.resource_id}/h-1")
    note = page.locator("ol.history > li").first.locator("p.correction")
    assert note.inner_text().startswith("Corrected by the dataset's maintainers on 20")
    assert note.inner_text().endswith("from an error report.")
    assert note.locator("a").count() == 0 and REPORT not in page.content()
    shot(page, "correction-history-public")
    page.goto(f"{url}/dataset/herb")
    assert page.locator("a[href='/dataset/herb/corrections.csv']").count() == 0
    page.context.close()
