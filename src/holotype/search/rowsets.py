"""The record set of a download: which record versions match, found once and shared.

A record set depends only on the query and the pinned resource versions (the ``records_key``),
not on the file format, so every format of the same search reads it: the query runs once,
however many formats are asked for. It holds the matching rows' index row ids (``_res``,
``_rid``), found with the same compiled filter as search
(:func:`holotype.search.views.matching_sql`), so a download holds exactly the records search
counts. The files then take their values from the index by row id (or, with the bulk engine
on Spark, from the rows Spark wrote for the set's record ids, ``_id``: :mod:`.spark.bulk`).
Row ids belong to an index file, so the file name carries a signature of the index files
used; a rebuilt index simply gets a new record set. Record sets are written under a temporary
name and renamed, and are a cache: deleting ``DOWNLOAD_DIR/records`` loses nothing.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from holotype.engine import ident, literal
from holotype.index import IndexEngine
from holotype.search.views import View, matching_sql


@dataclass(frozen=True)
class RecordSet:
    path: Path
    fields: tuple[str, ...]  # every field of the resources, in order of first appearance
    # the ``id_as_url`` transform: this field's values become ``url_prefix`` + the value quoted
    # as one URL path segment (``<portal>/object/<id>``, the specimen's stable URI)
    url_field: str | None = None
    url_prefix: str = ""
    # per resource id, a folder of Parquet files holding the set's rows (``_id`` and the
    # index's fields) written by the bulk engine on Spark: read instead of the index
    extracted: tuple[tuple[str, Path], ...] = ()

    def rows(self, view: View, columns: Sequence[str]) -> str:
        """SELECT ``columns`` (expressions) of the view's records in the set."""
        ids = (f"SELECT _rid FROM read_parquet({literal(self.path)}) "
               f"WHERE _res = {literal(view.rid)}")
        source, where = view.attached.records, f" WHERE _rid IN ({ids})"
        folder = dict(self.extracted).get(view.rid)
        if folder is not None:
            source, where = f"read_parquet({literal(folder / '*.parquet')})", ""
        field = self.url_field
        if field is not None and (field == "_id" or field in view.attached.columns):
            value = ident(field)
            source = (f"(SELECT * REPLACE ({literal(self.url_prefix)} || url_encode({value}) "
                      f"AS {value}) FROM {source})")
        return f"SELECT {', '.join(columns)} FROM {source}{where}"


def fields_of(views: Sequence[View]) -> list[str]:
    """Every field of the views, in order of first appearance. The index's columns are the
    uploaded fields (the portal's own, such as ``_id``, are reserved and never among them):
    a field such as ``_notes`` is a field like any other, and search shows it."""
    seen: dict[str, None] = {}
    for view in views:
        seen.update(dict.fromkeys(view.attached.columns))
    return list(seen)


def _signature(views: Sequence[View]) -> str:
    parts = ["ids"]  # record sets hold (_res, _rid, _id): older files (no _id) are not reused
    for view in views:
        parts.append(f"{view.rid}:{view.attached.version}:{view.attached.stamp}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def record_set(
    indexes: IndexEngine, views: Sequence[View], query: dict[str, Any], records_key: str,
    directory: Path,
) -> RecordSet:
    """The record set for ``query`` over ``views``, found now unless it exists already, kept
    in ``directory``."""
    fields = tuple(fields_of(views))
    name = f"{records_key}-{_signature(views)}.parquet"
    path = directory / name
    if path.is_file():
        return RecordSet(path, fields)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    rows = matching_sql(list(views), query, ["_rid"])
    cursor = indexes.cursor()
    try:
        cursor.execute(f"COPY (SELECT _res, _rid, _id FROM ({rows})) TO {literal(part)} "
                       "(FORMAT parquet)")
        with part.open("rb") as handle:  # whole on disk before it takes the shared name
            os.fsync(handle.fileno())
        os.replace(part, path)
    finally:
        cursor.close()
        part.unlink(missing_ok=True)
    return RecordSet(path, fields)


def present_fields(
    views: Sequence[View], records: RecordSet, whole: bool,
    cursor: duckdb.DuckDBPyConnection,
) -> dict[str, set[str]]:
    """Per resource id, the fields holding a value in at least one record of the set.

    ``whole``: the set is every record of each resource at its version, whose statistics
    already say which fields hold values; otherwise they are counted."""
    found: dict[str, set[str]] = {}
    for view in views:
        have = [f for f in records.fields if f in view.attached.columns]
        if whole:
            stats = view.stats
            found[view.rid] = {f for f in have if stats.get(f, {}).get("present")}
            continue
        if not have:
            found[view.rid] = set()
            continue
        row = cursor.execute(
            records.rows(view, [f"count({ident(f)})" for f in have])).fetchone()
        found[view.rid] = {f for f, n in zip(have, row or (), strict=True) if n}
    return found
