"""The download zip: data files streamed in, plus manifest.json saying what is inside.

The zip is written to a temporary name next to its final place and renamed when complete, so
a partial file is never offered. Members are copied in chunks (memory stays bounded); already
compressed members (Parquet, .xlsx) are stored, the rest deflated at
``download_compression_level``.

The engine writes rows into a named pipe on its threads while this process deflates them on
every core (the compressors release the GIL), so writing and compressing overlap. Parquet goes
through the pipe too, stored as it comes: the engine writes it front to back (footer last), so
it needs no file of its own on the disk and no second pass to copy it into the zip.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import duckdb

from holotype.catalog.snapshots import DatasetInfo
from holotype.engine import literal
from holotype.services.downloads.members import Member
from holotype.services.downloads.parallel_deflate import open_member
from holotype.store.manifest import fsync_dir

CHUNK = 1 << 20


@dataclass(frozen=True)
class Credit:
    """A dataset in the download, with its licence and how to cite it."""

    dataset: DatasetInfo
    url: str

    @property
    def authors(self) -> str:
        names = [c.name for c in self.dataset.creators] or [self.dataset.organisation or ""]
        return "; ".join(n for n in names if n) or "Anonymous"

    def citation(self, site_name: str) -> str:
        where = f"https://doi.org/{self.dataset.doi}" if self.dataset.doi else self.url
        year = self.dataset.modified.year
        return f"{self.authors} ({year}). {self.dataset.title}. {site_name}. {where}"


def download_citation(
    site_name: str, generated: datetime, download_id: str, total: int, link: str
) -> str:
    """How to cite the download: ``link`` is its query DOI (as a https://doi.org/ URL) or its
    citation page, or without a citation (private data) its status page."""
    return (f"{site_name} ({generated.year}). Data download {download_id}: {total:,} records, "
            f"generated {generated.strftime('%Y-%m-%d %H:%M UTC')}. {link}")


def citation_link(base_url: str, request: dict[str, Any], status_url: str) -> str:
    """The download's lasting address: its query DOI, else its citation page, else (private
    data is not cited) its status page."""
    cited = request.get("citation")
    if not cited:
        return status_url
    if cited.get("doi"):
        return f"https://doi.org/{cited['doi']}"
    return base_url.rstrip("/") + str(cited["path"])


def manifest(
    *, download_id: str, site_name: str, base_url: str, status_url: str, generated: datetime,
    request: dict[str, Any], credits: Sequence[Credit], counts: dict[str, int],
    files: Sequence[str],
) -> dict[str, Any]:
    """What the zip holds: the query, versions, counts per resource, licences and citations."""
    total = sum(counts.values())
    link = citation_link(base_url, request, status_url)
    by_dataset = {c.dataset.id: c for c in credits}
    resources = []
    for pin in request["resources"]:
        resources.append({
            "id": pin["id"], "name": f"{pin['dataset']}/{pin['slug']}",
            "version": pin["version"], "records": counts.get(pin["id"], 0),
        })
    return {
        "download_id": download_id,
        "portal": site_name,
        "status_url": status_url,
        "generated": generated.isoformat(timespec="seconds"),
        "query": request["query"],
        "query_version": request["query_version"],
        "query_hash": request["query_hash"],
        "version": request["version"],
        "slug_or_doi": request.get("slug_or_doi"),
        "file": request["file"],
        "total": total,
        "resources": resources,
        "files": list(files),
        "licences": [
            {"dataset": c.dataset.title, "id": c.dataset.licence.id,
             "title": c.dataset.licence.title, "url": c.dataset.licence.url}
            for c in by_dataset.values()
        ],
        "citation": download_citation(site_name, generated, download_id, total, link),
        "doi": (request.get("citation") or {}).get("doi"),
        "citation_url": link,
        "datasets": [
            {"slug": c.dataset.slug, "title": c.dataset.title, "doi": c.dataset.doi,
             "url": c.url, "citation": c.citation(site_name)}
            for c in by_dataset.values()
        ],
    }


def write_zip(
    final: Path, members: Sequence[Member], texts: dict[str, str], level: int,
    cursor: duckdb.DuckDBPyConnection, work: Path, progress: Callable[[int], None],
) -> int:
    """Write the zip to a temporary name, then rename it to ``final``; returns its size.

    Rows the engine writes (``Member.sql``) go through a named pipe straight into the zip, so
    the engine writes while this thread compresses, and nothing but the zip touches the disk.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(f".{final.name}.{uuid.uuid4().hex}.part")
    deflate = zipfile.ZIP_DEFLATED if level else zipfile.ZIP_STORED
    written = 0
    try:
        with (ThreadPoolExecutor(max(os.cpu_count() or 1, 1), "deflate") as pool,
              zipfile.ZipFile(part, "w", compression=deflate, compresslevel=level or None,
                              allowZip64=True) as archive):
            for member in members:
                if member.sql is not None and member.path is not None:
                    cursor.execute(f"COPY ({member.sql}) TO {literal(member.path)} "
                                   f"({member.options})")
                if member.path is not None:
                    archive.write(member.path, member.arcname,
                                  compress_type=deflate if member.compress
                                  else zipfile.ZIP_STORED)
                    member.path.unlink(missing_ok=True)
                elif member.sql is not None:
                    stream(archive, member, cursor, work / f"{uuid.uuid4().hex}.pipe", level,
                           pool)
                written += member.records
                if member.records:
                    progress(written)
            for name, text in texts.items():
                archive.writestr(name, text.encode("utf-8"))
        with part.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(part, final)
        fsync_dir(final.parent)  # the rename itself survives a crash too
    finally:
        part.unlink(missing_ok=True)
    return final.stat().st_size


def _member(archive: zipfile.ZipFile, member: Member, level: int,
            pool: ThreadPoolExecutor) -> IO[bytes]:
    if level and member.compress:
        return open_member(archive, member.arcname, level, pool)
    info = zipfile.ZipInfo(member.arcname, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    return archive.open(info, "w", force_zip64=True)


def stream(archive: zipfile.ZipFile, member: Member, cursor: duckdb.DuckDBPyConnection,
           pipe: Path, level: int, pool: ThreadPoolExecutor) -> None:
    """The engine writes ``member.sql`` into a named pipe; a thread deflates it (on every
    core, see :mod:`holotype.services.downloads.parallel_deflate`) into the zip, or stores
    it when the member is already compressed."""
    os.mkfifo(pipe, 0o600)
    failed: list[BaseException] = []

    def pump() -> None:
        try:
            with pipe.open("rb") as source, _member(archive, member, level, pool) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
        except BaseException as exc:  # reported by the caller's thread
            failed.append(exc)

    thread = threading.Thread(target=pump, name=f"zip-{member.arcname}", daemon=True)
    thread.start()
    try:
        cursor.execute(f"COPY ({member.sql}) TO {literal(pipe)} ({member.options})")
    finally:
        if thread.is_alive():
            _release(pipe)  # the engine failed before opening the pipe: end the reader
        thread.join()
        pipe.unlink(missing_ok=True)
    if failed:
        raise failed[0]


def _release(pipe: Path) -> None:
    with contextlib.suppress(OSError):  # no reader waiting: it has already finished
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))


def manifest_text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
