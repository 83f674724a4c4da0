"""Sessions: a signed random cookie naming a server-side row; forged, expired and ended
cookies sign no one in; signing in starts a new session; reading writes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import text, update

from holotype.catalog.accounts import UserSession
from holotype.catalog.timestamps import utcnow
from holotype.services.accounts import sessions
from holotype.services.accounts.resolve import identity_from, resolve
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from tests.accounts.conftest import audited, count, make_user, sign_in
from tests.fixtures.forms import with_token


def test_signing_in_sets_a_safe_cookie_and_signs_the_visitor_in(client: TestClient,
                                                                 portal: Portal) -> None:
    make_user(portal)
    assert client.get("/user/me", follow_redirects=False).headers["location"] \
        == "/user/login?next=%2Fuser%2Fme"
    answer = sign_in(client, next="/datasets")
    assert answer.status_code == 303 and answer.headers["location"] == "/datasets"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"):
        assert attribute in cookie, cookie
    assert "Secure" not in cookie  # the portal is not on https here
    assert client.get("/user/me.json").json()["account"]["username"] == "ada"
    assert 'action="/user/logout"' in client.get("/").text  # the navigation offers sign-out
    assert audited(portal, "signin") == 1


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def test_a_wrong_password_says_so_without_telling_whether_the_account_exists(
        client: TestClient, portal: Portal) -> None:
    make_user(portal)
    wrong = sign_in(client, password="not the password")
    unknown = sign_in(client, username="nobody")
    assert wrong.status_code == unknown.status_code == 400
    assert "user name or password is wrong" in wrong.text
    # The pages differ only in the name typed (form tokens, random, are left out: one may
    # hold the letters "ada").
    assert _without_tokens(wrong.text).replace("ada", "nobody") == _without_tokens(unknown.text)
    assert sessions.COOKIE not in client.cookies
    assert audited(portal, "signin_failed") == 2


def test_forged_and_foreign_cookies_sign_no_one_in(client: TestClient, portal: Portal) -> None:
    user_id = make_user(portal)
    cookie = sessions.start_session(portal, user_id)
    assert sessions.identity_for_session(portal, cookie) is not None
    raw, _, signature = cookie.partition(".")
    forged = [raw + "x." + signature, cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"),
              TimestampSigner(b"another key", salt="holotype-session").sign(
                  cookie.rsplit(".", 2)[0]).decode(), "", "garbage"]
    for value in forged:
        assert sessions.identity_for_session(portal, value) is None, value
        client.cookies.set(sessions.COOKIE, value)
        answer = client.get("/user/me.json", follow_redirects=False)
        assert answer.status_code == 401, value
    client.cookies.set(sessions.COOKIE, cookie)
    assert client.get("/user/me.json").json()["account"]["username"] == "ada"


def test_an_expired_session_is_refused_and_forgotten(client: TestClient, portal: Portal) -> None:
    cookie = sessions.start_session(portal, make_user(portal))
    with portal.write_session() as session:
        session.execute(update(UserSession).values(expires=utcnow() - timedelta(seconds=1)))
    assert sessions.identity_for_session(portal, cookie) is None
    client.cookies.set(sessions.COOKIE, cookie)
    answer = client.get("/user/me", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/user/login")
    assert f"{sessions.COOKIE}=\"\"" in answer.headers["set-cookie"] \
        or f"{sessions.COOKIE}=;" in answer.headers["set-cookie"]


def test_signing_in_again_replaces_the_session(client: TestClient, portal: Portal) -> None:
    """No session fixation: a cookie the visitor had before (planted or old) stops working."""
    user_id = make_user(portal)
    make_user(portal, "bob")
    planted = sessions.start_session(portal, user_id)
    client.cookies.set(sessions.COOKIE, planted)
    answer = sign_in(client, "bob")
    assert answer.status_code == 303
    fresh = answer.cookies[sessions.COOKIE]
    assert fresh != planted
    assert sessions.identity_for_session(portal, planted) is None
    identity = sessions.identity_for_session(portal, fresh)
    assert identity is not None and identity.name == "bob"
    assert count(portal, UserSession) == 1


def test_signing_out_ends_the_session_everywhere(client: TestClient, portal: Portal) -> None:
    make_user(portal)
    cookie = sign_in(client).cookies[sessions.COOKIE]
    out = client.post("/user/logout", data=with_token(client, {}), follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert sessions.identity_for_session(portal, cookie) is None
    assert count(portal, UserSession) == 0 and audited(portal, "signout") == 1
    client.cookies.set(sessions.COOKIE, cookie)  # a copy of the cookie kept elsewhere
    assert client.get("/user/me.json", follow_redirects=False).status_code == 401


def test_signed_in_reads_write_nothing(client: TestClient, portal: Portal,
                                       catalogue_url: str) -> None:
    """Pages read by a signed-in visitor commit nothing: the search cache stays valid (on
    SQLite it lasts while PRAGMA data_version stays the same)."""
    make_user(portal)
    sign_in(client)

    if catalogue_url.startswith("sqlite"):
        with portal.engine.connect() as watcher:
            before = watcher.execute(text("PRAGMA data_version")).scalar()
            for path in ("/", "/user/me", "/datasets", "/user/me.json", "/search"):
                assert client.get(path).status_code == 200, path
            assert watcher.execute(text("PRAGMA data_version")).scalar() == before
    assert count(portal, UserSession) == 1  # the same one: nothing rotated on reads


def test_the_api_takes_a_session_for_reading_only(portal: Portal) -> None:
    """Another site could make a signed-in browser POST to the API: writes need a token."""
    cookie = sessions.start_session(portal, make_user(portal))
    read = resolve(portal, session_cookie=cookie, csrf_cookie=None, authorization=None,
                   api=True, safe=True)
    write = resolve(portal, session_cookie=cookie, csrf_cookie=None, authorization=None,
                    api=True, safe=False)
    page_write = resolve(portal, session_cookie=cookie, csrf_cookie=None, authorization=None,
                         api=False, safe=False)
    assert read.identity.name == "ada" and page_write.identity.name == "ada"
    assert write.identity == ANONYMOUS
    assert identity_from(portal, "forged", None, api=False) == ANONYMOUS


def test_a_sessions_form_token_is_its_own(client: TestClient, portal: Portal) -> None:
    cookie = sessions.start_session(portal, make_user(portal))
    token = sessions.csrf_token(portal, cookie)
    assert token is not None and sessions.csrf_token(portal, "forged") is None
    client.cookies.set(sessions.COOKIE, cookie)
    out = client.post("/user/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and sessions.identity_for_session(portal, cookie) is None
