"""Making one queued download: record set, files, zip, then statistics and notification.

This is the handler the workers run (:mod:`holotype.jobs.worker`). Progress goes to the job row
as it happens (status generating -> zipping, records written). A failure raises, and the worker
records it as the job's reason and has the requester told (:mod:`.notify`).
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from holotype.catalog.downloads import DownloadJob, JobStatus
from holotype.catalog.timestamps import utcnow
from holotype.index import Superseded
from holotype.jobs import Claim, Heartbeat, Lost, queue
from holotype.search import View
from holotype.search.rowsets import RecordSet, present_fields
from holotype.services import catalogue
from holotype.services.accounts.identities import identity_for_user
from holotype.services.context import Portal
from holotype.services.downloads.events import record_event
from holotype.services.downloads.formats import FORMATS, About, Output, Split
from holotype.services.downloads.members import Part
from holotype.services.downloads.notify import notify_ready
from holotype.services.downloads.package import (
    Credit,
    citation_link,
    download_citation,
    manifest,
    manifest_text,
    write_zip,
)
from holotype.services.downloads.queue import file_path
from holotype.services.identity import ANONYMOUS, Identity
from holotype.services.visible import visible_resources

log = logging.getLogger(__name__)
SUPERSEDED_ATTEMPTS = 3  # times a download starts again when a build replaces an index it read


def _views(portal: Portal, requester: Identity, pins: list[dict[str, Any]]) -> list[View]:
    """Each resource at its pinned version; visibility is checked again now, for the
    requester as they are now (one who left the organisation since gets no private data)."""
    resources = visible_resources(portal, requester, [p["id"] for p in pins])
    return portal.searcher.views(resources, None, {p["id"]: p["version"] for p in pins})


def _parts(
    request: dict[str, Any], views: list[View], records: RecordSet,
    present: dict[str, set[str]], split: Split,
) -> tuple[Part, ...]:
    """The files (or sheets) to write, split as the format splits them."""
    options = request["file"]
    counts = {p["id"]: p["count"] for p in request["resources"]}

    def fields(chosen: list[View]) -> tuple[str, ...]:
        if not options["ignore_empty_fields"]:
            return tuple(f for f in records.fields
                         if any(f in v.columns for v in chosen))
        keep = set().union(*(present.get(v.rid, set()) for v in chosen))
        return tuple(f for f in records.fields if f in keep)

    if split is Split.WHOLE_SET or (split is Split.AS_REQUESTED
                                    and not options["separate_files"]):
        return (Part("records", tuple(views), fields(views),
                     sum(counts[v.rid] for v in views), with_resource=len(views) > 1),)
    return tuple(Part(f"{v.resource.dataset_slug}_{v.resource.slug}", (v,), fields([v]),
                      counts[v.rid]) for v in views)


def _credits(portal: Portal, pins: list[dict[str, Any]]) -> list[Credit]:
    base = portal.settings.base_url
    with portal.session() as session:
        datasets = {p["dataset"]: catalogue.get_dataset(session, p["dataset"]) for p in pins}
    return [Credit(d, f"{base}/dataset/{d.slug}") for d in datasets.values()]


def run_download(portal: Portal, claim: Claim, beat: Heartbeat) -> None:
    settings = portal.settings
    began = time.monotonic()
    with portal.session() as session:
        job = session.get(DownloadJob, claim.job_id)
        if job is None:
            raise Lost(claim.job_id)
        request = json.loads(job.request)
        records_key, fmt, total = job.records_key, job.format, job.total
        requester = (ANONYMOUS if job.requester_id is None
                     else identity_for_user(session, job.requester_id))
    pins = request["resources"]
    beat.progress()  # still this worker's (raises Lost if not) before clearing what is left
    _clear_leftovers(portal, claim.job_id)
    work = settings.downloads_dir / "work" / f"{claim.job_id}-{claim.attempt}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        for attempt in range(1, SUPERSEDED_ATTEMPTS + 1):
            try:
                final, size = _export(portal, claim, beat, request, requester, records_key, work)
                break
            except Superseded:  # an index file went between finding the records and reading
                if attempt == SUPERSEDED_ATTEMPTS:  # them: find them again in the newest one
                    raise
        if not queue.complete(portal.write_sessions, claim, file_name=final.name, file_size=size,
                              written=total):
            _discard(portal, claim.job_id, final)
            raise Lost(claim.job_id)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - began
    with portal.write_session() as session:
        record_event(session, claim.job_id, fmt, {p["id"]: p["count"] for p in pins},
                     reused=False, seconds=seconds)
    notify_ready(portal, claim.job_id, request, total, fmt, final.name)


def _export(
    portal: Portal, claim: Claim, beat: Heartbeat, request: dict[str, Any],
    requester: Identity, records_key: str, work: Path,
) -> tuple[Path, int]:
    """Find the download's records and write its file: (the file, its size)."""
    settings = portal.settings
    views = _views(portal, requester, request["resources"])
    records = portal.searcher.record_set(views, request["query"], records_key,
                                         settings.downloads_dir / "records")
    as_url = request["file"].get("transform", {}).get("id_as_url")
    if as_url:
        records = replace(records, url_field=as_url["field"],
                          url_prefix=f"{portal.settings.base_url}/object/")
    beat.check()
    with portal.searcher.export_connection(
            views, memory_limit=settings.download_memory_limit,
            threads=settings.duckdb_threads, temp_dir=portal.work_dir / "duckdb",
    ) as cursor:
        records = portal.searcher.bulk_rows(views, records, not request["query"], cursor=cursor,
                                            directory=work / "rows")
        return _write(portal, claim, beat, request, views, records, cursor, work)


