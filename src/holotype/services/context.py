"""Everything a use case needs, built once from the settings and passed in (never global)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from holotype.catalog.db import make_engine, make_session_factory, upgrade
from holotype.config import Settings
from holotype.engine import connect
from holotype.ingest.source import Limits
from holotype.store.store import RecordStore


def duckdb_factory(settings: Settings) -> Callable[[], duckdb.DuckDBPyConnection]:
    """Makes DuckDB connections with the site's memory and thread limits."""

    def make() -> duckdb.DuckDBPyConnection:
        return connect(
            memory_limit=settings.duckdb_memory_limit,
            threads=settings.duckdb_threads,
            temp_dir=settings.data_dir / "tmp" / "duckdb",
        )

    return make


@dataclass
class Portal:
    """The catalogue, the record store and the limits of one Holotype site."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: RecordStore

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Portal:
        """Open the site's storage, creating the data directory and catalogue when missing."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.catalogue_url)
        if migrate:
            upgrade(engine)
        store = RecordStore(settings.store_dir, duckdb_factory(settings))
        return cls(settings, engine, make_session_factory(engine), store)

    @property
    def limits(self) -> Limits:
        s = self.settings
        return Limits(s.max_upload_bytes, s.max_uncompressed_bytes, s.max_compression_ratio)

    @property
    def work_dir(self) -> Path:
        return self.settings.data_dir / "tmp"

    def duckdb(self) -> duckdb.DuckDBPyConnection:
        return self.store.connect()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A catalogue session that commits on success and rolls back on error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
