"""An error report in a real browser, end to end: an anonymous visitor reports two wrong fields
on a record page (the second row added by the form's script); the maintainer is emailed, finds
the report in the inbox, acknowledges it and accepts its values (edited) as a new version; the
reporter is emailed at each change. Screenshots of the form, the inbox and the report."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from holotype.services.accounts import sessions
from tests.browser.test_accessibility import AXE, FAILING, RUN_AXE, WCAG, _readable
from tests.error_reports.conftest import ReportSite, make_report_site
from tests.fixtures.mail import mail_server
from tests.fixtures.site import LiveServer

DESKTOP = {"width": 1280, "height": 1000}
WAIT = 1  # the spam guard's least seconds between showing the form and sending it


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReportSite, str]]:
    with mail_server() as (inbox, port):
        site = make_report_site(tmp_path_factory.mktemp("reports-browser"), inbox, port,
                                error_report_min_seconds=WAIT, error_reports_per_hour=10)
        with LiveServer(site.site.settings) as server:
            yield site, server.url


def _page(browser: Any, url: str, cookie: str | None = None) -> Any:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    if cookie is not None:
        context.add_cookies([{"name": sessions.COOKIE, "value": cookie, "url": url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems
    return page


def _axe(page: Any) -> None:
    """No serious or critical WCAG violation (axe-core, as tests/browser/test_accessibility.py
    runs it on every anonymous page)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, f"{page.url}:\n{_readable(failing)}"


def test_an_anonymous_report_reaches_the_maintainer_who_acknowledges_and_accepts_it(
        browser: Any, served: tuple[ReportSite, str], shot: Any) -> None:
    site, url = served
    record = f"/record/{site.open_resource}/open-2"
    page = _page(browser, url)
    page.goto(url + record)
    page.get_by_role("link", name="Report an error in this record").click()
    page.get_by_label("Field", exact=True).select_option("country")
    page.get_by_label("What it should be").fill("Tanzania")
    page.get_by_role("link", name="Report another field").click()  # the script adds a row
    rows = page.locator(".report-row")
    assert rows.count() == 2
    rows.nth(1).get_by_label("Field").select_option("locality")
    rows.nth(1).get_by_label("What it should be").fill("Kilimanjaro, <b>south</b> slope")
    page.get_by_label("Explanation").fill("The label reads Kilimanjaro, Tanganyika.")
    page.get_by_label("Your name").fill("Ada Reporter")
    page.get_by_label("Your email").fill("ada@example.org")
    page.get_by_label("Email me when the report's status changes").check()
    assert not page.locator(".report-trap").is_visible()  # the honeypot is never seen
    shot(page, "error-report-form")
    _axe(page)
    time.sleep(WAIT)
    page.get_by_role("button", name="Send the report").click()
    assert page.get_by_role("heading", name="Thank you: your report was sent").is_visible()
    shot(page, "error-report-sent")
    assert not page.problems, page.problems
    page.context.close()
    to_editor = [m for m in site.mail_to("editor@example.org") if "Ada Reporter" in m]
    assert len(to_editor) == 1 and "'Kenya' should be 'Tanzania'" in to_editor[0]

    editor = _page(browser, url, site.site.cookie_for("editor"))
    editor.goto(url + "/reports?status=new")
    row = editor.locator("table.reports tbody tr", has_text="open-2")
    assert row.count() == 1 and "country, locality" in row.inner_text()
    shot(editor, "error-reports-inbox")
    _axe(editor)
    row.get_by_role("link", name="Open the report on open-2").click()
    assert "<b>south</b>" in editor.locator("table.report-fields").inner_text()  # as text
    editor.get_by_label("Note for the reporter").first.fill("We are checking the label.")
    editor.get_by_role("button", name="Acknowledge").click()
    assert "The report is now acknowledged. The reporter was emailed." in editor.locator(
        "p.notice").inner_text()
    shot(editor, "error-report-acknowledged")
    _axe(editor)
    editor.get_by_label("locality").fill("Kilimanjaro, south slope")
    editor.get_by_role("button", name="Accept and publish a new version").click()
    assert "The report is now fixed" in editor.locator("p.notice").inner_text()
    shot(editor, "error-report-accepted")
    editor.goto(url + record)
    assert "Kilimanjaro, south slope" in editor.locator("main").inner_text()
    assert not editor.problems, editor.problems
    editor.context.close()

    to_ada = site.mail_to("ada@example.org")
    assert len(to_ada) == 2
    assert "is now acknowledged" in to_ada[0] and "We are checking the label." in to_ada[0]
    assert "is now fixed" in to_ada[1] and "Accepted as version" in to_ada[1]
