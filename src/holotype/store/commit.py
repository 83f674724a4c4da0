"""Committing a staged file as a new version of a resource.

Steps: give every staged row its record id and refuse missing or duplicate ids; compare with the
current records to find added, changed and (in replace mode) removed ones; write those as one
segment and one ends file; update the type statistics incrementally; then publish the version by
replacing the manifest. Unchanged records are never rewritten, and nothing is visible to readers
until the manifest is replaced.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from holotype.engine import ident, literal
from holotype.store import stats
from holotype.store.errors import CommitError
from holotype.store.manifest import Manifest, Source, Version, fsync_dir, fsync_file
from holotype.store.reader import relation_sql
from holotype.store.staged import StagedSource, check_against_existing

MODES = ("update", "replace")
Progress = Callable[[str], None]


@dataclass
class CommitResult:
    """What an ingest did. ``version`` is None when nothing changed (a no-op)."""

    version: int | None
    added: int = 0
    changed: int = 0
    removed: int = 0
    total: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.version is None


def check_id_field(manifest: Manifest, requested: str | None, file: str) -> None:
    """Refuse changing a resource's id field after its first version."""
    if manifest.versions and requested is not None and requested != manifest.id_field:
        current = manifest.id_field or "(generated ids)"
        raise CommitError(
            f"this resource identifies records by {current}; it cannot change to "
            f"{requested!r} in a later version",
            file=file,
        )


def check_mode(mode: str, file: str) -> None:
    if mode not in MODES:
        raise CommitError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}", file=file)


def choose_id_field(manifest: Manifest, staged: StagedSource, requested: str | None) -> str | None:
    """The field that identifies records, kept the same across a resource's versions."""
    if manifest.versions:
        check_id_field(manifest, requested, staged.path.name)
        chosen = manifest.id_field
    elif requested is not None:
        chosen = requested
    elif "occurrenceID" in staged.fields:
        chosen = "occurrenceID"
    else:
        chosen = staged.default_id_field
    return chosen


def _keyed_sql(staged: StagedSource, id_field: str | None) -> str:
    """The staged rows with ``_id`` and ``_row`` (the row number in the uploaded file)."""
    source = f"read_parquet({literal(staged.path)}, file_row_number = true)"
    fields = ", ".join(ident(f) for f in staged.fields)
    row = f"(file_row_number + {staged.first_row})::BIGINT AS _row"
    if id_field is not None:
        return f"SELECT {ident(id_field)} AS _id, {row}, {fields} FROM {source}"
    # The content hash covers the non-empty (name, value) pairs in name order, so the same
    # record gets the same id whatever the column order and whichever empty columns the file has.
    pairs = ", ".join(
        f"CASE WHEN {ident(f)} IS NOT NULL THEN {literal(f)} || chr(31) || {ident(f)} END"
        for f in sorted(staged.fields)
    )
    hashed = f"SELECT md5(concat_ws(chr(30), {pairs})) AS _h, {row}, {fields} FROM {source}"
    return (
        "SELECT _h || CASE WHEN _n > 1 THEN '-' || _n::VARCHAR ELSE '' END AS _id, _row, "
        f"{fields} FROM (SELECT *, row_number() OVER (PARTITION BY _h ORDER BY _row) AS _n "
        f"FROM ({hashed}))"
    )


def _check_ids(
    con: duckdb.DuckDBPyConnection, staged: StagedSource, id_field: str | None, name: str
) -> None:
    if id_field is None:
        return
    summary = con.execute(
        "SELECT count(*) FILTER (WHERE _id IS NULL OR trim(_id) = ''), "
        "count(*) - count(DISTINCT _id) FROM staged"
    ).fetchone()
    if summary is None or summary == (0, 0):
        return  # the common case: one pass, no problems; the queries below name the rows
    missing = con.execute(
        "SELECT _row FROM staged WHERE _id IS NULL OR trim(_id) = '' ORDER BY _row LIMIT 1"
    ).fetchone()
    if missing:
        raise CommitError("the record has no id", file=name, row=int(missing[0]), column=id_field)
    duplicate = con.execute(
        "SELECT _id, min(_row), max(_row), count(*) FROM staged GROUP BY _id "
        "HAVING count(*) > 1 ORDER BY min(_row) LIMIT 1"
    ).fetchone()
    if duplicate:
        dup_id, first, last, count = duplicate
        raise CommitError(
            f"duplicate id {dup_id!r}: {count} records in the file share it (first in row "
            f"{first}, again in row {last})",
            file=name,
            row=int(last),
            column=id_field,
        )


