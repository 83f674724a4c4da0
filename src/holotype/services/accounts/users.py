"""Accounts: made by a sysadmin or by registering (verified by email), reset by email, and
changed by their owners. Passwords are hashed before any transaction starts (hashing is slow
on purpose, and a write transaction holds the catalogue's write lock)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from holotype.catalog import validation as check
from holotype.catalog.accounts import EmailPurpose, Outcome
from holotype.catalog.models import User, UserSource, UserState
from holotype.catalog.timestamps import utcnow
from holotype.errors import Conflict, Forbidden, Invalid, SignInRequired, Unavailable
from holotype.services import policy
from holotype.services.accounts import audit, email_links, mail, passwords, throttle, tokens
from holotype.services.accounts.identities import identity_for_user
from holotype.services.accounts.sessions import end_all_sessions, end_other_sessions
from holotype.services.catalogue_units import unit_of_work
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, Identity, Kind

log = logging.getLogger(__name__)

GENERATED_PASSWORD_BYTES = 15  # 20 characters


@dataclass(frozen=True)
class AccountInfo:
    id: str
    username: str
    email: str
    display_name: str
    sysadmin: bool
    state: str
    source: str
    email_verified: datetime | None
    last_sign_in: datetime | None
    created: datetime


def account_info(user: User) -> AccountInfo:
    return AccountInfo(user.id, user.username, user.email, user.display_name, user.sysadmin,
                       user.state, user.source, user.email_verified, user.last_sign_in,
                       user.created)


def generate_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def count_users(portal: Portal) -> int:
    with portal.session() as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


def _new_user(session: Session, username: str, email: str, display_name: str, **columns: object
              ) -> User:
    taken = Conflict(f"the user name {username!r} is taken", field="username")
    with unit_of_work(session, taken):
        user = User(username=check.username(username.strip().lower()),
                    email=check.email(email),
                    display_name=check.optional_line(display_name, "display_name") or "",
                    **columns)
        if session.scalar(select(User.id).filter_by(username=user.username)):
            raise taken
        session.add(user)
        session.flush()
    return user


def create_user(portal: Portal, identity: Identity, username: str, email: str,
                display_name: str = "", *, sysadmin: bool = False,
                password: str | None = None) -> tuple[AccountInfo, str | None]:
    """A sysadmin makes an active account; without ``password`` one is generated and returned
    (to be shown once), else None."""
    policy.require(policy.is_sysadmin(identity), "only a sysadmin may create accounts")
    generated = generate_password() if password is None else None
    chosen = passwords.check_strength(password if password is not None else generated or "",
                                      portal.settings.password_min_length)
    hashed = passwords.hash_password(chosen)
    with portal.write_session() as session:
        user = _new_user(session, username, email, display_name, password_hash=hashed,
                         sysadmin=sysadmin, state=UserState.ACTIVE.value)
        audit.record(session, identity, audit.Event.USER_CREATED, target_type="user",
                     target_id=user.username, detail={"sysadmin": sysadmin})
        info = account_info(user)
    return info, generated


def register(portal: Portal, identity: Identity, username: str, email: str, password: str,
             display_name: str = "", address: str = "") -> AccountInfo:
    """A visitor's own account, pending until the link emailed to ``email`` is followed."""
    settings = portal.settings
    if not settings.registration_open:
        raise Forbidden("this portal does not take registrations: ask its administrators for "
                        "an account")
    if identity.kind == Kind.USER:
        raise Invalid("you are signed in already: sign out to register another account")
    if not mail.can_send(settings):
        raise Unavailable("registration needs email, and this portal sends none: ask its "
                          "administrators for an account")
    hashed = passwords.hash_password(
        passwords.check_strength(password, settings.password_min_length))
    with portal.write_session() as session:
        user = _new_user(session, username, email, display_name, password_hash=hashed,
                         state=UserState.PENDING.value)
        raw = email_links.issue(session, user.id, EmailPurpose.VERIFY, settings.email_token_hours)
        audit.record(session, ANONYMOUS, audit.Event.REGISTERED, target_type="user",
                     target_id=user.username, address=address)
        info = account_info(user)
    body = (f"Someone, probably you, made the account {info.username} on "
            f"{settings.site_name}.\n\nTo confirm this address, open:\n"
            f"{settings.base_url}/user/verify/{raw}\n\n"
            f"The link works for {settings.email_token_hours} hours. If it was not you, "
            "ignore this email: the account stays unusable.\n")
    try:
        mail.send(settings, info.email, f"Confirm your account on {settings.site_name}", body)
    except OSError as exc:
        with portal.write_session() as session:  # no one could ever verify it
            session.execute(delete(User).where(User.id == info.id))
        raise Unavailable("the confirmation email could not be sent; try again later") from exc
    return info


def verify_email(portal: Portal, token: str) -> AccountInfo:
    """Follow a verification link: the address is confirmed and the account may sign in."""
    with portal.write_session() as session:
        user_id = email_links.take(session, token, EmailPurpose.VERIFY)
        user = session.get(User, user_id)
        if user is None:
            raise Invalid(email_links.INVALID, field="token")
        user.email_verified = utcnow()
        if user.state == UserState.PENDING.value:
            user.state = UserState.ACTIVE.value
        audit.record(session, identity_for_user(session, user.id), audit.Event.EMAIL_VERIFIED,
                     target_type="user", target_id=user.username)
        return account_info(user)