def _write(
    portal: Portal, claim: Claim, beat: Heartbeat, request: dict[str, Any],
    views: list[View], records: RecordSet, cursor: duckdb.DuckDBPyConnection,
    work: Path,
) -> tuple[Path, int]:
    """Write the download's zip; returns its path and size."""
    settings = portal.settings
    pins = request["resources"]
    total = sum(p["count"] for p in pins)
    names = {p["id"]: f"{p['dataset']}/{p['slug']}" for p in pins}
    status_url = f"{settings.base_url}/status/download/{claim.job_id}"

    def progress(written: int) -> None:
        beat.progress(written=written)

    present = present_fields(views, records, not request["query"], cursor)
    generated = utcnow()
    credits = _credits(portal, pins)
    citation = download_citation(settings.site_name, generated, claim.job_id, total,
                                 citation_link(settings.base_url, request, status_url))
    about = About(claim.job_id, settings.site_name, settings.base_url, status_url, generated,
                  total, citation, tuple(credits))
    fmt = FORMATS.get(request["file"]["format"])
    written = fmt.write(Output(
        cursor, records, _parts(request, views, records, present, fmt.split), names, work,
        progress, request["file"]["format_args"], about))
    members, texts = written.members, dict(written.texts)
    beat.progress(status="zipping")
    counts = {p["id"]: p["count"] for p in pins}
    texts["manifest.json"] = manifest_text(manifest(
        download_id=claim.job_id, site_name=settings.site_name, base_url=settings.base_url,
        status_url=status_url,
        generated=generated, request=request, credits=credits, counts=counts,
        files=[m.arcname for m in members] + sorted({*texts, "manifest.json"})))
    # Each attempt has a file name of its own: a worker that lost the job (its lease ran out
    # while it was still writing) never replaces or removes the file of the attempt that won.
    attempt = "" if claim.attempt <= 1 else f"-{claim.attempt}"
    name = (f"{settings.site_name.lower().replace(' ', '-')}-{claim.job_id[:8]}-{fmt.name}"
            f"{attempt}.zip")
    name = "".join(ch for ch in name if ch.isalnum() or ch in "-_.") or "download.zip"
    final = file_path(portal, claim.job_id, name)
    size = write_zip(final, members, texts, settings.download_compression_level, cursor,
                     work, progress)
    beat.check()
    return final, size


def _clear_leftovers(portal: Portal, job_id: str) -> None:
    """What an earlier attempt of this job left when its worker died: work files, part zips
    and zips it finished but never got to mark complete (the job is this claim's now, so no
    earlier attempt can complete it)."""
    root = portal.settings.downloads_dir
    for folder in (root / "work").glob(f"{job_id}-*"):
        shutil.rmtree(folder, ignore_errors=True)
    for left in (root / "files" / job_id).glob("*"):
        if left.is_file():
            left.unlink(missing_ok=True)


def _discard(portal: Portal, job_id: str, final: Path) -> None:
    """Remove the file of an attempt that lost its job, unless the job is complete with it."""
    with portal.session() as session:
        job = session.get(DownloadJob, job_id)
        kept = (job is not None and job.status == JobStatus.COMPLETE.value
                and job.file_name == final.name)
    if not kept:
        final.unlink(missing_ok=True)

