"""Posting lists in the row file: which record versions hold a token, for tokens few hold.

DuckDB answers "which records hold this word" with a semi-join that costs a few milliseconds
however rare the word; SQLite finds one row by its key in microseconds. So the row file also
holds, for every token of the index, how many record versions hold it (``n``, counting a record
once per field that holds it) and, when that is at most ``POSTED``, their ``_rid``s (as text,
``"12,5000,77"``, unordered). A search whose words are all posted needs no DuckDB at all: see
``holotype.search.posted``. Tokens held by more records keep only their count, which also says
that the token exists: a token without an entry is held by no record.

Entries are stored up to ``PER_BLOCK`` tokens (and ``BLOCK_BYTES`` of lists) to a row
(``postings``: the block's first token and its entries as zstd-compressed JSON), in token
order: sorted tokens and their lists compress several times over, and finding a token is one
seek on the first tokens and the decoding of one block. An update does not rewrite blocks:
the entries of the tokens its rows hold go, recounted whole, to ``postings_new`` (one row
per token), which a lookup reads first. When that table has grown past a quarter of the
tokens in blocks, the update writes every block afresh instead.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import duckdb
import orjson
import zstandard

POSTED = 1_000
PER_BLOCK = 128  # tokens to a block at most
BLOCK_BYTES = 4_096  # ... and at most about this much of their lists: reading one stays cheap
BATCH = 20_000
LEVEL = 3
FIRST = itemgetter(0)


def write_postings(
    index: duckdb.DuckDBPyConnection, con: sqlite3.Connection, *, first: int, fresh: bool
) -> None:
    """Write the postings of the index open on ``index`` into the row file open on ``con``.

    ``fresh``: the row file is new, so every token is written. Otherwise the file already holds
    the postings up to ``_rid`` ``first``, and only tokens the later rows hold are written.
    """
    if fresh:
        con.execute("CREATE TABLE postings (first TEXT PRIMARY KEY, data BLOB NOT NULL) "
                    "WITHOUT ROWID")
        con.execute("CREATE TABLE postings_new (token TEXT PRIMARY KEY, n INTEGER NOT NULL, "
                    "rids TEXT) WITHOUT ROWID")
    else:
        blocked = _count(con, "postings_blocked")
        touched = f"SELECT DISTINCT token FROM tokens WHERE _rid > {int(first)}"
        found = index.execute(f"SELECT count(*) FROM ({touched})").fetchone()
        if _count(con, "postings_new") + (int(found[0]) if found else 0) <= blocked // 4:
            _write_new(index, con, f"tokens WHERE token IN ({touched})")
            return
        con.execute("DELETE FROM postings")
        con.execute("DELETE FROM postings_new")
        con.execute("DELETE FROM meta WHERE key = 'postings_new'")
    _write_blocks(index, con)


def _entries(source: str) -> str:
    return (f"SELECT token, count(*), CASE WHEN count(*) <= {POSTED} "
            f"THEN string_agg(_rid::VARCHAR, ',') END FROM {source} GROUP BY token ORDER BY token")


def _count(con: sqlite3.Connection, key: str) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0


def _write_blocks(index: duckdb.DuckDBPyConnection, con: sqlite3.Connection) -> None:
    pack = zstandard.ZstdCompressor(level=LEVEL)
    cursor = index.execute(_entries("tokens"))
    pending: list[Any] = []
    size = written = 0
    blocks: list[tuple[str, bytes]] = []
    while rows := cursor.fetchmany(BATCH):
        for row in rows:
            pending.append(row)
            size += len(row[2] or "")
            if len(pending) >= PER_BLOCK or size >= BLOCK_BYTES:
                blocks.append((pending[0][0], pack.compress(orjson.dumps(pending))))
                written += len(pending)
                pending, size = [], 0
        con.executemany("INSERT INTO postings VALUES (?, ?)", blocks)
        blocks = []
    if pending:
        con.execute("INSERT INTO postings VALUES (?, ?)",
                    [pending[0][0], pack.compress(orjson.dumps(pending))])
        written += len(pending)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('postings_blocked', ?)", [str(written)])


def _write_new(index: duckdb.DuckDBPyConnection, con: sqlite3.Connection, source: str) -> None:
    cursor = index.execute(_entries(source))
    while rows := cursor.fetchmany(BATCH):
        con.executemany("INSERT OR REPLACE INTO postings_new VALUES (?, ?, ?)", rows)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('postings_new', "
                "(SELECT count(*) FROM postings_new))")


@dataclass(frozen=True)
class Posting:
    """One token's entry: how many record versions hold it and, when posted, which."""

    n: int
    rids: frozenset[int] | None  # None: more than POSTED, not listed


def read_postings(con: sqlite3.Connection, tokens: Iterable[str]) -> dict[str, Posting]:
    """The entries of ``tokens`` that some record holds (absent tokens are left out)."""
    wanted = sorted(set(tokens))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    entries: dict[str, tuple[int, str | None]] = {
        str(token): (int(n), rids) for token, n, rids in con.execute(
            f"SELECT token, n, rids FROM postings_new WHERE token IN ({marks})", wanted)}
    unpack = zstandard.ZstdDecompressor()
    blocks: dict[str, list[list[Any]]] = {}
    for token in wanted:
        if token in entries:
            continue
        row = con.execute("SELECT first, data FROM postings WHERE first <= ? "
                          "ORDER BY first DESC LIMIT 1", [token]).fetchone()
        if row is None:
            continue
        block = blocks.get(row[0])
        if block is None:
            block = blocks[row[0]] = orjson.loads(unpack.decompress(row[1]))
        at = bisect.bisect_left(block, token, key=FIRST)  # entries are sorted by token
        if at < len(block) and block[at][0] == token:
            entries[token] = (int(block[at][1]), block[at][2])
    return {token: Posting(n, frozenset(map(int, rids.split(","))) if rids is not None else None)
            for token, (n, rids) in entries.items()}
