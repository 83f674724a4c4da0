"""The organisation pages: the list, an organisation with the datasets the visitor may read,
its members (for members; admins change them through the forms) and a new organisation (for
sysadmins). Forms carry their token; refusals change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from holotype.services import organisations
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.web.app import create_app
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site
from tests.fixtures.forms import with_token
from tests.fixtures.signed_in import sign_in


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> AccountsSite:
    return make_accounts_site(tmp_path_factory.mktemp("org-pages"), records=10)


@pytest.fixture(scope="module")
def app(site: AccountsSite) -> Iterator[FastAPI]:
    made = create_app(site.settings)
    with TestClient(made):
        yield made


def _roles(site: AccountsSite, slug: str) -> dict[str, str]:
    portal = Portal.open(site.settings)
    try:
        return {m.username: m.role for m in organisations.list_members(portal, OPERATOR, slug)}
    finally:
        portal.close()


def test_the_list_and_an_organisation_show_what_the_visitor_may_read(
        app: FastAPI, site: AccountsSite) -> None:
    anonymous = TestClient(app)
    listed = anonymous.get("/organisations.json").json()
    assert {"museum", "other"} <= {o["slug"] for o in listed["organisations"]}
    assert listed["may_create"] is False
    assert "Museum" in anonymous.get("/organisations").text
    public = anonymous.get("/organisation/museum.json").json()
    assert public["datasets"] == [] and public["members_url"] is None
    member = sign_in(app, site, "member").get("/organisation/museum.json").json()
    assert [d["slug"] for d in member["datasets"]] == ["secret"]
    assert member["role"] == "member" and member["members_url"] == "/organisation/museum/members"
    assert "private" in sign_in(app, site, "member").get("/organisation/museum").text
    assert anonymous.get("/organisation/nowhere.json").status_code == 404


def test_members_are_listed_to_members_only(app: FastAPI, site: AccountsSite) -> None:
    assert TestClient(app).get("/organisation/museum/members.json").status_code == 404
    assert sign_in(app, site, "other_editor").get(
        "/organisation/museum/members.json").status_code == 404
    seen = sign_in(app, site, "member").get("/organisation/museum/members.json").json()
    assert {m["username"]: m["role"] for m in seen["members"]} == {
        "editor": "editor", "member": "member"}
    assert seen["may_manage"] is False
    page = sign_in(app, site, "member").get("/organisation/museum/members").text
    assert "Add a member" not in page


def test_an_admin_adds_changes_and_removes_members(app: FastAPI, site: AccountsSite) -> None:
    portal = Portal.open(site.settings)
    try:
        organisations.set_role(portal, OPERATOR, "other", "other_editor", "admin")
    finally:
        portal.close()
    admin = sign_in(app, site, "other_editor")
    assert "Add a member" in admin.get("/organisation/other/members").text
    url = "/organisation/other/members"
    added = admin.post(url, data=with_token(admin, {"action": "add", "username": "member",
                                                    "role": "editor"}))
    assert added.status_code == 200 and "member is now editor" in added.text
    assert _roles(site, "other")["member"] == "editor"
    admin.post(url, data=with_token(admin, {"action": "set", "username": "member",
                                            "role": "member"}))
    assert _roles(site, "other")["member"] == "member"
    too_high = admin.post(url, data=with_token(admin, {"action": "set", "username": "member",
                                                       "role": "sysadmin"}))
    assert (too_high.status_code == 400 and "Role" in too_high.text) or "role" in too_high.text
    assert _roles(site, "other")["member"] == "member"
    admin.post(url, data=with_token(admin, {"action": "remove", "username": "member"}))
    assert "member" not in _roles(site, "other")
    # A member of museum may not change museum's members; without a token nothing happens.
    member = sign_in(app, site, "member")
    refused = member.post("/organisation/museum/members", data=with_token(member, {
        "action": "add", "username": "other_editor", "role": "admin"}))
    assert refused.status_code == 403
    stale = admin.post(url, data={"action": "add", "username": "editor", "role": "member"})
    assert stale.status_code == 403 and "editor" not in _roles(site, "other")
    assert "other_editor" not in _roles(site, "museum")


def test_only_a_sysadmin_creates_organisations(app: FastAPI, site: AccountsSite) -> None:
    anonymous = TestClient(app)
    assert anonymous.get("/organisation/new", follow_redirects=False).status_code in (303, 401)
    assert sign_in(app, site, "editor").get("/organisation/new").status_code == 403
    boss = sign_in(app, site, "sysadmin")
    assert "New organisation" in boss.get("/organisation/new").text
    made = boss.post("/organisation/new", data=with_token(boss, {
        "slug": "herbarium", "name": "Herbarium"}), follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/organisation/herbarium"
    again = boss.post("/organisation/new", data=with_token(boss, {
        "slug": "herbarium", "name": "Again"}))
    assert again.status_code == 409 and "already exists" in again.text
    assert anonymous.get("/organisation/herbarium.json").json()["name"] == "Herbarium"
