"""The upload page in a real browser: an editor signs in, drops a CSV on Uppy's Dashboard, sees
it go through the tus endpoint in pieces, and lands on the draft it became (for the dataset's
only resource, chosen first), holding the very bytes sent. A file of the wrong type is refused
in the page. An image is offered for attaching instead, and attached to the record its name
gives (whose page then shows it); a refused one is kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyvips

from holotype.services import drafts, uploads
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
    assert page.locator("#upload-resource").input_value() == site.secret_resource  # the only
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, _readable(failing)
    page.locator(".uppy-StatusBar-actionBtn--upload").click()
    # once sent, the upload is handed to the dataset's drafts, and the page goes on there
    page.wait_for_url(f"{server}/dataset/secret/drafts/*", timeout=60_000)
    assert "magpies.csv" in page.locator("main").inner_text()
    shot(page, "upload-finished")
    assert not refused, refused
    draft_id = page.url.rsplit("/", 1)[-1]
    draft = site.settings.data_dir / "drafts" / draft_id
    assert (draft / "original.csv").read_bytes() == data  # the very bytes sent
    portal = Portal.open(site.settings)
    try:
        assert drafts.show(portal, site.identity("editor"), draft_id).resource_name == "Records"
    finally:
        portal.close()
    assert not (site.settings.data_dir / "uploads" / "claimed").exists() or not any(
        (site.settings.data_dir / "uploads" / "claimed").iterdir())


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


def _upload_image(page: Any, path: Path) -> str:
    """Send ``path`` with Uppy; the upload id the page offers in its attach form."""
    page.locator(".uppy-Dashboard-input").first.set_input_files(str(path))
    page.locator(".uppy-StatusBar-actionBtn--upload").click()
    offered = page.locator(f"#image-uploads li:has-text('{path.name}') input[name=upload_id]")
    offered.wait_for(timeout=60_000)
    assert page.locator("#attach-images").is_visible()
    upload_id = offered.get_attribute("value")
    assert upload_id and offered.is_checked()
    return str(upload_id)


def test_an_image_is_attached_to_the_record_its_name_gives(
        browser: Any, server: str, shot: Any, tmp_path: Path) -> None:
    page = signed_in_page(browser, server, "editor")
    image = tmp_path / "SEC-2.jpg"
    xy = pyvips.Image.xyz(320, 240)
    xy[0].bandjoin([xy[1], xy[0] * 0 + 140]).cast("uchar").write_to_file(str(image))
    _upload_image(page, image)
    assert page.url == f"{server}/dataset/secret/upload"  # an image is no draft: it stays
    page.fill("#attach-creator", "A. Photographer")
    page.fill("#attach-licence", "CC-BY-4.0")
    page.click("#attach-button")
    result = page.locator("#attach-result")
    result.wait_for(timeout=60_000)
    assert "1 image added to 1 record of Records, as a new version." in result.inner_text()
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, _readable(failing)
    shot(page, "upload-images-attached")
    page.click("#attached-records a:has-text('SEC-2')")
    page.wait_for_selector('#iiif-viewer[data-opened="0"]', timeout=60_000)
    assert "SEC-2.jpg" in page.locator("main").inner_text()  # the image, by its title
    shot(page, "upload-image-on-record")


def test_a_refused_attachment_is_shown_and_the_upload_kept(
        browser: Any, server: str, site: AccountsSite, shot: Any, tmp_path: Path) -> None:
    page = signed_in_page(browser, server, "sysadmin")
    image = tmp_path / "SEC-1_5.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n not really an image")
    upload_id = _upload_image(page, image)
    page.click("#attach-button")
    problem = page.locator("#attach-error")
    problem.wait_for(timeout=60_000)
    assert "SEC-1_5.png" in problem.inner_text()
    assert "nothing was added" in problem.inner_text()
    kept = page.locator(f"#image-uploads input[value='{upload_id}']")
    assert kept.is_checked()  # offered again
    shot(page, "upload-attach-refused")
    portal = Portal.open(site.settings)
    try:
        assert uploads.finished(portal, site.identity("sysadmin"),
                                upload_id).name == "SEC-1_5.png"
    finally:
        portal.close()
