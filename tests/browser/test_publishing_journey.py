"""Publishing through the web, the whole path in a real browser (issue 18's "Done"): an editor
signs in with the sign-in form, creates a public dataset in the dataset editor, drops a CSV on
the upload page (Uppy over tus), lands on the draft it became, watches its progress, reads the
review (the type of each field, the suggested Darwin Core rename, a warning with its row and
column), publishes it, and finds the new records in the search. Then an anonymous visitor
opens one of them and reports an error with the value it should have; the maintainer (the
editor, emailed) finds it in the /reports inbox and accepts it, and the record page shows the
new value and the correction in its history, as a new version. Screenshots at each step."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.accounts_site import PASSWORD, AccountsSite, make_accounts_site
from tests.fixtures.mail import Inbox, mail_server
from tests.fixtures.site import LiveServer

DESKTOP = {"width": 1280, "height": 1000}
WAIT = 1  # the spam guard's least seconds between showing the report form and sending it
ROWS = 20
SPECIES = "Falco journeyensis"  # a value only this CSV has
WRONG_DATE = 7  # the line of the file (the header is line 1) with an impossible date


def _csv(path: Path) -> Path:
    path.write_text("occurrenceID,scientificName,country,Lat,eventDate\n" + "".join(
        f"kj-{i},{SPECIES},{'Ruritania' if i == 3 else 'Kenya'},{i % 60},"
        f"{'2021-13-01' if i + 2 == WRONG_DATE else '2021-05-0' + str(1 + i % 9)}\n"
        for i in range(ROWS)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[AccountsSite, Inbox, str]]:
    with mail_server() as (inbox, port):
        site = make_accounts_site(
            tmp_path_factory.mktemp("journey"), records=5, map_tile_url="",
            smtp_host="127.0.0.1", smtp_port=port, error_report_min_seconds=WAIT,
            error_reports_per_hour=10, public_base_url="http://portal.test")
        with LiveServer(site.settings) as server:
            yield site, inbox, server.url


def _page(browser: Any) -> Any:
    page = browser.new_context(viewport=DESKTOP, locale="en-GB").new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems
    return page


def test_upload_review_publish_search_report_and_correct(
        browser: Any, served: tuple[AccountsSite, Inbox, str], shot: Any,
        tmp_path: Path) -> None:
    _site, inbox, url = served
    editor = _page(browser)
    editor.goto(f"{url}/user/login?next=/datasets")
    editor.fill("#login-username", "editor")
    editor.fill("#login-password", PASSWORD)
    editor.locator("main form button[type=submit]").click()
    editor.wait_for_url(f"{url}/datasets")

    # 1. a new public dataset, from the dataset editor
    editor.get_by_role("link", name="New dataset").click()
    editor.wait_for_url(f"{url}/dataset/new")
    editor.fill("#ds-title", "Kestrels of the journey")
    editor.fill("#ds-name", "kestrel-journey")
    editor.fill("#ds-notes", "Kestrels counted along a **transect**.")
    editor.select_option("#ds-licence", "CC-BY-4.0")
    editor.fill("#creator-0-name", "Ada Smith")
    editor.check("input[name=visibility][value=public]")
    shot(editor, "journey-1-new-dataset")
    editor.get_by_role("button", name="Create dataset").last.click()
    editor.wait_for_url(f"{url}/dataset/kestrel-journey")
    assert "This dataset has no resources yet." in editor.locator("main").inner_text()

    # 2. the upload page, from the dataset page: Uppy sends the file over tus
    editor.click("#upload-link")
    editor.wait_for_url(f"{url}/dataset/kestrel-journey/upload")
    assert editor.locator("#upload-resource").input_value() == ""  # a new resource
    editor.locator(".uppy-Dashboard-input").first.set_input_files(
        str(_csv(tmp_path / "kestrels.csv")))
    shot(editor, "journey-2-upload")
    editor.locator(".uppy-StatusBar-actionBtn--upload").click()

    # 3. the draft: its progress, then its review
    editor.wait_for_url(f"{url}/dataset/kestrel-journey/drafts/*", timeout=60_000)
    assert editor.locator("#draft-status").inner_text() in (
        "queued", "reading", "reviewing", "ready")
    assert "kestrels.csv" in editor.locator("main").inner_text()
    shot(editor, "journey-3-draft-progress")
    editor.wait_for_selector("#publish", timeout=60_000)  # the page reloads when it is read
    types = {row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
             for row in editor.locator("table.draft-fields tbody tr").all()}
    assert types == {"occurrenceID": "string", "scientificName": "string", "country": "string",
                     "Lat": "integer", "eventDate": "string"}  # one date is not a date
    finding = editor.locator("#findings tr.finding-warning", has_text="eventDate")
    assert finding.count() == 1
    assert finding.locator("td").nth(1).inner_text() == str(WRONG_DATE)
    assert SPECIES in editor.locator("table.first-rows").inner_text()  # the first rows
    editor.check("input[name='rename:Lat']")  # the suggested term: decimalLatitude
    shot(editor, "journey-4-draft-review")
    assert "first version of kestrels" in editor.locator("#publish").inner_text()

    # 4. publish, and find the records
    editor.click("#publish")
    editor.wait_for_url("**/search?*")
    assert editor.locator("#results-heading").inner_text() == f"{ROWS} records"
    visitor = _page(browser)  # not signed in: the dataset is public
    visitor.goto(f"{url}/search?q=journeyensis&preset=everything")
    assert visitor.locator("#results-heading").inner_text() == f"{ROWS} records"
    shot(visitor, "journey-5-search")

    # 5. an anonymous visitor reports the wrong country of kj-3
    visitor.goto(f"{url}/search?q=Ruritania&preset=everything")
    visitor.locator("main a[href^='/record/']").first.click()
    visitor.wait_for_url("**/record/**/kj-3")
    record_url = visitor.url
    assert "Ruritania" in visitor.locator("main").inner_text()
    assert visitor.locator("ol.history > li").count() == 1
    visitor.get_by_role("link", name="Report an error in this record").click()
    visitor.get_by_label("Field", exact=True).select_option("country")
    visitor.get_by_label("What it should be").fill("Tanzania")
    visitor.get_by_label("Explanation").fill("The label reads Arusha, Tanzania.")
    shot(visitor, "journey-6-report-form")
    time.sleep(WAIT)
    visitor.get_by_role("button", name="Send the report").click()
    assert visitor.get_by_role("heading", name="Thank you: your report was sent").is_visible()
    to_editor = [str(m.get_payload(decode=True), "utf-8") for to, m in inbox.messages
                 if "editor@example.org" in to]
    assert any("'Ruritania' should be 'Tanzania'" in body for body in to_editor), to_editor

    # 6. the maintainer accepts it from the inbox
    editor.goto(f"{url}/reports?status=new")
    row = editor.locator("table.reports tbody tr", has_text="kj-3")
    assert row.count() == 1 and "country" in row.inner_text()
    shot(editor, "journey-7-reports-inbox")
    row.get_by_role("link", name="Open the report on kj-3").click()
    editor.get_by_role("button", name="Accept and publish a new version").click()
    assert "The report is now fixed" in editor.locator("p.notice").inner_text()

    # 7. the record shows the new value, and the correction as a new version in its history
    visitor.goto(record_url)
    main = visitor.locator("main").inner_text()
    assert "Tanzania" in main
    history = visitor.locator("ol.history > li")
    assert history.count() == 2
    note = history.first.locator("p.correction")
    assert note.inner_text().startswith("Corrected by the dataset's maintainers on ")
    changed = history.first.locator("table.diff tbody tr")
    assert changed.count() == 1
    assert "Ruritania" in changed.inner_text() and "Tanzania" in changed.inner_text()
    history.first.scroll_into_view_if_needed()
    shot(visitor, "journey-8-corrected-record")
    editor.goto(record_url)
    assert editor.locator("ol.history > li").first.locator(
        "p.correction").inner_text().startswith("Corrected by editor on ")
    assert not editor.problems, editor.problems
    assert not visitor.problems, visitor.problems
