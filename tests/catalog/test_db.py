"""Engines, SQLite connection settings and programmatic migrations."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from holotype.catalog import db


def test_sqlite_file_gets_its_directory_foreign_keys_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "catalogue.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        for _ in range(2):  # every pooled connection, not just the first
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert path.exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_sqlite_in_memory(url: str) -> None:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_sqlite_transactions_cover_ddl(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        raise RuntimeError("roll back")
    assert not inspect(engine).has_table("t")
    engine.dispose()


def test_sqlite_transactions_stay_real_after_autocommit_use(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("CREATE TABLE kept (x INTEGER)")
    with pytest.raises(RuntimeError), engine.begin() as connection:  # same pooled connection
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        raise RuntimeError("roll back")
    assert inspect(engine).get_table_names() == ["kept"]
    engine.dispose()


def test_sqlite_begin_mode_can_be_chosen(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with engine.connect() as connection:
        immediate = connection.execution_options(sqlite_begin="IMMEDIATE")
        with immediate.begin():
            immediate.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        bad = connection.execution_options(sqlite_begin="SOMETIMES")
        with pytest.raises(ValueError, match="sqlite_begin"):
            bad.begin()
    engine.dispose()


def test_write_sessions_hold_the_sqlite_write_lock_and_read_sessions_do_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.make_session_factory(engine)() as reader:
            reader.execute(text("SELECT count(*) FROM t"))
            other.execute("BEGIN IMMEDIATE")  # a reader does not keep a writer out
            other.execute("ROLLBACK")
        with db.make_session_factory(engine, write=True)() as writer:
            writer.execute(text("SELECT count(*) FROM t"))  # the lock is taken before this read
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            writer.execute(text("INSERT INTO t VALUES (1)"))
            writer.commit()
    finally:
        other.close()
        engine.dispose()


def test_postgresql_engine_is_not_given_sqlite_settings(postgres_url: str) -> None:
    engine = db.make_engine(postgres_url)
    with engine.connect() as connection:
        assert connection.dialect.name == "postgresql"
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_importing_the_catalogue_creates_nothing(tmp_path: Path) -> None:
    code = (
        "import holotype.catalog.db, holotype.catalog.models, holotype.services.catalogue\n"
        "import gc, sqlalchemy\n"
        "assert not [o for o in gc.get_objects() if isinstance(o, sqlalchemy.Engine)]\n"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, check=True, env={"PYTHONPATH": str(src)}
    )
    assert list(tmp_path.iterdir()) == []


def test_upgrade_to_head_from_a_url(catalogue_url: str) -> None:
    assert db.current_revision(catalogue_url) is None
    db.upgrade(catalogue_url)
    assert db.current_revision(catalogue_url) == db.head_revision() == "0014"
    db.upgrade(catalogue_url)  # already at head: nothing to do
    assert db.current_revision(catalogue_url) == "0014"


def test_downgrade_to_base_and_back(catalogue_url: str) -> None:
    engine = db.make_engine(catalogue_url)
    db.upgrade(engine)
    db.downgrade(engine, "base")
    assert db.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(engine)
    assert "datasets" in inspect(engine).get_table_names()
    engine.dispose()


def test_a_failed_migration_leaves_the_database_untouched(catalogue_url: str) -> None:
    engine = db.make_engine(catalogue_url)
    with engine.begin() as connection:  # the last table the migration creates already exists
        connection.exec_driver_sql("CREATE TABLE resources (x INTEGER)")
    with pytest.raises(Exception, match="resources"):
        db.upgrade(engine)
    assert inspect(engine).get_table_names() == ["resources"]
    assert db.current_revision(engine) is None
    engine.dispose()


def test_sqlite_foreign_keys_are_back_on_after_migrating(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    db.upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_migrations_refuse_to_run_without_a_connection() -> None:
    from alembic import command

    with pytest.raises(RuntimeError, match="upgrade"):
        command.upgrade(db.alembic_config(), "head")


def test_sqlite_connections_wait_for_locks(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()


def test_sqlite_connect_tolerates_a_lock_while_switching_to_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A database not yet in WAL mode, locked by another process (here: connection) when we
    # connect: switching to WAL must wait a little, then give up quietly, not fail the connect.
    path = tmp_path / "c.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # a writer: others may read, none may switch modes
    holder.execute("INSERT INTO t VALUES (1)")
    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.2, raising=False)
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
        holder.execute("COMMIT")
    finally:
        holder.close()
        engine.dispose()
    engine = db.make_engine(f"sqlite:///{path}")  # the next connection switches
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


_UPGRADE_ON_GO = """
import sys, time
from pathlib import Path
from holotype.catalog import db
url, barrier = sys.argv[1], Path(sys.argv[2])
(barrier / f"ready-{sys.argv[3]}").touch()
while not (barrier / "go").exists():
    time.sleep(0.005)
db.upgrade(url)
"""


def start_together(barrier: Path, command: list[str], count: int) -> list[subprocess.Popen[str]]:
    """Start ``count`` processes of ``command``; release them at once when all are ready."""
    barrier.mkdir()
    processes = [
        subprocess.Popen(
            [*command, str(barrier), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    deadline = time.monotonic() + 120
    while len(list(barrier.glob("ready-*"))) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    (barrier / "go").touch()
    return processes


def test_concurrent_upgrades_of_a_fresh_catalogue_all_succeed(
    catalogue_url: str, tmp_path: Path
) -> None:
    # Several processes starting at once (web workers, parallel `holotype init`) on a new
    # catalogue: each must wait for the first to migrate, not fail with "database is locked"
    # or "relation already exists".
    command = [sys.executable, "-c", _UPGRADE_ON_GO, catalogue_url]
    processes = start_together(tmp_path / "barrier", command, 6)
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert db.current_revision(catalogue_url) == db.head_revision()
