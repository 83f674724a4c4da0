"""Committing a staged file as a new version of a resource.

:func:`commit` runs these steps in order (docs/storage-model.md describes them for readers):

1. :func:`check_request`: refuse an unknown mode, field names that differ only in letter case
   from earlier versions', and an id field that changes, that the file lacks, or that an update
   or a patch needs and the resource does not have.
2. :func:`~holotype.store.record_ids.key_staged_rows`: give every staged row its record id and
   refuse missing or duplicate ids. Then, in patch mode,
   :func:`~holotype.store.patch.merge_patch` refuses ids the resource lacks and makes each row
   the whole patched record; in update and replace mode, with a ``max_field_loss``,
   :func:`~holotype.store.field_loss.check_field_loss` refuses a file that would remove fields
   from too many of the records it updates.
3. :func:`find_changes`: compare with the current records to find the added, changed and (in
   replace mode) removed ones.
4. :func:`~holotype.store.commit_files.write_changes`: write those as one segment and one ends
   file; :func:`keep_ended` reads the record versions the ends file closes, once.
5. :func:`~holotype.store.version_stats.version_stats`: update the type statistics incrementally
   (subtracting the ended rows), and
   :func:`~holotype.store.field_changes.count_changed_fields`: count, per field, the changed
   records whose value in it differs from the ended row they replace.
6. :func:`~holotype.store.originals.keep_original`: keep the uploaded file, compressed (when
   the caller passes one: the ``keep_originals`` setting).
7. :func:`next_manifest`: the manifest that lists the new version, returned for the caller to
   publish (:meth:`holotype.store.store.ResourceStore.commit` saves it: the commit point).

Unchanged records are never rewritten, and nothing is visible to readers until the manifest is
replaced. If a step fails, the files written so far are removed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from holotype.store.commit_files import CommitFiles, write_changes
from holotype.store.compare import Changes, compare
from holotype.store.errors import CommitError
from holotype.store.field_changes import count_changed_fields, ended_rows_sql
from holotype.store.field_loss import check_field_loss
from holotype.store.manifest import Manifest, Source, Version
from holotype.store.originals import keep_original
from holotype.store.patch import check_patchable, merge_patch
from holotype.store.reader import EMPTY
from holotype.store.record_ids import check_id_field_usable, choose_id_field, key_staged_rows
from holotype.store.staged import StagedSource, check_against_existing
from holotype.store.version_stats import ENDED, VersionStats, version_stats

#: update: each record in the file replaces its current version whole; patch: each record in the
#: file gets the file's columns and keeps its other fields; replace: the file is the resource.
MODES = ("update", "patch", "replace")
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
    max_field_loss: float | None = None,
) -> tuple[Manifest, CommitResult]:
    """Write the staged rows as a new version; return the manifest to publish and the result.

    ``max_field_loss`` (a share, 0 to 1; None: no check) refuses an update or replace that would
    remove fields from more than that share of the records it updates (see
    :mod:`holotype.store.field_loss`). Nothing is published here: the caller saves the returned
    manifest (the commit point). On any error the files written so far are removed and the store
    is as it was.
    """
    say = progress or _silent
    name = source.name if source else staged.path.name
    chosen = check_request(manifest, staged, id_field, mode, name)
    say("checking record ids")
    key_staged_rows(con, staged, chosen, name)
    if mode == "patch" and chosen is not None:  # check_request refused a patch without ids
        say("merging the corrections with the current records")
        staged = merge_patch(con, root, manifest, staged, chosen, name)
    elif max_field_loss is not None and manifest.latest is not None:
        say("checking which fields the file lacks")
        check_field_loss(con, root, manifest, staged, mode, max_field_loss, name)
    version = next_version(manifest)
    files = CommitFiles.for_version(root, version)
    try:
        changes = find_changes(con, root, manifest, staged, mode, say)
        if changes.none:  # a version exists only when something changed
            return manifest, CommitResult(None, total=_total(manifest.latest))
        say("writing records" if changes.first else "writing changed records")
        write_changes(con, files, changes, version, staged.fields)
        if not changes.first:
            say("updating statistics")
        if changes.has_ends:
            keep_ended(con, root, manifest, files)
        counted = version_stats(con, manifest, staged, changes, files, geo_fields)
        changed_fields = (
            count_changed_fields(con, f"SELECT * FROM {ENDED}", files.segment_path)
            if changes.changed else {}
        )
        kept = keep_original(root, version, source, original, files.written)
    except BaseException:
        files.remove()
        raise
    finally:
        with suppress(duckdb.Error):  # never hide the error that stopped the commit
            con.execute(f"DROP TABLE IF EXISTS {ENDED}")
    new = new_version(version, manifest, changes, counted, files, kept, mode, changed_fields)
    result = CommitResult(
        version, changes.added, changes.changed, changes.removed, new.total, counted.warnings
    )
    return next_manifest(manifest, chosen, staged, new), result


def check_mode(mode: str, file: str) -> None:
    if mode not in MODES:
        raise CommitError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}", file=file)


def check_request(
    manifest: Manifest, staged: StagedSource, id_field: str | None, mode: str, file: str
) -> str | None:
    """Refuse a commit that cannot be made, before anything is read; the id field to use."""
    check_mode(mode, file)
    check_against_existing(staged.fields, manifest.columns, file=file)
    chosen = choose_id_field(manifest, staged, id_field)
    if mode == "patch":
        check_patchable(manifest, chosen, file)
    check_id_field_usable(manifest, staged, chosen, mode, file)
    if chosen is None and manifest.versions and staged.declared_id and staged.default_id_field:
        staged.warnings.append(
            f"{file}: the archive's id column is filled now, but this resource's records have "
            "been identified by their content since its first version, and still are"
        )
    return chosen


def next_version(manifest: Manifest) -> int:
    now = int(time.time() * 1000)
    latest = manifest.latest
    return max(now, latest.version + 1) if latest else now


def find_changes(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    manifest: Manifest,
    staged: StagedSource,
    mode: str,
    say: Progress,
) -> Changes:
    """What the staged rows change; for a resource's first version, every row is added."""
    previous = manifest.latest
    if previous is None:
        return Changes(added=staged.rows, changed=0, removed=0, first=True)
    say("comparing with the current version")
    return compare(con, root, manifest, previous, staged, mode)


