"""Fixtures for catalogue tests: a migrated database on each backend and a session on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from holotype.catalog import db
from holotype.catalog.schema import Base

Snapshot = dict[str, list[tuple[object, ...]]]


@pytest.fixture
def engine(catalogue_url: str) -> Iterator[Engine]:
    """An engine on a fresh catalogue migrated to head (SQLite and PostgreSQL)."""
    engine = db.make_engine(catalogue_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with db.make_session_factory(engine)() as session:
        yield session


def snapshot(engine: Engine) -> Snapshot:
    """Every row of every catalogue table, read on a separate connection."""
    with engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def unchanged(engine: Engine) -> Callable[[], AbstractContextManager[None]]:
    """``with unchanged(): ...`` fails the test if the block changed any catalogue row."""

    @contextmanager
    def check() -> Iterator[None]:
        before = snapshot(engine)
        yield
        assert snapshot(engine) == before

    return check
