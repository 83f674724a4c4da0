"""The organisation pages in a real browser: an admin adds a member and changes a role
through the members page's forms (with their form tokens); the member then sees the
organisation's private dataset, which a visitor not signed in does not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from holotype.services import organisations
from holotype.services.accounts import sessions
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site
from tests.fixtures.site import LiveServer


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AccountsSite, str]]:
    site = make_accounts_site(tmp_path_factory.mktemp("org-browser"), records=200)
    portal = Portal.open(site.settings)
    try:
        organisations.set_role(portal, OPERATOR, "museum", "editor", "admin")
    finally:
        portal.close()
    with LiveServer(site.settings) as server:
        yield site, server.url


def _as(browser: Any, site: AccountsSite, url: str, username: str | None) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if username is not None:
        context.add_cookies([{"name": sessions.COOKIE, "value": site.cookie_for(username),
                              "url": url}])
    return context.new_page()


def test_an_admin_manages_members_and_the_member_sees_private_data(
        browser: Any, accounts: tuple[AccountsSite, str], shot: Any) -> None:
    site, url = accounts
    admin = _as(browser, site, url, "editor")
    admin.goto(f"{url}/organisation/museum/members")
    admin.fill("#member-username", "other_editor")
    admin.select_option("#member-role", "member")
    admin.click("form.account-form button[type=submit]")
    admin.wait_for_selector("[role=status]")
    assert "other_editor is now member" in admin.locator("[role=status]").inner_text()
    row = admin.locator("tr", has_text="other_editor")
    row.locator("select").select_option("editor")
    row.locator("button", has_text="Change role").click()
    admin.wait_for_selector("[role=status]")
    assert "other_editor is now editor" in admin.locator("[role=status]").inner_text()
    assert Path(shot(admin, "organisation-members")).is_file()
    newcomer = _as(browser, site, url, "other_editor")
    newcomer.goto(f"{url}/organisation/museum")
    assert "Private secret" in newcomer.locator("main").inner_text()
    assert Path(shot(newcomer, "organisation-page")).is_file()
    visitor = _as(browser, site, url, None)
    visitor.goto(f"{url}/organisation/museum")
    assert "Private secret" not in visitor.locator("main").inner_text()
    assert "No datasets you may see" in visitor.locator("main").inner_text()
