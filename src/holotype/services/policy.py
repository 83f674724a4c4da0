"""The one place that decides what an identity may see and do.

Reading: a public dataset's records and metadata are anyone's; a private dataset is invisible
(it answers "not found", as an unknown one does, so its existence does not leak) to everyone
but its organisation's members (any role) and sysadmins (the operator at the command line is
one); a dataset of no organisation is also its owner's. Changing: editors and admins create,
change and publish their organisation's datasets and change their visibility; admins also
manage its members (never granting more than admin: sysadmin is granted only by a sysadmin, at
the command line); members only read. Sysadmins do everything. An API token may narrow any of
this to reading (:func:`require_scope`).

Every service asks here; nothing else compares visibilities or roles. See docs/permissions.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, false, or_, true

from holotype.catalog.models import Dataset, Role, Visibility
from holotype.catalog.snapshots import DatasetInfo
from holotype.errors import Forbidden
from holotype.services.identity import Identity, Scope

RANK = {Role.MEMBER.value: 1, Role.EDITOR.value: 2, Role.ADMIN.value: 3}


def require(allowed: bool, message: str, field: str | None = None) -> None:
    """Refuse (403, naming ``field`` when one caused it) unless ``allowed``."""
    if not allowed:
        raise Forbidden(message, field=field)


def is_sysadmin(identity: Identity) -> bool:
    return identity.sysadmin


def sees_private(identity: Identity) -> bool:
    """Whether every private dataset is visible to ``identity``."""
    return is_sysadmin(identity)


def _ranks_at_least(identity: Identity, organisation_id: str | None, role: Role) -> bool:
    held = identity.role_in(organisation_id) if organisation_id is not None else None
    return held is not None and RANK.get(held, 0) >= RANK[role.value]


def _writes(identity: Identity) -> bool:
    return Scope.WRITE in identity.scopes


def may_read(identity: Identity, visibility: str, organisation_id: str | None = None,
             owner_id: str | None = None) -> bool:
    """Whether ``identity`` may see a dataset of this visibility (of this organisation and
    owner), its resources and records."""
    # An organisation's dataset is read through the organisation alone, so that someone who
    # leaves it loses its private datasets, even those they made; only a dataset of no
    # organisation is read through its owner.
    if organisation_id is not None:
        return (visibility == Visibility.PUBLIC.value or sees_private(identity)
                or organisation_id in identity.organisations)
    return (visibility == Visibility.PUBLIC.value or sees_private(identity)
            or (owner_id is not None and owner_id == identity.user_id))


def may_read_dataset(identity: Identity, dataset: DatasetInfo) -> bool:
    return may_read(identity, dataset.visibility, dataset.organisation_id, dataset.owner_id)


def readable_datasets(identity: Identity) -> ColumnElement[bool]:
    """The catalogue condition on :class:`Dataset` rows ``identity`` may see (for listings):
    the same decision as :func:`may_read`, as SQL."""
    if sees_private(identity):
        return true()
    conditions: list[ColumnElement[bool]] = [Dataset.visibility == Visibility.PUBLIC.value]
    if identity.organisations:
        conditions.append(Dataset.organisation_id.in_(sorted(identity.organisations)))
    if identity.user_id is not None:
        conditions.append(and_(Dataset.organisation_id.is_(None),
                               Dataset.owner_id == identity.user_id))
    return or_(*conditions) if len(conditions) > 1 else conditions[0]


def scope(identity: Identity) -> str:
    """A key that is equal for identities that see the same datasets (for caches): every
    member of the same organisations shares one; a signed-in user is set apart by id only
    because it may own private datasets outside them."""
    if sees_private(identity):
        return "all"
    if not identity.organisations and identity.user_id is None:
        return "public"
    orgs = ",".join(sorted(identity.organisations))
    digest = hashlib.sha1(orgs.encode(), usedforsecurity=False).hexdigest()[:16]
    return f"orgs:{digest}:u:{identity.user_id or ''}"


def may_manage(identity: Identity, dataset: DatasetInfo | None = None) -> bool:
    """Whether ``identity`` may change ``dataset`` (its metadata, resources and records): an
    editor or admin of its organisation, or a sysadmin. With none, the catalogue at large (the
    site's settings, every DOI, the demo): sysadmins only."""
    if not _writes(identity):
        return False
    if is_sysadmin(identity):
        return True
    return dataset is not None and _ranks_at_least(identity, dataset.organisation_id, Role.EDITOR)


def require_manage(identity: Identity, dataset: DatasetInfo | None = None) -> None:
    """Refuse a change to the catalogue or the records unless ``identity`` may make it."""
    if dataset is None:
        require(may_manage(identity), "only a sysadmin may change this")
    else:
        require(may_manage(identity, dataset),
                f"only an editor or admin of dataset {dataset.slug!r}'s organisation may "
                "change it", field="dataset")


def may_handle_reports(identity: Identity, dataset: DatasetInfo) -> bool:
    """Whether ``identity`` maintains ``dataset`` for error reports (is sent them, sees them in
    its inbox, changes their status): an editor or admin of its organisation, its owner when it
    has no organisation, or a sysadmin. Changing a status also needs the write scope."""
    if is_sysadmin(identity):
        return True
    if dataset.organisation_id is None:
        return dataset.owner_id is not None and dataset.owner_id == identity.user_id
    return _ranks_at_least(identity, dataset.organisation_id, Role.EDITOR)


def handled_datasets(identity: Identity) -> ColumnElement[bool]:
    """The catalogue condition on :class:`Dataset` rows whose error reports ``identity``
    handles: the same decision as :func:`may_handle_reports`, as SQL."""
    if is_sysadmin(identity):
        return true()
    editing = sorted(org for org, role in identity.roles
                     if RANK.get(role, 0) >= RANK[Role.EDITOR.value])
    conditions: list[ColumnElement[bool]] = [false()]
    if editing:
        conditions.append(Dataset.organisation_id.in_(editing))
    if identity.user_id is not None:
        conditions.append(and_(Dataset.organisation_id.is_(None),
                               Dataset.owner_id == identity.user_id))
    return or_(*conditions)


def may_create_dataset(identity: Identity, organisation_id: str | None) -> bool:
    """Editors and admins create datasets in their organisation; sysadmins anywhere."""
    if not _writes(identity):
        return False
    return is_sysadmin(identity) or _ranks_at_least(identity, organisation_id, Role.EDITOR)


def may_change_visibility(identity: Identity, dataset: DatasetInfo) -> bool:
    return may_manage(identity, dataset)


def may_publish(identity: Identity, dataset: DatasetInfo) -> bool:
    """Whether ``identity`` may publish a new version of ``dataset``'s records."""
    return may_manage(identity, dataset)


def may_manage_members(identity: Identity, organisation_id: str) -> bool:
    """Admins of the organisation, and sysadmins."""
    if not _writes(identity):
        return False
    return is_sysadmin(identity) or _ranks_at_least(identity, organisation_id, Role.ADMIN)


def may_set_role(identity: Identity, organisation_id: str, role: str) -> bool:
    """Whether ``identity`` may give someone ``role`` in the organisation: a role is one of
    member, editor, admin (sysadmin is no organisation role, so no admin grants it)."""
    return role in RANK and may_manage_members(identity, organisation_id)


def may_manage_organisations(identity: Identity) -> bool:
    """Creating and deleting organisations: sysadmins."""
    return is_sysadmin(identity) and _writes(identity)


def may_see_members(identity: Identity, organisation_id: str) -> bool:
    """An organisation's member list: its members and sysadmins."""
    return is_sysadmin(identity) or organisation_id in identity.organisations


def may_read_download(identity: Identity, requester_id: str | None,
                      datasets: Iterable[DatasetInfo]) -> bool:
    """Whether ``identity`` may see a download's status and file: it may read every dataset
    the download holds, and a download holding private data is its requester's (and a
    sysadmin's) alone, however many others could read the same data."""
    held = list(datasets)
    if not all(may_read_dataset(identity, d) for d in held):
        return False
    private = any(d.visibility != Visibility.PUBLIC.value for d in held)
    return not private or is_sysadmin(identity) or (
        requester_id is not None and requester_id == identity.user_id)


def may_cite(identity: Identity, datasets: Iterable[DatasetInfo]) -> bool:
    """Whether ``identity`` may cite these datasets: a citation (a DOI) is public, so only
    public datasets may be cited, whoever asks."""
    del identity
    return all(d.visibility == Visibility.PUBLIC.value for d in datasets)


def may_view_audit(identity: Identity) -> bool:
    return is_sysadmin(identity)


def require_scope(identity: Identity, wanted: Scope) -> None:
    """Refuse when the request's API token does not allow ``wanted``."""
    require(wanted in identity.scopes,
            f"this API token may not {wanted.value}; create one with the {wanted.value} scope")



def may_see_corrections(identity: Identity, dataset: DatasetInfo) -> bool:
    """Whether ``identity`` sees the accepted corrections of ``dataset`` in full (their
    export, the error reports they came from): the maintainers who may change it (an editor
    or admin of its organisation, a sysadmin), also when the request may only read."""
    return is_sysadmin(identity) or _ranks_at_least(identity, dataset.organisation_id,
                                                    Role.EDITOR)


def may_see_corrector(identity: Identity, dataset: DatasetInfo) -> bool:
    """Whether a record's history names who accepted its corrections: the dataset's
    maintainers and whoever sees its organisation's members (others read that the
    maintainers corrected it, as membership is not public)."""
    return may_see_corrections(identity, dataset) or (
        dataset.organisation_id is not None
        and may_see_members(identity, dataset.organisation_id))
