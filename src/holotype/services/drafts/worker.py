"""The draft workers: they take queued drafts (:class:`holotype.catalog.drafts.Draft`), stage
the file into the draft's folder exactly as an ingest does (:func:`holotype.services.records.stage`)
and review it (:mod:`holotype.services.drafts.review`), recording the step and the rows read as
they go.

They are workers of the one durable queue (:mod:`holotype.jobs`) on the drafts table, in
threads of their own: ``draft_workers`` of them in ``holotype serve``, and one in every
``holotype worker``. A worker that dies mid-draft stops renewing its lease and another reads
the draft again from its file.
"""

from __future__ import annotations

import threading

from holotype.catalog.drafts import Draft, DraftStatus
from holotype.ingest.errors import IngestError
from holotype.jobs import Claim, Heartbeat, Worker, WorkerThreads, queue, start_threads
from holotype.services import correction_guard, records
from holotype.services.context import Portal
from holotype.services.drafts import claims, files
from holotype.services.drafts.review import build
from holotype.store import Manifest
from holotype.store.errors import CommitError

LEASE_SECONDS = 60.0
MAX_ATTEMPTS = 3


def review_draft(portal: Portal, claim: Claim, beat: Heartbeat) -> None:
    """Stage and review the claimed draft; a file that cannot be read fails the draft with the
    reader's words (naming the file, the row and the column where it can)."""
    with portal.session() as session:
        draft = session.get(Draft, claim.job_id)
        if draft is None:  # discarded meanwhile
            return
        resource_id, name, fmt, wanted, mode = (draft.resource_id, draft.file_name, draft.fmt,
                                                draft.id_field, draft.mode)
    folder = files.folder(portal, claim.job_id)
    original = files.original(folder)
    if original is None:
        queue.fail(portal.write_sessions, claim, f"{name}: the file is no longer on the portal")
        return
    manifest = (portal.store.resource(resource_id).manifest() if resource_id
                else Manifest(resource_id=""))
    con = portal.duckdb()
    try:
        beat.progress(step="reading the file")
        sha256 = records.file_digest(original)
        try:
            staged = records.stage(portal, con, original, folder, name, fmt)
            beat.progress(status=DraftStatus.REVIEWING.value, step="checking the records",
                          rows_read=staged.rows)
            review = build(con, staged, manifest, wanted, portal.settings.geo_fields, name)
            if resource_id:  # the corrections the file would change: warnings to choose on
                review.findings.extend(
                    correction_guard.review_findings(portal, resource_id, staged, mode, con))
        except CommitError as refused:  # IngestError included: the file's own problem
            (folder / "staged.parquet").unlink(missing_ok=True)
            message = (refused if isinstance(refused, IngestError)
                       else IngestError.refused_by_store(refused)).location_message()
            queue.fail(portal.write_sessions, claim, message)
            return
        files.save(folder, files.Saved(staged, sha256, original.stat().st_size,
                                       review.as_dict()))
        beat.check()
        done = queue.complete(portal.write_sessions, claim, step=claims.READY_STEP,
                              rows_read=staged.rows, errors=len(review.errors),
                              warnings=len(review.warnings))
    finally:
        con.close()
    if not done:
        with portal.session() as session:
            gone = session.get(Draft, claim.job_id) is None
        if gone:  # discarded while it was read: what the reading left goes too
            files.remove(folder)


def make_worker(portal: Portal, poll_seconds: float = 1.0) -> Worker:
    return Worker(portal.write_sessions, lambda claim, beat: review_draft(portal, claim, beat),
                  lease_seconds=LEASE_SECONDS, max_attempts=MAX_ATTEMPTS,
                  poll_seconds=poll_seconds, table=Draft)


def start_in_process(portal: Portal, count: int | None = None) -> WorkerThreads | None:
    """``draft_workers`` (or ``count``) worker threads; None when there are to be none."""
    count = portal.settings.draft_workers if count is None else count
    if count <= 0:
        return None
    return start_threads([make_worker(portal) for _ in range(count)])


def run_until(portal: Portal, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Run one worker in this thread until ``stop`` is set."""
    make_worker(portal, poll_seconds).run(stop)
