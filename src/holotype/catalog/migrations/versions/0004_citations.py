"""Citations: query_citations (searches pinned to versions) and dois (DOIs and their outbox).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "query_citations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("doi", sa.String(255), nullable=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("query_version", sa.String(16), nullable=False),
        sa.Column("query_hash", sa.String(128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=True),
        sa.Column("resources", sa.Text(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("creators", sa.Text(), nullable=False),
        sa.Column("licences", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_query_citations")),
        sa.UniqueConstraint("key", name=op.f("uq_query_citations_key")),
        sa.UniqueConstraint("doi", name=op.f("uq_query_citations_doi")),
    )
    op.create_table(
        "dois",
        sa.Column("doi", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dataset_id", sa.String(32), nullable=True),
        sa.Column("citation_id", sa.String(32), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("tombstone", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("synced_revision", sa.Integer(), nullable=False),
        sa.Column("registrar_state", sa.String(16), nullable=True),
        sa.Column("sync_status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('dataset', 'query')", name=op.f("ck_dois_kind")),
        sa.CheckConstraint("state IN ('draft', 'registered', 'findable')",
                           name=op.f("ck_dois_state")),
        sa.CheckConstraint("sync_status IN ('pending', 'synced', 'failed')",
                           name=op.f("ck_dois_sync_status")),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"],
                                name=op.f("fk_dois_dataset_id_datasets"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["citation_id"], ["query_citations.id"],
                                name=op.f("fk_dois_citation_id_query_citations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doi", name=op.f("pk_dois")),
    )
    op.create_index(op.f("ix_dois_dataset_id"), "dois", ["dataset_id"])
    op.create_index(op.f("ix_dois_sync_status_next_attempt"), "dois",
                    ["sync_status", "next_attempt"])


def downgrade() -> None:
    op.drop_table("dois")
    op.drop_table("query_citations")
