"""The row store beside each index file: whole records by ``_rid`` or in id order, fast.

DuckDB stores the index column by column, which is what counts, facets and filters want; but
reading a page of whole records from it decompresses a block of every column for every record
on the page (a 20-record page cost ~20 ms at 2,000,000 records). So each index file has a
SQLite twin holding the record versions in compressed blocks of consecutive ``_rid``s (the
``_rid`` is shared with the DuckDB index; see ``rowblocks`` for the layout). Reading a record
is the decompression of its block and one ``orjson.loads`` of its line, whose values fill in a
copy of a template dict (its keys, once per pattern of present fields), all in C. A page is
found by DuckDB (narrow columns only) and read from here, and a page of an unfiltered search
is read from here alone, merging the file's sorted runs.

Like the index file, the row file is written under a temporary name and renamed into place
before its index file, never changed afterwards, and opened read-only and ``immutable``.
"""

from __future__ import annotations

import heapq
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
import zstandard

from holotype.engine import literal
from holotype.index.layout import OPEN
from holotype.index.postings import Posting, read_postings, write_postings
from holotype.index.rowblocks import (
    BLOCK,
    SCHEMA,
    decompressor,
    read_blocks,
    run_lines,
    train,
    write_blocks,
)


def _connect_for_writing(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    # blocks of a few kilobytes: on 4 KiB pages a block fills most of a page (and a postings
    # block spills into overflow pages), wasting up to two thirds of the file
    con.execute("PRAGMA page_size = 16384")
    con.execute("PRAGMA journal_mode = OFF")  # a temporary file: a crash simply discards it
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -65536")
    return con


def _meta(con: sqlite3.Connection, key: str) -> Any:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else None


def _dictionary(con: sqlite3.Connection) -> bytes:
    row = con.execute("SELECT value FROM meta WHERE key = 'dictionary'").fetchone()
    return bytes(row[0]) if row else b""


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
            old = _meta(con, "columns") if base is not None and base.exists() else None
            if old is not None and list(columns[: len(old)]) != old:
                con.close()  # columns only ever grow at the end; anything else: start afresh
                tmp.unlink()
                con = _connect_for_writing(tmp)
                old = None
            if old is None:
                con.executescript(
                    SCHEMA + "CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL);"
                )
                first = 0
                dictionary = train(index, columns)
                runs: list[int] = []
            else:
                dictionary = _dictionary(con)
                runs = list(_meta(con, "runs"))
            con.execute("BEGIN")
            added = write_blocks(index, con, columns, first, dictionary)
            runs += added
            found = index.execute("SELECT coalesce(max(_rid), 0) FROM records").fetchone()
            count = int(found[0]) if found else 0
            _close_ranges(index, con, first, [] if old is None else list(ends))
            write_postings(index, con, fresh=old is None, complete=base is None, base=base)
            con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            [("columns", json.dumps(list(columns))),
                             ("geo", json.dumps(list(geo_fields))),
                             ("runs", json.dumps(runs)),
                             ("count", json.dumps(count)),
                             ("dictionary", dictionary)])
            con.execute("COMMIT")
        finally:
            con.close()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _close_ranges(
    index: duckdb.DuckDBPyConnection, con: sqlite3.Connection, first: int, ends: list[Path]
) -> None:
    """Record ``_to`` of the versions that have ended: the new rows' and those ``ends`` close
    (the index already holds their ``_to``)."""
    parts = [f"SELECT _rid, _to FROM records WHERE _rid > {int(first)} AND _to <> {OPEN}"]
    parts += [f"SELECT r._rid, r._to FROM records AS r JOIN read_parquet({literal(p)}) AS e "
              "ON r._id = e._id AND r._from = e._from" for p in ends]
    cursor = index.execute(" UNION ALL ".join(parts))
    while rows := cursor.fetchmany(20_000):
        con.executemany("INSERT OR REPLACE INTO ends VALUES (?, ?)", rows)


