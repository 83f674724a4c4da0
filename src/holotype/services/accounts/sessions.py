"""Signing in and out: server-side sessions named by signed, random cookies.

The cookie holds a random id signed with the site's key (so a forged or altered cookie is
refused before the catalogue is asked); the catalogue keeps only the id's SHA-256, the user,
the session's form secret and when it expires. Signing in always starts a new session (the
one the browser had is deleted: no session fixation); signing out deletes it. Reading a session
never writes (see the cache note in :mod:`holotype.services.visible`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from holotype.catalog.accounts import ADDRESS_MAX, Outcome, UserSession
from holotype.catalog.models import User, UserSource, UserState
from holotype.catalog.timestamps import utcnow
from holotype.errors import Forbidden, Invalid
from holotype.services.accounts import audit, forms, ldap, passwords, throttle
from holotype.services.accounts.identities import identity_for_user
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, Identity, Kind

COOKIE = "holotype_session"
_SALT = "holotype-session"
WRONG = "the user name or password is wrong"


@dataclass(frozen=True)
class SignedIn:
    """A live session: who, and the secret its forms' tokens are bound to."""

    identity: Identity
    csrf_secret: str


max_age = forms.max_age  # a session lasts as long as its cookie is good for


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _session_id(portal: Portal, cookie: str | None) -> str | None:
    """The id a cookie carries, or None when it is missing, forged or older than a session."""
    return forms.unsigned(portal, _SALT, cookie)


def new_session(session: Session, portal: Portal, user_id: str, address: str,
                replacing: str | None = None) -> str:
    """Start a session for ``user_id`` in ``session`` (deleting the one ``replacing`` names);
    returns the cookie value."""
    old = _session_id(portal, replacing)
    if old is not None:
        session.execute(delete(UserSession).where(UserSession.id_hash == _hash(old)))
    now = utcnow()
    session.execute(delete(UserSession).where(UserSession.user_id == user_id,
                                              UserSession.expires < now))
    raw = secrets.token_urlsafe(32)
    session.add(UserSession(id_hash=_hash(raw), user_id=user_id,
                            csrf_secret=secrets.token_hex(32), created=now,
                            expires=now + timedelta(seconds=max_age(portal)),
                            address=address[:ADDRESS_MAX]))
    return forms.signed(portal, _SALT, raw)


def start_session(portal: Portal, user_id: str, address: str = "",
                  replacing: str | None = None) -> str:
    """A new session for ``user_id`` (for outside sign-in methods and tests): the cookie."""
    with portal.write_session() as session:
        return new_session(session, portal, user_id, address, replacing)


def session_for(portal: Portal, cookie: str | None) -> SignedIn | None:
    """The live session a cookie names; None for a forged, expired, ended or unknown one, and
    for an account that may no longer sign in."""
    raw = _session_id(portal, cookie)
    if raw is None:
        return None
    with portal.session() as session:
        row = session.get(UserSession, _hash(raw))
        if row is None or row.expires <= utcnow():
            return None
        identity = identity_for_user(session, row.user_id)
        if identity.kind != Kind.USER:
            return None
        return SignedIn(identity, row.csrf_secret)


def identity_for_session(portal: Portal, cookie: str | None) -> Identity | None:
    found = session_for(portal, cookie)
    return found.identity if found else None


def end_session(portal: Portal, cookie: str | None, address: str = "") -> None:
    """Sign out: the session is deleted, so its cookie no longer works anywhere."""
    raw = _session_id(portal, cookie)
    if raw is None:
        return
    with portal.write_session() as session:
        row = session.get(UserSession, _hash(raw))
        if row is None:
            return
        identity = identity_for_user(session, row.user_id)
        session.delete(row)
        if identity.kind == Kind.USER:
            audit.record(session, identity, audit.Event.SIGNOUT, target_type="user",
                         target_id=identity.name, address=address)


def end_all_sessions(session: Session, user_id: str) -> None:
    """Sign the user out everywhere (after a password reset)."""
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def end_other_sessions(session: Session, portal: Portal, user_id: str, cookie: str | None
                       ) -> None:
    """Sign the user out everywhere but in the session ``cookie`` names (after a password
    change made in that session)."""
    query = delete(UserSession).where(UserSession.user_id == user_id)
    kept = _session_id(portal, cookie)
    if kept is not None:
        query = query.where(UserSession.id_hash != _hash(kept))
    session.execute(query)


def _local_user(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username,
                                             User.source == UserSource.LOCAL.value))
    ok = passwords.verify(user.password_hash if user is not None else None, password)
    return user if ok else None


def _authenticate(portal: Portal, session: Session, username: str, password: str
                  ) -> User | None:
    """The account these credentials open, trying the ``sign_in_methods`` in order."""
    for method in portal.settings.sign_in_methods:
        if method == "local":
            user = _local_user(session, username, password)
            if user is not None:
                return user
        elif method == "ldap" and (user_id := ldap.authenticate(portal, username, password)):
            session.rollback()  # a new snapshot, which sees the account ldap just wrote
            return session.get(User, user_id)
    return None


def sign_in(portal: Portal, username: str, password: str, address: str = "",
            replacing: str | None = None) -> tuple[Identity, str]:
    """Check the credentials and start a new session (deleting the one ``replacing`` names):
    the identity and the cookie. Refusals say nothing about whether the account exists."""
    name = username.strip().lower()
    if not name or not password:
        raise Invalid("give your user name and password", field="username")
    attempt = throttle.reserve(portal, name, address)
    with portal.session() as session:
        user = _authenticate(portal, session, name, password)
        user_id = user.id if user is not None else None
        state = user.state if user is not None else None
        stored = user.password_hash if user is not None else None
    if user_id is None:  # the attempt stays counted, as a failure
        with portal.write_session() as session:
            audit.record(session, ANONYMOUS, audit.Event.SIGNIN_FAILED, target_type="user",
                         target_id=name, outcome=Outcome.REFUSED, address=address)
        raise Invalid(WRONG)  # naming no field: which one is wrong is not said
    with portal.write_session() as session:  # the credentials were right
        throttle.release(session, attempt)
    if state == UserState.PENDING.value:
        raise Invalid("this account's email address is not verified yet: follow the link in "
                      "the email the portal sent", field="username")
    if state != UserState.ACTIVE.value:
        raise Forbidden("this account is disabled", field="username")
    with portal.write_session() as session:
        throttle.clear(session, name)
        row = session.get(User, user_id)
        assert row is not None
        if stored is not None and passwords.needs_rehash(stored):
            row.password_hash = passwords.hash_password(password)
        row.last_sign_in = utcnow()
        cookie = new_session(session, portal, user_id, address, replacing)
        identity = identity_for_user(session, user_id)
        audit.record(session, identity, audit.Event.SIGNIN, target_type="user",
                     target_id=identity.name, address=address)
    return identity, cookie


def csrf_token(portal: Portal, cookie: str | None) -> str | None:
    """The form token of the session a cookie names (for clients that post with a session
    cookie, such as tests); None when the cookie names no live session."""
    found = session_for(portal, cookie)
    return forms.form_token(portal, found.csrf_secret) if found else None
