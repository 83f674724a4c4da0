"""Accounts: users gain a password, a verified email, sysadmin, state and source; sign-in
sessions, failed sign-ins, email tokens, external identities and the audit trail.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                   name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
        batch.add_column(_timestamp("email_verified", nullable=True))
        batch.add_column(sa.Column("sysadmin", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("state", sa.String(16), nullable=False,
                                   server_default="active"))
        batch.add_column(sa.Column("source", sa.String(16), nullable=False,
                                   server_default="local"))
        batch.add_column(_timestamp("last_sign_in", nullable=True))
        batch.create_check_constraint(op.f("ck_users_state"),
                                      "state IN ('active', 'pending', 'disabled')")
        batch.create_check_constraint(op.f("ck_users_source"),
                                      "source IN ('local', 'ldap', 'oidc')")
    with op.batch_alter_table("users") as batch:  # the defaults only filled existing rows
        batch.alter_column("sysadmin", server_default=None)
        batch.alter_column("state", server_default=None)
        batch.alter_column("source", server_default=None)

    op.create_table(
        "user_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("csrf_secret", sa.String(64), nullable=False),
        _timestamp("created"),
        _timestamp("expires"),
        sa.Column("address", sa.String(64), nullable=False),
        _user_fk("user_sessions"),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_user_sessions")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_index(op.f("ix_user_sessions_expires"), "user_sessions", ["expires"])

    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        _timestamp("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index(op.f("ix_sign_in_failures_key_at"), "sign_in_failures", ["key", "at"])

    op.create_table(
        "email_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        _timestamp("expires"),
        _timestamp("used", nullable=True),
        sa.CheckConstraint("purpose IN ('verify', 'reset')",
                           name=op.f("ck_email_tokens_purpose")),
        _user_fk("email_tokens"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_email_tokens")),
    )
    op.create_index(op.f("ix_email_tokens_user_id"), "email_tokens", ["user_id"])

    op.create_table(
        "external_identities",
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        _user_fk("external_identities"),
        sa.PrimaryKeyConstraint("provider", "subject", name=op.f("pk_external_identities")),
    )
    op.create_index(op.f("ix_external_identities_user_id"), "external_identities", ["user_id"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(32), nullable=False),
        _timestamp("at"),
        sa.Column("actor_id", sa.String(32), nullable=True),
        sa.Column("actor_name", sa.String(300), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(300), nullable=False),
        sa.Column("organisation_id", sa.String(32), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint("via IN ('session', 'token', 'cli', 'ldap', 'oidc', 'anonymous')",
                           name=op.f("ck_audit_events_via")),
        sa.CheckConstraint("outcome IN ('ok', 'refused')", name=op.f("ck_audit_events_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])


def downgrade() -> None:
    for table in ("audit_events", "external_identities", "email_tokens", "sign_in_failures",
                  "user_sessions"):
        op.drop_table(table)
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_source"), type_="check")
        batch.drop_constraint(op.f("ck_users_state"), type_="check")
        for column in ("last_sign_in", "source", "state", "sysadmin", "email_verified",
                       "password_hash"):
            batch.drop_column(column)
