"""OpenID Connect sign-in against a small provider that lives in this module.

A remote identity provider cannot be reached from the tests, so this module runs one: a
Starlette app under uvicorn on a loopback port that serves discovery, a JWKS with an RSA key,
an authorize endpoint that consents at once, a token endpoint that checks PKCE (S256) and the
client, and userinfo. Everything else is real: the portal's catalogue, its sessions, Authlib's
client, the signature checks. ``Provider.mischief`` makes the provider misbehave on purpose
(another audience, an expired token, another nonce, another signing key).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
import uvicorn
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from holotype.catalog.accounts import AuditEvent, ExternalIdentity
from holotype.catalog.models import Membership, Organisation, User
from holotype.config import ConfigError, Settings, load_settings
from holotype.errors import Invalid, NotFound
from holotype.services import organisations
from holotype.services.accounts import oidc, sessions
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.web.app import create_app
from holotype.web.server import server_config
from tests.fixtures.site import free_port

CLIENT_ID = "holotype-portal"
CLIENT_SECRET = "client-secret-123"


@dataclass
class Provider:
    """The provider's state: who signs in next, the codes handed out, and any mischief."""

    port: int = field(default_factory=free_port)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"}))
    person: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    mischief: str = ""
    seen: list[dict[str, str]] = field(default_factory=list)  # authorize requests

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/realms/museum"

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/realms/museum/.well-known/openid-configuration", self.discovery),
            Route("/realms/museum/jwks", self.jwks),
            Route("/realms/museum/authorize", self.authorize),
            Route("/realms/museum/token", self.token, methods=["POST"]),
            Route("/realms/museum/userinfo", self.userinfo),
        ])

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request) -> Response:
        query = dict(request.query_params)
        self.seen.append(query)
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        target = query["redirect_uri"] + "?" + urlencode(
            {"code": code, "state": query.get("state", "")})
        return RedirectResponse(target, status_code=302)

    def _id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": self.person["sub"],
                  "iat": now, "exp": now + 300, "nonce": nonce,
                  "preferred_username": self.person.get("preferred_username"),
                  "roles": self.person.get("roles", [])}
        key = self.key
        if self.mischief == "audience":
            claims["aud"] = "another-client"
        elif self.mischief == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif self.mischief == "nonce":
            claims["nonce"] = "not-the-nonce"
        elif self.mischief == "issuer":
            claims["iss"] = "http://127.0.0.1:1/elsewhere"
        elif self.mischief == "key":
            key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)

    async def token(self, request: Request) -> Response:
        form = dict(await request.form())
        basic = request.headers.get("authorization", "")
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if basic != expected:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form.get("code", "")), None)
        if grant is None or form.get("grant_type") != "authorization_code" or \
                form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = str(form.get("code_verifier", ""))
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant.get("code_challenge_method") != "S256" or \
                challenge != grant.get("code_challenge"):
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"},
                                status_code=400)
        access = secrets.token_urlsafe(16)
        self.tokens[access] = dict(self.person)
        return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": 300,
                             "id_token": self._id_token(grant.get("nonce", ""))})

    async def userinfo(self, request: Request) -> Response:
        person = self.tokens.get(request.headers.get("authorization", "")[len("Bearer "):])
        if person is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse({k: v for k, v in person.items() if k != "roles"})


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    state = Provider()
    server = uvicorn.Server(uvicorn.Config(state.app(), host="127.0.0.1", port=state.port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test identity provider did not start")
        time.sleep(0.05)
    yield state
    server.should_exit = True
    thread.join(timeout=10)


CURATOR = {"sub": "f3a9-curator", "preferred_username": "Cora.Curator",
           "email": "cora@museum.test", "name": "Cora Curator", "roles": ["curators", "staff"]}


def _settings(directory: Path, provider: Provider, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": directory, "sign_in_methods": ["local", "oidc"],
        "oidc_issuer": provider.issuer, "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_role_map": {"curators": "museum:editor", "staff": "museum:member"}}
    return load_settings(**{**values, **overrides})


@pytest.fixture
def portal(tmp_path: Path, provider: Provider) -> Iterator[Portal]:
    provider.person, provider.mischief = dict(CURATOR), ""
    opened = Portal.open(_settings(tmp_path, provider))
    organisations.create_organisation(opened, OPERATOR, "museum", "The Museum")
    try:
        yield opened
    finally:
        opened.close()


def _to_provider(portal: Portal, next_path: str = "/datasets") -> tuple[str, dict[str, str]]:
    """Start a sign-in and let the provider consent: the attempt's cookie and the answer
    (code, state) it sends back to the callback."""
    started = oidc.start(portal, next_path)
    answer = requests.get(started.url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = urlparse(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == \
        portal.settings.base_url + oidc.CALLBACK
    return started.cookie, {k: v[0] for k, v in parse_qs(location.query).items()}


def _users(portal: Portal) -> list[tuple[str, str]]:
    with portal.session() as session:
        return [tuple(row) for row in session.execute(select(User.username, User.source))]


def test_sign_in_makes_the_account_with_mapped_roles(
    portal: Portal, provider: Provider
) -> None:
    cookie, answer = _to_provider(portal)
    sent = provider.seen[-1]
    assert sent["code_challenge_method"] == "S256" and sent["nonce"] and sent["state"]
    assert "code_verifier" not in sent and sent["scope"].split()[0] == "openid"
    identity, session_cookie, next_path = oidc.finish(
        portal, cookie, answer["state"], answer["code"], address="10.0.0.2")
    assert next_path == "/datasets"
    assert identity.name == "cora-curator"
    assert sessions.identity_for_session(portal, session_cookie) == identity
    with portal.session() as session:
        user = session.scalar(select(User).where(User.username == "cora-curator"))
        assert user is not None
        assert (user.source, user.email, user.display_name, user.password_hash) == (
            "oidc", "cora@museum.test", "Cora Curator", None)
        link = session.scalar(select(ExternalIdentity.subject))
        museum = session.scalar(select(Organisation.id).where(Organisation.slug == "museum"))
        roles = session.execute(select(Membership.role, Membership.source)).all()
        signins = session.execute(select(AuditEvent.via, AuditEvent.address)
                                  .where(AuditEvent.event == "signin")).all()
    assert link == f"{provider.issuer}|f3a9-curator"
    assert identity.roles == ((museum, "editor"),)  # curators and staff: the higher role
    assert roles == [("editor", "oidc")]
    assert signins == [("oidc", "10.0.0.2")]


def test_the_same_subject_signs_in_to_the_same_account(
    portal: Portal, provider: Provider
) -> None:
    first = oidc.finish(portal, *_flat(_to_provider(portal)))[0]
    provider.person = {**CURATOR, "preferred_username": "renamed", "roles": ["staff"],
                       "email": "cora@new.test"}
    second = oidc.finish(portal, *_flat(_to_provider(portal)))[0]
    assert second.user_id == first.user_id and second.name == "cora-curator"
    assert [role for _, role in second.roles] == ["member"]
    assert _users(portal) == [("cora-curator", "oidc")]


def _signins(portal: Portal) -> list[tuple[str, str, str]]:
    with portal.session() as session:
        return [tuple(row) for row in session.execute(
            select(AuditEvent.event, AuditEvent.via, AuditEvent.outcome)
            .where(AuditEvent.event.startswith("signin")))]


def _flat(started: tuple[str, dict[str, str]]) -> tuple[str, str, str]:
    cookie, answer = started
    return cookie, answer["state"], answer["code"]


def test_a_forged_state_is_refused(portal: Portal) -> None:
    cookie, answer = _to_provider(portal)
    with pytest.raises(Invalid, match="state differs"):
        oidc.finish(portal, cookie, "forged-state", answer["code"])
    assert _users(portal) == []
    assert _signins(portal) == [("signin_failed", "oidc", "refused")]


@pytest.mark.parametrize("cookie", [None, "", "forged.cookie.value"])
def test_a_missing_or_forged_attempt_cookie_is_refused(portal: Portal, cookie: str | None
                                                       ) -> None:
    _, answer = _to_provider(portal)
    with pytest.raises(Invalid, match="another browser"):
        oidc.finish(portal, cookie, answer["state"], answer["code"])
    assert _users(portal) == []


def test_an_old_attempt_is_refused(portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    cookie, answer = _to_provider(portal)
    monkeypatch.setattr(oidc, "COOKIE_SECONDS", -1)
    with pytest.raises(Invalid, match="took too long"):
        oidc.finish(portal, cookie, answer["state"], answer["code"])


@pytest.mark.parametrize(("mischief", "message"), [
    ("nonce", "nonce"), ("expired", "exp"), ("audience", "aud"), ("issuer", "iss"),
    ("key", "signature"),
])
def test_a_bad_id_token_is_refused(portal: Portal, provider: Provider, mischief: str,
                                   message: str) -> None:
    provider.mischief = mischief
    with pytest.raises(Invalid, match=message) as refused:
        oidc.finish(portal, *_flat(_to_provider(portal)))
    assert refused.value.field == "id_token"
    assert _users(portal) == []
    assert _signins(portal) == [("signin_failed", "oidc", "refused")]


def test_a_code_is_not_exchanged_twice(portal: Portal) -> None:
    cookie, state, code = _flat(_to_provider(portal))
    oidc.finish(portal, cookie, state, code)
    with pytest.raises(Invalid, match="did not work"):
        oidc.finish(portal, cookie, state, code)


def test_the_provider_refusing_is_refused(portal: Portal) -> None:
    cookie, answer = _to_provider(portal)
    with pytest.raises(Invalid, match="access_denied"):
        oidc.finish(portal, cookie, answer["state"], None, error="access_denied")


def test_a_client_with_the_wrong_secret_is_refused_by_the_provider(
    tmp_path: Path, provider: Provider
) -> None:
    provider.person = dict(CURATOR)
    wrong = Portal.open(_settings(tmp_path, provider, oidc_client_secret="wrong-secret"))
    try:
        with pytest.raises(Invalid, match="did not work"):
            oidc.finish(wrong, *_flat(_to_provider(wrong)))
    finally:
        wrong.close()


def test_a_name_the_provider_gives_badly_is_made_usable(portal: Portal, provider: Provider
                                                        ) -> None:
    provider.person = {"sub": "s-2", "preferred_username": "  !!  ",
                       "email": "Jo.Bloggs+x@museum.test", "roles": "staff"}
    identity = oidc.finish(portal, *_flat(_to_provider(portal)))[0]
    assert identity.name == "jo-bloggs-x"
    assert [role for _, role in identity.roles] == ["member"]


def test_not_enabled_is_not_found(tmp_path: Path) -> None:
    closed = Portal.open(load_settings(data_dir=tmp_path))
    try:
        with pytest.raises(NotFound):
            oidc.start(closed, "/")
    finally:
        closed.close()
    with pytest.raises(ConfigError, match="oidc_issuer, oidc_client_id"):
        load_settings(data_dir=tmp_path, sign_in_methods=["oidc"])


@pytest.fixture
def live_portal(tmp_path: Path, provider: Provider) -> Iterator[str]:
    """The portal served on a loopback port whose address it knows (the redirect URI)."""
    provider.person, provider.mischief = dict(CURATOR), ""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = _settings(tmp_path, provider, public_base_url=url,
                         oidc_label="the museum's account", rate_limit_per_minute=0)
    portal = Portal.open(settings)
    try:
        organisations.create_organisation(portal, OPERATOR, "museum", "The Museum")
    finally:
        portal.close()
    server = uvicorn.Server(server_config(settings, host="127.0.0.1", port=port,
                                          log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the portal did not start")
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def test_the_sign_in_page_leads_through_the_provider_and_back(live_portal: str) -> None:
    browser = requests.Session()
    page = browser.get(live_portal + "/user/login", timeout=10)
    assert "Sign in with the museum&#39;s account" in page.text
    assert 'href="/user/login/oidc' in page.text
    done = browser.get(live_portal + "/user/login/oidc?next=/datasets", timeout=30)
    assert done.url == live_portal + "/datasets", [r.url for r in done.history]
    assert [r.status_code for r in done.history] == [303, 302, 303]
    assert oidc.COOKIE not in browser.cookies  # the attempt is forgotten
    me = browser.get(live_portal + "/user/me.json", timeout=10).json()
    assert me["account"]["username"] == "cora-curator"
    assert me["account"]["source"] == "oidc"


def test_the_callback_refuses_a_forged_answer_on_the_sign_in_page(live_portal: str) -> None:
    browser = requests.Session()
    browser.get(live_portal + "/user/login/oidc", allow_redirects=False, timeout=10)
    answer = browser.get(live_portal + "/user/oidc/callback?state=forged&code=x", timeout=10)
    assert answer.status_code == 400
    assert "does not belong to this sign-in" in answer.text
    assert browser.get(live_portal + "/user/me.json", timeout=10).status_code == 401


def test_the_routes_are_not_found_without_oidc(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        assert client.get("/user/login/oidc", follow_redirects=False).status_code == 404
        assert "/user/login/oidc" not in client.get("/user/login").text
