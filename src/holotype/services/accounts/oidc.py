"""Signing in with an OpenID Connect provider (Keycloak, Azure AD, Google, an institution's
single sign-on): the authorization code flow with PKCE.

:func:`start` reads the provider's discovery document and gives the address to send the
visitor to, with a fresh ``state``, ``nonce`` and PKCE verifier (S256) kept in a short-lived
signed cookie (nothing is written). :func:`finish` takes the provider's answer back: the
``state`` must be the cookie's, the code is exchanged (with the verifier) for tokens, the ID
token's signature is checked against the provider's JWKS and its ``iss``, ``aud``, ``exp`` and
``nonce`` against what they must be; userinfo adds what the ID token leaves out. The local
account is then made or brought up to date by :mod:`.external`, with the organisation roles
that the ``oidc_roles_claim`` values give through ``oidc_role_map``, and a session starts.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any, cast

import requests
from authlib.integrations.requests_client import OAuth2Session
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from holotype.catalog.accounts import Outcome, Via
from holotype.catalog.models import User, UserSource
from holotype.catalog.timestamps import utcnow
from holotype.catalog.validation import USERNAME
from holotype.errors import Invalid, NotFound, ServiceError, Unavailable
from holotype.services.accounts import audit, external
from holotype.services.accounts.sessions import new_session
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, Identity

log = logging.getLogger(__name__)

COOKIE = "holotype_oidc"
COOKIE_SECONDS = 600  # how long the visitor may take at the provider
CALLBACK = "/user/oidc/callback"
TIMEOUT_SECONDS = 10
_SALT = "holotype-oidc"
_NOT_USERNAME = re.compile(r"[^a-z0-9_-]+")
FAILED = "the sign-in at the identity provider did not work; try again"


@dataclass(frozen=True)
class Started:
    """Where to send the visitor, and the cookie that remembers the attempt."""

    url: str
    cookie: str


def enabled(portal: Portal) -> bool:
    return "oidc" in portal.settings.sign_in_methods


def _serializer(portal: Portal) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(portal.secret_key, salt=_SALT)


def _get_json(url: str, what: str, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        answer = requests.get(url, timeout=TIMEOUT_SECONDS, headers=headers)
        answer.raise_for_status()
        data = answer.json()
    except (requests.RequestException, ValueError) as exc:
        log.error("OpenID Connect %s at %s: %s", what, url, exc)
        raise Unavailable("the identity provider cannot be reached; try again later") from exc
    if not isinstance(data, dict):
        raise Unavailable(f"the identity provider's {what} is not a JSON object")
    return data


def discover(portal: Portal) -> dict[str, Any]:
    """The provider's discovery document (its endpoints), checked to be the issuer's own."""
    issuer = portal.settings.oidc_issuer.rstrip("/")
    document = _get_json(f"{issuer}/.well-known/openid-configuration", "discovery document")
    if document.get("issuer", "").rstrip("/") != issuer:
        log.error("the identity provider's discovery document names issuer %r, not the "
                  "configured oidc_issuer %r", document.get("issuer"), issuer)
        raise Unavailable("the identity provider's discovery document names another issuer; "
                          "ask the administrators to check the sign-in settings")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str):
            raise Unavailable(f"the identity provider's discovery document has no {key}")
    return document


def _client(portal: Portal) -> OAuth2Session:
    settings = portal.settings
    secret = settings.oidc_client_secret
    scopes = ["openid", *(s for s in settings.oidc_scopes if s != "openid")]
    return OAuth2Session(settings.oidc_client_id,
                         secret.get_secret_value() if secret is not None else None,
                         scope=" ".join(scopes), redirect_uri=settings.base_url + CALLBACK,
                         code_challenge_method="S256",
                         token_endpoint_auth_method="client_secret_basic" if secret else "none")


def start(portal: Portal, next_path: str) -> Started:
    """Begin a sign-in: the provider's authorization address and the attempt's cookie."""
    if not enabled(portal):
        raise NotFound("this portal does not sign in with OpenID Connect")
    document = discover(portal)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    url, _ = _client(portal).create_authorization_url(
        document["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier)
    cookie = _serializer(portal).dumps(
        {"state": state, "nonce": nonce, "verifier": verifier, "next": next_path})
    return Started(url, cookie)


def _attempt(portal: Portal, cookie: str | None, state: str | None) -> dict[str, str]:
    if not cookie:
        raise Invalid("the sign-in took too long or was started in another browser; try again",
                      field="state")
    try:
        attempt = cast(dict[str, str],
                       _serializer(portal).loads(cookie, max_age=COOKIE_SECONDS))
    except BadSignature:
        raise Invalid("the sign-in took too long or was started in another browser; try "
                      "again", field="state") from None
    if not state or not hmac.compare_digest(attempt["state"], state):
        raise Invalid("the answer from the identity provider does not belong to this sign-in "
                      "(its state differs); try again", field="state")
    return attempt


def _id_claims(portal: Portal, document: dict[str, Any], id_token: str, nonce: str
               ) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, expiry and nonce hold."""
    keys = KeySet.import_key_set(cast(Any, _get_json(document["jwks_uri"], "JWKS")))
    registry = jwt.JWTClaimsRegistry(
        leeway=60,
        iss={"essential": True, "value": document["issuer"]},
        aud={"essential": True, "value": portal.settings.oidc_client_id},
        sub={"essential": True},
        exp={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        token = jwt.decode(id_token, keys, algorithms=["RS256", "ES256", "PS256", "EdDSA"])
        registry.validate(token.claims)
    except (JoseError, ValueError) as exc:
        log.warning("OpenID Connect ID token refused: %s", exc)
        raise Invalid(f"the identity provider's answer was refused ({exc}); try again",
                      field="id_token") from exc
    return dict(token.claims)


def _username(claims: dict[str, Any]) -> str:
    """A portal user name from the claims: preferred_username, else the email's local part,
    reduced to the characters user names may have."""
    for raw in (claims.get("preferred_username"), str(claims.get("email", "")).split("@")[0]):
        name = _NOT_USERNAME.sub("-", str(raw or "").strip().lower()).strip("-_")[:64]
        if USERNAME.fullmatch(name):
            return name
    raise Invalid("the identity provider gives no user name (preferred_username or email) "
                  "for this account", field="username")


def _claim_values(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def finish(portal: Portal, cookie: str | None, state: str | None, code: str | None,
           error: str | None = None, address: str = "", replacing: str | None = None
           ) -> tuple[Identity, str, str]:
    """Complete a sign-in from the provider's answer: the identity, the new session's cookie
    and where to go next. Every refusal says why and signs no one in."""
    if not enabled(portal):
        raise NotFound("this portal does not sign in with OpenID Connect")
    try:
        attempt = _attempt(portal, cookie, state)
        if error or not code:
            raise Invalid(f"the identity provider did not sign you in ({error or 'no code'})",
                          field="code")
        identity = _identity(portal, attempt, code, address)
    except ServiceError as exc:  # refused, the name taken, the account disabled, unreachable
        with portal.write_session() as session:
            audit.record(session, ANONYMOUS, audit.Event.SIGNIN_FAILED, target_type="user",
                         outcome=Outcome.REFUSED, address=address, via=Via.OIDC,
                         detail={"reason": exc.message})
        raise
    assert identity.user_id is not None
    with portal.write_session() as session:
        row = session.get(User, identity.user_id)
        assert row is not None
        row.last_sign_in = utcnow()
        session_cookie = new_session(session, portal, identity.user_id, address, replacing)
        audit.record(session, identity, audit.Event.SIGNIN, target_type="user",
                     target_id=identity.name, address=address, via=Via.OIDC)
    return identity, session_cookie, attempt["next"]


def _identity(portal: Portal, attempt: dict[str, str], code: str, address: str) -> Identity:
    """The code exchanged, the ID token checked, and the local account made or updated."""
    document = discover(portal)
    client = _client(portal)
    try:
        tokens = client.fetch_token(document["token_endpoint"], code=code,
                                    code_verifier=attempt["verifier"], timeout=TIMEOUT_SECONDS)
    except Exception as exc:  # authlib raises its own errors and requests' alike
        log.warning("OpenID Connect token exchange refused: %s", exc)
        raise Invalid(FAILED, field="code") from exc
    if not isinstance(tokens.get("id_token"), str):
        raise Invalid("the identity provider sent no ID token", field="id_token")
    claims = _id_claims(portal, document, tokens["id_token"], attempt["nonce"])
    if isinstance(document.get("userinfo_endpoint"), str) and tokens.get("access_token"):
        info = _get_json(document["userinfo_endpoint"], "userinfo", tokens["access_token"])
        if info.get("sub") != claims["sub"]:
            raise Invalid("the identity provider's userinfo is for someone else", field="sub")
        claims = {**info, **claims}
    settings = portal.settings
    person = external.ExternalPerson(
        provider=UserSource.OIDC, subject=f"{document['issuer']}|{claims['sub']}",
        username=_username(claims), email=str(claims.get("email", "")),
        display_name=str(claims.get("name", "")),
        roles=external.grants(_claim_values(claims.get(settings.oidc_roles_claim)),
                              settings.oidc_role_map))
    return external.provision(portal, person, address)
