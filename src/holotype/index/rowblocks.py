"""How the row file stores record versions: in compressed blocks of consecutive ``_rid``s.

One SQLite row per record version cost ~650 bytes a record (its JSON, a ``present`` pattern of
one character per column, the ``(_id, _from)`` index) against ~60 of the store's Parquet. So
records are stored ``BLOCK`` to a row: block ``b`` holds the versions with ``_rid`` ``b * BLOCK
+ 1`` to ``(b + 1) * BLOCK``, one line each (``["<present>",<_from>,"<_id>",<values>...]``, the
values present in column order), joined by newlines and compressed with zstd using a
dictionary trained on a sample of the lines when the file is first written (kept in ``meta``;
later updates reuse it). With the dictionary a block of 8 compresses within 2% of a block of
64 (and better than a block of 128 without), so a block stays small and a record read by
``_rid`` costs one block's decompression (microseconds) and the decoding of its own line.

``_to`` is not in the block, so closing a range never rewrites one: ``ends`` holds the
``_to`` of every version that has ended (a version without an entry is open).

Id order: the rows a build adds (a *run*: the whole resource on a first build, a version's new
rows on an update) are numbered in ``(_id, _from)`` order, so each run is sorted. ``keys``
holds, per run and block, the first ``_id`` of the run in that block; an id-ordered page seeks
each run to its ``after`` id through ``keys`` and merges the runs. Each update adds a run, so
such a page reads at least one block per run; a first build (or a rebuild) has one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

import duckdb
import zstandard

from holotype.engine import ident

BLOCK = 8  # record versions per block: with the dictionary, 8 compress within 2% of 64
LEVEL = 3  # zstd level: higher levels save ~10% for 6x the time
DICTIONARY_BYTES = 65_536
SAMPLES = 20_000  # lines the dictionary is trained on
BATCH = 20_000

SCHEMA = (
    "CREATE TABLE blocks (block INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE ends (_rid INTEGER PRIMARY KEY, _to INTEGER NOT NULL);"
    "CREATE TABLE keys (run INTEGER NOT NULL, first_id TEXT NOT NULL, block INTEGER NOT NULL,"
    " PRIMARY KEY (run, first_id, block)) WITHOUT ROWID;"
)


def line_sql(columns: Sequence[str]) -> str:
    """The SQL of one record version's line (see the module docstring), over ``records``."""
    names = [ident(c) for c in columns]
    present = ("concat(" + ", ".join(f"CASE WHEN {n} IS NULL THEN '0' ELSE '1' END"
                                     for n in names) + ")") if names else "''"
    body = (f"to_json([v FOR v IN list_value({', '.join(['_id', *names])}) "
            "IF v IS NOT NULL])::VARCHAR")
    return f"concat('[\"', {present}, '\",', _from::VARCHAR, ',', substr({body}, 2))"


def train(index: duckdb.DuckDBPyConnection, columns: Sequence[str]) -> bytes:
    """A zstd dictionary trained on up to ``SAMPLES`` lines spread over the index; empty when
    there are too few records to train one (a small file compresses well enough without)."""
    found = index.execute("SELECT count(*) FROM records").fetchone()
    count = int(found[0]) if found else 0
    step = max(1, count // SAMPLES)
    samples: list[bytes | bytearray | memoryview] = [str(r[0]).encode() for r in index.execute(
        f"SELECT {line_sql(columns)} FROM records WHERE _rid % {step} = 0 LIMIT {SAMPLES}"
    ).fetchall()]
    if len(samples) < 1_000:
        return b""
    try:
        return zstandard.train_dictionary(DICTIONARY_BYTES, samples).as_bytes()
    except zstandard.ZstdError:
        return b""


def compressor(dictionary: bytes) -> zstandard.ZstdCompressor:
    if not dictionary:
        return zstandard.ZstdCompressor(level=LEVEL)
    return zstandard.ZstdCompressor(  # the reader knows the dictionary: no id in each block
        level=LEVEL, dict_data=zstandard.ZstdCompressionDict(dictionary), write_dict_id=False)


def decompressor(dictionary: bytes) -> zstandard.ZstdDecompressor:
    """One per connection: a decompressor may not be used by two threads at once."""
    if not dictionary:
        return zstandard.ZstdDecompressor()
    return zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(dictionary))


