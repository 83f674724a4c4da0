"""The catalogue as an identity sees it: datasets, resources and organisations, each answer
opened and closed here (the web layer never holds a catalogue session), each through the one
policy (:mod:`holotype.services.visible`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from holotype.catalog.snapshots import DatasetInfo, OrganisationInfo, ResourceInfo
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.visible import readable_dataset, readable_datasets, readable_resource


@dataclass(frozen=True)
class DatasetEntry:
    """A dataset with its resources and its publishing organisation."""

    dataset: DatasetInfo
    resources: list[ResourceInfo]
    organisation: OrganisationInfo | None


def datasets(
    portal: Portal, identity: Identity, organisation: str | None = None
) -> list[DatasetInfo]:
    """The datasets ``identity`` may see (optionally of one organisation), by slug."""
    with portal.session() as session:
        return readable_datasets(session, identity, organisation=organisation)


def entries(portal: Portal, found: list[DatasetInfo]) -> list[DatasetEntry]:
    """Resources and organisations of datasets already read through the policy."""
    with portal.session() as session:
        return [_entry(session, dataset) for dataset in found]


def dataset(portal: Portal, identity: Identity, ref: str, field: str = "id") -> DatasetEntry:
    """One dataset ``identity`` may see; NotFound, in the words of an unknown one, if not."""
    with portal.session() as session:
        return _entry(session, readable_dataset(session, identity, ref, field=field))


def resource(portal: Portal, identity: Identity, ref: str, field: str = "id") -> ResourceInfo:
    """One resource whose dataset ``identity`` may see; NotFound, as an unknown one, if not."""
    with portal.session() as session:
        return readable_resource(session, identity, ref, field=field)


def organisations(portal: Portal) -> list[OrganisationInfo]:
    """Every organisation (organisations are public; their private datasets are not)."""
    with portal.session() as session:
        return catalogue.list_organisations(session)


def organisation(
    portal: Portal, identity: Identity, ref: str
) -> tuple[OrganisationInfo, list[DatasetInfo]]:
    """An organisation and the datasets of it ``identity`` may see."""
    with portal.session() as session:
        found = catalogue.get_organisation(session, ref)
        return found, readable_datasets(session, identity, organisation=found.id)


def publisher(session: Session, found: DatasetInfo) -> OrganisationInfo | None:
    """The organisation that publishes a dataset, if it has one."""
    return catalogue.get_organisation(session, found.organisation) if found.organisation else None


def _entry(session: Session, found: DatasetInfo) -> DatasetEntry:
    return DatasetEntry(found, catalogue.list_resources(session, found.id),
                        publisher(session, found))
