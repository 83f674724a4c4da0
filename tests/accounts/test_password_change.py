"""Changing one's own password on the profile page: the other sessions of the account end
(this one stays signed in), and wrong current passwords are throttled and audited like
failed sign-ins."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from holotype.catalog.accounts import AuditEvent, Outcome
from holotype.services.accounts import sessions
from holotype.services.context import Portal
from tests.accounts.conftest import PASSWORD, count, make_user, sign_in
from tests.fixtures.forms import with_token

NEW = "a brand new password"


def _change(client: TestClient, current: str, new: str = NEW) -> httpx.Response:
    return client.post("/user/me", data=with_token(client, {
        "action": "password", "current_password": current, "new_password": new}))


def _signed_in(client: TestClient, cookie: str) -> bool:
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE, cookie)
    return client.get("/user/me.json", follow_redirects=False).status_code == 200


def test_a_change_ends_the_other_sessions_and_keeps_this_one(client: TestClient,
                                                              portal: Portal) -> None:
    make_user(portal)
    elsewhere = sign_in(client).cookies[sessions.COOKIE]
    client.cookies.clear()
    here = sign_in(client).cookies[sessions.COOKIE]
    answer = _change(client, PASSWORD)
    assert answer.status_code == 200 and "Your password is changed" in answer.text
    assert _signed_in(client, here)
    assert not _signed_in(client, elsewhere)
    client.cookies.clear()
    assert sign_in(client, password=NEW).status_code == 303


def test_wrong_current_passwords_are_audited_and_throttled(client: TestClient,
                                                            portal: Portal) -> None:
    make_user(portal)
    here = sign_in(client).cookies[sessions.COOKIE]
    limit = portal.settings.sign_in_max_failures_per_user
    for _ in range(limit):
        wrong = _change(client, "not the password")
        assert wrong.status_code == 400
        assert "current password is wrong" in wrong.text
    refused = count(portal, AuditEvent, AuditEvent.event == "password_changed",
                    AuditEvent.outcome == Outcome.REFUSED.value)
    assert refused == limit
    # Now even the right password is refused until the window passes: a stolen session
    # cannot guess the password by trying.
    throttled = _change(client, PASSWORD)
    assert throttled.status_code == 429
    assert "too many failed sign-ins" in throttled.text.lower()
    assert _signed_in(client, here)
    client.cookies.clear()
    assert sign_in(client, password=NEW).status_code != 303  # nothing changed
