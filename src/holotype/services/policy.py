"""The one place that decides what an identity may see and do.

Reading: a public dataset's records and metadata are anyone's; a private dataset is invisible
(it answers "not found", as an unknown one does, so its existence does not leak) to everyone
but the site's operator. Changing the catalogue or the records (creating, ingesting, deleting)
is the operator's alone. Every service asks here; nothing else compares visibilities.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from holotype.catalog.models import Dataset, Visibility
from holotype.catalog.snapshots import DatasetInfo
from holotype.errors import Forbidden
from holotype.services.identity import Identity, Kind


def sees_private(identity: Identity) -> bool:
    """Whether private datasets are visible to ``identity``."""
    return identity.kind == Kind.OPERATOR


def may_read(identity: Identity, visibility: str) -> bool:
    """Whether ``identity`` may see a dataset of this visibility, its resources and records."""
    return visibility == Visibility.PUBLIC.value or sees_private(identity)


def may_read_dataset(identity: Identity, dataset: DatasetInfo) -> bool:
    return may_read(identity, dataset.visibility)


def readable_datasets(identity: Identity) -> ColumnElement[bool]:
    """The catalogue condition on :class:`Dataset` rows ``identity`` may see (for listings)."""
    if sees_private(identity):
        return true()
    return Dataset.visibility == Visibility.PUBLIC.value


def scope(identity: Identity) -> str:
    """A key that is equal for identities that see the same datasets (for caches)."""
    return "all" if sees_private(identity) else "public"


def may_manage(identity: Identity) -> bool:
    """Whether ``identity`` maintains the datasets (changes them, sees how they are used)."""
    return identity.kind == Kind.OPERATOR


def require_manage(identity: Identity) -> None:
    """Refuse a change to the catalogue or the records unless ``identity`` may make it."""
    if not may_manage(identity):
        raise Forbidden("only the site's operator may change datasets and their records")
