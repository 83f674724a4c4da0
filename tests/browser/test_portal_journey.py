"""A visitor's journey through the portal in a real Chromium, with a screenshot of every step.

Home → search → facet → gallery → record → a past version → share → reopen the short link;
the filter builder's script; the same pages at phone width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.fixtures.pages_site import PagesSite, add_history_dataset
from tests.fixtures.site import LiveServer, make_site

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def journey_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, PagesSite]]:
    folder = tmp_path_factory.mktemp("journey")
    site = add_history_dataset(make_site(folder / "site", records=2_000), folder)
    with LiveServer(site.settings) as server:
        yield server.url, site


def total(page: Any) -> int:
    text = page.locator("#results-heading").inner_text()
    return int(re.sub(r"[^\d]", "", text.split(" record")[0]))


def fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 375px screen"


def test_journey(browser: Any, journey_site: tuple[str, PagesSite], shot: Any) -> None:
    url, site = journey_site
    page = browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. Home: what the portal holds, featured collections, one search box.
    assert page.goto(url + "/").status == 200
    assert "Featured collections" in page.content()
    shot(page, "journey-01-home")

    # 2. Search with words from the home page's box.
    page.get_by_label("Search all records").fill("forest")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search\?"))
    searched = total(page)
    assert 0 < searched < 2_300
    shot(page, "journey-02-search")

    # 3. Filter by a facet: the first country in the sidebar.
    country = page.locator(".facet", has=page.locator("h3", has_text="Country"))
    first = country.locator("li").first
    expected = int(first.locator(".count").inner_text().replace(",", ""))
    name = first.locator("a").inner_text()
    first.locator("a").click()
    page.wait_for_load_state()
    assert total(page) == expected < searched
    assert f'Country is "{name}"' in page.locator(".active-filters").inner_text()
    shot(page, "journey-03-facet")

    # 4. Gallery: only records with images, and the images load.
    page.get_by_role("link", name="Gallery").click()
    page.wait_for_url(re.compile(r"view=gallery"))
    images = page.locator(".gallery img")
    assert images.count() > 0
    images.first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.gallery img').naturalWidth > 0")
    shot(page, "journey-04-gallery")

    # 5. Open a record from the gallery.
    page.locator(".gallery figcaption a").first.click()
    page.wait_for_url(re.compile(r"/record/"))
    assert page.locator("h2", has_text="Taxonomy").count() == 1
    assert page.locator(".thumbs img").count() >= 1
    assert "Cite this record" in page.content()
    shot(page, "journey-05-record")

    # 6. A record with two versions: open the past one from its history.
    page.goto(url + f"/search?resource_ids={site.history_resource}&q=quercus")
    page.locator("table.results a").first.click()
    page.wait_for_url(re.compile(r"/record/"))
    assert page.locator("h1").inner_text() == "Quercus petraea (HT-1)"
    history = page.locator("ol.history > li")
    assert history.count() == 2
    history.nth(1).locator("a").first.click()
    page.wait_for_url(re.compile(r"version="))
    assert page.locator("h1").inner_text() == "Quercus robur (HT-1)"
    assert "This is the record as it was" in page.locator(".notice").inner_text()
    shot(page, "journey-06-past-version")

    # 7. Share a search and reopen its short link in a fresh page.
    page.goto(url + "/search?preset=everything&q=forest&view=list")
    shared_total = total(page)
    page.get_by_role("button", name="Share this search").click()
    page.wait_for_url(re.compile(r"/search/[a-z]+-[a-z]+-[a-z]+"))
    link = page.locator("#short-link").get_attribute("href")
    assert link and link.startswith("/search/")
    shot(page, "journey-07-shared")
    fresh = browser.new_page(viewport=DESKTOP)
    fresh.goto(url + link)
    assert total(fresh) == shared_total
    assert fresh.locator("#q").input_value() == "forest"
    shot(fresh, "journey-08-reopened")
    fresh.close()
    assert errors == []
    page.close()


def test_filter_builder_script(browser: Any, journey_site: tuple[str, PagesSite],
                               shot: Any) -> None:
    url, _site = journey_site
    page = browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/search?preset=everything")
    everything = total(page)
    page.locator(".builder > summary").click()
    page.get_by_role("button", name="Add group").click()
    group = page.locator(".fb-group .fb-group")
    group.get_by_label("Match").select_option("or")
    terms = group.locator(".fb-term")
    terms.nth(0).get_by_label("Field").fill("country")
    terms.nth(0).get_by_label("Value").fill("Kenya")
    terms.nth(1).get_by_label("Field").fill("country")
    terms.nth(1).get_by_label("Value").fill("Peru")
    shot(page, "builder-01-editing")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"filters="))
    both = total(page)
    assert 0 < both < everything
    assert 'Country is "Kenya" or Country is "Peru"' in page.locator(".active-filters").inner_text()
    shot(page, "builder-02-applied")

    # A term the builder has no form for is kept as written beside new conditions.
    kept = '{"and":[{"number_equals":{"fields":["month"],"value":5}}]}'
    page.goto(url + "/search?preset=everything&filters=" + quote(kept))
    in_may = total(page)
    page.locator(".builder > summary").click()
    assert "number_equals" in page.locator("#filter-builder code").inner_text()
    page.locator("#filter-builder > .fb-group > .fb-tools").get_by_role(
        "button", name="Add condition").click()
    new = page.locator("#filter-builder .fb-term").nth(1)
    new.get_by_label("Field").fill("country")
    new.get_by_label("Condition").select_option("exists")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert 0 < total(page) <= in_may
    listed = page.locator(".active-filters li")
    assert [listed.nth(i).locator("span").inner_text() for i in range(listed.count())] == [
        "Month = 5", "Country has a value"]
    assert "q=&" not in page.url  # empty form fields are dropped from the address
    assert errors == []
    page.close()


def test_pages_fit_a_phone(browser: Any, journey_site: tuple[str, PagesSite], shot: Any) -> None:
    url, site = journey_site
    page = browser.new_page(viewport=PHONE)
    page.goto(url + "/search.json?size=1")
    demo_record = page.evaluate("JSON.parse(document.body.innerText).records[0].url")
    for path, name in (
        ("/", "phone-home"),
        ("/search?q=forest", "phone-search"),
        ("/search?view=gallery", "phone-gallery"),
        ("/datasets", "phone-datasets"),
        ("/dataset/hist", "phone-dataset"),
        (f"/record/{site.history_resource}/occ-1", "phone-record"),
        (demo_record, "phone-demo-record"),  # long field names and values
    ):
        assert page.goto(url + path).status == 200
        fits(page)
        shot(page, name)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.close()


def test_filter_builder_keeps_hand_written_json(
    browser: Any, journey_site: tuple[str, PagesSite]
) -> None:
    """With the script running, JSON typed into the box is what the search applies (the
    builder follows it), and a condition left without a field is dropped, not sent."""
    url, _site = journey_site
    page = browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/search?preset=everything")
    page.locator(".builder > summary").click()
    page.get_by_role("button", name="Add condition").click()  # left empty
    typed = '{"and":[{"string_equals":{"fields":["country"],"value":"Kenya"}}]}'
    assert not page.locator("#filters").is_visible()  # the JSON waits under "Advanced"
    page.get_by_text("Advanced: edit the query as JSON").click()
    page.locator("#filters").fill(typed)
    assert page.locator("#filter-builder .fb-term input").first.input_value() == "country"
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"filters="))
    assert 'Country is "Kenya"' in page.locator(".active-filters").inner_text()
    page.locator(".builder > summary").click()
    page.get_by_role("button", name="Add condition").click()  # left empty again
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Search records"  # not an error page
    assert 'Country is "Kenya"' in page.locator(".active-filters").inner_text()
    assert errors == []
    page.close()
