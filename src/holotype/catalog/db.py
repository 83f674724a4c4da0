"""Engines, sessions and Alembic migrations for the catalogue database.

SQLite (the embedded default) and PostgreSQL are both supported. Nothing is created at import
time: callers build an engine from a URL (``Settings.catalogue_url``) and pass it on.

On SQLite every connection enforces foreign keys, waits up to ``BUSY_TIMEOUT`` seconds for a lock
held by another process, and uses WAL journaling (switched on once: the mode is kept in the
file). SQLAlchemy (not the ``sqlite3`` module) emits ``BEGIN``, so transactions, savepoints and
migrations are truly transactional. ``connection.execution_options(sqlite_begin="IMMEDIATE")``
takes the write lock at the start of a transaction, for read-then-write work that must not be
refused half-way.

Sessions come in two kinds, from :func:`make_session_factory`: read sessions begin ``DEFERRED``
(readers never wait for a writer in WAL mode, and many read at once), write sessions begin
``IMMEDIATE`` on SQLite. A deferred transaction that has read and then writes cannot wait for
the lock: when another connection writes meanwhile, SQLite refuses it at once with "database is
locked" (its snapshot is stale), whatever the busy timeout. An immediate one waits for the lock
(up to ``BUSY_TIMEOUT``) before it reads anything, so everything it reads is still true when it
writes. Every transaction that writes uses a write session. PostgreSQL needs neither: its
writers wait for row locks, and the option is not set there.

Migrations are serialised across processes, so that several processes starting at once on a
fresh catalogue (``holotype init`` twice, web workers) migrate it exactly once: on SQLite by an
exclusive ``flock`` on ``<database>.migrate.lock`` next to the database file, on PostgreSQL by a
transaction-level advisory lock taken inside the migration transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from holotype.locking import writer_lock

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_SQLITE_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})
BUSY_TIMEOUT = 30.0  # seconds a SQLite connection waits for another process's lock
# pg_advisory_xact_lock key for migrations: any constant shared by every Holotype process.
_PG_MIGRATION_LOCK = 0x686F6C6F  # "holo"


def make_engine(url: str) -> Engine:
    """An engine for the catalogue at ``url``; SQLite files get their directory created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    _create_sqlite_dir(parsed)
    engine = create_engine(parsed)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def make_session_factory(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """A session factory bound to ``engine``: for read sessions, or with ``write`` for sessions
    that write (on SQLite they take the write lock when they begin)."""
    if write and engine.dialect.name == "sqlite":
        # Shares the engine's pool and events (the begin listener reads this option).
        return sessionmaker(bind=engine.execution_options(sqlite_begin="IMMEDIATE"))
    return sessionmaker(bind=engine)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the packaged migrations, using ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Migrate the catalogue to ``revision`` (default: the newest) in one transaction."""
    _migrate(engine_or_url, lambda config: command.upgrade(config, revision))


def downgrade(engine_or_url: Engine | str, revision: str) -> None:
    """Migrate the catalogue back to ``revision`` (``"base"`` drops every catalogue table)."""
    _migrate(engine_or_url, lambda config: command.downgrade(config, revision))


def current_revision(engine_or_url: Engine | str) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with _engine(engine_or_url) as engine, engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision the packaged migrations define."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _migrate(engine_or_url: Engine | str, run: Any) -> None:
    with (
        _engine(engine_or_url) as engine,
        _sqlite_migration_lock(engine.url),
        engine.connect() as connection,
    ):
        sqlite = connection.dialect.name == "sqlite"
        # SQLite ignores this pragma inside a transaction, and table rebuilds done by batch
        # migrations must not fire ON DELETE actions, so it is switched off before BEGIN and
        # integrity is checked before COMMIT, as SQLite's ALTER TABLE documentation advises.
        if sqlite:
            _sqlite_pragma(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Released at COMMIT/ROLLBACK; a second process waits here, then finds
                    # the catalogue already at the revision and does nothing.
                    connection.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"
                    )
                run(alembic_config(connection))
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_pragma(connection, "PRAGMA foreign_keys=ON")


@contextmanager
def _sqlite_migration_lock(url: URL) -> Iterator[None]:
    """An exclusive lock on a file next to a SQLite database file; nothing for others."""
    path = _sqlite_file(url)
    if path is None:
        yield
        return
    with writer_lock(path.with_name(path.name + ".migrate.lock"), timeout=None):
        yield


@contextmanager
def _engine(engine_or_url: Engine | str) -> Iterator[Engine]:
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(engine_or_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite database URL; None for other databases and in-memory ones."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _create_sqlite_dir(url: URL) -> None:
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy (see _on_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        # WAL is a property of the file: switch it on once, not on every connection. Switching
        # needs a lock that a concurrent process may hold (it is switching too, or using the
        # database, which it then does in WAL mode already): that is not an error.
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() not in {"wal", "memory"}:
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    mode = str(options.get("sqlite_begin", "DEFERRED")).upper()
    if mode not in _SQLITE_BEGIN_MODES:
        raise ValueError(f"sqlite_begin must be one of {sorted(_SQLITE_BEGIN_MODES)}, not {mode}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_pragma(connection: Connection, statement: str) -> None:
    # Runs on the DBAPI connection so that SQLAlchemy does not begin a transaction first.
    dbapi_connection: Any = connection.connection.driver_connection
    dbapi_connection.execute(statement)


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        tables = sorted({str(row[0]) for row in problems})
        raise RuntimeError(f"migration left broken foreign keys in: {', '.join(tables)}")
