"""LDAP sign-in against a real OpenLDAP slapd (tests/fixtures/slapd.py): the account made and
kept in step, group roles given and taken away (portal-given roles left alone), wrong
passwords, injection, an unreachable directory, a local account never taken over."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ldap3
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from holotype.catalog.accounts import AuditEvent, ExternalIdentity
from holotype.catalog.models import Membership, Organisation, Role, User
from holotype.config import ConfigError, Settings, load_settings
from holotype.config_accounts import ROLES
from holotype.errors import Conflict, Invalid, Unavailable
from holotype.services import organisations
from holotype.services.accounts import ldap, sessions, users
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.web.app import create_app
from tests.fixtures.forms import with_token
from tests.fixtures.pgcluster import free_port
from tests.fixtures.slapd import (
    CURATORS,
    READERS,
    ROOT_DN,
    ROOT_PASSWORD,
    SERVICE_DN,
    SERVICE_PASSWORD,
    SUFFIX,
    Slapd,
)
from tests.fixtures.slapd import slapd as slapd

# READERS written as people do (other case, spaces after commas): it still matches.
GROUP_ROLES = {CURATORS: "museum:editor",
               READERS.upper().replace(",", ", "): "museum:member",
               f"cn=nobody,ou=groups,{SUFFIX}": "nowhere:admin"}


def _settings(directory: Path, uri: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": directory, "sign_in_methods": ["local", "ldap"], "ldap_uri": uri,
        "ldap_bind_dn": SERVICE_DN, "ldap_bind_password": SERVICE_PASSWORD,
        "ldap_search_base": SUFFIX, "ldap_group_roles": GROUP_ROLES}
    return load_settings(**{**values, **overrides})


@pytest.fixture
def portal(tmp_path: Path, slapd: Slapd, catalogue_url: str) -> Iterator[Portal]:
    """A catalogue on SQLite and on PostgreSQL (a sign-in reads the account the directory
    method has just written in another transaction: both must see it)."""
    opened = Portal.open(_settings(tmp_path, slapd.uri, database_url=catalogue_url,
                                   map_tile_url="", rate_limit_per_minute=0))
    organisations.create_organisation(opened, OPERATOR, "museum", "The Museum")
    organisations.create_organisation(opened, OPERATOR, "other", "Another Museum")
    try:
        yield opened
    finally:
        opened.close()


def _roles(portal: Portal, username: str) -> dict[str, tuple[str, str]]:
    with portal.session() as session:
        rows = session.execute(
            select(Organisation.slug, Membership.role, Membership.source)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .join(User, User.id == Membership.user_id).where(User.username == username)).all()
    return {slug: (role, source) for slug, role, source in rows}


def _events(portal: Portal, event: str) -> list[AuditEvent]:
    with portal.session() as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.event == event)))
        session.expunge_all()
    return rows


def test_directory_sign_in_makes_the_account_with_group_roles(portal: Portal) -> None:
    identity, cookie = sessions.sign_in(portal, "curator", "curator-password-1", "10.0.0.1")
    assert identity.name == "curator" and not identity.sysadmin
    assert sessions.identity_for_session(portal, cookie) == identity
    with portal.session() as session:
        user = session.scalar(select(User).where(User.username == "curator"))
        assert user is not None
        assert (user.source, user.email, user.display_name, user.password_hash) == (
            "ldap", "curator@museum.test", "Cora Curator", None)
        links = session.execute(select(ExternalIdentity.provider, ExternalIdentity.subject)
                                .where(ExternalIdentity.user_id == user.id)).all()
    assert links == [("ldap", f"uid=curator,ou=people,{SUFFIX}")]
    # in curators (editor) and readers (member): the higher role; an unknown slug is skipped
    assert _roles(portal, "curator") == {"museum": ("editor", "ldap")}
    with portal.session() as session:
        museum = session.scalar(select(Organisation.id).where(Organisation.slug == "museum"))
    assert identity.roles == ((museum, "editor"),)
    created = _events(portal, "user_created")
    assert [(e.target_id, e.via) for e in created] == [("curator", "ldap")]
    assert [e.address for e in _events(portal, "signin")] == ["10.0.0.1"]
    assert [e.organisation_id for e in _events(portal, "role_changed")] == [museum]


def test_second_sign_in_reuses_the_account(portal: Portal) -> None:
    first, _ = sessions.sign_in(portal, "visitor", "visitor-password-1")
    second, _ = sessions.sign_in(portal, "visitor", "visitor-password-1")
    assert first.user_id == second.user_id
    assert _roles(portal, "visitor") == {"museum": ("member", "ldap")}
    with portal.session() as session:
        assert session.scalar(select(User.id).where(User.username == "visitor")) == first.user_id
    assert len(_events(portal, "user_created")) == 1


def test_leaving_a_group_removes_only_the_roles_the_directory_gave(
    portal: Portal, slapd: Slapd
) -> None:
    sessions.sign_in(portal, "curator", "curator-password-1")
    organisations.add_member(portal, OPERATOR, "other", "curator", "admin")  # given locally
    admin = ldap3.Connection(ldap3.Server(slapd.uri), ROOT_DN, ROOT_PASSWORD, auto_bind=True)
    curator_dn = f"uid=curator,ou=people,{SUFFIX}"
    try:
        for group in (CURATORS, READERS):
            assert admin.modify(group, {"member": [(ldap3.MODIFY_DELETE, [curator_dn])]})
        identity, _ = sessions.sign_in(portal, "curator", "curator-password-1")
    finally:
        for group in (CURATORS, READERS):
            admin.modify(group, {"member": [(ldap3.MODIFY_ADD, [curator_dn])]})
        admin.unbind()
    assert _roles(portal, "curator") == {"other": ("admin", "local")}
    assert len(identity.roles) == 1


@pytest.mark.parametrize("password", ["wrong-password-1", ""])
def test_wrong_password_is_refused_and_counted(portal: Portal, password: str) -> None:
    with pytest.raises(Invalid):
        sessions.sign_in(portal, "curator", password)
    with portal.session() as session:
        assert session.scalar(select(User.id).where(User.username == "curator")) is None
    if password:
        assert [e.target_id for e in _events(portal, "signin_failed")] == ["curator"]


@pytest.mark.parametrize("username", ["*", "x*", "curator)(uid=*", "curator*", "*)(|(uid=*"])
def test_filter_characters_in_the_user_name_find_no_one(portal: Portal, username: str) -> None:
    # Without the pattern check and escaping, "x*" finds xavier and "*" finds everyone.
    assert ldap.find(portal.settings, username, "xavier-password-1") is None
    with pytest.raises(Invalid, match="user name or password is wrong"):
        sessions.sign_in(portal, username, "xavier-password-1")
    with portal.session() as session:
        assert session.scalar(select(User.id)) is None


def test_escaping_holds_without_the_pattern(portal: Portal) -> None:
    # A filter that wraps the name: the escaped "x*" is a literal, so no one matches it.
    settings = portal.settings.model_copy(update={"ldap_user_filter": "(uid={username}avier)"})
    assert ldap.find(settings, "x", "xavier-password-1") is None
    settings = portal.settings.model_copy(update={"ldap_user_filter": "(uid={username}*)"})
    assert ldap.find(settings, "xav", "xavier-password-1") is not None  # the filter's own *


def test_unknown_directory_user_is_a_wrong_password(portal: Portal) -> None:
    with pytest.raises(Invalid, match="user name or password is wrong"):
        sessions.sign_in(portal, "nosuchperson", "whatever-password")


def test_wrong_service_password_is_unavailable_not_wrong_password(
    tmp_path: Path, slapd: Slapd
) -> None:
    settings = _settings(tmp_path, slapd.uri, ldap_bind_password="not-the-password")
    with pytest.raises(Unavailable, match=r"refused the portal.s own account"):
        ldap.find(settings, "curator", "curator-password-1")


def test_unreachable_directory_is_unavailable(tmp_path: Path) -> None:
    settings = _settings(tmp_path, f"ldap://127.0.0.1:{free_port()}")
    with pytest.raises(Unavailable, match="cannot be reached"):
        ldap.find(settings, "curator", "curator-password-1")


def test_a_local_account_is_never_taken_over(portal: Portal) -> None:
    users.create_user(portal, OPERATOR, "curator", "someone@else.test",
                      password="local-password-1")
    with pytest.raises(Conflict, match="belongs to another account"):
        sessions.sign_in(portal, "curator", "curator-password-1")
    identity, _ = sessions.sign_in(portal, "curator", "local-password-1")  # local still works
    assert _roles(portal, "curator") == {}
    assert identity.name == "curator"


def test_local_accounts_sign_in_first(portal: Portal) -> None:
    users.create_user(portal, OPERATOR, "keeper", "keeper@museum.test",
                      password="local-password-1")
    identity, _ = sessions.sign_in(portal, "keeper", "local-password-1")
    assert identity.name == "keeper"


def test_ldap_needs_its_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ldap_uri, ldap_search_base"):
        load_settings(data_dir=tmp_path, sign_in_methods=["ldap"])
    with pytest.raises(ConfigError, match=r"museum:owner.*member, editor, admin"):
        load_settings(data_dir=tmp_path, ldap_group_roles={CURATORS: "museum:owner"})
    assert tuple(role.value for role in Role) == ROLES  # the settings' copy of the roles
    config = tmp_path / "holotype.toml"
    config.write_text('ldap_bind_password = "in a shared file"\n')
    with pytest.raises(ConfigError, match="HOLOTYPE_LDAP_BIND_PASSWORD"):
        load_settings(config)


def test_the_sign_in_form_signs_in_with_the_directory(portal: Portal) -> None:
    with TestClient(create_app(portal.settings)) as client:
        form = with_token(client, {"username": "visitor", "password": "visitor-password-1",
                                   "next": "/datasets"})
        answer = client.post("/user/login", data=form, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/datasets"
        account = client.get("/user/me.json").json()["account"]
        assert (account["username"], account["source"]) == ("visitor", "ldap")
        page = client.get("/user/me").text
        assert "Current password" not in page  # the directory keeps the password
        refused = client.post("/user/login", data=with_token(
            client, {"username": "loner", "password": "wrong-password-1"}))
        assert refused.status_code == 400
        assert "the user name or password is wrong" in refused.text.lower()
