"""The statistics row of a download served: one event, and the records each resource gave it.

Written in the one place both paths that serve a download call (a worker finishing a job in
:mod:`.run`, an identical earlier job answering at once in :mod:`.queue`), in the caller's
transaction, so an event is never seen without its resources, nor without being added to the
download totals the statistics read (:mod:`holotype.catalog.download_totals`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from holotype.catalog.download_totals import add_event
from holotype.catalog.downloads import DownloadEvent, DownloadEventResource
from holotype.catalog.models import Resource


def record_event(
    session: Session, job_id: str, fmt: str, counts: Mapping[str, int], *, reused: bool,
    seconds: float = 0.0,
) -> DownloadEvent:
    """Add the event of serving job ``job_id`` in format ``fmt``, with ``counts`` (records by
    resource id, as pinned in the job's request) and each resource's dataset as it is now; and
    add it to the download totals."""
    event = DownloadEvent(job_id=job_id, format=fmt, records=sum(counts.values()),
                          resource_ids=json.dumps(sorted(counts)), reused=reused,
                          seconds=seconds)
    session.add(event)
    session.flush()  # the event's id
    named = select(Resource.id, Resource.dataset_id).where(Resource.id.in_(list(counts)))
    datasets = dict(session.execute(named).all())
    session.add_all(DownloadEventResource(event_id=event.id, resource_id=rid,
                                          dataset_id=datasets[rid], records=n)
                    for rid, n in sorted(counts.items()) if rid in datasets)
    add_event(session, event.created, fmt,
              {rid: n for rid, n in counts.items() if rid in datasets})
    return event
