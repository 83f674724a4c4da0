"""API tokens and the audit trail in a real browser: a user signs in, creates a token (shown
once), sees it listed by its first characters, revokes it; a sysadmin reads the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from holotype.config import load_settings
from holotype.services.accounts.users import create_user
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from tests.fixtures.site import LiveServer

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("tokens-site"), map_tile_url="",
                             rate_limit_per_minute=0)
    portal = Portal.open(settings)
    try:
        for name in ("curator", "boss"):
            create_user(portal, OPERATOR, name, f"{name}@example.org", sysadmin=name == "boss",
                        password=PASSWORD)
    finally:
        portal.close()
    with LiveServer(settings) as server:
        yield server.url


def sign_in(browser: Any, site: str, username: str) -> Any:
    page = browser.new_page()
    page.goto(f"{site}/user/login?next=/user/me")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/user/me")
    return page


def test_a_token_is_created_shown_once_and_revoked(browser: Any, site: str, shot: Any) -> None:
    page = sign_in(browser, site, "curator")
    page.fill("#token-name", "nightly upload")
    page.select_option("#token-scope", "write")
    page.fill("#token-days", "30")
    page.click("text=Create a token")
    token = page.locator("#new-token").inner_text()
    assert token.startswith("ht_") and len(token) > 40
    shot(page, "api-token-created")
    page.click("text=Back to your account")
    section = page.locator("section.api-tokens")
    assert "nightly upload" in section.inner_text() and token not in page.content()
    assert token[:8] in section.inner_text()
    shot(page, "api-tokens-section")
    page.click("button[aria-label='Revoke the token nightly upload']")
    page.wait_for_url(f"{site}/user/me#tokens-heading")
    assert "revoked" in page.locator("section.api-tokens").inner_text()
    page.close()


def test_a_sysadmin_reads_the_audit_trail(browser: Any, site: str, shot: Any) -> None:
    page = sign_in(browser, site, "boss")
    assert page.goto(f"{site}/admin/audit").status == 200
    page.select_option("#audit-event", "signin")
    page.click("text=Filter")
    rows = page.locator("table.audit tbody tr")
    assert rows.count() >= 1 and "signin" in rows.first.inner_text()
    shot(page, "audit-trail")
    page.close()
