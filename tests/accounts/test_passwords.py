"""Passwords are argon2 hashes, checked as long whether or not the account exists."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from holotype.errors import Invalid
from holotype.services.accounts import passwords


def test_a_hash_checks_its_own_password_only() -> None:
    stored = passwords.hash_password("a long enough secret")
    assert stored.startswith("$argon2id$") and "a long enough secret" not in stored
    assert passwords.verify(stored, "a long enough secret")
    assert not passwords.verify(stored, "a long enough secreT")
    assert not passwords.verify(stored, "")
    assert passwords.hash_password("a long enough secret") != stored  # salted


def test_no_account_never_matches() -> None:
    assert not passwords.verify(None, "an account that does not exist")  # the dummy's own
    assert not passwords.verify("not a hash", "anything")
    assert not passwords.verify(passwords.hash_password("x" * 10), "x" * 5000)  # too long


def test_weaker_hashes_are_renewed() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192).hash("a long enough secret")
    assert passwords.verify(old, "a long enough secret")
    assert passwords.needs_rehash(old)
    assert not passwords.needs_rehash(passwords.hash_password("a long enough secret"))


@pytest.mark.parametrize(("password", "message"), [
    ("short", "at least 10 characters"), (" " * 12, "only spaces"),
    ("x" * 1025, "at most 1024"),
])
def test_weak_passwords_are_refused_naming_the_field(password: str, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        passwords.check_strength(password, 10)
    assert message in refused.value.message and refused.value.field == "password"
    assert passwords.check_strength("ten chars!", 10) == "ten chars!"
