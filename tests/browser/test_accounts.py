"""Accounts in a real browser: signing in and out, a wrong password, a stale form refused,
an administrator managing an organisation's members, and a member seeing the private dataset
that anonymous visitors get 404 for. The account pages also pass the accessibility check of
test_accessibility (axe-core, WCAG 2 A/AA) signed in, which that module cannot do."""

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


def test_sign_in_shows_private_data_and_sign_out_hides_it(context: Any, site: Site,
                                                          shot: Any) -> None:
    page = context.new_page()
    assert page.goto(site.url + PRIVATE).status == 404
    page.goto(site.url + "/dataset/secret?from=here")
    page.locator("header nav").get_by_role("link", name="Sign in").click()
    button = page.get_by_role("link", name="Sign in with the museum's account")
    assert button.get_attribute("href") == "/user/login/oidc?next=/dataset/secret%3Ffrom%3Dhere"
    _axe(page)
    shot(page, "account-login")
    page.goto(site.url + "/user/login")
    _sign_in(page, site, "member")
    assert page.url == site.url + "/user/me"
    assert page.get_by_role("heading", name="Your account").is_visible()
    assert page.locator("header nav").get_by_role("link", name="member").is_visible()
    _axe(page)
    shot(page, "account-profile")

    answer = page.goto(site.url + PRIVATE)
    assert answer.status == 200 and PRIVATE_TITLE in page.content()
    page.locator("header nav").get_by_role("button", name="Sign out").click()
    page.wait_for_url(site.url + "/")
    assert page.locator("header nav").get_by_role("link", name="Sign in").is_visible()
    assert page.goto(site.url + PRIVATE).status == 404
    assert PRIVATE_TITLE not in page.content()


def test_a_wrong_password_is_refused_and_nothing_opens(context: Any, site: Site) -> None:
    page = context.new_page()
    answer = _sign_in(page, site, "member", "not the password at all")
    assert answer.status == 400
    assert "the user name or password is wrong" in page.locator("main").inner_text()
    assert page.get_by_label("User name").input_value() == "member"
    assert page.locator("header nav").get_by_role("link", name="Sign in").is_visible()
    assert page.goto(site.url + PRIVATE).status == 404


def test_sign_in_goes_back_to_the_page_it_came_from(context: Any, site: Site) -> None:
    page = context.new_page()
    page.goto(site.url + "/datasets")
    page.locator("header nav").get_by_role("link", name="Sign in").click()
    page.get_by_label("User name").fill("member")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(site.url + "/datasets")


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


def test_a_login_form_without_its_cookie_is_refused(context: Any, site: Site) -> None:
    page = context.new_page()
    page.goto(site.url + "/user/login")
    context.clear_cookies()
    page.get_by_label("User name").fill("member")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert navigation.value.status == 403
    assert page.goto(site.url + PRIVATE).status == 404


def test_an_admin_adds_a_member_and_changes_their_role(context: Any, site: Site,
                                                        shot: Any) -> None:
    admin = context.new_page()
    _sign_in(admin, site, "sysadmin")
    admin.goto(site.url + "/organisation/museum/members")
    adding = admin.locator("form", has=admin.locator("input[name=action][value=add]"))
    adding.get_by_label("User name").fill("other_editor")
    adding.get_by_label("Role").select_option("member")
    with admin.expect_navigation():
        adding.get_by_role("button", name="Add", exact=True).click()
    row = admin.locator("tbody tr", has_text="other_editor")
    assert row.locator("td").nth(2).inner_text() == "member"

    # The new member sees museum's private dataset at once (a new request, a new identity).
    member = context.browser.new_context()
    try:
        page = member.new_page()
        _sign_in(page, site, "other_editor")
        answer = page.goto(site.url + PRIVATE)
        assert answer.status == 200 and PRIVATE_TITLE in page.content()
    finally:
        member.close()

    row.get_by_label("Role of other_editor").select_option("editor")
    with admin.expect_navigation():
        row.get_by_role("button", name="Change role").click()
    row = admin.locator("tbody tr", has_text="other_editor")
    assert row.locator("td").nth(2).inner_text() == "editor"
    _axe(admin)
    shot(admin, "organisation-members")


def test_account_pages_are_accessible_to_anonymous_visitors(context: Any, site: Site) -> None:
    page = context.new_page()
    for path in ("/user/register", "/user/reset", "/organisations", "/organisation/museum"):
        assert page.goto(site.url + path).status == 200, path
        _axe(page)