class RowStore:
    """Reads one row file; safe to share between threads.

    Connections are pooled (at most ``KEEP`` idle ones), not kept per thread: a server has many
    threads and many row files, and file handles are finite. Once a newer build has deleted
    the file (only the newest index file of a resource is kept), a new connection cannot be
    opened by name: the reader then waits for one of the open ones, which read on (POSIX)."""

    KEEP = 4
    PATTERNS = 10_000  # record templates kept, one per pattern of present values
    WAIT = 60.0  # seconds to wait for an open connection to a deleted file

    def __init__(self, path: Path) -> None:
        self.path = path
        self._free = threading.Condition()
        self._idle: list[tuple[sqlite3.Connection, zstandard.ZstdDecompressor]] = []
        self._busy = 0  # connections lent out
        self._templates: dict[str, tuple[tuple[str, ...], dict[str, None]]] = {}
        con = self._open()
        self.columns: list[str] = list(_meta(con, "columns") or [])
        lat, lon = _meta(con, "geo")
        self.geo_fields = (lat, lon)  # the fields the index read each record's point from
        runs = list(_meta(con, "runs") or [])
        count = int(_meta(con, "count") or 0)
        self._runs = [(low, high - 1) for low, high in zip(runs, [*runs[1:], count + 1],
                                                            strict=True)]
        self._dictionary = _dictionary(con)
        self._idle.append((con, decompressor(self._dictionary)))

    def _open(self) -> sqlite3.Connection:
        uri = f"file:{self.path}?mode=ro&immutable=1"
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    def _lend(self) -> tuple[sqlite3.Connection, zstandard.ZstdDecompressor]:
        with self._free:
            if self._idle:
                self._busy += 1
                return self._idle.pop()
        con: sqlite3.Connection | None = None
        try:
            con = self._open()
            con.execute("SELECT 1 FROM meta LIMIT 1")  # SQLite opens the file lazily
        except sqlite3.OperationalError:
            if con is not None:
                con.close()
            if self.path.exists():
                raise
            with self._free:  # deleted by a newer build: wait for an open connection
                if not self._free.wait_for(lambda: self._idle or not self._busy, self.WAIT) \
                        or not self._idle:
                    raise
                self._busy += 1
                return self._idle.pop()
        with self._free:
            self._busy += 1
        return con, decompressor(self._dictionary)

    @contextmanager
    def _connection(self) -> Iterator[tuple[sqlite3.Connection, zstandard.ZstdDecompressor]]:
        pair = self._lend()
        try:
            yield pair
        finally:
            with self._free:
                self._busy -= 1
                keep = len(self._idle) < self.KEEP
                if keep:
                    self._idle.append(pair)
                    self._free.notify()
            if not keep:
                pair[0].close()

    def _record(self, values: list[Any]) -> dict[str, Any]:
        # values: [present, _from, _id, *the values present]. A copy of a dict with the right
        # keys, filled in: cheaper than a dict grown key by key
        present = values[0]
        found = self._templates.get(present)
        if found is None:
            names = ("_id", *(c for c, p in zip(self.columns, present, strict=False) if p == "1"))
            found = names, dict.fromkeys(names)
            if len(self._templates) < self.PATTERNS:
                self._templates[present] = found
        record = found[1].copy()
        record.update(zip(found[0], values[2:], strict=True))
        return record

    def postings(self, tokens: Iterable[str]) -> dict[str, Posting]:
        """The posting entries of ``tokens`` (see ``postings``); tokens no record holds are
        left out."""
        with self._connection() as (con, _unpack):
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
        if not rids:
            return
        with self._connection() as (con, unpack):
            lines = read_blocks(con, unpack, sorted({(r - 1) // BLOCK for r in rids if r > 0}))
            ended: dict[int, int] = {}
            if version is not None:
                for start in range(0, len(rids), 500):
                    chunk = list(rids[start:start + 500])
                    marks = ", ".join("?" * len(chunk))
                    ended.update(con.execute(
                        f"SELECT _rid, _to FROM ends WHERE _rid IN ({marks})", chunk))
        for rid in rids:
            block = lines.get((rid - 1) // BLOCK)
            position = (rid - 1) % BLOCK
            if block is None or position >= len(block) or rid < 1:
                continue
            values = orjson.loads(block[position])
            if version is not None and not (values[1] <= version < ended.get(rid, OPEN)):
                continue
            yield rid, self._record(values)

    def _in_order(
        self, con: sqlite3.Connection, unpack: zstandard.ZstdDecompressor, after: str | None,
        inclusive: bool,
    ) -> Iterator[tuple[str, int, int, list[Any]]]:
        """(``_id``, ``_from``, ``_to``, line values) of every version from ``after`` on, in
        ``(_id, _from)`` order: the file's sorted runs merged."""
        def run(low: int, high: int) -> Iterator[tuple[str, int, int, list[Any]]]:
            for rid, line, ended in run_lines(con, unpack, low, high, after):
                values = orjson.loads(line)
                record_id = values[2]
                if after is not None and (record_id < after or
                                          (record_id == after and not inclusive)):
                    continue
                yield record_id, values[1], ended.get(rid, OPEN), values

        return heapq.merge(*(run(low, high) for low, high in self._runs),
                           key=lambda item: (item[0], item[1]))

    def in_id_order(
        self, version: int, limit: int, *, after: str | None = None, inclusive: bool = False
    ) -> list[dict[str, Any]]:
        """Up to ``limit`` records current at ``version`` in ``_id`` order, after the id
        ``after`` (or from it, when ``inclusive``)."""
        found: list[dict[str, Any]] = []
        if limit <= 0:
            return found
        with self._connection() as (con, unpack):
            for _id, start, end, values in self._in_order(con, unpack, after, inclusive):
                if start <= version < end:
                    found.append(self._record(values))
                    if len(found) >= limit:
                        break
        return found

    def versions(self, record_id: str) -> list[dict[str, Any]]:
        """Every stored version of one record, oldest first, with ``_from`` and ``_to``."""
        found = []
        with self._connection() as (con, unpack):
            for found_id, start, end, values in self._in_order(con, unpack, record_id, True):
                if found_id != record_id:
                    break
                found.append({"_from": start, "_to": end, **self._record(values)})
        return sorted(found, key=lambda r: int(r["_from"]))

    def close(self) -> None:
        with self._free:
            idle, self._idle = self._idle, []
        for con, _unpack in idle:
            con.close()
