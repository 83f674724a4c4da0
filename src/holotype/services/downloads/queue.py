"""Queueing downloads and reading their status.

A request is checked completely before anything is stored: the query is validated, the
resources must be visible, the records are counted at the versions asked for and the limits
applied (``download_max_records``; what the format refuses, such as an .xlsx sheet's row
limit). The versions are pinned when the request is queued, so the file holds exactly what
search showed at that moment, however long the job waits. A request identical to one already
made (same query hash, resources, versions and file options) is answered by that one: at once
when its file is ready.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from holotype.catalog.downloads import RUNNING, DownloadEvent, DownloadJob, JobStatus
from holotype.catalog.snapshots import DatasetInfo, ResourceInfo
from holotype.catalog.timestamps import utcnow
from holotype.config import Settings
from holotype.errors import Invalid, NotFound, ServiceError
from holotype.jobs import notify
from holotype.query.normalise import canonical_json, normalise, query_hash
from holotype.query.schema import QUERY_VERSION
from holotype.search import View
from holotype.services import catalogue, policy, slugs
from holotype.services.citations.dois import looks_like_doi
from holotype.services.citations.landing import query_landing
from holotype.services.citations.query_citations import (
    CITATION_ID,
    pin,
    records_key,
)
from holotype.services.context import Portal
from holotype.services.downloads.formats import FORMATS
from holotype.services.downloads.request import DownloadRequest, QueryPart
from holotype.services.identity import Identity
from holotype.services.search import checked_query
from holotype.services.visible import visible_resources

log = logging.getLogger(__name__)
NO_EMAIL = ("this portal does not send email, so it cannot tell you when the file is ready; "
            "ask without an email address and keep the link to the download's status page, "
            "where the file appears when it is ready")

@dataclass(frozen=True)
class Queued:
    id: str
    status: str
    reused: bool  # an identical earlier request answered this one


def _resolve_slug(portal: Portal, identity: Identity, part: QueryPart) -> QueryPart:
    """The search a short link, a query DOI or a citation id names (a citation re-runs at the
    versions it pinned)."""
    ref = (part.slug_or_doi or "").strip()
    if looks_like_doi(ref):
        return _cited(portal, identity, ref)
    settings = portal.settings
    with portal.session() as session:
        presets = slugs.presets_from(
            session, settings.specimen_resources, settings.indexlot_resources,
            empty_query_hash=query_hash({}), query_version=QUERY_VERSION,
        )
        try:
            info = slugs.resolve_slug(session, ref, presets=presets)
        except NotFound as exc:
            if CITATION_ID.fullmatch(ref):
                return _cited(portal, identity, ref)
            raise NotFound(exc.message, field="query.slug_or_doi") from exc
    return QueryPart(info.query, info.query_version, info.version, info.resource_ids, ref)


def _cited(portal: Portal, identity: Identity, ref: str) -> QueryPart:
    """A citation's search: its query over the resources it pinned that can still be read,
    each at its pinned version."""
    try:
        found = query_landing(portal, identity, ref)
    except ServiceError as exc:
        raise exc.at("query.slug_or_doi") from exc
    if not found.available_ids:
        raise NotFound("none of the data this citation names is still available on this "
                       "portal", field="query.slug_or_doi")
    c = found.citation
    pins = tuple((r.id, r.version) for r in c.resources if r.id in found.available_ids)
    return QueryPart(c.query, c.query_version, c.moment, tuple(found.available_ids), ref, pins)


def _resources(
    portal: Portal, identity: Identity, refs: tuple[str, ...] | None
) -> list[ResourceInfo]:
    """The resources named that ``identity`` may see (each once, however often it is named, by
    id or slug)."""
    try:
        return visible_resources(portal, identity, refs)  # each once, however often named
    except ServiceError as exc:
        raise exc.at("query.resource_ids") from exc


def _key(*parts: Any) -> str:
    return hashlib.sha256(canonical_json(list(parts)).encode()).hexdigest()


def queue_download(portal: Portal, identity: Identity, request: DownloadRequest) -> Queued:
    """Check ``request`` and queue it (or answer it with an identical earlier download)."""
    part = (_resolve_slug(portal, identity, request.query) if request.query.slug_or_doi
            else request.query)
    query = normalise(checked_query(portal, part.query, "query.query"))
    resources = _resources(portal, identity, part.resource_ids)
    views = portal.searcher.views(resources, part.version, dict(part.pins))
    counts = portal.searcher.count(views, query)
    total = sum(counts.values())
    settings = portal.settings
    if total > settings.download_max_records:
        raise Invalid(f"the query matches {total:,} records; a download may hold at most "
                      f"{settings.download_max_records:,}: narrow the search",
                      field="query.query")
    FORMATS.get(request.file.format).check(
        {f"{v.resource.dataset_slug}/{v.resource.slug}": counts[v.rid] for v in views})
    if request.notifier.type == "email" and not sends_email(settings):
        log.info("a download asked for email notification; refused: smtp_host is not set")
        raise Invalid(NO_EMAIL, field="notifier.type")
    if (request.notifier.type == "webhook" and not settings.webhook_allow_private
            and notify.private_address(request.notifier.url or "")):
        raise Invalid("the webhook's host is a private, loopback or link-local address (or "
                      "cannot be resolved); use a public address", field="notifier.type_args.url")
    qhash = query_hash(query)
    pinned = [{"id": v.rid, "dataset": v.resource.dataset_slug, "slug": v.resource.slug,
               "version": v.version, "count": counts[v.rid]} for v in views]
    same_records = records_key(qhash, [(v.rid, v.version) for v in views])
    # A download of private data is its requester's alone: never answered by another's.
    private = not all(d.is_public for d in _datasets(portal, {v.resource.dataset_id
                                                              for v in views}))
    key = _key(same_records, request.file.as_json(),
               *([f"user:{identity.user_id}"] if private else []))
    cited = _cite(portal, query, part.version, views, counts)
    stored = {
        "query": query, "query_version": QUERY_VERSION, "query_hash": qhash,
        "version": part.version, "resource_ids": list(part.resource_ids or []) or None,
        "slug_or_doi": part.slug_or_doi, "resources": pinned, "file": request.file.as_json(),
        "notifier": request.notifier.as_json(),
        "citation": cited, "private": private,
    }
    # Reads (the earlier identical request) then writes: holds the write lock from the start.
    with portal.write_session() as session:
        earlier = _earlier(portal, session, key, request)
        if earlier is not None:
            if earlier.status == JobStatus.COMPLETE.value:
                session.add(DownloadEvent(job_id=earlier.id, format=earlier.format,
                                          records=earlier.total, reused=True,
                                          resource_ids=json.dumps(sorted(counts))))
            return Queued(earlier.id, earlier.status, True)
        job = DownloadJob(request=json.dumps(stored, ensure_ascii=True), key=key,
                          records_key=same_records, format=request.file.format, total=total,
                          requester_id=identity.user_id,
                          written=0, attempts=0, status=JobStatus.QUEUED.value)
        session.add(job)
        session.flush()
        return Queued(job.id, job.status, False)


def _datasets(portal: Portal, ids: set[str]) -> list[DatasetInfo]:
    with portal.session() as session:
        return [catalogue.get_dataset(session, d) for d in sorted(ids)]


def _cite(
    portal: Portal, query: dict[str, Any], version: int | None, views: list[View],
    counts: dict[str, int],
) -> dict[str, Any] | None:
    """Every download of public data is cited (the same search over the same versions reuses
    its citation): ``{id, doi, path}``. Private data is downloaded uncited."""
    if not views:
        return None
    try:
        found = pin(portal, query, version, views, counts).citation
    except Invalid:  # private data: not citable
        return None
    return {"id": found.id, "doi": found.doi, "path": found.path}


def sends_email(settings: Settings) -> bool:
    """Whether the portal can email a requester when the download is ready (a mail server is
    configured): the Download form offers email only then."""
    return bool(settings.smtp_host)


def _earlier(portal: Portal, session: Any, key: str, request: DownloadRequest) -> Any:
    """A usable job with the same key: complete with its file, or still to finish (when the
    new request asks for no notification of its own)."""
    rows = session.scalars(
        select(DownloadJob).where(DownloadJob.key == key).order_by(DownloadJob.created.desc())
    ).all()
    for job in rows:
        if job.status == JobStatus.COMPLETE.value and job.file_name:
            if file_path(portal, job.id, job.file_name).is_file():
                return job
        elif (job.status in (JobStatus.QUEUED.value, *RUNNING)
              and request.notifier.type == "none"):
            return job
    return None


def file_path(portal: Portal, job_id: str, file_name: str) -> Path:
    return portal.settings.downloads_dir / "files" / job_id / file_name


def finished_file(portal: Portal, identity: Identity, job_id: str, file_name: str) -> Path:
    """The file of a complete download, by its exact name, while ``identity`` may still see
    every dataset in it (one made private since stops its downloads being served)."""
    found = status(portal, identity, job_id)
    if found["status"] != JobStatus.COMPLETE.value or found["file_name"] != file_name:
        raise NotFound("this download's file is not ready", field="id")
    try:
        visible_resources(portal, identity, [r["id"] for r in found["resources"]] or None)
    except ServiceError as exc:
        raise NotFound("this download holds records that are no longer public",
                       field="id") from exc
    path = file_path(portal, job_id, file_name)
    if not path.is_file():
        raise NotFound("this download's file has been removed; request it again", field="id")
    return path


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _still_visible(
    portal: Portal, identity: Identity, pins: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The download's resources as ``identity`` may see them: one made private since (or
    deleted) keeps only its id and version, not its dataset, name or record count (the status
    page is open to anyone holding the download's id)."""
    visible = {r.id for r in visible_resources(portal, identity, None)}
    return [pin if pin["id"] in visible
            else {"id": pin["id"], "version": pin.get("version"), "private": True}
            for pin in pins]


