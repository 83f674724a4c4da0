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
import heapq
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
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
Entry = tuple[str, int, "str | None"]  # token, versions holding it, their _rids when listed


def write_postings(
    index: duckdb.DuckDBPyConnection, con: sqlite3.Connection, *, fresh: bool,
    complete: bool, base: Path | None,
) -> None:
    """Write the postings from the index's temporary ``entries`` (``words.add_tokens``) into
    the row file open on ``con``.

    ``complete``: ``entries`` holds every word of the index (a first build). Otherwise it holds
    the words of an update's rows, and the others' entries come from the previous row file:
    ``con`` itself when it is that file copied (``fresh`` false), else ``base``.
    """
    if fresh:  # the blocks' table is made by whatever writes them (_write_blocks)
        con.execute("CREATE TABLE postings_new (token TEXT PRIMARY KEY, n INTEGER NOT NULL, "
                    "rids TEXT) WITHOUT ROWID")
    found = index.execute("SELECT count(*) FROM entries").fetchone()
    count = int(found[0]) if found else 0
    touched = index.execute("SELECT token, n, rids FROM entries ORDER BY token")
    if complete:
        _write_blocks(con, "postings", _batches(touched))
        return
    if not fresh:
        blocked = _count(con, "postings_blocked")
        if _count(con, "postings_new") + count <= blocked // 4:
            while rows := touched.fetchmany(BATCH):
                con.executemany("INSERT OR REPLACE INTO postings_new VALUES (?, ?, ?)", rows)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('postings_new', "
                        "(SELECT count(*) FROM postings_new))")
            return
        _fold(con, con, touched)
        return
    assert base is not None
    old = sqlite3.connect(f"file:{base}?mode=ro&immutable=1", uri=True)
    try:
        _fold(old, con, touched)
    finally:
        old.close()


def _batches(cursor: duckdb.DuckDBPyConnection) -> Iterator[Entry]:
    while rows := cursor.fetchmany(BATCH):
        for token, n, rids in rows:
            yield str(token), int(n), rids


def _stored(con: sqlite3.Connection) -> Iterator[Entry]:
    """Every entry in ``con``'s postings, in token order (``postings_new`` over the blocks)."""
    unpack = zstandard.ZstdDecompressor()
    blocks = (entry for (data,) in con.execute("SELECT data FROM postings ORDER BY first")
              for entry in orjson.loads(unpack.decompress(data)))
    newer = con.execute("SELECT token, n, rids FROM postings_new ORDER BY token")
    return _newest(newer, blocks)


def _newest(*streams: Iterable[Any]) -> Iterator[Entry]:
    """Sorted streams of entries merged, the first stream's entry of a token winning."""
    def ranked(rank: int, stream: Iterable[Any]) -> Iterator[tuple[str, int, int, Any]]:
        for token, n, rids in stream:
            yield token, rank, n, rids

    previous = None
    for token, _rank, n, rids in heapq.merge(
            *(ranked(rank, stream) for rank, stream in enumerate(streams))):
        if token != previous:
            yield str(token), int(n), rids
            previous = token


def _fold(old: sqlite3.Connection, con: sqlite3.Connection,
          touched: duckdb.DuckDBPyConnection) -> None:
    """Write every block afresh into ``con``: ``old``'s entries with the ``touched`` ones."""
    _write_blocks(con, "postings_next", _newest(_batches(touched), _stored(old)))
    con.execute("DROP TABLE IF EXISTS postings")
    con.execute("ALTER TABLE postings_next RENAME TO postings")
    con.execute("DELETE FROM postings_new")
    con.execute("DELETE FROM meta WHERE key = 'postings_new'")


def _count(con: sqlite3.Connection, key: str) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0


def _write_blocks(con: sqlite3.Connection, table: str, entries: Iterable[Entry]) -> None:
    """``entries``, sorted by token, in blocks into ``table`` (created when missing)."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} (first TEXT PRIMARY KEY, "
                "data BLOB NOT NULL) WITHOUT ROWID")
    pack = zstandard.ZstdCompressor(level=LEVEL)
    pending: list[Entry] = []
    size = written = 0
    blocks: list[tuple[str, bytes]] = []
    for entry in entries:
        pending.append(entry)
        size += len(entry[2] or "")
        if len(pending) >= PER_BLOCK or size >= BLOCK_BYTES:
            blocks.append((pending[0][0], pack.compress(orjson.dumps(pending))))
            written += len(pending)
            pending, size = [], 0
            if len(blocks) >= BATCH // PER_BLOCK:
                con.executemany(f"INSERT INTO {table} VALUES (?, ?)", blocks)
                blocks = []
    if pending:
        blocks.append((pending[0][0], pack.compress(orjson.dumps(pending))))
        written += len(pending)
    con.executemany(f"INSERT INTO {table} VALUES (?, ?)", blocks)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('postings_blocked', ?)", [str(written)])


def read_many(con: sqlite3.Connection, tokens: Sequence[str]) -> dict[str, tuple[int, str | None]]:
    """(n, listed ``_rid``s as text or None) of those of ``tokens`` (sorted) some record holds,
    for many tokens at once: each block is read once, whatever number of them it holds."""
    found: dict[str, tuple[int, str | None]] = {}
    con.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (token TEXT PRIMARY KEY) WITHOUT ROWID")
    con.execute("DELETE FROM wanted")
    con.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((t,) for t in tokens))
    for token, n, rids in con.execute(
            "SELECT p.token, p.n, p.rids FROM postings_new AS p JOIN wanted USING (token)"):
        found[str(token)] = (int(n), rids)
    _from_blocks(con, tokens, found)
    return found


def _from_blocks(con: sqlite3.Connection, tokens: Sequence[str],
                 found: dict[str, tuple[int, str | None]]) -> None:
    """Add to ``found`` the block entries of those of ``tokens`` (sorted) it lacks. A token's
    block is the last whose first token is not after it; consecutive tokens in one block read
    it once."""
    unpack = zstandard.ZstdDecompressor()
    block: list[Any] = []
    for token in tokens:
        if token in found:
            continue
        if not block or token > block[-1][0]:  # past the block in hand: seek the next
            row = con.execute("SELECT data FROM postings WHERE first <= ? "
                              "ORDER BY first DESC LIMIT 1", [token]).fetchone()
            if row is None:
                continue
            block = orjson.loads(unpack.decompress(row[0]))
        at = bisect.bisect_left(block, token, key=FIRST)  # entries are sorted by token
        if at < len(block) and block[at][0] == token:
            found[token] = (int(block[at][1]), block[at][2])


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
    _from_blocks(con, wanted, entries)
    return {token: Posting(n, frozenset(map(int, rids.split(","))) if rids is not None else None)
            for token, (n, rids) in entries.items()}
