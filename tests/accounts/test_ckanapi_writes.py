"""The PyPI ``ckanapi`` client, unmodified, writing through a real server with API tokens:
an editor creates, patches, uploads to and deletes a dataset; revoked, expired and read-only
tokens and escalations through parameters are refused, change nothing and are audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ckanapi
import pytest
from sqlalchemy import select

from holotype.catalog.accounts import AuditEvent
from holotype.services.context import Portal
from tests.fixtures.site import LiveServer
from tests.fixtures.token_site import TokenSite, make_token_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TokenSite:
    return make_token_site(tmp_path_factory.mktemp("ckan-writes"))


@pytest.fixture(scope="module")
def live(site: TokenSite) -> Iterator[str]:
    with LiveServer(site.settings) as server:
        yield server.url


def client(live: str, site: TokenSite, token: str | None) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(live, apikey=site.tokens[token] if token else None,
                              user_agent="holotype-tests")


def audit_rows(site: TokenSite, event: str) -> list[tuple[str, str, str, str]]:
    portal = Portal.open(site.settings)
    try:
        with portal.session() as session:
            rows = session.execute(
                select(AuditEvent.actor_name, AuditEvent.target_id, AuditEvent.outcome,
                       AuditEvent.detail).where(AuditEvent.event == event)
                .order_by(AuditEvent.at)).all()
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        portal.close()


def test_an_editor_writes_through_ckanapi(live: str, site: TokenSite, tmp_path: Path) -> None:
    editor = client(live, site, "editor-write")
    made = editor.action.package_create(
        name="beetles-2026", title="Beetles 2026", license_id="CC-BY-4.0",
        owner_org="museum", private=True, notes="Pitfall traps.",
        tags=[{"name": "insects"}, {"name": "beetles"}])
    assert made["name"] == "beetles-2026" and made["private"] is True
    assert made["organization"]["name"] == "museum"
    assert {t["name"] for t in made["tags"]} == {"insects", "beetles"}

    patched = editor.action.package_patch(id=made["id"], title="Beetles of 2026")
    assert patched["title"] == "Beetles of 2026" and patched["notes"] == "Pitfall traps."

    upload = tmp_path / "beetles.csv"
    upload.write_text("catalogNumber,scientificName,country\n"
                      "B-1,Carabus violaceus,United Kingdom\n"
                      "B-2,Carabus nemoralis,France\n", encoding="utf-8")
    with upload.open("rb") as handle:
        resource = editor.action.resource_create(package_id="beetles-2026", name="Beetles",
                                                 upload=handle)
    assert resource["name"] == "Beetles" and resource["record_count"] == 2
    found = editor.action.datastore_search(resource_id=resource["id"], q="nemoralis")
    assert [r["catalogNumber"] for r in found["records"]] == ["B-2"]

    bad = tmp_path / "broken.csv"
    bad.write_text("catalogNumber,catalogNumber\nB-1,B-2\n", encoding="utf-8")
    with bad.open("rb") as handle, pytest.raises(ckanapi.ValidationError) as refused:
        editor.action.resource_create(package_id="beetles-2026", name="Broken", upload=handle)
    assert "upload" in str(refused.value)
    assert len(editor.action.package_show(id="beetles-2026")["resources"]) == 1

    linked = editor.action.resource_create(package_id="beetles-2026", name="Field notes",
                                           url="https://example.org/notes.pdf")
    assert linked["datastore_active"] is False and linked["name"] == "Field notes"
    updated = editor.action.package_update(id="beetles-2026", title="Beetles",
                                           license_id="CC0-1.0")
    assert updated["notes"] == "" and updated["tags"] == [] and updated["private"] is True
    assert len(updated["resources"]) == 2

    # private: anonymous clients do not see it
    with pytest.raises(ckanapi.NotFound):
        client(live, site, None).action.package_show(id="beetles-2026")

    editor.action.package_delete(id="beetles-2026")
    with pytest.raises(ckanapi.NotFound):
        editor.action.package_show(id="beetles-2026")
    actions = {detail for actor, _t, _o, detail in audit_rows(site, "token_write")
               if actor == "editor"}
    for action in ("package_create", "package_patch", "resource_create", "package_delete"):
        assert any(action in detail for detail in actions), action


@pytest.mark.parametrize(("token", "words"), [
    ("editor-revoked", "revoked"), ("editor-expired", "expired"),
    ("editor-read", "may only read")])
def test_bad_tokens_change_nothing(live: str, site: TokenSite, token: str, words: str) -> None:
    before = client(live, site, "editor-read").action.package_show(id="secret")
    refused_before = len(audit_rows(site, "signin_failed")) + len(
        audit_rows(site, "write_refused"))
    with pytest.raises(ckanapi.NotAuthorized) as caught:
        client(live, site, token).action.package_patch(id="secret", title="Defaced")
    assert words in str(caught.value)
    after = client(live, site, "editor-read").action.package_show(id="secret")
    assert after["title"] == before["title"] and after["metadata_modified"] == before[
        "metadata_modified"]
    refused_after = len(audit_rows(site, "signin_failed")) + len(
        audit_rows(site, "write_refused"))
    assert refused_after == refused_before + 1


def test_no_token_no_write(live: str, site: TokenSite) -> None:
    with pytest.raises(ckanapi.NotAuthorized):
        client(live, site, None).action.package_create(name="anon-data", title="x",
                                                       license_id="CC0-1.0")


def test_escalation_through_parameters_is_refused(live: str, site: TokenSite) -> None:
    editor = client(live, site, "editor-write")
    with pytest.raises(ckanapi.NotAuthorized) as caught:
        editor.action.package_create(name="smuggled", title="Smuggled", license_id="CC0-1.0",
                                     owner_org="other")
    assert "owner_org" in str(caught.value)
    with pytest.raises(ckanapi.NotAuthorized) as caught:
        editor.action.package_patch(id="secret", owner_org="other")
    assert "owner_org" in str(caught.value)
    with pytest.raises(ckanapi.NotAuthorized) as caught:
        editor.action.member_create(id="museum", object="editor", object_type="user",
                                    capacity="admin")
    assert "museum" in str(caught.value)
    with pytest.raises(ckanapi.NotAuthorized):
        editor.action.organization_member_create(id="other", username="editor", role="admin")
    with pytest.raises(ckanapi.NotAuthorized):
        editor.action.organization_create(name="my-own", title="Mine")
    with pytest.raises(ckanapi.NotFound):
        client(live, site, "sysadmin-read").action.package_show(id="smuggled")
    shown = client(live, site, "sysadmin-read").action.package_show(id="secret")
    assert shown["organization"]["name"] == "museum"
    mine = editor.action.organization_list_for_user(permission="manage_group")
    assert mine == []
    refused = audit_rows(site, "write_refused")
    assert any("owner_org" in detail for _a, _t, _o, detail in refused)


def test_an_admin_grants_roles_and_a_sysadmin_makes_organisations(live: str,
                                                                  site: TokenSite) -> None:
    root = client(live, site, "sysadmin-write")
    made = root.action.organization_create(name="herbarium", title="The Herbarium")
    assert made["name"] == "herbarium"
    patched = root.action.organization_patch(id="herbarium", description="Plants.")
    assert patched["title"] == "The Herbarium" and patched["description"] == "Plants."
    given = root.action.member_create(id="herbarium", object="member", object_type="user",
                                      capacity="editor")
    assert given["capacity"] == "editor"
    with pytest.raises(ckanapi.ValidationError) as caught:
        root.action.member_create(id="herbarium", object="member", capacity="sysadmin")
    assert "capacity" in str(caught.value)
    root.action.organization_delete(id="herbarium")
    assert "herbarium" not in root.action.organization_list()


def test_tokens_through_the_api(live: str, site: TokenSite) -> None:
    member = client(live, site, "member-write")
    made = member.action.api_token_create(name="script", scope="read", expires_in_days=3)
    assert made["token"].startswith("ht_") and made["scopes"] == ["read"]
    listed = member.action.api_token_list()
    assert made["id"] in {t["id"] for t in listed} and all("token" not in t for t in listed)
    fresh = ckanapi.RemoteCKAN(live, apikey=made["token"])
    assert fresh.action.package_show(id="secret")["name"] == "secret"
    with pytest.raises(ckanapi.NotAuthorized):
        fresh.action.api_token_create(name="escalate", scope="write")
    member.action.api_token_revoke(jti=made["id"])
    with pytest.raises(ckanapi.NotAuthorized) as caught:
        fresh.action.package_show(id="secret")
    assert "revoked" in str(caught.value)
