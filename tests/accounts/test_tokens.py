"""API tokens in the service: stored hashed, found by every header form ckanapi sends, refused
clearly when unknown, revoked or expired (and the refusal audited), last use written rarely."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from holotype.catalog.accounts import AuditEvent
from holotype.catalog.api_tokens import ApiToken
from holotype.catalog.timestamps import utcnow
from holotype.errors import Forbidden, Invalid, NotFound, SignInRequired
from holotype.services.accounts import tokens
from holotype.services.accounts.identities import identity_for_user
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, Kind, Scope
from tests.fixtures.token_site import TokenSite, make_token_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TokenSite:
    return make_token_site(tmp_path_factory.mktemp("tokens") / "site")


@pytest.fixture
def portal(site: TokenSite) -> Iterator[Portal]:
    opened = Portal.open(site.settings)
    yield opened
    opened.close()


def test_only_the_hash_is_stored(site: TokenSite, portal: Portal) -> None:
    raw = site.tokens["editor-write"]
    assert raw.startswith("ht_") and len(raw) > 40
    with portal.session() as session:
        row = session.get(ApiToken, site.token_ids["editor-write"])
        assert row is not None
        assert row.token_hash == tokens.hash_token(raw) and raw not in row.token_hash
        assert row.prefix == raw[:8] and row.scopes == "read write"


@pytest.mark.parametrize("header", ["{}", "Bearer {}", "bearer  {} "])
def test_every_header_form_names_the_token(site: TokenSite, portal: Portal,
                                           header: str) -> None:
    identity = tokens.identity_for_token(portal, header.format(site.tokens["editor-read"]))
    assert identity is not None and identity.kind == Kind.USER and identity.name == "editor"
    assert identity.scopes == frozenset({Scope.READ})
    assert identity.token_id == site.token_ids["editor-read"]
    assert identity.role_in(identity.roles[0][0]) == "editor"


def test_another_scheme_is_not_ours(portal: Portal) -> None:
    assert tokens.identity_for_token(portal, "Basic dXNlcjpwYXNz") is None


@pytest.mark.parametrize(("name", "words"), [("editor-revoked", "revoked"),
                                             ("editor-expired", "expired")])
def test_revoked_and_expired_tokens_are_refused_and_audited(
        site: TokenSite, portal: Portal, name: str, words: str) -> None:
    with pytest.raises(SignInRequired, match=words):
        tokens.identity_for_token(portal, "Bearer " + site.tokens[name])
    with portal.session() as session:
        rows = session.execute(select(AuditEvent.outcome, AuditEvent.via, AuditEvent.detail)
                               .where(AuditEvent.target_id == site.token_ids[name],
                                      AuditEvent.event == "signin_failed")).all()
    assert len(rows) == 1 and rows[0].outcome == "refused" and rows[0].via == "token"
    assert words in rows[0].detail
    with pytest.raises(SignInRequired, match=words):  # a script still using it: refused,
        tokens.identity_for_token(portal, site.tokens[name])  # audited once per 5 minutes
    with portal.session() as session:
        again = session.scalars(select(AuditEvent.id).where(
            AuditEvent.target_id == site.token_ids[name],
            AuditEvent.event == "signin_failed")).all()
    assert len(again) == 1


def test_an_unknown_token_is_refused(portal: Portal) -> None:
    with pytest.raises(SignInRequired, match="not known"):
        tokens.identity_for_token(portal, "ht_" + "x" * 43)


def test_last_used_is_written_at_most_every_five_minutes(site: TokenSite,
                                                         portal: Portal) -> None:
    token_id, raw = site.token_ids["member-read"], site.tokens["member-read"]

    def last_used() -> object:
        with portal.session() as session:
            row = session.get(ApiToken, token_id)
            assert row is not None
            return row.last_used

    tokens.identity_for_token(portal, raw)
    first = last_used()
    assert first is not None
    tokens.identity_for_token(portal, raw)
    assert last_used() == first
    with portal.write_session() as session:
        row = session.get(ApiToken, token_id)
        assert row is not None
        row.last_used = utcnow() - timedelta(minutes=6)
    tokens.identity_for_token(portal, raw)
    later = last_used()
    assert isinstance(later, type(utcnow())) and later > utcnow() - timedelta(minutes=1)


def test_a_read_token_cannot_make_tokens(site: TokenSite, portal: Portal) -> None:
    identity = tokens.identity_for_token(portal, site.tokens["member-read"])
    assert identity is not None
    with pytest.raises(Forbidden, match="may only read"):
        tokens.create_token(portal, identity, "sneaky", "write", 10)
    with pytest.raises(SignInRequired):
        tokens.create_token(portal, ANONYMOUS, "anon", "read", 10)


def test_create_list_revoke(site: TokenSite, portal: Portal) -> None:
    with portal.session() as session:
        member = identity_for_user(session, site.user_ids["member"])
    with pytest.raises(Invalid) as bad:
        tokens.create_token(portal, member, "x", "admin", 10)
    assert bad.value.field == "scopes"
    with pytest.raises(Invalid) as bad:
        tokens.create_token(portal, member, "x", "read", 0)
    assert bad.value.field == "expires_days"
    info, raw = tokens.create_token(portal, member, "laptop", "read", 7)
    assert raw not in repr(info) and info.active
    listed = tokens.list_tokens(portal, member)
    assert listed[0].id == info.id and {t.username for t in listed} == {"member"}
    with pytest.raises(Forbidden):  # another user's tokens are a sysadmin's business
        tokens.list_tokens(portal, member, "editor")
    with pytest.raises(NotFound):  # and so is revoking them
        tokens.revoke_token(portal, member, site.token_ids["editor-read"])
    revoked = tokens.revoke_token(portal, member, info.prefix)
    assert revoked.revoked is not None and not revoked.active
    with pytest.raises(SignInRequired, match="revoked"):
        tokens.identity_for_token(portal, raw)
    with portal.session() as session:
        events = {e.event for e in session.scalars(select(AuditEvent).where(
            AuditEvent.target_id == info.id))}
    assert {"token_created", "token_revoked"} <= events
