"""Accounts on a real catalogue (SQLite and PostgreSQL), a real SMTP server on loopback and
the real web application."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from holotype.catalog.accounts import AuditEvent
from holotype.config import Settings, load_settings
from holotype.services.accounts.users import create_user
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.web.app import create_app
from tests.fixtures.forms import with_token
from tests.fixtures.mail import Inbox, mail_server

PASSWORD = "correct horse battery"


def account_settings(directory: Path, catalogue_url: str, **overrides: Any) -> Settings:
    return load_settings(data_dir=directory, database_url=catalogue_url, map_tile_url="",
                         rate_limit_per_minute=0, **overrides)


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with mail_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, catalogue_url: str, mail: tuple[Inbox, int]) -> Settings:
    return account_settings(tmp_path / "site", catalogue_url, smtp_host="127.0.0.1",
                            smtp_port=mail[1], public_base_url="http://portal.test")


@pytest.fixture
def portal(settings: Settings) -> Iterator[Portal]:
    opened = Portal.open(settings)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def client(settings: Settings, portal: Portal) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as web:
        yield web


def make_user(portal: Portal, username: str = "ada", sysadmin: bool = False) -> str:
    account, _ = create_user(portal, OPERATOR, username, f"{username}@example.org",
                             sysadmin=sysadmin, password=PASSWORD)
    return account.id


def sign_in(client: TestClient, username: str = "ada", password: str = PASSWORD,
            next: str = "/user/me") -> Any:
    return client.post("/user/login", data=with_token(client, {
        "username": username, "password": password, "next": next}), follow_redirects=False)


def count(portal: Portal, model: Any, *where: Any) -> int:
    with portal.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def audited(portal: Portal, event: str) -> int:
    return count(portal, AuditEvent, AuditEvent.event == event)
