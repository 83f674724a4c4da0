"""Drafts: files staged and reviewed in the background before they are published.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'queued', 'reading', 'reviewing', 'ready', 'failed'"


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("dataset_id", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(32), nullable=True),
        sa.Column("resource_name", sa.String(255), nullable=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("fmt", sa.String(16), nullable=True),
        sa.Column("id_field", sa.String(200), nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("step", sa.String(200), nullable=True),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_drafts_status")),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"],
                                name=op.f("fk_drafts_dataset_id_datasets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"],
                                name=op.f("fk_drafts_resource_id_resources"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    op.create_index(op.f("ix_drafts_dataset_id"), "drafts", ["dataset_id"])
    op.create_index(op.f("ix_drafts_status_created"), "drafts", ["status", "created"])


def downgrade() -> None:
    op.drop_table("drafts")