def write_blocks(
    index: duckdb.DuckDBPyConnection, con: sqlite3.Connection, columns: Sequence[str],
    first: int, dictionary: bytes,
) -> list[int]:
    """Write the lines of the index rows after ``_rid`` ``first`` (extending the last block
    when it is partial) and their runs' ``keys``; the first ``_rid`` of each run written.

    A run starts at ``first + 1`` and wherever ``(_id, _from)`` goes down: a row file written
    afresh beside an index file that updates extended (its columns changed) has several."""
    pack = compressor(dictionary)
    unpack = decompressor(dictionary)
    block = first // BLOCK
    lines: list[str] = []
    if first % BLOCK:
        row = con.execute("SELECT data FROM blocks WHERE block = ?", [block]).fetchone()
        lines = unpack.decompress(row[0]).decode().split("\n") if row else []
    keys: list[tuple[int, str, int]] = []
    runs: list[int] = []
    previous: tuple[str, int] | None = None
    expected = first + 1
    blocks: list[tuple[int, bytes]] = []
    cursor = index.execute(
        f"SELECT _rid, _id, _from, {line_sql(columns)} FROM records WHERE _rid > {int(first)} "
        "ORDER BY _rid"
    )
    while rows := cursor.fetchmany(BATCH):
        for rid, record_id, start, line in rows:
            if rid != expected:
                raise ValueError(f"row file: _rid {rid} follows {expected - 1}; expected "
                                 "consecutive _rids")
            expected += 1
            b = (rid - 1) // BLOCK
            if b != block:
                if lines:
                    blocks.append((block, pack.compress("\n".join(lines).encode())))
                block, lines = b, []
            if previous is None or (record_id, start) < previous:
                runs.append(rid)
                keys.append((rid, record_id, b))
            elif keys[-1][2] != b:
                keys.append((runs[-1], record_id, b))
            previous = (record_id, start)
            lines.append(line)
        con.executemany("INSERT OR REPLACE INTO blocks VALUES (?, ?)", blocks)
        blocks = []
    if lines and runs:
        con.execute("INSERT OR REPLACE INTO blocks VALUES (?, ?)",
                    [block, pack.compress("\n".join(lines).encode())])
    con.executemany("INSERT INTO keys VALUES (?, ?, ?)", keys)
    return runs


def read_blocks(
    con: sqlite3.Connection, unpack: zstandard.ZstdDecompressor, blocks: Sequence[int]
) -> dict[int, list[bytes]]:
    """The lines of ``blocks`` (those that exist), by block."""
    found: dict[int, list[bytes]] = {}
    for start in range(0, len(blocks), 500):
        chunk = list(blocks[start:start + 500])
        marks = ", ".join("?" * len(chunk))
        for b, data in con.execute(f"SELECT block, data FROM blocks WHERE block IN ({marks})",
                                   chunk):
            found[int(b)] = unpack.decompress(data).split(b"\n")
    return found


def ends_of(con: sqlite3.Connection, low: int, high: int) -> dict[int, int]:
    """``_to`` of the ended versions with ``_rid`` from ``low`` to ``high``."""
    return dict(con.execute("SELECT _rid, _to FROM ends WHERE _rid BETWEEN ? AND ?",
                            [low, high]).fetchall())


def run_lines(
    con: sqlite3.Connection, unpack: zstandard.ZstdDecompressor, low: int, high: int,
    after: str | None,
) -> Iterator[tuple[int, bytes, dict[int, int]]]:
    """(``_rid``, line, ends of its block) of the run of ``_rid``s ``low`` to ``high`` in id
    order, from the block where ids from ``after`` on may start (the caller skips the lines
    before it)."""
    start = None
    if after is not None:
        start = con.execute(
            "SELECT block FROM keys WHERE run = ? AND first_id < ? "
            "ORDER BY first_id DESC, block DESC LIMIT 1", [low, after]
        ).fetchone()
    block = int(start[0]) if start else (low - 1) // BLOCK
    last = (high - 1) // BLOCK
    step = 2
    while block <= last:
        upto = min(block + step - 1, last)
        ended = ends_of(con, max(low, block * BLOCK + 1), min(high, (upto + 1) * BLOCK))
        for b, data in con.execute(
            "SELECT block, data FROM blocks WHERE block BETWEEN ? AND ? ORDER BY block",
            [block, upto],
        ):
            for position, line in enumerate(unpack.decompress(data).split(b"\n")):
                rid = int(b) * BLOCK + position + 1
                if low <= rid <= high:
                    yield rid, line, ended
        block, step = upto + 1, min(step * 2, 64)
