"""What the catalogue's use cases share: a unit of work, and finding a row by slug or id."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeGuard, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from holotype.catalog import validation as check
from holotype.catalog.models import Dataset, Organisation, User
from holotype.errors import Conflict, Invalid

_Named = TypeVar("_Named", Organisation, User, Dataset)


@contextmanager
def unit_of_work(session: Session, conflict: Conflict) -> Iterator[None]:
    """Commit what the block did; on any error roll back. Field errors become Invalid and
    integrity errors ``conflict`` (a concurrent writer got there first)."""
    try:
        yield
        session.commit()
    except check.FieldError as exc:
        session.rollback()
        raise Invalid(exc.message, field=exc.field) from None
    except IntegrityError as exc:
        session.rollback()
        raise conflict from exc
    except BaseException:
        session.rollback()
        raise


def one_by_slug_or_id(
    session: Session, model: type[_Named], name_column: Any, ref: object
) -> _Named | None:
    if not is_reference(ref):
        return None
    rows = session.scalars(select(model).where(or_(model.id == ref, name_column == ref))).all()
    # An id match wins over a name that happens to look like an id.
    return next((row for row in rows if row.id == ref), rows[0] if rows else None)


def is_reference(ref: object) -> TypeGuard[str]:
    # NUL cannot even be sent to PostgreSQL, so such a name cannot exist.
    return isinstance(ref, str) and "\x00" not in ref
