"""What the dataset editor offers an identity: the organisations it may publish in, the
licences and categories, and whether it may choose the visibility, all as the policy decides.

Saving goes through :mod:`holotype.services.publishing` (``package_create`` and
``package_change``), the one path by which the catalogue's datasets change, with its checks,
permissions and audit; this module only answers what the form may show.
"""

from __future__ import annotations

from dataclasses import dataclass

from holotype.catalog.licences import LICENCES, Licence
from holotype.catalog.models import Category
from holotype.catalog.snapshots import DatasetInfo, OrganisationInfo
from holotype.errors import SignInRequired
from holotype.services import catalogue_view, guard, policy
from holotype.services.context import Portal
from holotype.services.identity import Identity, Kind


@dataclass(frozen=True)
class EditorChoices:
    organisations: tuple[OrganisationInfo, ...]  # those the identity may publish in
    no_organisation: bool  # may the dataset have none (sysadmins only)
    licences: tuple[Licence, ...]
    categories: tuple[str, ...]
    visibility: bool  # may the identity choose public or private


def _publishable(portal: Portal, identity: Identity) -> tuple[OrganisationInfo, ...]:
    return tuple(o for o in catalogue_view.organisations(portal)
                 if policy.may_create_dataset(identity, o.id))


def _choices(portal: Portal, identity: Identity, visibility: bool) -> EditorChoices:
    return EditorChoices(
        organisations=_publishable(portal, identity),
        no_organisation=policy.may_create_dataset(identity, None),
        licences=LICENCES, categories=tuple(c.value for c in Category), visibility=visibility)


def may_create_any(portal: Portal, identity: Identity) -> bool:
    """Whether ``identity`` may create a dataset somewhere (the "New dataset" link)."""
    if identity.kind == Kind.ANONYMOUS:
        return False
    return policy.may_create_dataset(identity, None) or bool(_publishable(portal, identity))


def new_dataset(portal: Portal, identity: Identity) -> EditorChoices:
    """The choices of the new-dataset form; refused to those who may create none."""
    if identity.kind == Kind.ANONYMOUS:
        raise SignInRequired("sign in to create a dataset")
    found = _choices(portal, identity, visibility=True)
    guard.require(portal, identity, bool(found.organisations) or found.no_organisation,
                  "you may not create datasets: an organisation's admin can make you one of "
                  "its editors", target_type="dataset", target_id="new")
    return found


def edit_dataset(portal: Portal, identity: Identity, ref: str
                 ) -> tuple[catalogue_view.DatasetEntry, EditorChoices]:
    """The dataset ``ref`` and the choices of its edit form; a dataset the identity may read
    but not change is refused (403), one it may not read is not found (404)."""
    if identity.kind == Kind.ANONYMOUS:
        raise SignInRequired("sign in to change a dataset")
    entry = catalogue_view.dataset(portal, identity, ref, field="dataset")
    dataset = entry.dataset
    guard.require(portal, identity, policy.may_manage(identity, dataset),
                  f"you may not change dataset {dataset.slug!r}: its organisation's editors "
                  "and admins may", target_type="dataset", target_id=dataset.id,
                  organisation_id=dataset.organisation_id)
    return entry, _choices(portal, identity, policy.may_change_visibility(identity, dataset))


def may_edit(identity: Identity, dataset: DatasetInfo) -> bool:
    """Whether the dataset page links to the editor for ``identity``."""
    return policy.may_manage(identity, dataset)
