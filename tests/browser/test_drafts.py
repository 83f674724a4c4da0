"""Review before publishing in a real browser: an editor gives a file on the dataset's Drafts
page, watches its progress, reads the validation report (rows and columns), discards the draft
with errors, publishes a clean one with a suggested Darwin Core rename, and finds its records;
a visitor not signed in is sent to sign in instead of seeing the draft."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from holotype.services.accounts import sessions
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site
from tests.fixtures.site import LiveServer


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AccountsSite, str]]:
    site = make_accounts_site(tmp_path_factory.mktemp("drafts-browser"), records=200)
    with LiveServer(site.settings) as server:
        yield site, server.url


def _as(browser: Any, site: AccountsSite, url: str, username: str | None) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if username is not None:
        context.add_cookies([{"name": sessions.COOKIE, "value": site.cookie_for(username),
                              "url": url}])
    return context.new_page()


def _give(page: Any, url: str, path: Path, name: str) -> None:
    page.goto(f"{url}/dataset/secret/drafts")
    page.set_input_files("#draft-file", str(path))
    page.fill("#draft-new", name)
    page.click("#draft-form button[type=submit]")
    page.wait_for_selector("#draft-progress")


def test_an_editor_reviews_discards_and_publishes(
        browser: Any, accounts: tuple[AccountsSite, str], shot: Any, tmp_path: Path) -> None:
    site, url = accounts
    editor = _as(browser, site, url, "editor")
    bad = tmp_path / "bad-beetles.csv"
    bad.write_text("occurrenceID,Lat,eventDate\n" + "".join(
        f"bb-{i},{95 if i == 3 else 10},{'2020-13-01' if i == 5 else '2001-02-03'}\n"
        for i in range(40)) + "bb-7,10,2001-02-03\n")
    _give(editor, url, bad, "Bad beetles")
    assert editor.locator("#draft-status").inner_text() in (
        "queued", "reading", "reviewing", "ready")
    shot(editor, "draft-progress")
    editor.wait_for_selector("#findings", timeout=60_000)  # the script reloads when ready
    report = editor.locator("#findings").inner_text()
    assert "error\t42\toccurrenceID" in report  # row 42 repeats row 9's id
    assert "warning\t7\teventDate" in report
    assert "warning" in report and "Lat" not in report  # Lat is not yet decimalLatitude
    assert Path(shot(editor, "draft-review-errors")).is_file()
    editor.click("#publish")
    editor.wait_for_selector(".error-list")
    assert "cannot be published" in editor.locator("[role=alert]").first.inner_text()
    editor.click("#discard")
    editor.wait_for_url(f"{url}/dataset/secret/drafts")
    assert "Bad beetles" not in editor.locator("main").inner_text()

    good = tmp_path / "good-beetles.csv"
    good.write_text("occurrenceID,Lat,scientificName\n" + "".join(
        f"gb-{i},{i % 80},Browserus publicatus\n" for i in range(3000)))
    _give(editor, url, good, "Good beetles")
    draft_url = editor.url
    editor.wait_for_selector("#publish", timeout=60_000)
    assert "No problems found" in editor.locator("main").inner_text()
    editor.check("input[name='rename:Lat']")
    shot(editor, "draft-review")
    visitor = _as(browser, site, url, None)
    visitor.goto(draft_url)
    assert "/user/login" in visitor.url  # a visitor is sent to sign in
    editor.click("#publish")
    editor.wait_for_url("**/search?*")
    assert "3,000" in editor.locator("main").inner_text()
    shot(editor, "draft-published-search")
    editor.goto(f"{url}/search?q=Browserus&preset=everything")
    assert "3,000" in editor.locator("main").inner_text()
