"""Catalogue use cases: datasets and resources here, organisations and users from
:mod:`holotype.services.people` (exported here too, so callers use one module).

Every function takes a SQLAlchemy :class:`~sqlalchemy.orm.Session` and returns small frozen
dataclasses (``*Info``), never ORM objects, so callers cannot change the catalogue by accident
or trigger lazy loads after the session is gone.

Each function that writes is one unit of work: it commits on success. On any error the session
is rolled back, so bad input changes nothing, and a :class:`~holotype.errors.ServiceError`
naming the field at fault is raised. These functions do not check permissions; callers ask
the policy (:mod:`holotype.services.policy`), e.g. through :mod:`holotype.services.visible`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Final

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from holotype.catalog import validation as check
from holotype.catalog.models import (
    FIELD_NAME_MAX,
    Category,
    Creator,
    Dataset,
    Keyword,
    Resource,
    ResourceKind,
    Visibility,
)
from holotype.catalog.snapshots import (
    CreatorInfo,
    DatasetInfo,
    OrganisationInfo,
    ResourceInfo,
    UserInfo,
    dataset_info,
    resource_info,
)
from holotype.catalog.timestamps import utcnow
from holotype.errors import Conflict, Invalid, NotFound
from holotype.services.catalogue_units import is_reference, one_by_slug_or_id, unit_of_work
from holotype.services.people import (
    create_organisation,
    create_user,
    find_organisation,
    find_user,
    get_organisation,
    get_user,
    list_organisations,
)


class _Unset(Enum):
    UNSET = "unset"

UNSET: Final = _Unset.UNSET
"""Default of :func:`update_dataset` and :func:`update_resource` arguments: leave unchanged."""

__all__ = [
    "UNSET",
    "CreatorInfo",
    "DatasetInfo",
    "OrganisationInfo",
    "ResourceInfo",
    "UserInfo",
    "create_dataset",
    "create_organisation",
    "create_resource",
    "create_user",
    "delete_dataset",
    "delete_resource",
    "get_dataset",
    "get_organisation",
    "get_resource",
    "get_user",
    "list_datasets",
    "list_organisations",
    "list_resources",
    "update_dataset",
    "update_resource",
]


# --- datasets ----------------------------------------------------------------------------------


def create_dataset(
    session: Session,
    *,
    slug: str,
    title: str,
    licence: str,
    description: str = "",
    category: str = "collection",
    visibility: str = "public",
    organisation: str | None = None,
    owner: str | None = None,
    creators: Sequence[Mapping[str, str | None]] = (),
    keywords: Sequence[str] = (),
    doi: str | None = None,
) -> DatasetInfo:
    """Create a dataset; ``organisation`` is a slug, ``owner`` a username."""
    with unit_of_work(session, Conflict(f"dataset {slug!r} already exists", field="slug")):
        dataset = Dataset(
            slug=check.slug(slug),
            title=check.line(title, "title"),
            description=check.prose(description, "description"),
            licence=check.licence(licence),
            category=check.choice(category, "category", Category),
            visibility=check.choice(visibility, "visibility", Visibility),
            doi=check.doi(doi),
        )
        creator_rows = check.creators(creators)
        keyword_list = check.keywords(keywords)
        if organisation is not None:
            dataset.organisation = find_organisation(session, organisation, Invalid)
        if owner is not None:
            dataset.owner = find_user(session, owner, Invalid)
        if session.scalar(select(Dataset.id).filter_by(slug=dataset.slug)):
            raise Conflict(f"dataset {slug!r} already exists", field="slug")
        _refuse_taken_doi(session, dataset.doi, None)
        _set_creators(dataset, creator_rows)
        _set_keywords(dataset, keyword_list)
        session.add(dataset)
        session.flush()
        return dataset_info(dataset)


def get_dataset(session: Session, dataset: str) -> DatasetInfo:
    """The dataset with this slug or id, public or private."""
    return dataset_info(_find_dataset(session, dataset))


def list_datasets(
    session: Session, readable: ColumnElement[bool] | None = None, *,
    organisation: str | None = None,
) -> list[DatasetInfo]:
    """Datasets by slug meeting the policy's condition ``readable`` (public ones only when
    none is given); optionally of one organisation."""
    query = select(Dataset).options(
        selectinload(Dataset.creators),
        selectinload(Dataset.keywords),
        selectinload(Dataset.organisation),
        selectinload(Dataset.owner),
    )
    query = query.where(Dataset.visibility == Visibility.PUBLIC.value if readable is None
                        else readable)
    if organisation is not None:
        found = find_organisation(session, organisation, NotFound)
        query = query.where(Dataset.organisation_id == found.id)
    return [dataset_info(dataset) for dataset in session.scalars(query.order_by(Dataset.slug))]


def update_dataset(
    session: Session,
    dataset: str,
    *,
    title: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    licence: str | _Unset = UNSET,
    category: str | _Unset = UNSET,
    visibility: str | _Unset = UNSET,
    organisation: str | _Unset | None = UNSET,
    owner: str | _Unset | None = UNSET,
    creators: Sequence[Mapping[str, str | None]] | _Unset = UNSET,
    keywords: Sequence[str] | _Unset = UNSET,
    doi: str | _Unset | None = UNSET,
) -> DatasetInfo:
    """Change the given fields (None clears organisation, owner and doi); others stay as they are.

    ``creators`` and ``keywords`` replace the whole list. The slug cannot change: it is in URLs.
    """
    with unit_of_work(session, Conflict("the change clashes with another dataset", field="doi")):
        found = _find_dataset(session, dataset)
        if not isinstance(title, _Unset):
            found.title = check.line(title, "title")
        if not isinstance(description, _Unset):
            found.description = check.prose(description, "description")
        if not isinstance(licence, _Unset):
            found.licence = check.licence(licence)
        if not isinstance(category, _Unset):
            found.category = check.choice(category, "category", Category)
        if not isinstance(visibility, _Unset):
            found.visibility = check.choice(visibility, "visibility", Visibility)
        if not isinstance(doi, _Unset):
            new_doi = check.doi(doi)
            _refuse_taken_doi(session, new_doi, found.id)
            found.doi = new_doi
        if not isinstance(organisation, _Unset):
            found.organisation = (
                None if organisation is None else find_organisation(session, organisation, Invalid)
            )
        if not isinstance(owner, _Unset):
            found.owner = None if owner is None else find_user(session, owner, Invalid)
        if not isinstance(creators, _Unset):
            rows = check.creators(creators)
            found.creators.clear()
            session.flush()  # free the positions before the new creators take them
            _set_creators(found, rows)
        if not isinstance(keywords, _Unset):
            keyword_list = check.keywords(keywords)
            found.keywords.clear()
            session.flush()
            _set_keywords(found, keyword_list)
        found.modified = utcnow()
        session.flush()
        return dataset_info(found)


def delete_dataset(session: Session, dataset: str) -> None:
    """Delete a dataset with its creators, keywords and resources."""
    with unit_of_work(session, Conflict("the dataset is still referenced", field="dataset")):
        session.delete(_find_dataset(session, dataset))


# --- resources ---------------------------------------------------------------------------------


def create_resource(
    session: Session,
    dataset: str,
    *,
    slug: str,
    name: str,
    kind: str = "records",
    description: str = "",
    id_field: str | None = None,
) -> ResourceInfo:
    """Add a resource to the dataset with this slug or id."""
    taken = Conflict(f"the dataset already has a resource {slug!r}", field="slug")
    with unit_of_work(session, taken):
        found = _find_dataset(session, dataset)
        resource = Resource(
            slug=check.slug(slug),
            name=check.line(name, "name"),
            kind=check.choice(kind, "kind", ResourceKind),
            description=check.prose(description, "description"),
            id_field=check.optional_line(id_field, "id_field", max_length=FIELD_NAME_MAX),
        )
        if session.scalar(select(Resource.id).filter_by(dataset_id=found.id, slug=resource.slug)):
            raise taken
        found.resources.append(resource)
        found.modified = utcnow()
        session.flush()
        return resource_info(resource)


def get_resource(session: Session, resource: str) -> ResourceInfo:
    """The resource with this id or ``dataset-slug/resource-slug``."""
    return resource_info(_find_resource(session, resource))


def list_resources(session: Session, dataset: str) -> list[ResourceInfo]:
    """The resources of the dataset with this slug or id, by slug."""
    return [resource_info(resource) for resource in _find_dataset(session, dataset).resources]


def update_resource(
    session: Session,
    resource: str,
    *,
    name: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    id_field: str | _Unset | None = UNSET,
) -> ResourceInfo:
    """Change the given fields of a resource; its slug and kind are fixed."""
    with unit_of_work(session, Conflict("the resource changed meanwhile", field="resource")):
        found = _find_resource(session, resource)
        if not isinstance(name, _Unset):
            found.name = check.line(name, "name")
        if not isinstance(description, _Unset):
            found.description = check.prose(description, "description")
        if not isinstance(id_field, _Unset):
            found.id_field = check.optional_line(id_field, "id_field", max_length=FIELD_NAME_MAX)
        found.modified = utcnow()
        found.dataset.modified = found.modified
        session.flush()
        return resource_info(found)


def delete_resource(session: Session, resource: str) -> None:
    """Delete a resource from the catalogue."""
    with unit_of_work(session, Conflict("the resource is still referenced", field="resource")):
        found = _find_resource(session, resource)
        found.dataset.modified = utcnow()
        session.delete(found)


# --- helpers -----------------------------------------------------------------------------------


def _find_dataset(session: Session, ref: object) -> Dataset:
    found = one_by_slug_or_id(session, Dataset, Dataset.slug, ref)
    if found is None:
        raise NotFound(f"there is no dataset {ref!r}", field="dataset")
    return found


def _find_resource(session: Session, ref: object) -> Resource:
    found: Resource | None = None
    if is_reference(ref) and "/" in ref:
        dataset_slug, _, resource_slug = ref.partition("/")
        found = session.scalar(
            select(Resource)
            .join(Resource.dataset)
            .where(Dataset.slug == dataset_slug, Resource.slug == resource_slug)
        )
    elif is_reference(ref):
        found = session.get(Resource, ref)
    if found is None:
        raise NotFound(f"there is no resource {ref!r}", field="resource")
    return found


def _refuse_taken_doi(session: Session, doi: str | None, dataset_id: str | None) -> None:
    if doi is None:
        return
    query = select(Dataset.slug).where(func.lower(Dataset.doi) == doi.lower())
    if dataset_id is not None:
        query = query.where(Dataset.id != dataset_id)
    holder = session.scalar(query)
    if holder is not None:
        # The holder is not named: it may be a private dataset the caller may not see.
        raise Conflict(f"DOI {doi} already belongs to another dataset", field="doi")


def _set_creators(dataset: Dataset, rows: Sequence[tuple[str, str | None, str | None]]) -> None:
    dataset.creators = [
        Creator(position=position, name=name, orcid=orcid, affiliation=affiliation)
        for position, (name, orcid, affiliation) in enumerate(rows)
    ]


def _set_keywords(dataset: Dataset, keywords: Sequence[str]) -> None:
    dataset.keywords = [Keyword(keyword=keyword) for keyword in keywords]
