"""``holotype token create|list|revoke``, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from holotype.config import load_settings
from holotype.services.accounts import tokens, users
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from tests.test_cli import holotype, ok


def test_token_create_list_revoke(tmp_path: Path) -> None:
    portal = Portal.open(load_settings(data_dir=tmp_path))
    try:
        users.create_user(portal, OPERATOR, "curator", "curator@example.org",
                          password="a long enough password")
    finally:
        portal.close()
    made = ok(holotype(tmp_path, "token", "create", "curator", "--name", "nightly upload",
                       "--scope", "write", "--days", "7"))
    raw = made.strip().splitlines()[-1]
    assert raw.startswith("ht_") and "shown only this once" in made and "read write" in made

    listed = json.loads(ok(holotype(tmp_path, "token", "list", "curator", "--json")))
    assert [(t["name"], t["scopes"], t["active"]) for t in listed] == [
        ("nightly upload", "read write", True)]
    assert raw not in json.dumps(listed)

    portal = Portal.open(load_settings(data_dir=tmp_path))
    try:
        found = tokens.identity_for_token(portal, raw)
        assert found is not None and found.name == "curator"
    finally:
        portal.close()

    ok(holotype(tmp_path, "token", "revoke", listed[0]["prefix"]))
    again = json.loads(ok(holotype(tmp_path, "token", "list", "curator", "--json")))
    assert again[0]["active"] is False and again[0]["revoked"]

    bad = holotype(tmp_path, "token", "create", "curator", "--name", "x", "--scope", "admin")
    assert bad.returncode != 0 and "scopes" in bad.stderr + bad.stdout
    nobody = holotype(tmp_path, "token", "create", "nobody", "--name", "x")
    assert nobody.returncode != 0 and "nobody" in nobody.stderr + nobody.stdout
