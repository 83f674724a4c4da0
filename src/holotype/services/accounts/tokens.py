"""API tokens: keys a user makes for scripts and clients such as ckanapi.

A token is ``ht_`` and 43 random characters, shown once when it is made; the catalogue keeps
only its SHA-256 (and its first 8 characters, to tell tokens apart). A token acts as its user,
narrowed by its scopes: ``read`` (it changes nothing) or ``read write``. It expires after the
days given and can be revoked at any time; creating and revoking are audited.

A request names its token the ways CKAN clients send it: ``Authorization: <key>``,
``Authorization: Bearer <key>`` or ``X-CKAN-API-Key: <key>``. An unknown, revoked or expired
token is refused (401) rather than treated as anonymous, so a script learns at once that its
key no longer works. ``last_used``, and the audit of a known token's refusal, are written at
most once per :data:`LAST_USED_EVERY` per token: a write on every request would end the search
cache's validity every time (see :mod:`holotype.services.visible`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from holotype.catalog.accounts import AuditEvent, Outcome
from holotype.catalog.api_tokens import PREFIX_LENGTH, TOKEN_NAME_MAX, ApiToken, TokenScopes
from holotype.catalog.models import User
from holotype.catalog.timestamps import utcnow
from holotype.errors import Invalid, NotFound, SignInRequired
from holotype.services import guard, policy
from holotype.services.accounts import audit
from holotype.services.accounts.identities import identity_for_user
from holotype.services.context import Portal
from holotype.services.identity import Identity, Kind, Scope

TOKEN_PREFIX = "ht_"
LAST_USED_EVERY = timedelta(minutes=5)
DEFAULT_DAYS = 90
MAX_DAYS = 3650
SCOPES: dict[str, frozenset[Scope]] = {
    TokenScopes.READ.value: frozenset({Scope.READ}),
    TokenScopes.READ_WRITE.value: frozenset({Scope.READ, Scope.WRITE}),
}


@dataclass(frozen=True)
class TokenInfo:
    id: str
    username: str
    name: str
    prefix: str
    scopes: str  # "read" or "read write"
    created: datetime
    expires: datetime | None
    last_used: datetime | None
    revoked: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked is None and (self.expires is None or self.expires > utcnow())


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def key_of(header: str) -> str | None:
    """The key in an ``Authorization`` (or ``X-CKAN-API-Key``) value: ``Bearer <key>`` or a
    bare ``<key>``; None for another scheme (e.g. ``Basic``), which is not ours to judge."""
    text = header.strip()
    scheme, _, rest = text.partition(" ")
    if not rest:
        return text or None
    return rest.strip() if scheme.lower() == "bearer" else None


def scopes_of(scope: str) -> str:
    """``read`` or ``write`` (or the stored forms) as the stored scopes, or Invalid."""
    wanted = scope.strip().lower()
    if wanted in ("write", TokenScopes.READ_WRITE.value):
        return TokenScopes.READ_WRITE.value
    if wanted == TokenScopes.READ.value:
        return TokenScopes.READ.value
    raise Invalid(f"{scope[:40]!r} is not a scope: use read or write", field="scopes")


def _info(token: ApiToken, username: str) -> TokenInfo:
    return TokenInfo(token.id, username, token.name, token.prefix, token.scopes, token.created,
                     token.expires, token.last_used, token.revoked)


def _signed_in(identity: Identity, doing: str) -> None:
    if identity.kind == Kind.ANONYMOUS:
        raise SignInRequired(f"sign in to {doing}")


def _writes(portal: Portal, identity: Identity, doing: str) -> None:
    """A read-only token changes nothing, not even tokens (the refusal is audited)."""
    guard.require(portal, identity, Scope.WRITE in identity.scopes,
                  f"this API token may only read, so it may not {doing}; create one with the "
                  "write scope", field="scope", target_type="api_token",
                  target_id=identity.token_id or "")


def _owner(session: Session, identity: Identity, username: str | None) -> User:
    """The user whose tokens are meant: ``identity``'s own, or (sysadmins) another's."""
    if username is None or username == identity.name:
        if identity.user_id is None:
            raise Invalid("the site's operator has no tokens of its own: name a user",
                          field="username")
        user = session.get(User, identity.user_id)
    else:
        policy.require(policy.is_sysadmin(identity),
                       "only a sysadmin may manage another user's API tokens", "username")
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"there is no user {username!r}", field="username")
    return user


def create_token(portal: Portal, identity: Identity, name: str, scopes: str = "read",
                 expires_days: int | None = DEFAULT_DAYS, username: str | None = None
                 ) -> tuple[TokenInfo, str]:
    """A new token for ``identity`` (or, for a sysadmin, the user ``username``): its
    description and the raw token, which is never shown again."""
    _signed_in(identity, "create an API token")
    _writes(portal, identity, "create tokens")
    label = name.strip()
    if not label or len(label) > TOKEN_NAME_MAX:
        raise Invalid(f"give the token a name of 1 to {TOKEN_NAME_MAX} characters", field="name")
    stored_scopes = scopes_of(scopes)
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise Invalid(f"a token lasts 1 to {MAX_DAYS} days", field="expires_days")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with portal.write_session() as session:
        user = _owner(session, identity, username)
        token = ApiToken(
            user_id=user.id, name=label, prefix=raw[:PREFIX_LENGTH], token_hash=hash_token(raw),
            scopes=stored_scopes, created=now,
            expires=None if expires_days is None else now + timedelta(days=expires_days))
        session.add(token)
        session.flush()
        audit.record(session, identity, audit.Event.TOKEN_CREATED, target_type="api_token",
                     target_id=token.id, detail={"user": user.username, "name": label,
                                                 "scopes": stored_scopes,
                                                 "expires": token.expires})
        return _info(token, user.username), raw


def list_tokens(portal: Portal, identity: Identity, username: str | None = None
                ) -> list[TokenInfo]:
    """The tokens of ``identity`` (or, for a sysadmin, of ``username``), newest first."""
    _signed_in(identity, "see your API tokens")
    with portal.session() as session:
        user = _owner(session, identity, username)
        rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                               .order_by(ApiToken.created.desc(), ApiToken.id))
        return [_info(row, user.username) for row in rows]


def revoke_token(portal: Portal, identity: Identity, token_id: str) -> TokenInfo:
    """Revoke one of ``identity``'s tokens (a sysadmin: anyone's) by id or its prefix."""
    _signed_in(identity, "revoke an API token")
    _writes(portal, identity, "revoke tokens")
    ref = token_id.strip()
    with portal.write_session() as session:
        query = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
        query = query.where((ApiToken.id == ref) | (ApiToken.prefix == ref))
        if not policy.is_sysadmin(identity):
            query = query.where(ApiToken.user_id == identity.user_id)
        found = session.execute(query).all()
        if len(found) != 1:
            raise NotFound(f"there is no API token {ref[:40]!r} of yours" if not found else
                           f"{ref[:40]!r} names more than one token: give its id", field="id")
        token, username = found[0]
        if token.revoked is None:
            token.revoked = utcnow()
            audit.record(session, identity, audit.Event.TOKEN_REVOKED, target_type="api_token",
                         target_id=token.id, detail={"user": username, "name": token.name})
        return _info(token, username)


def revoke_all(session: Session, user_id: str) -> int:
    """Revoke every live token of the account (after a password reset); how many."""
    result = session.execute(update(ApiToken).where(ApiToken.user_id == user_id,
                                                    ApiToken.revoked.is_(None))
                             .values(revoked=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def _audit_refusal(portal: Portal, user_id: str, token_id: str, problem: str,
                   now: datetime) -> None:
    """Audit a refused token, at most once per :data:`LAST_USED_EVERY` per token: a script
    still using it would otherwise write on every request (and end the search cache's
    validity every time)."""
    recent = (select(AuditEvent.id)
              .where(AuditEvent.at >= now - LAST_USED_EVERY, AuditEvent.target_id == token_id,
                     AuditEvent.event == audit.Event.SIGNIN_FAILED.value).limit(1))
    with portal.session() as session:
        if session.scalar(recent) is not None:
            return
    with portal.write_session() as session:
        refused = identity_for_user(session, user_id, frozenset(), token_id)
        audit.record(session, refused, audit.Event.SIGNIN_FAILED, target_type="api_token",
                     target_id=token_id, outcome=Outcome.REFUSED, detail={"reason": problem})


def identity_for_token(portal: Portal, raw: str) -> Identity | None:
    """The identity of the token in ``raw`` (``Bearer x`` or a bare ``x``); None when the
    header is of another scheme. An unknown, revoked or expired token raises
    :class:`SignInRequired` (a known one's refusal is audited)."""
    key = key_of(raw)
    if key is None:
        return None
    digest = hash_token(key)
    now = utcnow()
    with portal.session() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if token is None:
            raise SignInRequired("this API token is not known: check it, or create a new one "
                                 "on your profile page")
        token_id, user_id, last_used = token.id, token.user_id, token.last_used
        problem = None
        if token.revoked is not None:
            problem = f"this API token was revoked on {token.revoked:%Y-%m-%d}"
        elif token.expires is not None and token.expires <= now:
            problem = f"this API token expired on {token.expires:%Y-%m-%d}"
        identity = identity_for_user(session, user_id, SCOPES[token.scopes], token_id)
    if problem is None and identity.kind != Kind.USER:
        problem = "the account this API token belongs to is not active"
    if problem is not None:
        _audit_refusal(portal, user_id, token_id, problem, now)
        raise SignInRequired(problem + "; create a new one on your profile page")
    if last_used is None or now - last_used >= LAST_USED_EVERY:
        with portal.write_session() as session:
            row = session.get(ApiToken, token_id)
            if row is not None:
                row.last_used = now
    return identity
