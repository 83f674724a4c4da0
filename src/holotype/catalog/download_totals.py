"""The download totals: each download served is added, as it is written, to the rows of its
month, format and set of resources (one row per resource of the set, see
:class:`~holotype.catalog.downloads.DownloadTotal`).

The statistics count downloads by month, format and resource from these rows (a few thousand
for a million events) instead of from the events (:mod:`holotype.catalog.download_rollup`).
:func:`add_event` runs in the transaction that writes the event, so the totals always equal an
aggregate over the events committed (migration 0007 back-fills them from the events written
before).

Each row is added to with one ``INSERT … ON CONFLICT DO UPDATE SET events = events + 1,
records = records + n`` (SQLite and PostgreSQL both have it): the database adds under the
row's lock, so two transactions writing events of the same month, format and set at once
never lose one another's increment (the second waits for the first to commit, then adds to
its row; an insert of a row the other has just inserted becomes the update). The rows of one
event are written in one statement in the order of their resource ids, so two such
transactions lock them in the same order and cannot deadlock on them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from holotype.catalog.downloads import DownloadTotal

INSERTS: dict[str, Any] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
KEY = ("year", "month", "format", "resources", "resource_id")


def resource_set(resource_ids: Iterable[str]) -> str:
    """The name of a set of resources in the totals: a SHA-256 of its sorted ids (migration
    0007 repeats this, so the back-fill and the writes agree)."""
    return hashlib.sha256("\n".join(sorted(resource_ids)).encode()).hexdigest()


def add_event(session: Session, created: datetime, fmt: str,
              records: Mapping[str, int]) -> None:
    """Add one download served at ``created`` in format ``fmt`` to the totals, with the records
    each of its resources gave (``records``: resource id -> records; only the resources the
    event has rows for). An event without resources is counted nowhere, as in the figures."""
    if not records:
        return
    dialect = session.get_bind().dialect.name
    if dialect not in INSERTS:
        raise RuntimeError(f"download totals need SQLite or PostgreSQL, not {dialect}")
    when = created.astimezone(UTC)
    named = resource_set(records)
    rows = [{"year": when.year, "month": when.month, "format": fmt, "resources": named,
             "resource_id": rid, "events": 1, "records": records[rid]}
            for rid in sorted(records)]
    table = DownloadTotal.__table__
    statement = INSERTS[dialect](table).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in KEY],
        set_={"events": table.c.events + statement.excluded.events,
              "records": table.c.records + statement.excluded.records}))
