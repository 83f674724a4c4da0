"""The dataset changelog in a real browser: the versions with the fields changed most (by their
labels, the exact names on hover), "as of then" opening the search at that version, and a phone
that scrolls the table inside its region instead of the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.fixtures.pages_site import PagesSite, add_history_dataset
from tests.fixtures.site import LiveServer, make_site


@pytest.fixture(scope="module")
def changelog_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, PagesSite]]:
    """The history dataset (a replace changing one name and removing a record), then a patch
    correcting occ-1's place and type status."""
    folder = tmp_path_factory.mktemp("changelog-site")
    settings = make_site(folder / "site", records=40, rate_limit_per_minute=0)
    site = add_history_dataset(settings, folder)
    portal = Portal.open(settings)
    try:
        path = folder / "patch.csv"
        path.write_text("occurrenceID,country,locality,typeStatus\n"
                        "occ-1,Tanzania,Old forest (east),paratype\n"
                        "occ-2,Chile,,\n")
        ingest(portal, OPERATOR, "hist/records", path, mode="patch")
    finally:
        portal.close()
    with LiveServer(settings) as server:
        yield server.url, site


def changed(row: Any) -> list[tuple[str, str]]:
    """(label as shown, records) of each field a changelog row names."""
    items = row.locator("ul.changed-fields li")
    return [(items.nth(i).locator(".field-label").evaluate("e => e.firstChild.textContent"),
             items.nth(i).locator("span.muted").inner_text()) for i in range(items.count())]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_changelog_shows_what_each_version_changed(
    browser: Any, shot: Any, changelog_site: tuple[str, PagesSite], width: int
) -> None:
    url, site = changelog_site
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{url}/dataset/hist")
    page.click("#changelog-heading ~ details summary")
    table = page.locator("section.changelog table")
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    newest = rows.nth(0)
    assert newest.locator("td").nth(1).inner_text() == "patch"
    assert newest.locator("td").nth(4).inner_text() == "2"  # occ-1 and occ-2 changed
    assert changed(newest) == [("Country", "2"), ("Locality", "2"), ("Type status", "1")]
    assert newest.locator(".field-label").first.get_attribute("title") == (
        "country (Darwin Core term)")
    replace = rows.nth(1)
    assert changed(replace) == [("Scientific name", "1")]
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "dataset-changelog-phone")
    else:
        page.locator("#changelog-heading").scroll_into_view_if_needed()
        shot(page, "dataset-changelog")
        replace.locator("a", has_text="as of then").click()
        page.wait_for_url(f"**version={site.second}**")
        assert "2 records" in page.locator("main").inner_text().replace(",", "")
    context.close()
