"""Error reports keep a keyed hash of the sender's address, so the hourly limit per client is
counted in the catalogue, alike for every server process.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("error_reports", sa.Column("client_hash", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_error_reports_client_hash_created"), "error_reports",
                    ["client_hash", "created"])


def downgrade() -> None:
    op.drop_index(op.f("ix_error_reports_client_hash_created"), table_name="error_reports")
    with op.batch_alter_table("error_reports") as batch:
        batch.drop_column("client_hash")