def _hashed(relation: str, present: list[str], columns: list[str], *extra: str) -> str:
    """``_id``, ``extra`` columns and ``_h``, a hash of the record's values over ``columns``.

    Both sides of a comparison hash the same column list (NULL where a side lacks a column), so
    equal records hash equal; only ids and hashes travel through the join, not whole records.
    A 64-bit hash makes a missed change a 1 in 2^64 chance per changed record.
    """
    have = set(present)
    values = ", ".join(ident(c) if c in have else "NULL::VARCHAR" for c in columns)
    source = relation if relation == "staged" else f"({relation})"
    return f"SELECT _id, {''.join(e + ', ' for e in extra)}hash({values}) AS _h FROM {source}"


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fsync_dir(target.parent.parent)  # the new folder's entry, if it was just made
    con.execute(
        f"COPY ({query}) TO {literal(target)} (FORMAT parquet, COMPRESSION zstd, "
        "COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 122880)"
    )
    fsync_file(target)
    fsync_dir(target.parent)  # the file's directory entry, before the manifest names it


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row = con.execute(f"SELECT count(*) FROM ({query})").fetchone()
    return int(row[0]) if row else 0


def next_version(manifest: Manifest) -> int:
    now = int(time.time() * 1000)
    latest = manifest.latest
    return max(now, latest.version + 1) if latest else now


