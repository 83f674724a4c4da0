"""The search page's filters and the Download form in a real Chromium: the first result in a
phone's first screen, the JSON under "Advanced", the form with and without a mail server, and
an error page; with screenshots of each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixtures.mail import Inbox, mail_server
from tests.fixtures.site import LiveServer, make_site

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def mail_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Inbox]]:
    with mail_server() as (inbox, port):
        settings = make_site(tmp_path_factory.mktemp("mail-site"), records=300,
                             smtp_host="127.0.0.1", smtp_port=port, download_workers=1,
                             rate_limit_per_minute=0)
        with LiveServer(settings) as server:
            yield server.url, inbox


def test_the_first_result_is_in_a_phones_first_screen(browser: Any, live_server: str,
                                                      shot: Any) -> None:
    page = browser.new_page(viewport=PHONE)
    for view, first in (("table", "table.results tbody tr"), ("list", ".record-list li"),
                        ("gallery", ".gallery li")):
        assert page.goto(f"{live_server}/search?view={view}").status == 200
        box = page.locator(first).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], (view, box)
        if view == "table":
            shot(page, "search-phone")
    # The filters are a link away: after the results, not before them.
    page.goto(f"{live_server}/search")
    page.get_by_role("link", name="Filters: add a filter").click()
    assert page.get_by_label("Field", exact=True).is_visible()
    page.close()


def test_the_filter_builder_explains_itself(browser: Any, live_server: str,
                                            shot: Any) -> None:
    page = browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/search")
    page.get_by_text("Build filters: show records where").click()
    assert "Add condition" in page.locator(".fb-help").inner_text()
    assert "NHM" not in page.locator(".searchbox").inner_text()
    assert not page.locator("#filters").is_visible()  # the JSON is under "Advanced", closed
    page.get_by_role("button", name="Add condition").click()
    term = page.locator("#filter-builder .fb-term").first
    term.get_by_label("Field").fill("scientificName")
    term.get_by_label("Condition").select_option("string_contains")
    term.get_by_label("Value").fill("a")
    assert page.get_by_label("Show records that match").first.input_value() == "and"
    shot(page, "search-desktop")
    page.get_by_text("Advanced: edit the query as JSON").click()
    assert "string_contains" in page.locator("#filters").input_value()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**filters=**")
    assert 'Scientific name contains "a"' in page.locator(".active-filters").inner_text()
    assert errors == []
    page.close()


def test_the_download_form_without_mail_offers_the_status_link(
    browser: Any, live_server: str, shot: Any
) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{live_server}/search?q=forest")
    page.locator(".download-box summary").click()
    form = page.locator("form.download")
    assert form.locator("input[type=email]").count() == 0
    assert "bookmark" in form.inner_text() and "email" not in form.inner_text().lower()
    shot(page, "download-form-no-mail")
    form.get_by_role("button", name="Download").click()
    page.wait_for_url("**/status/download/*")
    assert "Keep or bookmark this page" in page.locator(".download-status").inner_text()
    page.close()


def test_the_download_form_with_mail_emails_the_visitor(
    browser: Any, mail_site: tuple[str, Inbox], shot: Any
) -> None:
    url, inbox = mail_site
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{url}/search?q=forest")
    page.locator(".download-box summary").click()
    page.get_by_label("Email me when it is ready").fill("ada@example.org")
    shot(page, "download-form-mail")
    page.locator("form.download").get_by_role("button", name="Download").click()
    page.wait_for_url("**/status/download/*")
    page.wait_for_selector("a.button[download]", timeout=30_000)
    for _ in range(100):
        if inbox.messages:
            break
        page.wait_for_timeout(100)
    ((recipients, message),) = inbox.messages
    assert recipients == ["ada@example.org"] and "ready" in message["Subject"]
    page.close()


def test_an_error_page_says_what_to_do(browser: Any, live_server: str, shot: Any) -> None:
    page = browser.new_page(viewport=DESKTOP)
    assert page.goto(f"{live_server}/dataset/no-such-dataset").status == 404
    assert page.locator("h1").inner_text() == "We could not find that"
    assert "What to do next" in page.locator("main").inner_text()
    shot(page, "error-page")
    page.close()