def request_reset(portal: Portal, email: str, address: str = "") -> None:
    """Email a reset link to every local account with this address. The answer is the same
    whether or not there is one, so it tells no one which addresses have accounts."""
    settings = portal.settings
    if not mail.can_send(settings):
        raise Unavailable("this portal sends no email: ask its administrators to reset your "
                          "password")
    try:
        wanted = check.email(email)
    except check.FieldError as exc:
        raise Invalid(exc.message, field="email") from None
    with portal.write_session() as session:
        found = session.scalars(select(User).where(
            func.lower(User.email) == wanted.lower(), User.source == UserSource.LOCAL.value,
            User.state != UserState.DISABLED.value)).all()
        links = [(user.username, user.email,
                  email_links.issue(session, user.id, EmailPurpose.RESET,
                                    settings.email_token_hours)) for user in found]
    for username, to, raw in links:
        body = (f"Someone, probably you, asked to reset the password of {username} on "
                f"{settings.site_name}.\n\nTo choose a new password, open:\n"
                f"{settings.base_url}/user/reset/{raw}\n\nThe link works for "
                f"{settings.email_token_hours} hours. If it was not you, ignore this email: "
                "the password stays as it is.\n")
        try:
            mail.send(settings, to, f"Reset your password on {settings.site_name}", body)
        except OSError as exc:  # said the same either way; the link simply does not arrive
            log.warning("the password reset email for %s could not be sent: %s", username, exc)


def check_reset_link(portal: Portal, token: str) -> None:
    """:class:`Invalid` unless ``token`` is a reset link that still works (only reads)."""
    with portal.session() as session:
        email_links.find(session, token, EmailPurpose.RESET)


def reset_password(portal: Portal, token: str, password: str) -> AccountInfo:
    """Follow a reset link: a new password, and every session of the account ends."""
    hashed = passwords.hash_password(
        passwords.check_strength(password, portal.settings.password_min_length))
    with portal.write_session() as session:
        user_id = email_links.take(session, token, EmailPurpose.RESET)
        user = session.get(User, user_id)
        if user is None:
            raise Invalid(email_links.INVALID, field="token")
        user.password_hash = hashed
        user.email_verified = user.email_verified or utcnow()  # the link proved the address
        if user.state == UserState.PENDING.value:
            user.state = UserState.ACTIVE.value
        end_all_sessions(session, user.id)
        # Whoever had the old password may have made tokens with it: they stop working too.
        revoked = tokens.revoke_all(session, user.id)
        audit.record(session, identity_for_user(session, user.id), audit.Event.PASSWORD_RESET,
                     target_type="user", target_id=user.username,
                     detail={"tokens_revoked": revoked})
        return account_info(user)


def _own(session: Session, identity: Identity) -> User:
    if identity.kind != Kind.USER or identity.user_id is None:
        raise SignInRequired("sign in to see your account")
    user = session.get(User, identity.user_id)
    if user is None:
        raise SignInRequired("sign in to see your account")
    return user


def my_account(portal: Portal, identity: Identity) -> AccountInfo:
    with portal.session() as session:
        return account_info(_own(session, identity))


def update_profile(portal: Portal, identity: Identity, *, display_name: str, email: str
                   ) -> AccountInfo:
    """Change one's own name and address."""
    with portal.write_session() as session:
        user = _own(session, identity)
        with unit_of_work(session, Conflict("the account changed meanwhile")):
            new_email = check.email(email)
            if new_email != user.email:
                user.email = new_email
                user.email_verified = None
            user.display_name = check.optional_line(display_name, "display_name") or ""
            audit.record(session, identity, audit.Event.PROFILE_CHANGED, target_type="user",
                         target_id=user.username)
        return account_info(user)


def change_password(portal: Portal, identity: Identity, current: str, new: str, *,
                    keeping: str | None = None, address: str = "") -> None:
    """Change one's own password, given the current one: every other session of the account
    ends (the one the cookie ``keeping`` names stays signed in; API tokens stay, since their
    owner manages them on the same page). Wrong current passwords count towards the sign-in
    throttle of the account and the address, and are audited."""
    with portal.session() as session:
        user = _own(session, identity)
        stored, username = user.password_hash, user.username
    attempt = throttle.reserve(portal, username, address)
    if not passwords.verify(stored, current):  # the attempt stays counted, as a failure
        with portal.write_session() as session:
            audit.record(session, identity, audit.Event.PASSWORD_CHANGED, target_type="user",
                         target_id=username, outcome=Outcome.REFUSED, address=address,
                         detail={"reason": "wrong current password"})
        raise Invalid("the current password is wrong", field="current_password")
    with portal.write_session() as session:
        throttle.release(session, attempt)
    hashed = passwords.hash_password(
        passwords.check_strength(new, portal.settings.password_min_length, "new_password"))
    with portal.write_session() as session:
        user = _own(session, identity)
        user.password_hash = hashed
        throttle.clear(session, username)
        end_other_sessions(session, portal, user.id, keeping)
        audit.record(session, identity, audit.Event.PASSWORD_CHANGED, target_type="user",
                     target_id=user.username, address=address)


def list_users(portal: Portal, identity: Identity) -> list[AccountInfo]:
    """Every account, by user name (sysadmins only)."""
    policy.require(policy.is_sysadmin(identity), "only a sysadmin may list the accounts")
    with portal.session() as session:
        return [account_info(u) for u in session.scalars(select(User).order_by(User.username))]
