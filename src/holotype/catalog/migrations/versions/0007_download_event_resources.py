"""Download usage by resource: download_event_resources (the records each resource gave to
each download served), back-filled from the jobs' pinned requests; and download_totals (the
events and records by month, format, set of resources and resource, which the statistics
read), back-filled from those rows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

The back-fill reads every event's job request (its ``resources`` pins hold each resource's
count) once; an event's row is written for each pinned resource the event names that still
exists in the catalogue (its dataset is read from there). Resources removed since cannot be
placed in a dataset and are left out, as the statistics could not show them anyway. The same
pass adds each event to its totals (in memory: a few thousand rows for a million events),
exactly as :func:`holotype.catalog.download_totals.add_event` does for an event written later;
:func:`_resource_set` repeats its naming of a set, so the two agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000


def upgrade() -> None:
    op.create_table(
        "download_event_resources",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.String(32), nullable=False),
        sa.Column("dataset_id", sa.String(32), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["download_events.id"],
                                name=op.f("fk_download_event_resources_event_id_download_events"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "resource_id",
                                name=op.f("pk_download_event_resources")),
    )
    op.create_table(
        "download_totals",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("resources", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.String(32), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("year", "month", "format", "resources", "resource_id",
                                name=op.f("pk_download_totals")),
    )
    _backfill(op.get_bind())


Totals = dict[tuple[int, int, str, str, str], list[int]]  # key -> [events, records]


def _backfill(connection: sa.Connection) -> None:
    """Rows for the events served before these tables existed, a batch of events at a time,
    and their totals."""
    datasets: dict[str, str] = {
        str(rid): str(dataset)
        for rid, dataset in connection.execute(sa.text("SELECT id, dataset_id FROM resources"))}
    created = ("e.created AT TIME ZONE 'UTC'"  # months in UTC, as the writes count them
               if connection.dialect.name == "postgresql" else "e.created")
    month = (f"CAST(EXTRACT(YEAR FROM {created}) AS INTEGER), "
             f"CAST(EXTRACT(MONTH FROM {created}) AS INTEGER)"
             if connection.dialect.name == "postgresql" else
             "CAST(strftime('%Y', e.created) AS INTEGER), "
             "CAST(strftime('%m', e.created) AS INTEGER)")
    page = sa.text(f"SELECT e.id, e.resource_ids, j.request, {month}, e.format "
                   "FROM download_events e JOIN download_jobs j ON j.id = e.job_id "
                   "WHERE e.id > :after ORDER BY e.id LIMIT :size")
    insert = sa.text("INSERT INTO download_event_resources (event_id, resource_id, dataset_id, "
                     "records) VALUES (:event_id, :resource_id, :dataset_id, :records)")
    totals: Totals = {}
    named: dict[tuple[str, ...], str] = {}  # each set's name, made once
    after = -1
    while events := connection.execute(page, {"after": after, "size": BATCH}).all():
        rows = []
        for event in events:
            mine = _rows(event, datasets)
            _add(totals, named, event, {row["resource_id"]: row["records"] for row in mine})
            rows += mine
        if rows:
            connection.execute(insert, rows)
        after = events[-1][0]
    _write_totals(connection, totals)


def _add(totals: Totals, named: dict[tuple[str, ...], str], event: Sequence[Any],
         records: dict[str, int]) -> None:
    """Add one event (with the records each of its resources gave) to ``totals``."""
    *_, year, month, fmt = event
    ids = tuple(sorted(records))
    name = named.get(ids) or named.setdefault(ids, _resource_set(ids))
    for rid, n in records.items():
        got = totals.setdefault((int(year), int(month), str(fmt), name, rid), [0, 0])
        got[0] += 1
        got[1] += n


def _write_totals(connection: sa.Connection, totals: Totals) -> None:
    insert = sa.text("INSERT INTO download_totals (year, month, format, resources, resource_id, "
                     "events, records) VALUES (:year, :month, :format, :resources, "
                     ":resource_id, :events, :records)")
    rows = [{"year": y, "month": m, "format": f, "resources": s, "resource_id": r,
             "events": n[0], "records": n[1]} for (y, m, f, s, r), n in totals.items()]
    for start in range(0, len(rows), BATCH):
        connection.execute(insert, rows[start:start + BATCH])


def _resource_set(resource_ids: Iterable[str]) -> str:
    """As :func:`holotype.catalog.download_totals.resource_set` names a set of resources."""
    return hashlib.sha256("\n".join(sorted(resource_ids)).encode()).hexdigest()


def _rows(event: Sequence[Any], datasets: dict[str, str]) -> list[dict[str, Any]]:
    event_id, resource_ids, request = event[:3]
    named = set(json.loads(resource_ids))
    rows: list[dict[str, Any]] = []
    for pin in json.loads(request).get("resources", []):
        rid = pin.get("id")
        if rid in named and rid in datasets:
            named.discard(rid)  # each resource once per event
            rows.append({"event_id": event_id, "resource_id": rid,
                         "dataset_id": datasets[rid], "records": int(pin.get("count", 0))})
    return rows


def downgrade() -> None:
    op.drop_table("download_totals")
    op.drop_table("download_event_resources")