def status(portal: Portal, identity: Identity, job_id: str) -> dict[str, Any]:
    """Where a download stands, as shown on its status page and in its JSON."""
    with portal.session() as session:
        # Ids are short ASCII hex: anything else (NUL, which PostgreSQL refuses) names none.
        plausible = len(job_id) <= 64 and job_id.isascii() and job_id.isalnum()
        job = session.get(DownloadJob, job_id) if plausible else None
        if job is None:
            raise NotFound(f"there is no download {job_id!r}", field="id")
        request = json.loads(job.request)
        requester_id = job.requester_id
    if request.get("private"):  # its requester's (and sysadmins') alone, while they may read it
        try:
            held = _datasets(portal, {r["dataset"] for r in request["resources"]})
        except NotFound:
            held = None  # a dataset deleted since
        if held is None or not policy.may_read_download(identity, requester_id, held):
            raise NotFound(f"there is no download {job_id!r}", field="id")
    with portal.session() as session:
        job = session.get(DownloadJob, job_id)
        if job is None:
            raise NotFound(f"there is no download {job_id!r}", field="id")
        resources = _still_visible(portal, identity, request["resources"])
        end = job.finished or (utcnow() if job.started else None)
        seconds = (end - job.started).total_seconds() if end and job.started else None
        # Counts and sizes of a download holding a resource made private since would tell how
        # many private records there are: they are withheld, as its file is.
        withheld = any(pin.get("private") for pin in resources)
        url = None
        if job.status == JobStatus.COMPLETE.value and job.file_name and not withheld:
            url = f"/downloads/{job.id}/{job.file_name}"
        return {
            "id": job.id, "status": job.status, "format": job.format,
            "total": None if withheld else job.total,
            "written": None if withheld else job.written, "seconds": seconds,
            "created": _iso(job.created), "started": _iso(job.started),
            "finished": _iso(job.finished), "url": url, "file_name": job.file_name,
            "file_size": None if withheld else job.file_size, "reason": job.reason,
            "attempts": job.attempts, "withheld": withheld,
            "query": request["query"], "query_hash": request["query_hash"],
            "resources": resources, "file": request["file"],
            "notifier": request["notifier"]["type"], "notified": job.notified,
            "citation": request.get("citation"),
        }
