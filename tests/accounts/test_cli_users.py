"""``holotype user create|list`` and ``holotype init``'s signing key, run as a user runs them."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from holotype.config import load_settings
from holotype.services.accounts import sessions
from holotype.services.context import Portal
from tests.test_cli import environment, holotype, ok


def test_init_writes_a_private_signing_key_once(tmp_path: Path) -> None:
    data = tmp_path / "site"
    out = ok(holotype(data, "init"))
    key = data / "secret_key"
    assert "Wrote a new signing key" in out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 40
    first = key.read_text()
    assert "Wrote" not in ok(holotype(data, "init")) and key.read_text() == first
    other = tmp_path / "other"
    ok(holotype(other, "init", HOLOTYPE_SECRET_KEY="from the environment"))
    assert not (other / "secret_key").exists()


def test_create_prints_a_generated_password_once_and_it_signs_in(tmp_path: Path) -> None:
    data = tmp_path / "site"
    out = ok(holotype(data, "user", "create", "curator", "--email", "c@example.org",
                      "--display-name", "Cura Tor", "--sysadmin"))
    assert "Created the sysadmin account curator." in out
    password = out.split("Password (shown once): ")[1].split()[0]
    assert len(password) >= 20
    listed = ok(holotype(data, "user", "list"))
    assert "curator" in listed and "c@example.org" in listed and password not in listed
    portal = Portal.open(load_settings(data_dir=data))
    try:
        identity, cookie = sessions.sign_in(portal, "curator", password)
        assert identity.sysadmin and sessions.identity_for_session(portal, cookie) == identity
    finally:
        portal.close()


def test_a_password_from_standard_input_is_not_printed(tmp_path: Path) -> None:
    data = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "holotype", "user", "create", "reader",
                           "--email", "r@example.org", "--password-stdin"],
                          input="my own long password\n", capture_output=True, text=True,
                          env=environment(data), timeout=300)
    out = ok(done)
    assert "Created the account reader." in out and "Password" not in out
    short = subprocess.run([sys.executable, "-m", "holotype", "user", "create", "shorty",
                            "--email", "s@example.org", "--password-stdin"],
                           input="short\n", capture_output=True, text=True,
                           env=environment(data), timeout=300)
    assert short.returncode != 0 and "at least 10 characters" in short.stderr
    taken = holotype(data, "user", "create", "reader", "--email", "x@example.org")
    assert taken.returncode != 0 and "is taken" in taken.stderr
    assert "shorty" not in ok(holotype(data, "user", "list"))
