"""Media registry: media (each medium seen), media_uses (which resources name it) and
media_scans (up to which version a resource's media are registered).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "media_uses",
        sa.Column("media_id", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["media_id"], ["media.id"],
                                name=op.f("fk_media_uses_media_id_media"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"],
                                name=op.f("fk_media_uses_resource_id_resources"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("media_id", "resource_id", name=op.f("pk_media_uses")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_media_uses_resource_id"), "media_uses", ["resource_id"])
    op.create_table(
        "media_scans",
        sa.Column("resource_id", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"],
                                name=op.f("fk_media_scans_resource_id_resources"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("resource_id", name=op.f("pk_media_scans")),
    )


def downgrade() -> None:
    op.drop_table("media_scans")
    op.drop_table("media_uses")
    op.drop_table("media")
