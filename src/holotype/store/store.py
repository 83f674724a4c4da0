"""The versioned record store: a library with no web code.

``RecordStore(root, connect)`` manages one directory per resource; ``connect`` makes a DuckDB
connection (clients are passed in, never global). See docs/storage-model.md for the layout.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from holotype.locking import Busy, writer_lock
from holotype.store import columns as column_reads
from holotype.store import commit as committing
from holotype.store import field_changes
from holotype.store import history as record_history
from holotype.store import manifest as manifests
from holotype.store.manifest import Manifest, Source, Version
from holotype.store.reader import history_sql, relation_sql
from holotype.store.staged import StagedSource

Connect = Callable[[], duckdb.DuckDBPyConnection]


class ResourceStore:
    """The records of one resource, at every version."""

    def __init__(
        self, root: Path, resource_id: str, connect: Connect,
        cache: manifests.ManifestCache | None = None,
        counted: field_changes.FieldChangesCache | None = None,
    ) -> None:
        self.root = root
        self.resource_id = resource_id
        self._connect = connect
        self._cache = cache or manifests.ManifestCache()
        self._counted = counted or field_changes.FieldChangesCache()
        self._manifest_path = root / manifests.MANIFEST

    # -- reading -------------------------------------------------------------------------------
    def manifest(self) -> Manifest:
        return self._cache.load(self.root, self.resource_id, self._manifest_path)

    def versions(self) -> list[Version]:
        return self.manifest().versions

    def resolve(self, version: int | None = None) -> Version | None:
        """The version current at ``version`` (default: the latest), None when there is none."""
        return self.manifest().resolve(version)

    def relation(self, version: int | None = None) -> str:
        """SQL for the records as of ``version``, for the query layer to build on."""
        manifest = self.manifest()
        return relation_sql(self.root, manifest, manifest.resolve(version))

    def count(
        self, version: int | None = None, con: duckdb.DuckDBPyConnection | None = None
    ) -> int:
        con = con or self._connect()
        row = con.execute(f"SELECT count(*) FROM ({self.relation(version)})").fetchone()
        return int(row[0]) if row else 0

    def records(
        self,
        version: int | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> list[dict[str, str]]:
        """Records as of ``version`` in id order, without empty fields."""
        con = con or self._connect()
        cursor = con.execute(
            f"SELECT * FROM ({self.relation(version)}) ORDER BY _id LIMIT ? OFFSET ?",
            [limit, offset],
        )
        return [_with_id(row) for row in _dicts(cursor)]

    def get(
        self,
        record_id: str,
        version: int | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> dict[str, str] | None:
        """One record as of ``version``, or None if it did not exist then."""
        con = con or self._connect()
        cursor = con.execute(f"SELECT * FROM ({self.relation(version)}) WHERE _id = ?", [record_id])
        rows = _dicts(cursor)
        return _with_id(rows[0]) if rows else None

    def history(
        self, record_id: str, con: duckdb.DuckDBPyConnection | None = None
    ) -> list[record_history.RecordVersion]:
        """Every version of one record, oldest first, each with its per-field changes."""
        queries = history_sql(self.root, self.manifest())
        if queries is None:
            return []
        con = con or self._connect()
        rows = _dicts(con.execute(queries[0], [record_id]))
        deletions = (
            [int(r[0]) for r in con.execute(queries[1], [record_id]).fetchall()]
            if queries[1]
            else []
        )
        return record_history.build(rows, deletions)

    def changed_fields(
        self, version: Version, con: duckdb.DuckDBPyConnection | None = None
    ) -> dict[str, int]:
        """For each field, how many of ``version``'s changed records hold a different value in
        it than before (most first): the counts its commit stored or, for a version committed
        before they were kept, the same counts worked out now (and kept; versions never
        change)."""
        if version.changed_fields is not None:
            return version.changed_fields
        if not version.changed or version.segment is None:
            return {}
        found = self._counted.get(self.root, version.segment)
        if found is None:
            earlier = [v for v in self.versions() if v.version < version.version]
            found = field_changes.count_version(con or self._connect(), self.root, earlier,
                                                version)
            self._counted.put(self.root, version.segment, found)
        return found

    def written_values(
        self, versions: list[Version], fields: list[str],
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> Iterator[tuple[str | None, ...]]:
        """The distinct values of ``fields`` in the records ``versions`` wrote (see
        :mod:`holotype.store.columns`)."""
        return column_reads.written_values(con or self._connect(), self.root, versions, fields)

    def matching_records(
        self, field: str, values: list[str], fields: list[str],
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> list[tuple[str | None, ...]]:
        """``(field, *fields)`` of the latest records whose ``field`` is one of ``values``."""
        return column_reads.matching_records(con or self._connect(), self.root, self.manifest(),
                                             field, values, fields)

    def original(self, version: int | None = None) -> Path | None:
        """Where the file uploaded for ``version`` (default: latest) is kept, if it was: compressed
        (``.zst``; :func:`~holotype.store.originals.open_original` reads it as uploaded)."""
        found = self.resolve(version)
        if found is None or found.source is None or not found.source.path:
            return None
        return self.root / found.source.path

    def disk_usage(self) -> int:
        """Bytes used by the record data (segments and ends, not the kept originals)."""
        return sum(
            p.stat().st_size
            for sub in ("segments", "ends")
            for p in (self.root / sub).glob("*.parquet")
        )

    # -- writing -------------------------------------------------------------------------------
    def commit(
        self,
        staged: StagedSource,
        *,
        source: Source | None = None,
        original: Path | None = None,
        id_field: str | None = None,
        mode: str = "update",
        geo_fields: tuple[str, str] = ("decimalLatitude", "decimalLongitude"),
        progress: committing.Progress | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
        max_field_loss: float | None = None,
    ) -> committing.CommitResult:
        """Commit a staged file as one new version, atomically; a no-op if nothing changed.

        ``mode`` is one of :data:`~holotype.store.commit.MODES`; ``max_field_loss`` refuses an
        update or replace that would remove fields from more than that share of the records it
        updates (:class:`~holotype.store.field_loss.FieldLossError`, nothing committed)."""
        with writer_lock(self.root / "lock", timeout=0.0):
            current = self.manifest()
            _sweep_orphans(self.root, current)
            if source is not None and _same_upload(current, source, mode):
                latest = current.latest
                return committing.CommitResult(None, total=latest.total if latest else 0)
            updated, result = committing.commit(
                con or self._connect(),
                self.root,
                current,
                staged,
                source=source,
                original=original,
                id_field=id_field,
                mode=mode,
                geo_fields=geo_fields,
                progress=progress,
                max_field_loss=max_field_loss,
            )
            if result.version is not None:
                manifests.save(self.root, updated)
            return result

    def same_upload(self, source: Source, mode: str) -> bool:
        """True when ``source`` is byte-identical to the latest upload (ingest would be a no-op)."""
        return _same_upload(self.manifest(), source, mode)

    def sweep(self) -> bool:
        """Remove what interrupted commits left (as the next commit would); False, doing
        nothing, while a commit holds the writer lock, when nothing was ever committed, or when
        the manifest is damaged (which files it names is then unknown)."""
        if not (self.root / "lock").is_file():
            return False  # every commit takes the lock first: none ever ran here
        try:
            with writer_lock(self.root / "lock", timeout=0.0):
                _sweep_orphans(self.root, self.manifest())
        except (Busy, manifests.CorruptManifest):
            return False
        return True

    def remove(self) -> None:
        """Delete every version of this resource (used when its catalogue entry is deleted)."""
        with writer_lock(self.root / "lock", timeout=0.0):
            shutil.rmtree(self.root)


class RecordStore:
    """All resources' record data under one directory."""

    def __init__(self, root: Path, connect: Connect) -> None:
        self.root = root
        self.connect = connect
        self._manifests = manifests.ManifestCache()
        self._counted = field_changes.FieldChangesCache()
        self._resources: dict[str, ResourceStore] = {}  # they hold nothing but their paths

    def resource(self, resource_id: str) -> ResourceStore:
        found = self._resources.get(resource_id)
        if found is not None:
            return found
        if not resource_id or "/" in resource_id or resource_id.startswith("."):
            raise ValueError(f"invalid resource id {resource_id!r}")
        found = ResourceStore(self.root / resource_id, resource_id, self.connect, self._manifests,
                              self._counted)
        if len(self._resources) < 10_000:
            self._resources[resource_id] = found
        return found

    def sweep(self) -> list[str]:
        """Sweep every resource whose writer lock is free (see ``ResourceStore.sweep``); the
        ids swept."""
        if not self.root.is_dir():
            return []
        names = sorted(p.name for p in self.root.iterdir() if p.is_dir())
        return [n for n in names if not n.startswith(".") and self.resource(n).sweep()]


def _sweep_orphans(root: Path, manifest: Manifest) -> None:
    """Remove files an interrupted commit left behind (no manifest names them).

    Runs under the writer lock, so no commit is in progress; readers only open files their
    manifest names, and every file any manifest ever named is still named by the current one.
    """
    referenced: set[str] = set()
    for v in manifest.versions:
        referenced.update(p for p in (v.segment, v.ends) if p)
        if v.source is not None and v.source.path:
            referenced.add(v.source.path)
    for sub in ("segments", "ends", "originals"):
        for path in (root / sub).rglob("*"):
            if path.is_file() and str(path.relative_to(root)) not in referenced:
                path.unlink()
    for tmp in root.glob(".manifest.json.*.tmp"):
        tmp.unlink()


def _same_upload(manifest: Manifest, source: Source, mode: str) -> bool:
    latest = manifest.latest
    return bool(
        latest
        and latest.source is not None
        and latest.source.sha256 == source.sha256
        and latest.mode == mode
    )


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _with_id(row: dict[str, Any]) -> dict[str, str]:
    data = record_history.record_data(row)
    return {"_id": str(row["_id"]), **data}
