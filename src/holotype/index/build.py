"""Building the search index of a resource: a DuckDB file derived from the record store.

The index holds every record version of the resource (like the store) with its validity range
materialised (``_to``), so reading "as of V" is a plain filter, equally fast for the current and
any past version. Beside the record text it keeps what queries need pre-computed: the parsed
geo point, parsed numbers for fields that hold numbers, and an inverted token table.

One file per indexed version, written under a temporary name and renamed into place, so readers
in other processes (which open index files read-only) never see a half-built index. A new
version's index is the previous one copied and extended with that version's segment and ends;
only a resource's first index is built from scratch. The index can always be deleted and
rebuilt from the store.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from holotype.engine import ident, literal, path_list
from holotype.index.layout import (
    FORMAT,
    INDEX_SUFFIX,
    OPEN,
    index_path,
    indexed_versions,
    number_column,
    rows_path,
)
from holotype.index.rows import build_rows
from holotype.index.words import add_tokens, create_tables
from holotype.query.sql import number_from_text
from holotype.store import Manifest, Version, ends_paths, segment_paths

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    version: int
    path: Path
    incremental: bool
    records: int  # record versions in the index (current and past)


def _number_sql(column: str) -> str:
    return number_from_text(ident(column))


def _point_sql(lat: str, lon: str, columns: set[str]) -> tuple[str, str]:
    if lat not in columns or lon not in columns:
        return "NULL::DOUBLE", "NULL::DOUBLE"
    la, lo = _number_sql(lat), _number_sql(lon)
    ok = f"(({la}) BETWEEN -90 AND 90 AND ({lo}) BETWEEN -180 AND 180)"
    return f"CASE WHEN {ok} THEN {la} END", f"CASE WHEN {ok} THEN {lo} END"


def numeric_fields(manifest: Manifest, upto: Version) -> list[str]:
    """Fields that held a number-shaped value at any version up to ``upto``."""
    found: list[str] = []
    for v in manifest.upto(upto):
        for name, counts in v.stats.items():
            if counts.get("number", 0) and name not in found:
                found.append(name)
    return found


def _add_rows(
    con: duckdb.DuckDBPyConnection,
    rows_sql: str,
    columns: list[str],
    numbers: list[str],
    geo_fields: tuple[str, str],
) -> None:
    """Append record versions (from a SQL relation) with derived columns."""
    available = {str(r[0]) for r in con.execute(f"DESCRIBE {rows_sql}").fetchall()}
    lat, lon = _point_sql(*geo_fields, available)
    start = con.execute("SELECT coalesce(max(_rid), 0) FROM records").fetchone()
    first = int(start[0]) if start else 0
    present = [c for c in columns if c in available]
    targets = ["_rid", "_id", "_from", "_to", *present, "_lat", "_lon",
               *map(number_column, numbers)]
    values = [
        f"{first} + row_number() OVER (ORDER BY _id, _from) AS _rid", "_id", "_from", str(OPEN),
        *map(ident, present), lat, lon,
        *(_number_sql(n) if n in available else "NULL::DOUBLE" for n in numbers),
    ]
    # Rows go in id order, numbered in that order: id-ordered pages and cursors can skip whole
    # row groups by their min/max statistics, and so can fetching rows by _rid.
    con.execute(
        f"INSERT INTO records ({', '.join(map(ident, targets))}) "
        f"SELECT {', '.join(values)} FROM ({rows_sql}) ORDER BY _rid"
    )


def _create(con: duckdb.DuckDBPyConnection, columns: list[str], numbers: list[str]) -> None:
    fields = ", ".join(f"{ident(c)} VARCHAR" for c in columns)
    extra = ", ".join(f"{ident(number_column(n))} DOUBLE" for n in numbers)
    con.execute(
        "CREATE TABLE records (_rid BIGINT, _id VARCHAR, _from BIGINT, _to BIGINT, "
        f"{fields}, _lat DOUBLE, _lon DOUBLE{', ' + extra if extra else ''})"
    )
    create_tables(con)
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")


def _existing_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(r[0]) for r in con.execute("DESCRIBE records").fetchall()]


def _widen(
    con: duckdb.DuckDBPyConnection, columns: list[str], numbers: list[str]
) -> None:
    """Add columns for fields and numeric fields that appeared since the index was built."""
    have = set(_existing_columns(con))
    for c in columns:
        if c not in have:
            con.execute(f"ALTER TABLE records ADD COLUMN {ident(c)} VARCHAR")
    for n in numbers:
        name = number_column(n)
        if name not in have:
            con.execute(f"ALTER TABLE records ADD COLUMN {ident(name)} DOUBLE")
            if n in have:
                con.execute(f"UPDATE records SET {ident(name)} = {_number_sql(n)}")


def _apply_ends(con: duckdb.DuckDBPyConnection, ends: list[Path]) -> None:
    for path in ends:
        con.execute(
            f"UPDATE records SET _to = e._to FROM read_parquet({literal(path)}) AS e "
            "WHERE records._id = e._id AND records._from = e._from"
        )


def _write_meta(
    con: duckdb.DuckDBPyConnection, version: int, columns: list[str], numbers: list[str],
    geo_fields: tuple[str, str],
) -> None:
    values = {
        "format": str(FORMAT),
        "version": str(version),
        "columns": json.dumps(columns),
        "numbers": json.dumps(numbers),
        "geo": json.dumps(list(geo_fields)),
        "duckdb": duckdb.__version__,
    }
    con.execute("DELETE FROM meta")
    con.executemany("INSERT INTO meta VALUES (?, ?)", list(values.items()))


def _geo_of(rows: Path) -> list[str] | None:
    """The geo point fields an index was built with, from its row file's ``meta``."""
    try:
        con = sqlite3.connect(f"file:{rows}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'geo'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return list(json.loads(row[0])) if row else None


def build_index(
    root: Path,
    store_root: Path,
    manifest: Manifest,
    *,
    version: Version | None = None,
    geo_fields: tuple[str, str] = ("decimalLatitude", "decimalLongitude"),
    memory_limit: str = "2GB",
    threads: int = 0,
    progress: Progress | None = None,
) -> BuildResult | None:
    """Index ``version`` (default: latest) of the resource; None when it has no versions.

    ``root`` is the resource's index directory, ``store_root`` its store directory.
    """
    say = progress or (lambda _step: None)
    target = version or manifest.latest
    if target is None:
        return None
    final = index_path(root, target.version)
    if final.exists():
        return BuildResult(target.version, final, False, -1)
    root.mkdir(parents=True, exist_ok=True)
    columns = list(manifest.columns)
    numbers = numeric_fields(manifest, target)
    earlier = [v for v in indexed_versions(root) if v < target.version]
    base = earlier[-1] if earlier else None
    if base is not None and _geo_of(rows_path(root, base)) != list(geo_fields):
        base = None  # its points were read from other fields: start afresh
    tmp = root / f".{target.version}-{uuid.uuid4().hex[:8]}{INDEX_SUFFIX}.tmp"
    rows_tmp: Path | None = None
    try:
        if base is not None:
            say("copying the previous index")
            shutil.copyfile(index_path(root, base), tmp)
        con = duckdb.connect(str(tmp))
        try:
            con.execute(f"SET memory_limit = {literal(memory_limit)}")
            con.execute("SET enable_progress_bar = false")
            con.execute("SET preserve_insertion_order = true")
            if threads:
                con.execute(f"SET threads = {int(threads)}")
            new_versions = [
                v for v in manifest.upto(target) if base is None or v.version > base
            ]
            if base is None:
                _create(con, columns, numbers)
            else:
                _widen(con, columns, numbers)
            start = con.execute("SELECT coalesce(max(_rid), 0) FROM records").fetchone()
            first = int(start[0]) if start else 0
            segments = segment_paths(store_root, new_versions)
            if segments:
                say("indexing records")
                _add_rows(
                    con,
                    f"SELECT * FROM read_parquet({path_list(segments)}, union_by_name = true)",
                    columns,
                    numbers,
                    geo_fields,
                )
            say("indexing words")
            add_tokens(con, first, columns,
                       rows_path(root, base) if base is not None else None)
            say("closing ended versions")
            ends = ends_paths(store_root, new_versions)
            _apply_ends(con, ends)
            _write_meta(con, target.version, columns, numbers, geo_fields)
            row = con.execute("SELECT count(*) FROM records").fetchone()
            con.execute("CHECKPOINT")
            say("writing the row store")
            rows_tmp = build_rows(
                con, rows_path(root, target.version), columns,
                base=rows_path(root, base) if base is not None else None, first=first, ends=ends,
                geo_fields=geo_fields,
            )
        finally:
            con.close()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        assert rows_tmp is not None
        os.replace(rows_tmp, rows_path(root, target.version))  # the row file first: an index
        os.replace(tmp, final)  # file is only ever found with its row file beside it
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        if rows_tmp is not None:
            rows_tmp.unlink(missing_ok=True)
        raise
    return BuildResult(target.version, final, base is not None, int(row[0]) if row else 0)
