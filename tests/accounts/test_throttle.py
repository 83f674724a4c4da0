"""Failed sign-ins are throttled per account and per address, also when tried in parallel;
checking writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from holotype.catalog.accounts import SignInFailure
from holotype.config import Settings
from holotype.errors import Invalid, Throttled
from holotype.services.accounts import sessions, throttle
from holotype.services.context import Portal
from holotype.web.app import create_app
from tests.accounts.conftest import PASSWORD, account_settings, count, make_user, sign_in


@pytest.fixture
def strict(tmp_path: Path, catalogue_url: str) -> Settings:
    return account_settings(tmp_path / "strict", catalogue_url,
                            sign_in_max_failures_per_user=3, sign_in_max_failures_per_address=5,
                            sign_in_lockout_minutes=10)


@pytest.fixture
def strict_portal(strict: Settings) -> Iterator[Portal]:
    opened = Portal.open(strict)
    try:
        yield opened
    finally:
        opened.close()


def test_an_account_is_locked_after_too_many_failures(strict_portal: Portal) -> None:
    make_user(strict_portal)
    for _ in range(3):
        with pytest.raises(Exception, match="user name or password is wrong"):
            sessions.sign_in(strict_portal, "ada", "wrong password", "10.0.0.1")
    with pytest.raises(Throttled) as locked:  # even with the right password, from elsewhere
        sessions.sign_in(strict_portal, "ADA", PASSWORD, "10.0.0.2")
    assert locked.value.status == 429
    assert locked.value.message == "too many failed sign-ins; try again in 10 minutes"
    make_user(strict_portal, "bob")  # other accounts are not locked
    identity, _ = sessions.sign_in(strict_portal, "bob", PASSWORD, "10.0.0.2")
    assert identity.name == "bob"


def test_an_address_is_locked_after_too_many_failures_to_any_account(
        strict_portal: Portal) -> None:
    make_user(strict_portal)
    for name in ("a1", "a2", "a3", "a4", "a5"):
        with pytest.raises(Exception, match="wrong"):
            sessions.sign_in(strict_portal, name, "guess", "10.0.0.9")
    with pytest.raises(Throttled):
        sessions.sign_in(strict_portal, "ada", PASSWORD, "10.0.0.9")
    identity, _ = sessions.sign_in(strict_portal, "ada", PASSWORD, "10.0.0.10")
    assert identity.name == "ada"


def test_signing_in_clears_the_accounts_failures(strict_portal: Portal) -> None:
    make_user(strict_portal)
    for _ in range(2):
        with pytest.raises(Exception, match="wrong"):
            sessions.sign_in(strict_portal, "ada", "wrong password", "10.0.0.1")
    sessions.sign_in(strict_portal, "ada", PASSWORD, "10.0.0.1")
    assert count(strict_portal, SignInFailure,
                 SignInFailure.key == throttle.user_key("ada")) == 0
    for _ in range(2):  # the count starts again
        with pytest.raises(Exception, match="wrong"):
            sessions.sign_in(strict_portal, "ada", "wrong password", "10.0.0.1")
    sessions.sign_in(strict_portal, "ada", PASSWORD, "10.0.0.1")


def test_checking_writes_nothing(strict_portal: Portal) -> None:
    with strict_portal.session() as session:
        throttle.check(session, strict_portal.settings, "ada", "10.0.0.1")
        assert not session.new and not session.dirty and not session.deleted
    assert count(strict_portal, SignInFailure) == 0


def test_the_sign_in_page_says_when_to_try_again(strict: Settings, strict_portal: Portal
                                                 ) -> None:
    make_user(strict_portal)
    with TestClient(create_app(strict)) as client:
        for _ in range(3):
            assert sign_in(client, password="wrong password").status_code == 400
        locked = sign_in(client)
        assert locked.status_code == 429
        assert "Too many failed sign-ins; try again in 10 minutes" in locked.text
        assert sessions.COOKIE not in locked.cookies


def test_parallel_guesses_get_no_more_tries_than_the_limit(strict_portal: Portal) -> None:
    make_user(strict_portal)

    def guess(number: int) -> str:
        try:
            sessions.sign_in(strict_portal, "ada", f"guess {number}", f"10.1.0.{number}")
        except Throttled:
            return "throttled"
        except Invalid:
            return "wrong"
        return "signed in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(guess, range(16)))
    # Each guess is counted before its password is checked, so however they interleave no
    # more than the limit (3 per account) are checked at all (fewer when many are counted at
    # the same moment: a flood errs on the side of refusing).
    checked = outcomes.count("wrong")
    assert checked <= 3 and outcomes.count("throttled") == 16 - checked, outcomes
    assert count(strict_portal, SignInFailure,
                 SignInFailure.key == throttle.user_key("ada")) == checked  # refused: not kept


def test_right_passwords_are_not_counted_as_failures(strict_portal: Portal) -> None:
    make_user(strict_portal)
    with pytest.raises(Invalid):
        sessions.sign_in(strict_portal, "ada", "wrong password", "10.0.0.1")
    for _ in range(5):  # more than the limit of sign-ins that succeed
        sessions.sign_in(strict_portal, "ada", PASSWORD, "10.0.0.1")
    assert count(strict_portal, SignInFailure) == 1  # the address keeps its one failure
