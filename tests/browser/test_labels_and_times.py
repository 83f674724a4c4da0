"""Field labels and local times in a real browser: a reader in Auckland sees versions in New
Zealand time with the zone's name, labels wrap between words on a phone, and the exact field
names appear when asked for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures.pages_site import PagesSite, add_history_dataset
from tests.fixtures.site import LiveServer, make_site

AUCKLAND = ZoneInfo("Pacific/Auckland")


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, PagesSite]]:
    folder = tmp_path_factory.mktemp("labels-site")
    settings = make_site(folder / "site", records=200, rate_limit_per_minute=0,
                         field_labels={"department": "Museum department"})
    site = add_history_dataset(settings, folder)
    with LiveServer(site.settings) as server:
        yield server.url, site


@pytest.fixture
def auckland(browser: Any) -> Iterator[Any]:
    context = browser.new_context(timezone_id="Pacific/Auckland", locale="en-GB",
                                  viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def in_auckland(ms: int) -> tuple[str, str]:
    """The local time a version should show in Auckland, and its zone as Intl names it."""
    moment = datetime.fromtimestamp(ms / 1000, AUCKLAND)
    offset = moment.utcoffset()
    assert offset is not None
    return f"{moment:%H:%M:%S}", f"GMT+{int(offset.total_seconds() // 3600)}"


def assert_local(text: str, ms: int) -> None:
    clock, zone = in_auckland(ms)
    moment = datetime.fromtimestamp(ms / 1000, AUCKLAND)
    assert re.fullmatch(rf"{moment.day} \w+ {moment.year}, {re.escape(clock)} {re.escape(zone)}",
                        text), text
    assert "UTC" not in text


def test_versions_show_in_the_readers_time_zone(
    history_site: tuple[str, PagesSite], auckland: Any, shot: Any
) -> None:
    url, site = history_site
    page = auckland.new_page()
    page.goto(f"{url}/dataset/hist")
    page.click("text=Version history (2)")
    times = page.locator("table.compact time")
    assert times.count() == 2
    shown = {int(re.search(r"version (\d+)", times.nth(i).get_attribute("title")).group(1)):
             times.nth(i).inner_text() for i in range(2)}
    assert set(shown) == {site.first, site.second}
    for version, text in shown.items():
        assert_local(text, version)
    title = times.nth(0).get_attribute("title")
    assert re.fullmatch(r"version \d+ \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)", title), title
    assert times.nth(0).get_attribute("datetime").endswith("Z")
    shot(page, "labels-times-dataset-auckland")

    page.goto(f"{url}/record/{site.history_resource}/occ-1")
    link = page.locator(f'ol.history a[href$="version={site.first}"] time')
    assert_local(link.inner_text(), site.first)
    assert f"version {site.first}" in link.get_attribute("title")
    page.goto(f"{url}/record/{site.history_resource}/occ-1?version={site.first}")
    notice = page.locator("p.notice time")
    assert_local(notice.inner_text(), site.first)
    shot(page, "labels-times-record-auckland")


def test_without_javascript_times_stay_in_utc(
    history_site: tuple[str, PagesSite], browser: Any
) -> None:
    url, site = history_site
    context = browser.new_context(timezone_id="Pacific/Auckland", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{url}/record/{site.history_resource}/occ-1")
        text = page.locator(f'ol.history a[href$="version={site.first}"] time').inner_text()
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text), text
    finally:
        context.close()


def test_labels_wrap_on_a_phone_and_field_names_show_on_request(
    history_site: tuple[str, PagesSite], browser: Any, shot: Any
) -> None:
    url, _ = history_site
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{url}/search?view=list&q=Entomology")
        page.locator("ol.record-list a.title").first.click()
        page.wait_for_url("**/record/**")
        label = page.locator("dt .field-label", has_text="Museum department").first
        assert label.get_attribute("title") == "department (not a Darwin Core term)"
        name = label.locator(".field-name")
        assert name.bounding_box()["width"] <= 1  # for screen readers only, until asked
        assert "department" in name.text_content()
        # every label fits and breaks only between words
        widths = page.evaluate("""() => [...document.querySelectorAll('dt .field-label')].map(
            e => { const r = document.createRange(); r.selectNodeContents(e.firstChild);
                   return [e.firstChild.textContent, r.getClientRects().length,
                           e.getBoundingClientRect().right]; })""")
        for text, lines, right in widths:
            assert right <= 390, text
            assert lines <= len(text.split()), text  # never more lines than words
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_label("Show field names as published").check()
        assert name.bounding_box()["width"] > 1 and name.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "labels-record-phone-field-names")
    finally:
        context.close()
