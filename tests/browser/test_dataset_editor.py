"""The dataset editor in a real browser: an editor signs in with the sign-in form, opens "New
dataset" from the list of datasets, fills in the form with a creator whose ORCID iD has a
wrong check digit, sees the problem next to that creator's row (the rest kept as typed, nothing
saved), fixes it, saves, and sees the description's Markdown rendered on the dataset page;
then edits it from the dataset page's "Edit this dataset"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_accessibility import AXE, FAILING, RUN_AXE, WCAG, _readable
from tests.fixtures.accounts_site import PASSWORD, AccountsSite, make_accounts_site
from tests.fixtures.site import LiveServer

BAD_ORCID = "0000-0002-1825-0098"
GOOD_ORCID = "0000-0002-1825-0097"
DESCRIPTION = """Beetles caught in **pitfall traps** at three sites.

## Method

- traps emptied *weekly*
- see [the protocol](https://example.org/protocol)

<script>document.title = "hacked"</script>"""


def _axe(page: Any) -> None:
    """The page passes axe-core's WCAG 2 A/AA rules (as every page of test_accessibility)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, _readable(failing)


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AccountsSite, str]]:
    site = make_accounts_site(tmp_path_factory.mktemp("editor-browser"), records=50)
    with LiveServer(site.settings) as server:
        yield site, server.url


def test_an_editor_creates_a_dataset_fixing_a_bad_orcid(
        browser: Any, accounts: tuple[AccountsSite, str], shot: Any) -> None:
    _site, url = accounts
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/user/login?next=/datasets")
    page.fill("#login-username", "editor")
    page.fill("#login-password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/datasets")
    page.get_by_role("link", name="New dataset").click()
    page.wait_for_url(f"{url}/dataset/new")
    assert page.locator("input[name=visibility][value=private]").is_checked()

    page.fill("#ds-title", "Pitfall beetles of 2026")
    page.fill("#ds-name", "pitfall-beetles-2026")
    page.fill("#ds-notes", DESCRIPTION)
    page.select_option("#ds-licence", "CC-BY-4.0")
    page.fill("#creator-0-name", "Ada Smith")
    page.fill("#creator-0-orcid", BAD_ORCID)
    page.fill("#creator-0-affiliation", "Natural History Museum")
    page.fill("#ds-tags", "beetles, pitfall traps")
    page.select_option("#ds-category", "research")
    page.get_by_role("button", name="Create dataset").last.click()

    error = page.locator("#creators-0-orcid-error")
    error.wait_for()
    assert "check digit is wrong" in error.inner_text()
    # The message is in the creator's row, and the field says so to assistive technology.
    assert page.locator("tr.creator-row.has-error #creators-0-orcid-error").count() == 1
    assert page.get_attribute("#creator-0-orcid", "aria-invalid") == "true"
    assert page.get_attribute("#creator-0-orcid", "aria-describedby") == "creators-0-orcid-error"
    assert "Nothing was saved" in page.locator(".error-summary").inner_text()
    assert page.input_value("#ds-title") == "Pitfall beetles of 2026"  # kept as typed
    assert page.input_value("#ds-notes") == DESCRIPTION
    assert page.input_value("#creator-0-orcid") == BAD_ORCID
    assert Path(shot(page, "dataset-editor-orcid-error")).is_file()
    _axe(page)

    page.fill("#creator-0-orcid", GOOD_ORCID)
    page.get_by_role("button", name="Create dataset").last.click()
    page.wait_for_url(f"{url}/dataset/pitfall-beetles-2026")
    description = page.locator(".description")
    assert description.locator("strong", has_text="pitfall traps").count() == 1
    assert description.locator("h4", has_text="Method").count() == 1
    assert description.locator("li em", has_text="weekly").count() == 1
    link = description.get_by_role("link", name="the protocol")
    assert link.get_attribute("href") == "https://example.org/protocol"
    assert "<script>" in description.inner_text()  # shown as text, never run
    assert page.title() != "hacked"
    assert "private" in page.locator(".page-actions").inner_text()
    orcid = page.locator("aside a", has_text="ORCID")
    assert orcid.get_attribute("href") == f"https://orcid.org/{GOOD_ORCID}"
    assert Path(shot(page, "dataset-editor-created")).is_file()
    _axe(page)

    page.get_by_role("link", name="Edit this dataset").click()
    page.wait_for_url(f"{url}/dataset/pitfall-beetles-2026/edit")
    assert page.input_value("#creator-0-orcid") == GOOD_ORCID
    page.check("input[name=visibility][value=public]")
    page.fill("#ds-title", "Pitfall beetles, 2026")
    assert Path(shot(page, "dataset-editor-edit")).is_file()
    _axe(page)
    page.get_by_role("button", name="Save changes").last.click()
    page.wait_for_url(f"{url}/dataset/pitfall-beetles-2026")
    assert page.locator("h1").inner_text() == "Pitfall beetles, 2026"
    visitor = browser.new_context().new_page()
    visitor.goto(f"{url}/dataset/pitfall-beetles-2026")
    assert visitor.locator("h1").inner_text() == "Pitfall beetles, 2026"
    assert visitor.get_by_role("link", name="Edit this dataset").count() == 0
