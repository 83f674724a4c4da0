"""Knowing cheaply whether the catalogue changed, so answers read from it can be cached.

For a SQLite catalogue, ``PRAGMA data_version`` on a connection of our own (which never writes)
changes whenever any other connection, in this process or another, commits. PostgreSQL has no
such counter, so there nothing is cached.
"""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import Engine


class ChangeCounter:
    """A number that changes whenever the SQLite catalogue file gets a commit."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._con: sqlite3.Connection | None = None

    def value(self) -> int:
        with self._lock:
            if self._con is None:  # opened on first use: the file exists once migrated
                self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                            check_same_thread=False)
            row = self._con.execute("PRAGMA data_version").fetchone()
            return int(row[0])

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def change_counter(engine: Engine) -> ChangeCounter | None:
    """A counter for a SQLite catalogue file; None for any other database."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return ChangeCounter(str(url.database))
