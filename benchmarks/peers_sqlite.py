"""Peer: SQLite FTS5 as Datasette uses it, on the same records and queries.

The table holds every CSV column as TEXT (NULL for empty cells) plus ``_year``, the year parsed
as REAL at load time (Holotype pre-parses numbers too; Datasette would CAST in the query), an
index on the id (``occurrenceID``) and an external-content FTS5 table over all text columns
with the ``unicode61 remove_diacritics 2`` tokenizer, as ``sqlite-utils enable-fts`` makes it.
Requests run as Datasette runs them: one statement for the count, one per facet and one for the
page, free text as ``rowid IN (SELECT rowid FROM fts WHERE fts MATCH '"word"')``.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.peers_common import ID, SqlPeer
from benchmarks.peers_common import quote as _q

SCHEMA = 1  # bump when the database layout below changes


def check_sqlite() -> dict[str, Any]:
    con = sqlite3.connect(":memory:")
    try:
        version = con.execute("SELECT sqlite_version()").fetchone()[0]
        options = {r[0] for r in con.execute("PRAGMA compile_options").fetchall()}
    finally:
        con.close()
    if "ENABLE_FTS5" not in options:
        raise RuntimeError(f"this Python's SQLite {version} lacks FTS5")
    return {"sqlite_version": version, "fts5": True}


def ensure_database(csv_path: Path, path: Path) -> dict[str, Any]:
    """The database for ``csv_path`` at ``path``, built unless a matching one is cached."""
    info = check_sqlite()
    note = path.with_suffix(".json")
    key = {"csv": csv_path.name, "size": csv_path.stat().st_size, "schema": SCHEMA,
           "sqlite": info["sqlite_version"]}
    if path.exists() and note.exists():
        saved = json.loads(note.read_text())
        if saved.get("key") == key:
            return {**saved["build"], "cached": True, **info}
    path.unlink(missing_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    build = _build(csv_path, tmp)
    tmp.rename(path)
    build["bytes"] = path.stat().st_size
    note.write_text(json.dumps({"key": key, "build": build}, indent=1) + "\n")
    return {**build, "cached": False, **info}


def _rows(csv_path: Path, year_at: int) -> Iterator[list[Any]]:
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            values: list[Any] = [v if v != "" else None for v in row]
            try:
                values.append(float(row[year_at]))
            except ValueError:
                values.append(None)
            yield values


def _build(csv_path: Path, path: Path) -> dict[str, Any]:
    with csv_path.open(newline="", encoding="utf-8") as handle:
        columns = next(csv.reader(handle))
    started = time.perf_counter()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -1000000")
        fields = ", ".join(f"{_q(c)} TEXT" for c in columns)
        con.execute(f"CREATE TABLE records ({fields}, _year REAL)")
        marks = ", ".join("?" * (len(columns) + 1))
        con.executemany(f"INSERT INTO records VALUES ({marks})",
                        _rows(csv_path, columns.index("year")))
        con.commit()
        loaded = time.perf_counter()
        con.execute(f"CREATE UNIQUE INDEX records_id ON records ({_q(ID)})")
        con.commit()
        indexed = time.perf_counter()
        names = ", ".join(_q(c) for c in columns)
        con.execute(
            f"CREATE VIRTUAL TABLE records_fts USING fts5({names}, content=records, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        con.execute("INSERT INTO records_fts (records_fts) VALUES ('rebuild')")
        con.commit()
        searchable = time.perf_counter()
        con.execute("ANALYZE")
        con.commit()
    finally:
        con.close()
    done = time.perf_counter()
    return {
        "load_s": loaded - started,
        "id_index_s": indexed - loaded,
        "fts_s": searchable - indexed,
        "analyze_s": done - searchable,
        "total_s": done - started,
    }


class SQLitePeer(SqlPeer):
    """Runs benchmark queries against the database, one connection, Datasette's statements."""

    name = "sqlite"
    mark = "?"
    no_versions = "SQLite keeps no versions"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self.con.close()

    def text_condition(self, word: str) -> tuple[str, Any]:
        # Datasette's escape_fts: every word in double quotes
        return (
            "rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)",
            " ".join(f'"{w}"' for w in word.split()),
        )


if __name__ == "__main__":  # build only: python -m benchmarks.peers_sqlite CSV DB
    print(json.dumps(ensure_database(Path(sys.argv[1]), Path(sys.argv[2]))))
