"""The per-process search engine: one in-memory DuckDB with index files attached read-only.

Index files are immutable once renamed into place, so any number of processes can attach them
read-only at once. Each request works on its own cursor of the shared database instance.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from holotype.engine import connect, ident, literal
from holotype.index.layout import index_path, indexed_versions, number_column, rows_path
from holotype.index.rows import RowStore
from holotype.query.area_sql import AreaRegistry, register_area_udf
from holotype.query.areas import AreaCatalogue

KEEP_ATTACHED = 2  # index files per resource kept attached (the newest ones)
ATTEMPTS = 5  # times a reader lists the folder again when the newest file went in between
# seconds an index whose file a newer build deleted stays attached for the requests still
# using it; then it is detached, and the disk space of the deleted file is freed
RELEASE_AFTER = 600.0
SWEEP_EVERY = 60.0  # seconds between looks at every resource's attached indexes


class Superseded(Exception):
    """An index file was deleted by a newer build between finding it and opening it by name;
    finding the newest file again answers the same question."""


@dataclass(frozen=True)
class Attached:
    """An attached index: its alias and what it holds."""

    resource_id: str
    version: int  # the version the index was built at: it serves every version up to this one
    alias: str
    columns: tuple[str, ...]
    numbers: frozenset[str]
    rows: RowStore = field(compare=False, repr=False)  # whole records, by _rid or in id order
    stamp: str = ""  # the file's size and modification time when attached: who built it
    # the common words' ids in the tokens table (``holotype.index.words``)
    word_ids: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # what callers derive from this index and the versions it serves, computed once
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def records(self) -> str:
        return f"{ident(self.alias)}.records"

    @property
    def tokens(self) -> str:
        return f"{ident(self.alias)}.tokens"

    def number(self, field: str) -> str | None:
        if field in self.numbers:
            return ident(number_column(field))
        return None


class IndexEngine:
    """Attaches resources' index files on demand and hands out cursors."""

    def __init__(
        self,
        index_root: Path,
        *,
        areas: AreaCatalogue | None = None,
        memory_limit: str = "2GB",
        threads: int = 0,
    ) -> None:
        self.index_root = index_root
        self.areas = areas
        self.registry = AreaRegistry(areas)
        self._con = connect(memory_limit=memory_limit, threads=threads)
        register_area_udf(self._con, self.registry)
        self._lock = threading.Lock()
        self._attached: dict[str, list[Attached]] = {}
        self._superseded: dict[str, float] = {}  # alias -> when its file was found deleted
        self._swept = time.monotonic()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def resource_dir(self, resource_id: str) -> Path:
        return self.index_root / resource_id

    def attach(self, resource_id: str, version: int) -> Attached | None:
        """An attached index that serves ``version``; None when no index covers it yet."""
        with self._lock:
            now = time.monotonic()
            if now - self._swept >= SWEEP_EVERY:  # resources nobody searches now, too
                self._swept = now
                for other in list(self._attached):
                    self._release_superseded(other)
            self._release_superseded(resource_id)
            for attached in reversed(self._attached.get(resource_id, [])):
                # One whose file a newer build has pruned still reads, but what is derived
                # from it (download record sets name their index file) must use a live one.
                if attached.version >= version and attached.alias not in self._superseded:
                    return attached
            for _attempt in range(ATTEMPTS):
                built = indexed_versions(self.resource_dir(resource_id))
                available = [v for v in built if v >= version]
                if not available:
                    return None
                try:
                    return self._attach(resource_id, available[-1])
                except Superseded:
                    continue  # a build put a newer file in place and pruned this one
            raise Superseded(f"the index of resource {resource_id} changed {ATTEMPTS} times "
                             "while it was being opened")

    def _release_superseded(self, resource_id: str) -> None:
        """Note the resource's attached indexes whose files a newer build deleted, and detach
        those noted ``RELEASE_AFTER`` seconds ago (the requests that used them are done):
        until then the deleted file's disk space stays in use."""
        now = time.monotonic()
        kept = []
        for attached in self._attached.get(resource_id, []):
            if attached.alias not in self._superseded and not index_path(
                    self.resource_dir(resource_id), attached.version).exists():
                self._superseded[attached.alias] = now
            if now - self._superseded.get(attached.alias, now) >= RELEASE_AFTER:
                self._detach(attached)
            else:
                kept.append(attached)
        if kept:
            self._attached[resource_id] = kept
        else:
            self._attached.pop(resource_id, None)

    def _detach(self, attached: Attached) -> None:
        self._con.execute(f"DETACH {ident(attached.alias)}")
        attached.rows.close()  # idle connections only: a request still reading keeps its own
        self._superseded.pop(attached.alias, None)

    def _attach(self, resource_id: str, version: int) -> Attached:
        alias = f"ix_{resource_id}_{version}"
        path = index_path(self.resource_dir(resource_id), version)
        try:
            stat = path.stat()
            self._con.execute(f"ATTACH {literal(path)} AS {ident(alias)} (READ_ONLY)")
        except (FileNotFoundError, duckdb.IOException) as exc:
            if path.exists():
                raise
            raise Superseded(str(path)) from exc
        try:
            meta = dict(self._con.execute(
                f"SELECT key, value FROM {ident(alias)}.meta").fetchall())
            words = dict(self._con.execute(
                f"SELECT token, tid FROM {ident(alias)}.words").fetchall())
            rows = RowStore(rows_path(self.resource_dir(resource_id), version))
        except sqlite3.OperationalError as exc:  # the row file goes just after its index file
            self._con.execute(f"DETACH {ident(alias)}")
            if rows_path(self.resource_dir(resource_id), version).exists():
                raise
            raise Superseded(str(path)) from exc
        attached = Attached(
            resource_id=resource_id,
            version=version,
            alias=alias,
            columns=tuple(json.loads(meta["columns"])),
            numbers=frozenset(json.loads(meta["numbers"])),
            rows=rows,
            stamp=f"{stat.st_size}:{stat.st_mtime_ns}",
            word_ids=words,
        )
        kept = [*self._attached.get(resource_id, []), attached]
        while len(kept) > KEEP_ATTACHED:
            self._detach(kept.pop(0))
        self._attached[resource_id] = kept
        return attached

    def close(self) -> None:
        for kept in self._attached.values():
            for attached in kept:
                attached.rows.close()
        self._con.close()
