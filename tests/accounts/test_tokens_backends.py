"""API tokens on both catalogue backends (SQLite and PostgreSQL, from tests/accounts/conftest.py):
made, found by the header, expired by the clock, revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from holotype.catalog.api_tokens import ApiToken
from holotype.catalog.timestamps import utcnow
from holotype.errors import SignInRequired
from holotype.services.accounts import tokens
from holotype.services.accounts.identities import identity_for_user
from holotype.services.accounts.users import create_user
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR, Scope


def test_tokens_on_each_backend(portal: Portal) -> None:
    made, _ = create_user(portal, OPERATOR, "curator", "curator@example.org",
                          password="a long enough password")
    with portal.session() as session:
        curator = identity_for_user(session, made.id)
    info, raw = tokens.create_token(portal, curator, "script", "write", 2)
    found = tokens.identity_for_token(portal, f"Bearer {raw}")
    assert found is not None and found.user_id == made.id and Scope.WRITE in found.scopes
    with portal.write_session() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.id == info.id))
        assert row is not None
        row.expires = utcnow() - timedelta(seconds=1)
    with pytest.raises(SignInRequired, match="expired"):
        tokens.identity_for_token(portal, raw)
    tokens.revoke_token(portal, curator, info.id)
    with pytest.raises(SignInRequired, match="revoked"):
        tokens.identity_for_token(portal, raw)
    assert [t.active for t in tokens.list_tokens(portal, curator)] == [False]