def commit(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    manifest: Manifest,
    staged: StagedSource,
    *,
    source: Source | None,
    original: Path | None,
    id_field: str | None = None,
    mode: str = "update",
    geo_fields: tuple[str, str] = ("decimalLatitude", "decimalLongitude"),
    progress: Progress | None = None,
) -> tuple[Manifest, CommitResult]:
    """Write the staged rows as a new version; return the manifest to publish and the result.

    Nothing is published here: the caller saves the returned manifest (the commit point). On any
    error the files written so far are removed and the store is as it was.
    """
    say = progress or (lambda _step: None)
    name = source.name if source else staged.path.name
    check_mode(mode, name)
    check_against_existing(staged.fields, manifest.columns, file=name)
    chosen = choose_id_field(manifest, staged, id_field)
    if chosen is None and manifest.versions and mode == "update":
        raise CommitError(
            "this resource has no id field, so records cannot be matched for an update (a "
            "changed record would be added beside its old version); ingest with --mode replace",
            file=name,
        )
    if chosen is not None and chosen not in staged.fields:
        raise CommitError(
            f"the id field {chosen!r} is not in the file (fields: "
            f"{', '.join(staged.fields[:12])}{'...' if len(staged.fields) > 12 else ''})",
            file=name,
            column=chosen,
        )
    con.execute(f"CREATE OR REPLACE TEMP VIEW staged AS {_keyed_sql(staged, chosen)}")
    say("checking record ids")
    _check_ids(con, staged, chosen, name)

    version = next_version(manifest)
    previous = manifest.latest
    segment_rel = f"segments/{version}-{uuid.uuid4().hex[:8]}.parquet"
    ends_rel = f"ends/{version}-{uuid.uuid4().hex[:8]}.parquet"
    segment_path, ends_path = root / segment_rel, root / ends_rel
    fields_sql = ", ".join(ident(f) for f in staged.fields)
    written: list[Path] = []
    try:
        if previous is None:
            if staged.rows == 0:  # nothing to add: a version exists only when something changed
                return manifest, CommitResult(None)
            say("writing records")
            _copy(
                con,
                f"SELECT _id, {version}::BIGINT AS _from, {fields_sql} FROM staged",
                segment_path,
            )
            written.append(segment_path)
            added, changed, removed = staged.rows, 0, 0
            minus: tuple[dict[str, dict[str, int]], dict[str, int]] = ({}, {})
            has_ends = False
        else:
            say("comparing with the current version")
            current = relation_sql(root, manifest, previous)
            columns = [*staged.fields, *(c for c in manifest.columns if c not in staged.fields)]
            con.execute(
                "CREATE OR REPLACE TEMP TABLE delta AS SELECT s._id, c._from AS _old_from "
                f"FROM ({_hashed('staged', staged.fields, columns)}) AS s "
                f"LEFT JOIN ({_hashed(current, manifest.columns, columns, '_from')}) AS c "
                "ON s._id = c._id WHERE c._id IS NULL OR s._h != c._h"
            )
            removed_sql = (
                f"SELECT c._id, c._from FROM ({current}) AS c ANTI JOIN staged AS s "
                "ON c._id = s._id"
                if mode == "replace"
                else "SELECT NULL::VARCHAR AS _id, NULL::BIGINT AS _from WHERE false"
            )
            con.execute(f"CREATE OR REPLACE TEMP TABLE removed AS {removed_sql}")
            row = con.execute(
                "SELECT count(*) FILTER (WHERE _old_from IS NULL), "
                "count(*) FILTER (WHERE _old_from IS NOT NULL) FROM delta"
            ).fetchone()
            added, changed = (int(row[0]), int(row[1])) if row else (0, 0)
            removed = _count(con, "SELECT * FROM removed")
            if added + changed + removed == 0:
                return manifest, CommitResult(None, total=previous.total)
            say("writing changed records")
            if added + changed:
                _copy(
                    con,
                    f"SELECT s._id, {version}::BIGINT AS _from, {fields_sql} FROM staged AS s "
                    "SEMI JOIN delta AS d ON s._id = d._id",
                    segment_path,
                )
                written.append(segment_path)
            has_ends = changed + removed > 0
            if has_ends:
                _copy(
                    con,
                    f"SELECT _id, _from, {version}::BIGINT AS _to FROM (SELECT _id, "
                    "_old_from AS _from FROM delta WHERE _old_from IS NOT NULL "
                    "UNION ALL SELECT _id, _from FROM removed) ORDER BY _id",
                    ends_path,
                )
                written.append(ends_path)
            say("updating statistics")
            ended = (
                f"SELECT c.* FROM ({current}) AS c SEMI JOIN read_parquet({literal(ends_path)}) "
                "AS e ON c._id = e._id AND c._from = e._from"
            )
            minus = (
                stats.compute(con, ended, manifest.columns, geo_fields) if has_ends else ({}, {})
            )
        has_segment = added + changed > 0
        plus: tuple[dict[str, dict[str, int]], dict[str, int]] = (
            stats.compute(
                con,
                f"SELECT * FROM read_parquet({literal(segment_path)})",
                staged.fields,
                geo_fields,
            )
            if has_segment
            else ({}, {})
        )
        base_stats = previous.stats if previous else {}
        base_geo = previous.geo if previous else {}
        new_stats = stats.combine(base_stats, plus[0], minus[0])
        warnings = list(staged.warnings)
        if has_segment:
            warnings += _geo_warnings(con, segment_path, plus[1], geo_fields, staged.fields)
        kept_source = source
        if source is not None and original is not None:
            kept = root / "originals" / str(version) / Path(source.name).name
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, kept)
            fsync_file(kept)
            fsync_dir(kept.parent)
            fsync_dir(kept.parent.parent)
            written.append(kept)
            kept_source = Source(
                source.name,
                source.format,
                source.sha256,
                source.size,
                str(kept.relative_to(root)),
            )
        total = (previous.total if previous else 0) + added - removed
        new_version = Version(
            version=version,
            segment=segment_rel if has_segment else None,
            ends=ends_rel if has_ends else None,
            added=added,
            changed=changed,
            removed=removed,
            total=total,
            mode=mode,
            fields=list(new_stats),
            stats=new_stats,
            geo=stats.combine_geo(base_geo, plus[1], minus[1]),
            source=kept_source,
            warnings=warnings,
            committed_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    columns = [*manifest.columns, *(f for f in staged.fields if f not in manifest.columns)]
    updated = Manifest(
        resource_id=manifest.resource_id,
        id_field=chosen,
        columns=columns,
        versions=[*manifest.versions, new_version],
    )
    return updated, CommitResult(version, added, changed, removed, total, warnings)


def _geo_warnings(
    con: duckdb.DuckDBPyConnection,
    segment: Path,
    geo: dict[str, int],
    geo_fields: tuple[str, str],
    fields: list[str],
) -> list[str]:
    """Readable warnings, with example ids, for coordinates that are kept but unusable."""
    predicates = stats.geo_point_sql(*geo_fields, available=set(fields))
    messages = []
    for kind, text in (
        ("out_of_range", "coordinates out of range (latitude -90..90, longitude -180..180)"),
        ("invalid", "coordinates that are not numbers or lack a latitude or longitude"),
    ):
        if geo.get(kind):
            examples = con.execute(
                f"SELECT _id FROM read_parquet({literal(segment)}) WHERE {predicates[kind]} "
                "ORDER BY _id LIMIT 5"
            ).fetchall()
            ids = ", ".join(str(r[0]) for r in examples)
            messages.append(
                f"{geo[kind]} records have {text}; they are kept, without a map point (e.g. {ids})"
            )
    return messages
