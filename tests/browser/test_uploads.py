"""The upload page in a real browser: an editor signs in, drops a CSV on Uppy's Dashboard, sees
it go through the tus endpoint in pieces and its upload id listed; the finished file is the
one sent, and can be claimed. A file of the wrong type is refused in the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from holotype.services import uploads
from holotype.services.context import Portal
from tests.browser.test_accessibility import AXE, FAILING, RUN_AXE, WCAG, _readable
from tests.fixtures.accounts_site import PASSWORD, AccountsSite, make_accounts_site
from tests.fixtures.site import LiveServer


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> AccountsSite:
    return make_accounts_site(tmp_path_factory.mktemp("upload-site"), records=5,
                              map_tile_url="")


@pytest.fixture(scope="module")
def server(site: AccountsSite) -> Iterator[str]:
    with LiveServer(site.settings) as live:
        yield live.url


def signed_in_page(browser: Any, server: str, username: str) -> Any:
    page = browser.new_page()
    page.goto(f"{server}/user/login?next=/dataset/secret/upload")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/dataset/secret/upload")
    return page


def test_an_editor_uploads_a_csv_with_uppy(browser: Any, server: str, site: AccountsSite,
                                           shot: Any, tmp_path: Path) -> None:
    page = signed_in_page(browser, server, "editor")
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    assert "4.3 GB" in page.locator("#upload-limit").inner_text()
    data = b"occurrenceID,scientificName\n" + b"".join(
        f"web-{i},Pica pica\n".encode() for i in range(50_000))
    csv = tmp_path / "magpies.csv"
    csv.write_bytes(data)
    page.locator(".uppy-Dashboard-input").first.set_input_files(str(csv))
    page.locator(".uppy-StatusBar-actionBtn--upload").click()
    listed = page.locator("#finished-uploads li.finished-upload")
    listed.wait_for(timeout=60_000)
    assert "magpies.csv" in listed.inner_text()
    upload_id = listed.get_attribute("data-upload-id")
    assert upload_id and len(upload_id) == 32
    shot(page, "upload-finished")
    assert not refused, refused
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, _readable(failing)
    portal = Portal.open(site.settings)
    try:
        path, name = uploads.claim(portal, site.identity("editor"), upload_id)
    finally:
        portal.close()
    assert (name, path.read_bytes()) == ("magpies.csv", data)


def test_a_file_of_the_wrong_type_is_refused_in_the_page(browser: Any, server: str,
                                                         shot: Any, tmp_path: Path) -> None:
    page = signed_in_page(browser, server, "editor")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, _readable(failing)  # the empty page, too
    wrong = tmp_path / "notes.exe"
    wrong.write_bytes(b"MZ")
    page.locator(".uppy-Dashboard-input").first.set_input_files(str(wrong))
    informer = page.locator(".uppy-Informer", has_text=".csv").first
    informer.wait_for(timeout=10_000)
    assert ".jpg" in informer.inner_text()
    assert page.locator(".uppy-Dashboard-Item").count() == 0
    shot(page, "upload-wrong-type")


def test_a_member_who_may_not_add_data_is_refused(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(f"{server}/user/login?next=/dataset/secret/upload")
    page.fill("#login-username", "member")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "only an editor or admin" in page.content()
