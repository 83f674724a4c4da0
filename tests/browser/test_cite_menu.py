"""The Cite menu in a real browser: copy buttons that copy (the clipboard holds the citation and
the menu says "Copied"), a format chooser used from the keyboard, file downloads, all under the
portal's Content-Security-Policy; a screenshot of the menu open on a dataset page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.pages_site import add_history_dataset
from tests.fixtures.site import LiveServer, make_site

DESKTOP = {"width": 1280, "height": 900}
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def cite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("cite")
    settings = make_site(folder / "site", records=200, rate_limit_per_minute=0)
    add_history_dataset(settings, folder)
    with LiveServer(settings) as server:
        yield server.url


def _page(browser: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport=DESKTOP,
                                  permissions=["clipboard-read", "clipboard-write"],
                                  accept_downloads=True)
    page = context.new_page()
    page.add_init_script(WATCH)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"error: {exc}"))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return context, page, problems


def test_the_cite_menu_copies_chooses_and_downloads(browser: Any, cite_server: str, shot: Any,
                                                    tmp_path: Path) -> None:
    context, page, problems = _page(browser)
    page.goto(cite_server + "/dataset/hist")
    box = page.locator("section.cite")
    status = box.get_by_role("status")
    apa = box.locator(".citation").inner_text()
    assert apa.startswith("Curator, A. (") and "[Dataset]" in apa

    box.get_by_role("button", name="Copy citation").click()
    page.wait_for_function("() => document.querySelector('.copy-status').textContent !== ''")
    assert status.inner_text() == "Copied the APA citation."
    assert page.evaluate("navigator.clipboard.readText()") == apa

    # From the keyboard: open the menu, choose BibTeX, copy it.
    box.locator("summary").focus()
    page.keyboard.press("Enter")
    chooser = box.get_by_label("Format")
    assert chooser.is_visible() and box.locator(".cite-format:visible").count() == 1
    chooser.focus()
    chooser.select_option("bibtex")
    assert box.locator(".cite-format:visible h3").inner_text() == "BibTeX"
    copy = box.get_by_role("button", name="Copy BibTeX")
    copy.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.copy-status').textContent.includes('BibTeX')")
    assert status.inner_text() == "Copied the BibTeX citation."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{dataset-hist,\n") and "doi = {10.1234/hist.1}" in copied
    shot(page, "cite-menu-dataset")

    with page.expect_download() as started:
        box.get_by_role("link", name="Download dataset-hist.bib").click()
    download = started.value
    assert download.suggested_filename == "dataset-hist.bib"
    saved = tmp_path / "cite.bib"
    download.save_as(saved)
    assert saved.read_text(encoding="utf-8") == copied

    chooser.select_option("harvard")
    harvard = box.locator(".cite-format:visible pre").inner_text()
    assert "Available at:" in harvard and harvard != apa
    assert page.evaluate("window.__violations") == [] and problems == []
    context.close()


def test_without_script_every_format_is_listed_and_no_dead_button(
        browser: Any, cite_server: str) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(cite_server + "/dataset/hist")
    page.locator("section.cite summary").click()
    assert page.locator("section.cite .cite-format:visible").count() == 5
    assert page.locator("section.cite button.copy:visible").count() == 0
    assert not page.locator("section.cite .cite-choose").is_visible()
    context.close()
