"""Download usage by resource: download_event_resources (the records each resource gave to
each download served), back-filled from the jobs' pinned requests.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

The back-fill reads every event's job request (its ``resources`` pins hold each resource's
count) once; an event's row is written for each pinned resource the event names that still
exists in the catalogue (its dataset is read from there). Resources removed since cannot be
placed in a dataset and are left out, as the statistics could not show them anyway.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
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
    _backfill(op.get_bind())


def _backfill(connection: sa.Connection) -> None:
    """Rows for the events served before this table existed, a batch of events at a time."""
    datasets: dict[str, str] = {
        str(rid): str(dataset)
        for rid, dataset in connection.execute(sa.text("SELECT id, dataset_id FROM resources"))}
    page = sa.text("SELECT e.id, e.resource_ids, j.request FROM download_events e "
                   "JOIN download_jobs j ON j.id = e.job_id WHERE e.id > :after "
                   "ORDER BY e.id LIMIT :size")
    insert = sa.text("INSERT INTO download_event_resources (event_id, resource_id, dataset_id, "
                     "records) VALUES (:event_id, :resource_id, :dataset_id, :records)")
    after = -1
    while events := connection.execute(page, {"after": after, "size": BATCH}).all():
        rows = [row for event in events for row in _rows(event, datasets)]
        if rows:
            connection.execute(insert, rows)
        after = events[-1][0]


def _rows(event: Sequence[Any], datasets: dict[str, str]) -> list[dict[str, object]]:
    event_id, resource_ids, request = event
    named = set(json.loads(resource_ids))
    rows: list[dict[str, object]] = []
    for pin in json.loads(request).get("resources", []):
        rid = pin.get("id")
        if rid in named and rid in datasets:
            named.discard(rid)  # each resource once per event
            rows.append({"event_id": event_id, "resource_id": rid,
                         "dataset_id": datasets[rid], "records": int(pin.get("count", 0))})
    return rows


def downgrade() -> None:
    op.drop_table("download_event_resources")
