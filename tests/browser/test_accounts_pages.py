"""The account pages in a real browser: signing in from a page's navigation comes back to
that page, the navigation then offers the account and signing out; screenshots of each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from holotype.config import load_settings
from holotype.services.accounts.users import create_user
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from tests.fixtures.site import LiveServer

PASSWORD = "a browser's password"


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("accounts-site"), map_tile_url="",
                             rate_limit_per_minute=0)
    portal = Portal.open(settings)
    try:
        create_user(portal, OPERATOR, "curator", "curator@example.org", "Cura Tor",
                    sysadmin=True, password=PASSWORD)
    finally:
        portal.close()
    with LiveServer(settings) as server:
        yield server.url


def test_sign_in_and_out_from_the_navigation(browser: Any, accounts_server: str,
                                             shot: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{accounts_server}/datasets")
    page.click("header.site >> text=Sign in")
    page.wait_for_url("**/user/login?next=%2Fdatasets")
    shot(page, "accounts-sign-in")
    page.fill("#login-username", "curator")
    page.fill("#login-password", "not the password")
    page.click("form.account-form button[type=submit]")
    assert "The user name or password is wrong" in page.locator("[role=alert]").inner_text()
    shot(page, "accounts-sign-in-refused")
    page.fill("#login-password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{accounts_server}/datasets")
    assert page.locator("header.site >> text=curator").is_visible()
    page.click("header.site >> text=curator")
    page.wait_for_url("**/user/me")
    assert "Sysadmin" in page.locator("main").inner_text()
    shot(page, "accounts-profile")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["holotype_session"]["httpOnly"] and cookies["holotype_session"]["sameSite"] \
        == "Lax"
    assert page.evaluate("document.cookie").find("holotype_session") == -1
    page.click("header.site >> text=Sign out")
    page.wait_for_url(f"{accounts_server}/")
    assert page.locator("header.site >> text=Sign in").is_visible()


def test_a_stale_form_says_it_expired(browser: Any, accounts_server: str, shot: Any,
                                      tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{accounts_server}/user/login")
    page.context.clear_cookies()  # as if the visitor's cookie had gone meanwhile
    page.fill("#login-username", "curator")
    page.fill("#login-password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    assert "The form expired; reload the page and try again." in page.inner_text("main")
    shot(page, "accounts-form-expired")
