"""Bringing search indexes up to date outside the read path.

An ingest indexes the version it commits (the index hook); after an upgrade that changes the
index format, or a crash between a commit and its index, some resources have none. Reads never
build one: they answer that the resource is being indexed, and :func:`index_missing`, run by
``holotype serve`` at start-up (and by ``holotype index``), builds what is missing, after
sweeping away what killed processes left behind (:func:`sweep_crash_leftovers`).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select

from holotype.catalog.models import Resource, ResourceKind
from holotype.index import indexed_versions, sweep_all_leftovers
from holotype.services.context import Portal
from holotype.services.workdirs import sweep_work_dirs

log = logging.getLogger(__name__)


def missing(portal: Portal) -> list[str]:
    """Record resources whose latest version no index serves yet."""
    with portal.session() as session:
        ids = session.scalars(
            select(Resource.id).where(Resource.kind == ResourceKind.RECORDS.value)
            .order_by(Resource.id)
        ).all()
    found = []
    for resource_id in ids:
        latest = portal.store.resource(resource_id).resolve(None)
        if latest is None:
            continue
        built = indexed_versions(portal.indexes.resource_dir(resource_id))
        if not built or built[-1] < latest.version:
            found.append(resource_id)
    return found


def sweep_crash_leftovers(portal: Portal) -> None:
    """Remove what ingests and index builds killed midway left: their work folders, files of
    commits no manifest names, temporary index and row files. Each is swept under the lock its
    writer holds, so nothing a live process is writing is touched (it is skipped, to be swept
    by that resource's next commit or build)."""
    folders = sweep_work_dirs(portal.work_dir)
    resources = portal.store.sweep()
    files = sweep_all_leftovers(portal.index_dir)
    if folders or files:
        log.info("removed %d work folders and %d temporary index files left by killed "
                 "processes", len(folders), len(files))
    log.debug("swept the store files of %d resources", len(resources))


def index_missing(portal: Portal, stop: threading.Event | None = None) -> list[str]:
    """Sweep what killed processes left (:func:`sweep_crash_leftovers`), then build the index of
    every resource that lacks one; the ids built. A resource whose build fails is logged and
    skipped, so one bad resource does not keep the others unindexed; ``stop`` ends the work
    between two resources."""
    built = []
    try:
        sweep_crash_leftovers(portal)
    except Exception:  # never a reason to leave resources unindexed
        log.exception("sweeping what killed processes left failed")
    for resource_id in missing(portal):
        if stop is not None and stop.is_set():
            break
        try:
            portal.build_index(resource_id)
        except Exception:
            log.exception("indexing %s failed", resource_id)
            continue
        built.append(resource_id)
    return built


class Indexer:
    """:func:`index_missing` in a background thread, so the server answers meanwhile."""

    def __init__(self, portal: Portal) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(portal,), name="indexer",
                                       daemon=True)

    def _run(self, portal: Portal) -> None:
        try:
            built = index_missing(portal, self.stop)
        except Exception:
            log.exception("looking for resources to index failed")
            return
        if built:
            log.info("indexed %d resources: %s", len(built), ", ".join(built))

    def start(self) -> Indexer:
        self.thread.start()
        return self

    def close(self, timeout: float | None = None) -> None:
        """Stop after the resource being indexed, and wait for that."""
        self.stop.set()
        self.thread.join(timeout)
