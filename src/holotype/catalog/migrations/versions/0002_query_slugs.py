"""Short links for searches: the query_slugs table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "query_slugs",
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("query_version", sa.String(16), nullable=False),
        sa.Column("query_hash", sa.String(128), nullable=False),
        sa.Column("resource_ids", sa.Text(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_query_slugs")),
        sa.UniqueConstraint("key", name=op.f("uq_query_slugs_key")),
    )


def downgrade() -> None:
    op.drop_table("query_slugs")
