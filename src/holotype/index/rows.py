"""The row store beside each index file: whole records by ``_rid`` or in id order, fast.

DuckDB stores the index column by column, which is what counts, facets and filters want; but
reading a page of whole records from it decompresses a block of every column for every record
on the page (a 20-record page cost ~20 ms at 2,000,000 records). So each index file has a
SQLite twin holding each record version as one row: ``_rid`` (the rowid, shared with the
DuckDB index), ``_id``, ``_from``, ``_to``, ``present`` (one character per column of
``meta.columns``: ``1`` when the record has a value) and ``body``, the JSON array of ``_id``
and the values present, in column order. Decoding a record is then one ``orjson.loads`` and
the copy of a template dict (its keys, once per ``present`` pattern) filled in, all in C. A
page is found by DuckDB (narrow columns only) and read from here, and a page of an unfiltered
search is read from here alone through the ``(_id, _from)`` index.

Like the index file, the row file is written under a temporary name and renamed into place
before its index file, never changed afterwards, and opened read-only and ``immutable``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import orjson

from holotype.engine import ident, literal
from holotype.index.postings import Posting, read_postings, write_postings

BATCH = 20_000


def _connect_for_writing(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")  # a temporary file: a crash simply discards it
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -65536")
    return con


def _meta(con: sqlite3.Connection, key: str) -> list[str]:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return list(json.loads(row[0])) if row else []


def _columns_of(con: sqlite3.Connection) -> list[str]:
    return _meta(con, "columns")


def build_rows(
    index: duckdb.DuckDBPyConnection,
    path: Path,
    columns: Sequence[str],
    *,
    base: Path | None,
    first: int,
    ends: Iterable[Path],
    geo_fields: tuple[str, str],
) -> Path:
    """Write the row file for the index open on ``index`` and return its temporary path.

    With ``base`` (the previous version's row file), copy it, add the rows after ``_rid``
    ``first`` and close the ranges the ``ends`` files close; otherwise write every row. Either
    way, write the postings (see ``postings``) and the fields of the geo point. The caller
    renames the result to ``path`` once its index file is complete.
    """
    tmp = path.with_name(f".{path.name}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        if base is not None and base.exists():
            shutil.copyfile(base, tmp)
        con = _connect_for_writing(tmp)
        try:
            old = _columns_of(con) if base is not None and base.exists() else None
            if old is not None and list(columns[: len(old)]) != old:
                con.close()  # columns only ever grow at the end; anything else: start afresh
                tmp.unlink()
                con = _connect_for_writing(tmp)
                old = None
            if old is None:
                con.executescript(
                    "CREATE TABLE records (_rid INTEGER PRIMARY KEY, _id TEXT NOT NULL, "
                    "_from INTEGER NOT NULL, _to INTEGER NOT NULL, present TEXT NOT NULL, "
                    "body TEXT NOT NULL);"
                    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                )
                first = 0
            con.execute("BEGIN")
            _copy_rows(index, con, columns, first)
            if old is not None:
                _close_ranges(index, con, ends)
            write_postings(index, con, first=first, fresh=old is None)
            con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            [("columns", json.dumps(list(columns))),
                             ("geo", json.dumps(list(geo_fields)))])
            con.execute("COMMIT")
            if old is None:
                con.execute("CREATE INDEX by_id ON records (_id, _from)")
        finally:
            con.close()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _copy_rows(
    index: duckdb.DuckDBPyConnection, con: sqlite3.Connection, columns: Sequence[str], first: int
) -> None:
    names = [ident(c) for c in columns]
    present = ("concat(" + ", ".join(f"CASE WHEN {n} IS NULL THEN '0' ELSE '1' END"
                                     for n in names) + ")") if names else "''"
    body = f"to_json([v FOR v IN list_value({', '.join(['_id', *names])}) IF v IS NOT NULL])"
    cursor = index.execute(
        f"SELECT _rid, _id, _from, _to, {present}, {body} "
        f"FROM records WHERE _rid > {int(first)} ORDER BY _rid"
    )
    while rows := cursor.fetchmany(BATCH):
        con.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)


def _close_ranges(
    index: duckdb.DuckDBPyConnection, con: sqlite3.Connection, ends: Iterable[Path]
) -> None:
    for path in ends:
        cursor = index.execute(f"SELECT _to, _id, _from FROM read_parquet({literal(path)})")
        while rows := cursor.fetchmany(BATCH):
            con.executemany("UPDATE records SET _to = ? WHERE _id = ? AND _from = ?", rows)


class RowStore:
    """Reads one row file; safe to share between threads.

    Connections are pooled (at most ``KEEP`` idle ones), not kept per thread: a server has many
    threads and many row files, and file handles are finite."""

    KEEP = 4
    PATTERNS = 10_000  # record templates kept, one per pattern of present values

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._templates: dict[str, tuple[tuple[str, ...], dict[str, None]]] = {}
        with self._connection() as con:
            self.columns = _columns_of(con)
            lat, lon = _meta(con, "geo")
        self.geo_fields = (lat, lon)  # the fields the index read each record's point from

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            con = self._idle.pop() if self._idle else None
        if con is None:
            uri = f"file:{self.path}?mode=ro&immutable=1"
            con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            yield con
        finally:
            with self._lock:
                keep = len(self._idle) < self.KEEP
                if keep:
                    self._idle.append(con)
            if not keep:
                con.close()

    def _record(self, present: str, body: str) -> dict[str, Any]:
        # a copy of a dict with the right keys, filled in: cheaper than a dict grown key by key
        found = self._templates.get(present)
        if found is None:
            names = ("_id", *(c for c, p in zip(self.columns, present, strict=False) if p == "1"))
            found = names, dict.fromkeys(names)
            if len(self._templates) < self.PATTERNS:
                self._templates[present] = found
        record = found[1].copy()
        record.update(zip(found[0], orjson.loads(body), strict=True))
        return record

    def postings(self, tokens: Iterable[str]) -> dict[str, Posting]:
        """The posting entries of ``tokens`` (see ``postings``); tokens no record holds are
        left out."""
        with self._connection() as con:
            return read_postings(con, tokens)

    def current(self, rids: Iterable[int], version: int) -> list[tuple[int, dict[str, Any]]]:
        """(``_rid``, record) of those of ``rids`` current at ``version``, in any order."""
        return list(self._by_rids(sorted(set(rids)), version))

    def by_rid(self, rids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The records with these ``_rid``s (their non-null fields and ``_id``)."""
        return dict(self._by_rids([int(r) for r in rids], None))

    def _by_rids(
        self, rids: Sequence[int], version: int | None
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(``_rid``, record) of ``rids``, those current at ``version`` only when given."""
        current = "" if version is None else " AND _from <= ? AND _to > ?"
        extra = [] if version is None else [version, version]
        with self._connection() as con:
            for start in range(0, len(rids), 500):
                chunk = rids[start:start + 500]
                marks = ", ".join("?" * len(chunk))
                rows = con.execute(
                    f"SELECT _rid, present, body FROM records WHERE _rid IN ({marks}){current}",
                    [*chunk, *extra],
                ).fetchall()
                for rid, present, body in rows:
                    yield int(rid), self._record(present, body)

    def in_id_order(
        self, version: int, limit: int, *, after: str | None = None, inclusive: bool = False
    ) -> list[dict[str, Any]]:
        """Up to ``limit`` records current at ``version`` in ``_id`` order, after the id
        ``after`` (or from it, when ``inclusive``)."""
        condition = ""
        params: list[Any] = [version, version]
        if after is not None:
            condition = f"AND _id {'>=' if inclusive else '>'} ? "
            params.append(after)
        with self._connection() as con:
            rows = con.execute(
                "SELECT present, body FROM records INDEXED BY by_id WHERE _from <= ? AND _to > ? "
                f"{condition}ORDER BY _id LIMIT ?",
                [*params, int(limit)],
            ).fetchall()
        return [self._record(present, body) for present, body in rows]

    def versions(self, record_id: str) -> list[dict[str, Any]]:
        """Every stored version of one record, oldest first, with ``_from`` and ``_to``."""
        with self._connection() as con:
            rows = con.execute(
                "SELECT _from, _to, present, body FROM records INDEXED BY by_id WHERE _id = ? "
                "ORDER BY _from",
                [record_id],
            ).fetchall()
        return [{"_from": start, "_to": end, **self._record(present, body)}
                for start, end, present, body in rows]

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for con in idle:
            con.close()
