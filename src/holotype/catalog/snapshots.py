"""Frozen, session-free snapshots of catalogue rows: what services hand to their callers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from holotype.catalog.licences import Licence, licence_or_bare
from holotype.catalog.models import Dataset, Organisation, Resource, User, Visibility


@dataclass(frozen=True, slots=True)
class OrganisationInfo:
    id: str
    slug: str
    name: str
    description: str
    created: datetime


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: str
    username: str
    email: str
    display_name: str
    created: datetime


@dataclass(frozen=True, slots=True)
class CreatorInfo:
    name: str
    orcid: str | None
    affiliation: str | None


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    id: str
    slug: str
    title: str
    description: str
    licence: Licence
    category: str
    visibility: str
    doi: str | None
    organisation: str | None
    """The organisation's slug."""
    owner: str | None
    """The owner's username."""
    organisation_id: str | None
    owner_id: str | None
    creators: tuple[CreatorInfo, ...]
    keywords: tuple[str, ...]
    created: datetime
    modified: datetime

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    id: str
    dataset_id: str
    dataset_slug: str
    slug: str
    name: str
    description: str
    kind: str
    id_field: str | None
    created: datetime
    modified: datetime


def organisation_info(organisation: Organisation) -> OrganisationInfo:
    return OrganisationInfo(
        id=organisation.id,
        slug=organisation.slug,
        name=organisation.name,
        description=organisation.description,
        created=organisation.created,
    )


def user_info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        email=user.email,
        display_name=user.display_name,
        created=user.created,
    )


def dataset_info(dataset: Dataset) -> DatasetInfo:
    return DatasetInfo(
        id=dataset.id,
        slug=dataset.slug,
        title=dataset.title,
        description=dataset.description,
        licence=licence_or_bare(dataset.licence),
        category=dataset.category,
        visibility=dataset.visibility,
        doi=dataset.doi,
        organisation=dataset.organisation.slug if dataset.organisation else None,
        owner=dataset.owner.username if dataset.owner else None,
        organisation_id=dataset.organisation_id,
        owner_id=dataset.owner_id,
        creators=tuple(
            CreatorInfo(name=c.name, orcid=c.orcid, affiliation=c.affiliation)
            for c in sorted(dataset.creators, key=lambda c: c.position)
        ),
        keywords=tuple(sorted(k.keyword for k in dataset.keywords)),
        created=dataset.created,
        modified=dataset.modified,
    )


def resource_info(resource: Resource) -> ResourceInfo:
    return ResourceInfo(
        id=resource.id,
        dataset_id=resource.dataset.id,
        dataset_slug=resource.dataset.slug,
        slug=resource.slug,
        name=resource.name,
        description=resource.description,
        kind=resource.kind,
        id_field=resource.id_field,
        created=resource.created,
        modified=resource.modified,
    )
