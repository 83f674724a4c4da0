"""The profile page's API tokens section and the sysadmins' audit viewer, through the real
application: a token is shown once, works, is revoked; forms need their form token; the audit
trail filters, and its CSV makes formula-like cells inert."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from holotype.catalog.api_tokens import ApiToken
from holotype.catalog.models import User
from holotype.config import Settings, load_settings
from holotype.services import catalogue
from holotype.services.accounts import sessions, tokens
from holotype.services.accounts.identities import identity_for_user
from holotype.services.accounts.users import create_user
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.web.app import create_app
from tests.fixtures.forms import token_in, with_token

PASSWORD = "correct horse battery"
RAW = re.compile(r"ht_[A-Za-z0-9_-]{40,}")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("token-pages")
    chosen = load_settings(data_dir=folder, map_tile_url="", rate_limit_per_minute=0)
    portal = Portal.open(chosen)
    try:
        for name in ("curator", "boss"):
            create_user(portal, OPERATOR, name, f"{name}@example.org", sysadmin=name == "boss",
                        password=PASSWORD)
    finally:
        portal.close()
    return chosen


def signed_in(settings: Settings, username: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        portal: Portal = client.app.state.portal  # type: ignore[attr-defined]
        with portal.session() as session:
            found = session.scalar(select(User.id).where(User.username == username))
        assert found is not None
        client.cookies.set(sessions.COOKIE, sessions.start_session(portal, found, "127.0.0.1"))
        yield client


@pytest.fixture
def curator(settings: Settings) -> Iterator[TestClient]:
    yield from signed_in(settings, "curator")


@pytest.fixture
def boss(settings: Settings) -> Iterator[TestClient]:
    yield from signed_in(settings, "boss")


def token_count(client: TestClient) -> int:
    portal: Portal = client.app.state.portal  # type: ignore[attr-defined]
    with portal.session() as session:
        return int(session.scalar(select(func.count()).select_from(ApiToken)) or 0)


def test_a_token_is_shown_once_works_and_is_revoked(curator: TestClient) -> None:
    profile = curator.get("/user/me")
    assert profile.status_code == 200 and "API tokens" in profile.text
    made = curator.post("/user/me/tokens", data={"csrf_token": token_in(profile.text),
                                                 "name": "laptop", "scope": "read",
                                                 "days": "5"})
    assert made.status_code == 200, made.text
    raw = RAW.search(made.text)
    assert raw is not None and "shown only this once" in made.text
    token = raw.group(0)

    again = curator.get("/user/me")
    assert token not in again.text and token[:8] in again.text and "laptop" in again.text

    with TestClient(curator.app) as script:  # no cookie: the token alone
        listed = script.get("/api/3/action/api_token_list",
                            headers={"Authorization": f"Bearer {token}"})
        assert listed.status_code == 200 and listed.json()["result"][0]["name"] == "laptop"
        by_ckan_header = script.get("/api/3/action/api_token_list",
                                    headers={"X-CKAN-API-Key": token})
        assert by_ckan_header.json()["result"] == listed.json()["result"]
        token_id = listed.json()["result"][0]["id"]
        revoked = curator.post(f"/user/me/tokens/{token_id}/revoke",
                               data={"csrf_token": token_in(again.text)},
                               follow_redirects=False)
        assert revoked.status_code == 303
        refused = script.get("/api/3/action/package_list", headers={"Authorization": token})
        assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]
    assert "revoked" in curator.get("/user/me").text


def test_token_forms_need_their_form_token(curator: TestClient) -> None:
    before = token_count(curator)
    refused = curator.post("/user/me/tokens", data={"name": "forged", "scope": "write",
                                                    "days": "5"})
    assert refused.status_code == 403 and token_count(curator) == before


def test_a_bad_token_form_says_what_is_wrong(curator: TestClient) -> None:
    before = token_count(curator)
    bad = curator.post("/user/me/tokens", data=with_token(curator, {
        "name": "x", "scope": "write", "days": "0"}))
    assert bad.status_code == 400 and "1 to 3650 days" in bad.text
    assert RAW.search(bad.text) is None and token_count(curator) == before


def test_the_audit_trail_is_for_sysadmins(curator: TestClient, settings: Settings) -> None:
    assert curator.get("/admin/audit.json").status_code == 403
    with TestClient(create_app(settings)) as anonymous:
        assert anonymous.get("/admin/audit.json").status_code == 401


def test_the_audit_viewer_filters_and_neutralises_csv(boss: TestClient) -> None:
    hostile = "=cmd|' /c calc'!a0"
    failed = boss.post("/user/login", data=with_token(boss, {"username": hostile,
                                                             "password": "wrong"}))
    assert failed.status_code in (400, 403, 200)
    page = boss.get("/admin/audit")
    assert page.status_code == 200 and "Audit trail" in page.text
    events = boss.get("/admin/audit.json", params={"event": "signin_failed"}).json()["events"]
    assert events and {e["event"] for e in events} == {"signin_failed"}
    assert any(e["target_id"] == hostile for e in events)
    sheet = boss.get("/admin/audit.csv", params={"event": "signin_failed"})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    targets = [r["target_id"] for r in rows]
    assert "'" + hostile in targets and hostile not in targets
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())
    bad = boss.get("/admin/audit.json", params={"since": "yesterday"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "since"
    unknown = boss.get("/admin/audit.json", params={"event": "nonsense"})
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "event"
    none = boss.get("/admin/audit.json", params={"since": "2099-01-01"}).json()["events"]
    assert none == []




def test_a_session_cookie_does_not_write_through_the_api(curator: TestClient) -> None:
    before = token_count(curator)
    made = curator.post("/api/3/action/api_token_create", json={"name": "via cookie"})
    assert made.status_code == 401 and token_count(curator) == before
    shown = curator.get("/api/3/action/api_token_list")  # reading with the cookie is fine
    assert shown.status_code == 200


def test_a_write_action_refuses_get(curator: TestClient) -> None:
    before = token_count(curator)
    made = curator.get("/api/3/action/api_token_create", params={"name": "via link"})
    assert made.status_code == 400 and made.json()["error"]["method"]
    assert token_count(curator) == before


def test_an_upload_over_the_limit_is_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("small-uploads")
    small = load_settings(data_dir=folder, map_tile_url="", rate_limit_per_minute=0,
                          max_upload_bytes=64)
    portal = Portal.open(small)
    try:
        boss, _ = create_user(portal, OPERATOR, "boss", "boss@example.org", sysadmin=True,
                              password=PASSWORD)
        with portal.write_session() as session:
            catalogue.create_dataset(session, slug="plants", title="Plants", licence="CC0-1.0")
        with portal.session() as session:
            identity = identity_for_user(session, boss.id)
        _, raw = tokens.create_token(portal, identity, "upload", "write", 1)
    finally:
        portal.close()
    with TestClient(create_app(small)) as client:
        sent = client.post("/api/3/action/resource_create", headers={"Authorization": raw},
                           data={"package_id": "plants", "name": "Big"},
                           files={"upload": ("big.csv", b"a,b\n" + b"1,2\n" * 100)})
        assert sent.status_code == 400, sent.text
        assert "64 bytes" in sent.json()["error"]["upload"][0]
        shown = client.get("/api/3/action/package_show", params={"id": "plants"},
                           headers={"Authorization": raw})
        assert shown.json()["result"]["resources"] == []
        as_text = client.post("/api/3/action/resource_create", headers={"Authorization": raw},
                              json={"package_id": "plants", "upload": "/etc/passwd"})
        assert as_text.status_code == 400 and "multipart" in as_text.json()["error"]["message"]
