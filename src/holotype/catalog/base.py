"""What every catalogue table module shares: the declarative base and column conventions.

The table modules (:mod:`~holotype.catalog.models`, :mod:`~holotype.catalog.downloads`) build
on this one and never on each other; :mod:`holotype.catalog.schema` gathers them all for the
migrations.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import CheckConstraint, MetaData
from sqlalchemy.orm import DeclarativeBase

ID_LENGTH = 32
CHOICE_MAX = 16

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_id() -> str:
    """A new primary key: a random UUID4 as 32 hex digits."""
    return uuid.uuid4().hex


def one_of(column: str, choices: type[StrEnum]) -> CheckConstraint:
    """A CHECK constraint, named after the column, allowing only the enum's values."""
    allowed = ", ".join(f"'{choice.value}'" for choice in choices)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)