def keep_ended(
    con: duckdb.DuckDBPyConnection, root: Path, manifest: Manifest, files: CommitFiles
) -> None:
    """Read the record versions the new ends file closes, whole, into the temporary table
    :data:`~holotype.store.version_stats.ENDED`: the statistics subtract them and the field
    counts compare the changed records with them, from one read of the earlier segments."""
    ended = ended_rows_sql(root, manifest.versions, files.ends_path) or EMPTY
    con.execute(f"CREATE OR REPLACE TEMP TABLE {ENDED} AS {ended}")


def new_version(
    version: int,
    manifest: Manifest,
    changes: Changes,
    counted: VersionStats,
    files: CommitFiles,
    source: Source | None,
    mode: str,
    changed_fields: dict[str, int] | None = None,
) -> Version:
    """The manifest entry describing the version just written."""
    return Version(
        version=version,
        segment=files.segment if changes.has_segment else None,
        ends=files.ends if changes.has_ends else None,
        added=changes.added,
        changed=changes.changed,
        removed=changes.removed,
        total=_total(manifest.latest) + changes.added - changes.removed,
        mode=mode,
        fields=list(counted.fields),
        stats=counted.fields,
        geo=counted.geo,
        source=source,
        warnings=counted.warnings,
        committed_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        changed_fields=dict(changed_fields or {}),
    )


def next_manifest(
    manifest: Manifest, id_field: str | None, staged: StagedSource, version: Version
) -> Manifest:
    """``manifest`` with ``version`` appended and the staged file's new columns added."""
    columns = [*manifest.columns, *(f for f in staged.fields if f not in manifest.columns)]
    return Manifest(
        resource_id=manifest.resource_id,
        id_field=id_field,
        columns=columns,
        versions=[*manifest.versions, version],
    )


def _total(version: Version | None) -> int:
    return version.total if version else 0


def _silent(_step: str) -> None:
    pass
