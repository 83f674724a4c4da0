"""Roles and requesters (issue 17): who granted each role (memberships.source, so a directory
sync replaces only its own grants), who asked for each download (download_jobs.requester_id,
so it runs as that user), and an index for the policy's "public, or of my organisations".

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False,
                                   server_default="local"))
        batch.create_check_constraint("source", "source IN ('local', 'ldap', 'oidc')")
    with op.batch_alter_table("download_jobs") as batch:
        batch.add_column(sa.Column("requester_id", sa.String(32), nullable=True))
        batch.create_foreign_key(op.f("fk_download_jobs_requester_id_users"), "users",
                                 ["requester_id"], ["id"], ondelete="SET NULL")
        batch.create_index(op.f("ix_download_jobs_requester_id"), ["requester_id"])
    op.create_index(op.f("ix_datasets_visibility_organisation_id"), "datasets",
                    ["visibility", "organisation_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_datasets_visibility_organisation_id"), table_name="datasets")
    with op.batch_alter_table("download_jobs") as batch:
        batch.drop_index(op.f("ix_download_jobs_requester_id"))
        batch.drop_constraint(op.f("fk_download_jobs_requester_id_users"), type_="foreignkey")
        batch.drop_column("requester_id")
    with op.batch_alter_table("memberships") as batch:
        batch.drop_constraint("source", type_="check")
        batch.drop_column("source")
