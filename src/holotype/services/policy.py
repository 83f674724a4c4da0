"""The one place that decides what an identity may see and do.

Reading: a public dataset's records and metadata are anyone's; a private dataset is invisible
(it answers "not found", as an unknown one does, so its existence does not leak) to everyone
but those allowed. Changing the catalogue or the records (creating, ingesting, deleting) is for
those with the right role. Every service asks here; nothing else compares visibilities or roles.

Today only sysadmins (the site's operator at the command line) see private datasets and change
anything; organisation roles (issue 17) extend these functions' bodies, not their callers.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, true

from holotype.catalog.models import Dataset, Visibility
from holotype.catalog.snapshots import DatasetInfo
from holotype.errors import Forbidden
from holotype.services.identity import Identity, Scope


def require(allowed: bool, message: str, field: str | None = None) -> None:
    """Refuse (403, naming ``field`` when one caused it) unless ``allowed``."""
    if not allowed:
        raise Forbidden(message, field=field)


def is_sysadmin(identity: Identity) -> bool:
    return identity.sysadmin


def sees_private(identity: Identity) -> bool:
    """Whether every private dataset is visible to ``identity``."""
    return is_sysadmin(identity)


def may_read(identity: Identity, visibility: str, organisation_id: str | None = None,
             owner_id: str | None = None) -> bool:
    """Whether ``identity`` may see a dataset of this visibility (of this organisation and
    owner), its resources and records."""
    del organisation_id, owner_id  # organisation roles: issue 17
    return visibility == Visibility.PUBLIC.value or sees_private(identity)


def may_read_dataset(identity: Identity, dataset: DatasetInfo) -> bool:
    return may_read(identity, dataset.visibility, dataset.organisation_id, dataset.owner_id)


def readable_datasets(identity: Identity) -> ColumnElement[bool]:
    """The catalogue condition on :class:`Dataset` rows ``identity`` may see (for listings)."""
    if sees_private(identity):
        return true()
    return Dataset.visibility == Visibility.PUBLIC.value


def scope(identity: Identity) -> str:
    """A key that is equal for identities that see the same datasets (for caches)."""
    return "all" if sees_private(identity) else "public"


def may_manage(identity: Identity, dataset: DatasetInfo | None = None) -> bool:
    """Whether ``identity`` may change ``dataset`` (or, with none, the catalogue at large)."""
    del dataset
    return is_sysadmin(identity) and Scope.WRITE in identity.scopes


def require_manage(identity: Identity, dataset: DatasetInfo | None = None) -> None:
    """Refuse a change to the catalogue or the records unless ``identity`` may make it."""
    require(may_manage(identity, dataset),
            "only the site's operator may change datasets and their records")


def may_create_dataset(identity: Identity, organisation_id: str | None) -> bool:
    del organisation_id
    return may_manage(identity)


def may_change_visibility(identity: Identity, dataset: DatasetInfo) -> bool:
    return may_manage(identity, dataset)


def may_publish(identity: Identity, dataset: DatasetInfo) -> bool:
    """Whether ``identity`` may publish a new version of ``dataset``'s records."""
    return may_manage(identity, dataset)


def may_manage_members(identity: Identity, organisation_id: str) -> bool:
    del organisation_id
    return may_manage(identity)


def may_set_role(identity: Identity, organisation_id: str, role: str) -> bool:
    del role
    return may_manage_members(identity, organisation_id)


def may_manage_organisations(identity: Identity) -> bool:
    return may_manage(identity)


def may_read_download(identity: Identity, requester_id: str | None,
                      datasets: Iterable[DatasetInfo]) -> bool:
    """Whether ``identity`` may see a download's status and file: it may read every dataset
    the download holds (the requester is for the accounts to come)."""
    del requester_id
    return all(may_read_dataset(identity, d) for d in datasets)


def may_cite(identity: Identity, datasets: Iterable[DatasetInfo]) -> bool:
    """Whether ``identity`` may cite these datasets: citations are public, so only public
    datasets may be cited."""
    del identity
    return all(d.visibility == Visibility.PUBLIC.value for d in datasets)


def may_view_audit(identity: Identity) -> bool:
    return is_sysadmin(identity)


def require_scope(identity: Identity, wanted: Scope) -> None:
    """Refuse when the request's API token does not allow ``wanted``."""
    require(wanted in identity.scopes,
            f"this API token may not {wanted.value}; create one with the {wanted.value} scope")
