"""Alembic environment: runs on the connection that :mod:`holotype.catalog.db` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from holotype.catalog.schema import metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "catalogue migrations run through holotype.catalog.db.upgrade(), "
            "which supplies the database connection"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
