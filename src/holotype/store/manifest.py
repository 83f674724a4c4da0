"""The manifest: the one file that says which versions of a resource exist.

Every commit writes its data files first, then replaces ``manifest.json`` atomically (write to a
temporary file, fsync, rename). The rename is the commit point: a reader that loaded the old
manifest keeps reading the old version's files, which are never modified or removed; a crash
before the rename leaves only unreferenced files behind.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Source:
    """The uploaded file a version came from, kept for "download as uploaded"."""

    name: str
    format: str
    sha256: str
    size: int
    path: str  # relative to the resource directory


@dataclass(frozen=True)
class Version:
    """One committed version of a resource."""

    version: int  # milliseconds since the epoch; strictly increasing
    segment: str | None  # parquet file of rows that begin at this version
    ends: str | None  # parquet file of (_id, _from, _to) ranges closed at this version
    added: int
    changed: int
    removed: int
    total: int  # records current at this version
    mode: str  # update, patch or replace
    fields: list[str]  # fields holding data in the current records, in first-seen order
    stats: dict[str, dict[str, int]]  # per-field type counts, see store.stats
    geo: dict[str, int]
    source: Source | None
    warnings: list[str] = field(default_factory=list)
    committed_at: str = ""
    # field -> changed records whose value in it differs from the version they replace, most
    # first (see store.field_changes); None in entries written before the counts were kept.
    changed_fields: dict[str, int] | None = None

    @property
    def segment_rows(self) -> int:
        return self.added + self.changed

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Version:
        values = dict(data)
        source = values.pop("source", None)
        return cls(source=Source(**source) if source else None, **values)


@dataclass(frozen=True)
class Manifest:
    """All versions of one resource, oldest first."""

    resource_id: str
    id_field: str | None = None  # None: ids are generated from record content
    columns: list[str] = field(default_factory=list)  # every column any segment holds
    versions: list[Version] = field(default_factory=list)

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def resolve(self, version: int | None) -> Version | None:
        """The version current at ``version`` (the latest one not after it); None if none."""
        if version is None:
            return self.latest
        found = None
        for candidate in self.versions:
            if candidate.version <= version:
                found = candidate
            else:
                break
        return found

    def upto(self, version: Version) -> list[Version]:
        return [v for v in self.versions if v.version <= version.version]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "resource_id": self.resource_id,
            "id_field": self.id_field,
            "columns": self.columns,
            "versions": [v.to_json() for v in self.versions],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported manifest format {data.get('format')!r}")
        return cls(
            resource_id=data["resource_id"],
            id_field=data.get("id_field"),
            columns=list(data.get("columns", [])),
            versions=[Version.from_json(v) for v in data.get("versions", [])],
        )


class CorruptManifest(Exception):
    """A manifest that cannot be read: the store was damaged outside Holotype."""


class ManifestCache:
    """Manifests read once per file: a manifest is only ever replaced by renaming a new file
    into place (see :func:`save`), so a file's inode, size and mtime identify its content and
    one ``stat`` tells whether the parsed copy is still current. The ctime too, which nothing
    can set: a manifest restored over the old one in place (``cp -p`` from a backup) is read
    again. Safe to share between threads (a lost race merely parses the file twice)."""

    def __init__(self) -> None:
        self._seen: dict[Path, tuple[tuple[int, int, int, int], Manifest]] = {}

    def load(self, directory: Path, resource_id: str, path: Path | None = None) -> Manifest:
        """The manifest in ``directory`` (whose manifest file is ``path``, when known)."""
        path = path or directory / MANIFEST
        try:
            st = path.stat()
        except FileNotFoundError:
            return Manifest(resource_id=resource_id)
        key = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        found = self._seen.get(path)
        if found is not None and found[0] == key:
            return found[1]
        manifest = load(directory, resource_id)
        self._seen[path] = (key, manifest)
        return manifest


def load(directory: Path, resource_id: str) -> Manifest:
    """The resource's manifest; an empty one when nothing was committed yet."""
    path = directory / MANIFEST
    try:
        with path.open(encoding="utf-8") as handle:
            return Manifest.from_json(json.load(handle))
    except FileNotFoundError:
        return Manifest(resource_id=resource_id)
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptManifest(
            f"{path} is damaged ({exc}); it was changed outside Holotype: restore it from a "
            "backup"
        ) from exc


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(directory: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically and durably."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(manifest.to_json(), handle, separators=(",", ":"))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, directory / MANIFEST)
    fsync_dir(directory)
