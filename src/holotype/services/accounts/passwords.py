"""Passwords: argon2id hashes, checked in constant time whether or not the account exists."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from holotype.errors import Invalid

MAX_LENGTH = 1024  # longer is refused before hashing (hashing is deliberately slow)


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's recommended costs


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash("an account that does not exist")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``. Without a stored hash (no such account, or one
    that signs in elsewhere) a dummy hash is checked, so the answer takes as long."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return bool(_hasher().verify(stored or _dummy_hash(), password)) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with older costs (rehash it at the next sign-in)."""
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


def check_strength(password: str, min_length: int, field: str = "password") -> str:
    """``password`` if it is long enough (and not absurdly long), else :class:`Invalid`."""
    if len(password) < min_length:
        raise Invalid(f"the password must have at least {min_length} characters", field=field)
    if len(password) > MAX_LENGTH:
        raise Invalid(f"the password may have at most {MAX_LENGTH} characters", field=field)
    if not password.strip():
        raise Invalid("the password may not be only spaces", field=field)
    return password
