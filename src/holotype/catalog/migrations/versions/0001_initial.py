"""Initial catalogue: organisations, users, memberships, datasets, creators, keywords, resources.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _timestamp("created"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisations_slug")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(300), nullable=False),
        _timestamp("created"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("organisation_id", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _timestamp("created"),
        sa.PrimaryKeyConstraint("user_id", "organisation_id", name=op.f("pk_memberships")),
        sa.CheckConstraint(
            "role IN ('member', 'editor', 'admin')", name=op.f("ck_memberships_role")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_memberships_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_memberships_organisation_id"), "memberships", ["organisation_id"])
    op.create_table(
        "datasets",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("licence", sa.String(32), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("doi", sa.String(255), nullable=True),
        sa.Column("organisation_id", sa.String(32), nullable=True),
        sa.Column("owner_id", sa.String(32), nullable=True),
        _timestamp("created"),
        _timestamp("modified"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
        sa.UniqueConstraint("slug", name=op.f("uq_datasets_slug")),
        sa.UniqueConstraint("doi", name=op.f("uq_datasets_doi")),
        sa.CheckConstraint(
            "category IN ('collection', 'research')", name=op.f("ck_datasets_category")
        ),
        sa.CheckConstraint(
            "visibility IN ('public', 'private')", name=op.f("ck_datasets_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_datasets_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_datasets_owner_id_users"), ondelete="SET NULL"
        ),
    )
    op.create_index(op.f("ix_datasets_organisation_id"), "datasets", ["organisation_id"])
    op.create_index(op.f("ix_datasets_owner_id"), "datasets", ["owner_id"])
    op.create_table(
        "dataset_creators",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("orcid", sa.String(19), nullable=True),
        sa.Column("affiliation", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_creators")),
        sa.UniqueConstraint(
            "dataset_id", "position", name=op.f("uq_dataset_creators_dataset_id_position")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_dataset_creators_position")),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_dataset_creators_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "dataset_keywords",
        sa.Column("dataset_id", sa.String(32), nullable=False),
        sa.Column("keyword", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "keyword", name=op.f("pk_dataset_keywords")),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_dataset_keywords_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "resources",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("dataset_id", sa.String(32), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("id_field", sa.String(200), nullable=True),
        _timestamp("created"),
        _timestamp("modified"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
        sa.UniqueConstraint("dataset_id", "slug", name=op.f("uq_resources_dataset_id_slug")),
        sa.CheckConstraint("kind IN ('records', 'file')", name=op.f("ck_resources_kind")),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_resources_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("resources")
    op.drop_table("dataset_keywords")
    op.drop_table("dataset_creators")
    op.drop_index(op.f("ix_datasets_owner_id"), table_name="datasets")
    op.drop_index(op.f("ix_datasets_organisation_id"), table_name="datasets")
    op.drop_table("datasets")
    op.drop_index(op.f("ix_memberships_organisation_id"), table_name="memberships")
    op.drop_table("memberships")
    op.drop_table("users")
    op.drop_table("organisations")
