"""Accounts in a real browser, on the accounts test site: a member signed in sees the private
dataset that anonymous visitors get 404 for, and signing out closes it again; a form shown
before the session changed is refused and changes nothing; the pages only a signed-in user
sees pass the accessibility check of test_accessibility (axe-core, WCAG 2 A/AA), which that
module, never signed in, cannot do. (The sign-in form itself, a wrong password and a form
without its cookie: test_accounts_pages.py; managing members: test_organisation_pages.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.test_accessibility import AXE, FAILING, RUN_AXE, WCAG, _readable
from tests.fixtures.accounts_site import PASSWORD, AccountsSite, make_accounts_site
from tests.fixtures.site import LiveServer

PRIVATE = "/dataset/secret"
PRIVATE_TITLE = "Private secret"


@dataclass(frozen=True)
class Site:
    url: str
    accounts: AccountsSite


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    # OpenID Connect is on so the sign-in page shows its button (never followed here: the
    # provider is tests/accounts/test_oidc.py's, which runs the whole round trip).
    accounts = make_accounts_site(
        tmp_path_factory.mktemp("accounts"), sign_in_methods=["local", "oidc"],
        oidc_issuer="https://login.museum.invalid/realms/museum", oidc_client_id="holotype",
        oidc_label="the museum's account")
    with LiveServer(accounts.settings) as server:
        yield Site(server.url, accounts)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    made = browser.new_context(viewport={"width": 1280, "height": 800})
    yield made
    made.close()


def _sign_in(page: Any, site: Site, username: str, password: str = PASSWORD) -> Any:
    page.goto(site.url + "/user/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in", exact=True).click()
    return navigation.value


def _axe(page: Any) -> None:
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, f"{page.url}:\n{_readable(failing)}"


def test_signing_in_opens_private_data_and_signing_out_closes_it(
    context: Any, site: Site, shot: Any
) -> None:
    page = context.new_page()
    assert page.goto(site.url + PRIVATE).status == 404
    page.goto(site.url + "/dataset/secret?from=here")
    page.locator("header nav").get_by_role("link", name="Sign in").click()
    button = page.get_by_role("link", name="Sign in with the museum's account")
    assert button.get_attribute("href") == "/user/login/oidc?next=/dataset/secret%3Ffrom%3Dhere"
    _axe(page)
    shot(page, "accounts-sign-in-oidc")
    _sign_in(page, site, "member")
    assert page.url == site.url + "/user/me"
    assert page.locator("header nav").get_by_role("link", name="member").is_visible()

    answer = page.goto(site.url + PRIVATE)
    assert answer.status == 200 and PRIVATE_TITLE in page.content()
    page.locator("header nav").get_by_role("button", name="Sign out").click()
    page.wait_for_url(site.url + "/")
    assert page.locator("header nav").get_by_role("link", name="Sign in").is_visible()
    assert page.goto(site.url + PRIVATE).status == 404
    assert PRIVATE_TITLE not in page.content()


def test_a_stale_form_is_refused_and_changes_nothing(context: Any, site: Site) -> None:
    page = context.new_page()
    _sign_in(page, site, "editor")
    page.goto(site.url + "/user/me")
    before = page.get_by_label("Your name").input_value()
    # Signing out and in again elsewhere starts a new session: this page's form is stale.
    other = context.new_page()
    other.goto(site.url + "/")
    other.locator("header nav").get_by_role("button", name="Sign out").click()
    other.wait_for_url(site.url + "/")
    _sign_in(other, site, "editor")
    page.get_by_label("Your name").fill("Changed by a stale form")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save").click()
    assert navigation.value.status == 403
    said = page.locator("main").inner_text()
    assert "the form expired; reload the page and try again" in said.lower(), said
    other.goto(site.url + "/user/me")
    assert other.get_by_label("Your name").input_value() == before


@pytest.mark.parametrize("path", ["/user/me", "/user/list", "/organisation/museum",
                                  "/organisation/museum/members", "/organisation/new"])
def test_signed_in_pages_are_accessible(context: Any, site: Site, path: str) -> None:
    page = context.new_page()
    _sign_in(page, site, "sysadmin")
    assert page.goto(site.url + path).status == 200
    _axe(page)
