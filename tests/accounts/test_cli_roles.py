"""``holotype organisation create|list|members`` and ``holotype user set-role``, run as the
operator runs them: every change is audited; bad input fails with one line and changes
nothing."""

from __future__ import annotations

from pathlib import Path

from holotype.config import load_settings
from holotype.services.accounts import audit
from holotype.services.context import Portal
from tests.test_cli import failed, holotype, ok


def test_organisations_and_roles_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "site"
    assert "No organisations yet" in ok(holotype(data, "organisation", "list"))
    made = ok(holotype(data, "organisation", "create", "museum", "--name", "The Museum"))
    assert "Created the organisation museum." in made
    assert "The Museum" in ok(holotype(data, "organisation", "list"))
    ok(holotype(data, "user", "create", "curator", "--email", "c@example.org"))
    assert "has no members yet" in ok(holotype(data, "organisation", "members", "museum"))
    given = ok(holotype(data, "user", "set-role", "curator", "museum", "editor"))
    assert "curator is now editor of museum (was not a member)." in given
    listed = ok(holotype(data, "organisation", "members", "museum"))
    assert "curator" in listed and "editor" in listed and "local" in listed
    assert "Nothing to change" in ok(holotype(data, "user", "set-role", "curator", "museum",
                                             "editor"))
    wrong = failed(holotype(data, "user", "set-role", "curator", "museum", "sysadmin"))
    assert "role" in wrong and "member, editor, admin" in wrong
    assert "there is no user 'nobody'" in failed(holotype(data, "user", "set-role", "nobody",
                                                          "museum"))
    assert "no organisation" in failed(holotype(data, "user", "set-role", "curator", "zoo"))
    assert "editor" in ok(holotype(data, "organisation", "members", "museum"))
    assert "Removed curator from museum." in ok(holotype(data, "user", "set-role", "curator",
                                                        "museum", "--remove"))
    portal = Portal.open(load_settings(data_dir=data))
    try:
        with portal.session() as session:
            changes = audit.recent(session, event=audit.Event.ROLE_CHANGED)
    finally:
        portal.close()
    assert [(c.detail["before"], c.detail["after"], c.via) for c in changes] == [
        ("editor", None, "cli"), (None, "editor", "cli")]
