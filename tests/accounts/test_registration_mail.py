"""Registering, confirming the address and resetting a password, through a real SMTP server:
the links in the emails are followed as a person would."""

from __future__ import annotations

import re
from email.message import Message
from pathlib import Path

from fastapi.testclient import TestClient

from holotype.catalog.models import User
from holotype.services.accounts import tokens
from holotype.services.accounts.identities import identity_for_user
from holotype.services.context import Portal
from holotype.web.app import create_app
from tests.accounts.conftest import PASSWORD, account_settings, audited, count, make_user, sign_in
from tests.fixtures.forms import with_token
from tests.fixtures.mail import Inbox

LINK = re.compile(r"http://portal\.test(/user/(?:verify|reset)/[A-Za-z0-9_-]+)")


def _link(message: Message) -> str:
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = LINK.search(body.decode())
    assert found, body
    return found.group(1)


def test_register_confirm_and_sign_in(client: TestClient, portal: Portal,
                                      mail: tuple[Inbox, int]) -> None:
    inbox, _ = mail
    form = {"username": "newbie", "email": "newbie@example.org", "password": PASSWORD,
            "display_name": "New Bie"}
    made = client.post("/user/register", data=with_token(client, form))
    assert made.status_code == 200 and "we sent a link to newbie@example.org" in made.text
    assert [to for to, _ in inbox.messages] == [["newbie@example.org"]]
    message = inbox.messages[0][1]
    assert message["Subject"] == "Confirm your account on Holotype Data Portal"
    pending = sign_in(client, "newbie")
    assert pending.status_code == 400 and "not verified yet" in pending.text
    link = _link(message)
    confirmed = client.get(link)
    assert confirmed.status_code == 200 and "Your email address is confirmed" in confirmed.text
    again = client.get(link)  # a link works once
    assert again.status_code == 400 and "does not work" in again.text
    assert sign_in(client, "newbie").status_code == 303
    assert client.get("/user/me.json").json()["account"]["display_name"] == "New Bie"
    assert audited(portal, "registered") == 1 and audited(portal, "email_verified") == 1


def test_a_taken_name_or_weak_password_changes_nothing(client: TestClient, portal: Portal,
                                                      mail: tuple[Inbox, int]) -> None:
    make_user(portal, "taken")
    users = count(portal, User)
    taken = client.post("/user/register", data=with_token(client, {
        "username": "taken", "email": "x@example.org", "password": PASSWORD}))
    assert taken.status_code == 409 and "is taken" in taken.text
    weak = client.post("/user/register", data=with_token(client, {
        "username": "weakling", "email": "x@example.org", "password": "short"}))
    assert weak.status_code == 400 and "<strong>password</strong>" in weak.text.lower()
    assert count(portal, User) == users and mail[0].messages == []


def test_registration_can_be_closed(tmp_path: Path, catalogue_url: str,
                                    mail: tuple[Inbox, int]) -> None:
    settings = account_settings(tmp_path / "closed", catalogue_url, registration_open=False,
                                smtp_host="127.0.0.1", smtp_port=mail[1])
    with TestClient(create_app(settings)) as client:
        assert "does not take registrations" in client.get("/user/register").text
        assert "/user/register" not in client.get("/user/login").text
        refused = client.post("/user/register", data=with_token(client, {
            "username": "newbie", "email": "n@example.org", "password": PASSWORD}))
        assert refused.status_code == 403
        assert count(client.app.state.portal, User) == 0  # type: ignore[attr-defined]
    assert mail[0].messages == []


def test_reset_a_forgotten_password(client: TestClient, portal: Portal,
                                    mail: tuple[Inbox, int]) -> None:
    inbox, _ = mail
    user_id = make_user(portal)
    kept = sign_in(client).cookies["holotype_session"]
    with portal.session() as session:
        ada = identity_for_user(session, user_id)
    _, token = tokens.create_token(portal, ada, "made before the reset")
    assert client.get("/user/me.json", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 200
    client.cookies.clear()
    asked = client.post("/user/reset", data=with_token(client, {"email": "ADA@example.org"}))
    unknown = client.post("/user/reset", data=with_token(client, {"email": "no@example.org"}))
    assert asked.status_code == unknown.status_code == 200
    assert asked.text == unknown.text  # says nothing about which addresses have accounts
    assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["ada@example.org"]
    link = _link(inbox.messages[0][1])
    assert 'name="password"' in client.get(link).text
    weak = client.post(link, data=with_token(client, {"password": "short"}))
    assert weak.status_code == 400 and 'name="password"' in weak.text  # the link still works
    done = client.post(link, data=with_token(client, {"password": "a brand new password"}))
    assert done.status_code == 200 and "Your password is changed" in done.text
    assert sign_in(client).status_code == 400  # the old password no longer works
    assert sign_in(client, password="a brand new password").status_code == 303
    used = client.post(link, data=with_token(client, {"password": "yet another password"}))
    assert used.status_code == 400 and "does not work" in used.text
    client.cookies.clear()
    client.cookies.set("holotype_session", kept)  # the session from before the reset ended
    assert client.get("/user/me.json", follow_redirects=False).status_code == 401
    client.cookies.clear()  # and the token made with the old password no longer works
    assert client.get("/user/me.json", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401
    assert client.get("/user/reset/not-a-real-token").status_code == 400
