"""The row file: records by _rid and in id order, ended ranges and postings, after a first build
and after updates that extend a partial block, add sorted runs and close ranges."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any
from unittest import mock

import duckdb
import pytest

from holotype.index import postings, words
from holotype.index.layout import OPEN
from holotype.index.rowblocks import BLOCK
from holotype.index.rows import RowStore, build_rows
from holotype.index.words import add_tokens, create_tables
from tests.index.words_truth import check

COLUMNS = ["name", "country", "note"]
GEO = ("lat", "lon")


def _index(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE records (_rid BIGINT, _id VARCHAR, _from BIGINT, _to BIGINT, "
                "name VARCHAR, country VARCHAR, note VARCHAR)")
    create_tables(con)
    return con


def _add(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, int, dict[str, Any]]]) -> int:
    """Append rows (numbered in id order, like the index build); the _rid before them."""
    found = con.execute("SELECT coalesce(max(_rid), 0) FROM records").fetchone()
    first = int(found[0]) if found else 0
    records = []
    for n, (record_id, start, values) in enumerate(sorted(rows, key=lambda r: (r[0], r[1]))):
        rid = first + n + 1
        records.append((rid, record_id, start, OPEN, *(values.get(c) for c in COLUMNS)))
    con.execute("CREATE OR REPLACE TEMP TABLE r AS SELECT * FROM records LIMIT 0")
    con.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?)", records)
    con.execute("INSERT INTO records SELECT * FROM r ORDER BY _rid")
    return first


def _end(con: duckdb.DuckDBPyConnection, folder: Path, ended: list[tuple[str, int, int]]) -> Path:
    path = folder / f"ends-{len(list(folder.glob('ends-*')))}.parquet"
    con.execute("CREATE OR REPLACE TEMP TABLE e (_id VARCHAR, _from BIGINT, _to BIGINT)")
    con.executemany("INSERT INTO e VALUES (?, ?, ?)", ended)
    con.execute(f"COPY e TO '{path}' (FORMAT parquet)")
    for record_id, start, end in ended:
        con.execute("UPDATE records SET _to = ? WHERE _id = ? AND _from = ?",
                    [end, record_id, start])
    return path


def _build(con: duckdb.DuckDBPyConnection, folder: Path, version: int, *, base: int | None,
           first: int, ends: list[Path]) -> RowStore:
    final = folder / f"{version}.rows.sqlite"
    previous = folder / f"{base}.rows.sqlite" if base is not None else None
    add_tokens(con, first, COLUMNS, previous)  # the words of the rows after first
    tmp = build_rows(con, final, COLUMNS, first=first, ends=ends, geo_fields=GEO,
                     base=previous)
    os.replace(tmp, final)
    return RowStore(final)


def _expected(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, int, int, dict[str, Any]]]:
    out = []
    for rid, record_id, start, end, *values in con.execute(
            "SELECT * FROM records ORDER BY _id, _from").fetchall():
        record = {"_id": record_id, **{c: v for c, v in zip(COLUMNS, values, strict=True)
                                       if v is not None}}
        out.append((int(rid), str(record_id), int(start), int(end), record))
    return out


def _check(con: duckdb.DuckDBPyConnection, store: RowStore, versions: list[int]) -> None:
    rows = _expected(con)
    rng = random.Random(len(rows))
    wanted = rng.sample([r[0] for r in rows], min(60, len(rows)))
    by_rid = {r[0]: r[4] for r in rows}
    assert store.by_rid([*wanted, 10**9]) == {rid: by_rid[rid] for rid in wanted}
    for version in versions:
        current = [r for r in rows if r[2] <= version < r[3]]
        assert sorted(store.current(wanted, version)) == sorted(
            (r[0], r[4]) for r in current if r[0] in set(wanted))
        assert store.in_id_order(version, 10**6) == [r[4] for r in current]
        for after in [*rng.sample([r[1] for r in rows], 5), "", "zzz"]:
            assert store.in_id_order(version, 7, after=after) == [
                r[4] for r in current if r[1] > after][:7]
            assert store.in_id_order(version, 7, after=after, inclusive=True) == [
                r[4] for r in current if r[1] >= after][:7]
    for record_id in [*rng.sample([r[1] for r in rows], 5), "absent"]:
        assert store.versions(record_id) == [
            {"_from": r[2], "_to": r[3], **r[4]} for r in rows if r[1] == record_id]


def _check_postings(con: duckdb.DuckDBPyConnection, store: RowStore) -> None:
    listed, _unlisted = check(con, store, COLUMNS, postings.POSTED)
    assert listed


def _record(n: int, rng: random.Random) -> dict[str, Any]:
    values: dict[str, Any] = {"name": f"Genus{n % 37} species{n}"}
    if rng.random() < 0.5:
        values["country"] = rng.choice(["France", "Peru", "Kenya"])
    if rng.random() < 0.3:
        values["note"] = f"note {n} é \"quoted\" \\ {chr(0x4e00 + n % 50)}"
    return values


@pytest.mark.parametrize("count", [BLOCK * 3 + 5, 2_500])  # without and with a dictionary
def test_rows_through_updates(tmp_path: Path, count: int) -> None:
    rng = random.Random(count)
    con = _index(tmp_path / "index.duckdb")
    ids = [f"r{rng.randrange(10**6):06d}-{n}" for n in range(count)]
    _add(con, [(i, 1, _record(n, rng)) for n, i in enumerate(ids)])
    store = _build(con, tmp_path, 1, base=None, first=0, ends=[])
    _check(con, store, [0, 1])
    _check_postings(con, store)
    before = [r[4] for r in _expected(con)]

    # version 2: some records change (an ended range and a new row), some are new, one deleted
    changed = rng.sample(ids, 9)
    first = _add(con, [(i, 2, _record(n + 7, rng)) for n, i in enumerate(changed)]
                 + [(f"new{n}", 2, _record(n, rng)) for n in range(BLOCK + 3)])
    assert first % BLOCK  # the last block of version 1 is partial: the update extends it
    gone = [i for i in ids if i not in changed][:2]
    ends = [_end(con, tmp_path, [(i, 1, 2) for i in [*changed, *gone]])]
    store2 = _build(con, tmp_path, 2, base=1, first=first, ends=ends)
    _check(con, store2, [1, 2])
    _check_postings(con, store2)
    assert store.in_id_order(1, 10**6) == before  # the previous file is untouched

    # version 3: an ended version of a record added in version 2, one more new record
    first = _add(con, [("new0", 3, {"name": "renamed"}), ("a-first", 3, {"note": "x"})])
    ends = [_end(con, tmp_path, [("new0", 2, 3)])]
    store3 = _build(con, tmp_path, 3, base=2, first=first, ends=ends)
    _check(con, store3, [1, 2, 3])
    _check_postings(con, store3)
    for s in (store, store2, store3):
        s.close()


@mock.patch.object(words, "CHUNK", 7)
def test_postings_of_a_common_token_and_their_rewrite(tmp_path: Path) -> None:
    """A token held by more than POSTED versions keeps its count only; updates go to the
    overlay until it outgrows the blocks, and then the blocks are written afresh. Updates
    merge their words a few at a time (``words.CHUNK``), as a large one would."""
    con = _index(tmp_path / "index.duckdb")
    _add(con, [(f"r{n:05d}", 1, {"name": f"common w{n}", "note": "edge" if n < postings.POSTED
                                 else None}) for n in range(postings.POSTED + 5)])
    store = _build(con, tmp_path, 1, base=None, first=0, ends=[])
    assert store.postings(["common"])["common"].rids is None
    assert store.postings(["edge"])["edge"].rids is not None  # listed: POSTED hold it
    _check_postings(con, store)
    version = 1
    for size in (3, 400):  # a small update (overlay), then one touching most tokens (rewrite)
        version += 1
        first = _add(con, [(f"s{version}-{n}", version, {"name": f"w{n} fresh{version}",
                                                         "note": "edge"}) for n in range(size)])
        store = _build(con, tmp_path, version, base=version - 1, first=first, ends=[])
        _check_postings(con, store)  # "edge" is common now: an id, and all its rows
        assert store.postings(["edge"])["edge"].rids is None
        _check(con, store, [version])


def test_a_row_file_written_afresh_beside_an_updated_index(tmp_path: Path) -> None:
    """An index extended by updates has several sorted runs of _rids: a row file written from
    it in one go (as when the columns changed) finds them and merges them in id order."""
    rng = random.Random(5)
    con = _index(tmp_path / "index.duckdb")
    _add(con, [(f"m{n:03d}", 1, _record(n, rng)) for n in range(40)])
    _add(con, [(f"{c}{n:03d}", 2, _record(n, rng)) for n in range(30) for c in "az"])
    _add(con, [("m005", 3, {"name": "again"})])
    ends = [_end(con, tmp_path, [("m005", 1, 3)])]
    assert ends
    store = _build(con, tmp_path, 3, base=None, first=0, ends=[])
    _check(con, store, [1, 2, 3])
    _check_postings(con, store)
    store.close()
