"""A new version's statistics, updated incrementally, and its warnings about coordinates.

The previous version's counts, plus those of the rows the commit begins (its segment), minus
those of the record versions it ends (the table :data:`ENDED`); unchanged records are never
rescanned. See :mod:`holotype.store.stats` for what is counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from holotype.engine import literal
from holotype.store import stats
from holotype.store.commit_files import CommitFiles
from holotype.store.compare import Changes
from holotype.store.manifest import Manifest
from holotype.store.staged import StagedSource

#: The temporary table of the record versions the commit ends, whole (see
#: :func:`holotype.store.commit.keep_ended`).
ENDED = "ended"
Counts = tuple[dict[str, dict[str, int]], dict[str, int]]  # (per-field counts, geo counts)
NO_COUNTS: Counts = ({}, {})


@dataclass(frozen=True)
class VersionStats:
    fields: dict[str, dict[str, int]]  # per-field type counts; its keys are the fields with data
    geo: dict[str, int]
    warnings: list[str]  # the reader's, then unusable coordinates with example ids


def version_stats(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    staged: StagedSource,
    changes: Changes,
    files: CommitFiles,
    geo_fields: tuple[str, str],
) -> VersionStats:
    """The statistics of the version whose files ``files`` holds, on top of the latest one."""
    previous = manifest.latest
    minus = (
        stats.compute(con, f"SELECT * FROM {ENDED}", manifest.columns, geo_fields)
        if changes.has_ends
        else NO_COUNTS
    )
    segment = files.segment_path
    plus = (
        stats.compute(
            con, f"SELECT * FROM read_parquet({literal(segment)})", staged.fields, geo_fields
        )
        if changes.has_segment
        else NO_COUNTS
    )
    warnings = list(staged.warnings)
    if changes.has_segment:
        warnings += _geo_warnings(con, segment, plus[1], geo_fields, staged.fields)
    return VersionStats(
        fields=stats.combine(previous.stats if previous else {}, plus[0], minus[0]),
        geo=stats.combine_geo(previous.geo if previous else {}, plus[1], minus[1]),
        warnings=warnings,
    )


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
