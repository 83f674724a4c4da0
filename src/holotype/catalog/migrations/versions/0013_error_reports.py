"""Error reports: a record's wrong fields with the values proposed, and each report's
statuses (new, acknowledged, fixed, rejected).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "status IN ('new', 'acknowledged', 'fixed', 'rejected')"


def upgrade() -> None:
    op.create_table(
        "error_reports",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("dataset_id", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(512), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reporter_id", sa.String(32), nullable=True),
        sa.Column("reporter_name", sa.String(300), nullable=False),
        sa.Column("reporter_email", sa.String(320), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(STATUSES, name=op.f("ck_error_reports_status")),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"],
                                name=op.f("fk_error_reports_dataset_id_datasets"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"],
                                name=op.f("fk_error_reports_resource_id_resources"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"],
                                name=op.f("fk_error_reports_reporter_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_reports")),
    )
    op.create_index(op.f("ix_error_reports_dataset_id_status"), "error_reports",
                    ["dataset_id", "status"])
    op.create_index(op.f("ix_error_reports_resource_id_record_id"), "error_reports",
                    ["resource_id", "record_id"])
    op.create_index(op.f("ix_error_reports_reporter_id"), "error_reports", ["reporter_id"])
    op.create_table(
        "error_report_fields",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(255), nullable=False),
        sa.Column("seen", sa.Text(), nullable=False),
        sa.Column("proposed", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["error_reports.id"],
                                name=op.f("fk_error_report_fields_report_id_error_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_report_fields")),
    )
    op.create_index(op.f("ix_error_report_fields_report_id"), "error_report_fields",
                    ["report_id"])
    op.create_table(
        "error_report_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(32), nullable=True),
        sa.Column("actor_name", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(STATUSES, name=op.f("ck_error_report_events_status")),
        sa.ForeignKeyConstraint(["report_id"], ["error_reports.id"],
                                name=op.f("fk_error_report_events_report_id_error_reports"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_error_report_events_actor_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_report_events")),
    )
    op.create_index(op.f("ix_error_report_events_report_id"), "error_report_events",
                    ["report_id"])


def downgrade() -> None:
    op.drop_table("error_report_events")
    op.drop_table("error_report_fields")
    op.drop_table("error_reports")
