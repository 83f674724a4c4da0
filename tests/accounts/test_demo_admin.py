"""The demo makes a sysadmin ``admin`` whose password is shown once, when there are no
accounts yet; and it signs in on the web."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from holotype.config import Settings
from holotype.errors import Forbidden
from holotype.services.accounts.users import list_users
from holotype.services.context import Portal
from holotype.services.demo import ensure_admin
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.web.app import create_app
from tests.accounts.conftest import make_user, sign_in
from tests.test_cli import holotype, ok


def test_the_admin_is_made_only_on_a_portal_without_accounts(portal: Portal,
                                                              settings: Settings) -> None:
    with pytest.raises(Forbidden):
        ensure_admin(portal, ANONYMOUS)
    password = ensure_admin(portal, OPERATOR)
    assert password is not None and ensure_admin(portal, OPERATOR) is None
    [admin] = list_users(portal, OPERATOR)
    assert admin.username == "admin" and admin.sysadmin and admin.state == "active"
    with TestClient(create_app(settings)) as client:
        assert sign_in(client, "admin", password).status_code == 303
        listed = client.get("/user/list.json").json()["users"]
        assert [u["username"] for u in listed] == ["admin"]
        make_user(portal, "plain")
        assert sign_in(client, "plain").status_code == 303
        assert client.get("/user/list.json").status_code == 403  # sysadmins only


def test_holotype_demo_prints_the_admin_password_once(tmp_path: Path) -> None:
    data = tmp_path / "site"
    first = ok(holotype(data, "demo", "--records", "20"))
    assert "Admin account: admin / " in first and "shown once" in first
    second = ok(holotype(data, "demo", "--if-empty"))
    assert "Admin account" not in second and "already loaded" in second
