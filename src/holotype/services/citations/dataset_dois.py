"""Dataset DOIs, decided from the catalogue: one pass that brings every dataset's DOI (or the
given datasets') in line with the dataset, idempotent and cheap enough to run after every change.

For each dataset (none at all when the portal mints no DOIs):

- no DOI yet: one is allocated under the prefix (``datasets.doi`` set) and reserved;
- a DOI given by hand outside the prefix is the dataset's own business: left alone, never sent;
- public: findable, landing on the dataset page, ``{public_base_url}/dataset/<slug>``;
- private, never public: a draft (it does not resolve), landing on the dataset page;
- private after having been public (decided findable or registered, or held so by the
  registrar): the metadata stays what it last said publicly (never recomputed: DataCite shows a
  registered DOI's metadata to anyone asking by DOI) and the landing URL becomes the portal's
  page of the DOI, which says the dataset is not available; registered (hidden: DataCite has no
  way back to draft) once the registrar has held it registered or findable, else still a draft;
- the metadata (:func:`dataset_attributes`) follows title, creators, licence, description,
  keywords and organisation, and the data: the version is the number of versions committed
  across the dataset's record resources, the Updated date the latest commit.

A DOI whose dataset is gone (deleting it sets ``dois.dataset_id`` to NULL) keeps its last
metadata and gets a tombstone: its URL becomes ``{public_base_url}/doi/<prefix>/<suffix>``
(the portal's tombstone page) and, if it was ever registered or findable, it is registered
(hidden). A draft stays a draft: it never resolved, so nothing is published for it.

Decisions go through :func:`~holotype.services.citations.dois.change_doi`, which makes a new
revision only when something differs; the sync worker sends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from holotype.catalog.citations import Doi, DoiKind, DoiState
from holotype.catalog.licences import UnknownLicence, get_licence
from holotype.catalog.models import Dataset, Resource, ResourceKind, Visibility
from holotype.registrar import Agent, datacite_attributes
from holotype.services.citations.dois import (
    PUBLISHED,
    change_doi,
    doi_page_url,
    is_ours,
    metadata_of,
    minting,
    new_doi,
    normalise_doi,
    on_doi_page,
    record_doi,
)
from holotype.services.context import Portal


def dataset_attributes(portal: Portal, dataset: Dataset) -> dict[str, Any]:
    """The DataCite metadata of a dataset as it is now, with its data's versions."""
    versions = [v for r in dataset.resources if r.kind == ResourceKind.RECORDS.value
                for v in [portal.store.resource(r.id).versions()]]
    count = sum(len(vs) for vs in versions)
    latest = max((vs[-1].version for vs in versions if vs), default=None)
    records = sum(vs[-1].total for vs in versions if vs)
    organisation = dataset.organisation.name if dataset.organisation else None
    publisher = organisation or portal.settings.site_name
    try:
        licences = [get_licence(dataset.licence)]
    except UnknownLicence:
        licences = []
    return datacite_attributes(
        title=dataset.title,
        creators=list(dataset.creators) or [Agent(publisher, organisational=True)],
        publisher=publisher,
        publication_year=dataset.created.year,
        resource_type="Natural history collection data",
        description=dataset.description,
        licences=licences,
        version=str(count) if count else None,
        created=dataset.created,
        updated=None if latest is None else datetime.fromtimestamp(latest / 1000, UTC),
        keywords=[k.keyword for k in dataset.keywords],
        sizes=[f"{records} records"] if count else [],
    )


def _was_public(row: Doi) -> bool:
    """Whether the DOI may have said something publicly: decided findable or registered, held
    so by the registrar, or already frozen (landing on the portal's page of it)."""
    return row.state in PUBLISHED or row.registrar_state in PUBLISHED or on_doi_page(row)


def _withdraw(session: Session, portal: Portal, row: Doi) -> bool:
    """The DOI of a private dataset that may have been public: frozen at what it last said
    (nothing of the dataset as it is now reaches DataCite, where a registered DOI's metadata
    can still be read), landing on the portal's page that says it is not available. Registered
    (hidden: DataCite has no way back to draft) once the registrar has held it registered or
    findable; a draft while it never got that far."""
    state = DoiState.REGISTERED if row.registrar_state in PUBLISHED else DoiState.DRAFT
    return change_doi(session, row, state=state, url=doi_page_url(portal.settings, row.doi),
                      metadata=metadata_of(row))


def _decide(session: Session, portal: Portal, dataset: Dataset, row: Doi | None) -> bool:
    settings = portal.settings
    if dataset.doi is None:
        dataset.doi = new_doi(settings)
    elif not is_ours(settings, dataset.doi):
        return False  # a DOI from elsewhere, given by hand
    doi = normalise_doi(dataset.doi)
    if row is None:
        # e.g. the tombstone of a deleted dataset, given again
        row = session.get(Doi, doi, with_for_update=True)
    if row is not None and row.kind != DoiKind.DATASET.value:
        return False  # a query DOI's name given to a dataset by hand: not the dataset's
    public = dataset.visibility == Visibility.PUBLIC.value
    if row is not None:
        row.dataset_id = dataset.id
        if not public and _was_public(row):
            return _withdraw(session, portal, row)
    url = f"{settings.base_url}/dataset/{dataset.slug}"
    state = DoiState.FINDABLE if public else DoiState.DRAFT
    metadata = dataset_attributes(portal, dataset)
    if row is None:
        record_doi(session, doi=doi, kind=DoiKind.DATASET, url=url, state=state,
                   metadata=metadata, dataset_id=dataset.id)
        return True
    return change_doi(session, row, state=state, url=url, metadata=metadata)


def _bury(session: Session, portal: Portal, row: Doi) -> bool:
    """The DOI of a dataset that is gone (or no longer carries it): a tombstone."""
    row.dataset_id = None
    state = DoiState.DRAFT if row.state == DoiState.DRAFT.value else DoiState.REGISTERED
    return change_doi(session, row, state=state, url=doi_page_url(portal.settings, row.doi),
                      metadata=metadata_of(row), tombstone=True)


def reconcile_dataset_dois(portal: Portal, datasets: Sequence[str] | None = None) -> int:
    """Bring the DOIs of ``datasets`` (ids; default every dataset) and of deleted datasets in
    line with the catalogue, in one transaction. Returns how many DOIs got a new decision.

    The datasets and DOI rows it reads are locked (``SELECT ... FOR UPDATE``; SQLite's write
    transaction locks everything anyway), datasets first, in slug order: two reconciles of one
    dataset run one after the other, the second seeing the first's DOI (``datasets.doi``, read
    under the lock), so a dataset never gets two DOIs and no decision is lost to an older one.
    """
    if not minting(portal.settings):
        return 0
    changed = 0
    with portal.write_session() as session:
        query = select(Dataset).options(
            selectinload(Dataset.creators), selectinload(Dataset.keywords),
            selectinload(Dataset.organisation), selectinload(Dataset.resources))
        rows_query = select(Doi).where(Doi.kind == DoiKind.DATASET.value,
                                       Doi.dataset_id.is_not(None))
        if datasets is not None:
            query = query.where(Dataset.id.in_(list(datasets)))
            rows_query = rows_query.where(Doi.dataset_id.in_(list(datasets)))
        locked = list(session.scalars(query.order_by(Dataset.slug).with_for_update()))
        rows = {row.dataset_id: row for row in session.scalars(
            rows_query.order_by(Doi.doi).with_for_update())}
        for dataset in locked:
            row = rows.pop(dataset.id, None)
            if row is not None and dataset.doi is not None and \
                    normalise_doi(dataset.doi) != row.doi:
                changed += _bury(session, portal, row)  # the dataset carries another DOI now
                row = None
            changed += _decide(session, portal, dataset, row)
        orphans = session.scalars(select(Doi).where(
            Doi.kind == DoiKind.DATASET.value, Doi.dataset_id.is_(None),
            Doi.tombstone.is_(False)).order_by(Doi.doi).with_for_update())
        for row in [*rows.values(), *orphans]:
            changed += _bury(session, portal, row)
    return changed


def reconcile_resource_dataset(portal: Portal, resource_id: str) -> int:
    """:func:`reconcile_dataset_dois` for the dataset holding a resource (after an ingest)."""
    if not minting(portal.settings):
        return 0
    with portal.session() as session:
        dataset_id = session.scalar(select(Resource.dataset_id).where(Resource.id == resource_id))
    return 0 if dataset_id is None else reconcile_dataset_dois(portal, [dataset_id])
