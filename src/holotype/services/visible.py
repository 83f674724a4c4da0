"""What an identity may see of the catalogue: datasets, resources, and the record resources a
search may read, as the policy (:mod:`holotype.services.policy`) decides.

Every search starts here, so the searchable resources are found with one catalogue query, for
plain columns of resources joined with their datasets, instead of loading each resource and
dataset as objects with everything they hold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from holotype.catalog.changes import ChangeCounter
from holotype.catalog.models import Dataset, Resource, ResourceKind
from holotype.catalog.snapshots import DatasetInfo, ResourceInfo
from holotype.errors import Invalid, NotFound
from holotype.services import catalogue, policy
from holotype.services.identity import Identity

if TYPE_CHECKING:
    from holotype.services.context import Portal

T = TypeVar("T")


def visible_resources(
    portal: Portal, identity: Identity, refs: Sequence[str] | None
) -> list[ResourceInfo]:
    """The record resources to search: those named, or every visible one when none are named."""
    return portal.searchable_cache.get(portal.session, identity, refs)


def readable_datasets(
    session: Session, identity: Identity, organisation: str | None = None
) -> list[DatasetInfo]:
    """The datasets ``identity`` may see (optionally of one organisation), by slug."""
    return catalogue.list_datasets(session, policy.readable_datasets(identity),
                                   organisation=organisation)


def readable_dataset(
    session: Session, identity: Identity, ref: str, field: str = "dataset"
) -> DatasetInfo:
    """The dataset ``ref`` if ``identity`` may see it. One it may not see is NotFound in the
    very words of an unknown one, so the answer does not tell that it exists."""
    try:
        dataset = catalogue.get_dataset(session, ref)
    except NotFound:
        dataset = None
    if dataset is None or not policy.may_read_dataset(identity, dataset):
        raise NotFound(f"there is no dataset {ref!r}", field=field)
    return dataset


def readable_resource(
    session: Session, identity: Identity, ref: str, field: str = "resource"
) -> ResourceInfo:
    """The resource ``ref`` if ``identity`` may see its dataset; NotFound, in the words of an
    unknown one, if not."""
    try:
        resource = catalogue.get_resource(session, ref)
        readable_dataset(session, identity, resource.dataset_id)
    except NotFound:
        raise NotFound(f"there is no resource {ref!r}", field=field) from None
    return resource


def searchable(
    session: Session, identity: Identity, refs: Sequence[str] | None
) -> list[ResourceInfo]:
    """The resources named by id or ``dataset/resource`` slug, in the order first named (each
    once, so that naming one twice does not count its records twice); or, when
    none are named, every record resource of every dataset ``identity`` may see (by dataset,
    then resource slug). A resource it may not see is not found, just like an unknown one; a
    file resource is refused."""
    query = select(
        Resource.id, Resource.dataset_id, Dataset.slug, Resource.slug, Resource.name,
        Resource.description, Resource.kind, Resource.id_field, Resource.created,
        Resource.modified, Dataset.visibility, Dataset.organisation_id, Dataset.owner_id,
    ).join(Resource.dataset)
    if not refs:
        rows = session.execute(
            query.where(policy.readable_datasets(identity),
                        Resource.kind == ResourceKind.RECORDS.value)
            .order_by(Dataset.slug, Resource.slug)
        ).all()
        return [ResourceInfo(*row[:10]) for row in rows]
    wanted = [ref for ref in refs if "\x00" not in ref]  # NUL never names anything
    slugged = [ref.partition("/") for ref in wanted if "/" in ref]
    conditions: list[ColumnElement[bool]] = [
        Resource.id.in_([ref for ref in wanted if "/" not in ref])
    ]
    conditions += [and_(Dataset.slug == d, Resource.slug == r) for d, _, r in slugged]
    found: dict[str, tuple[ResourceInfo, tuple[str, str | None, str | None]]] = {}
    for row in session.execute(query.where(or_(*conditions))).all():
        info = ResourceInfo(*row[:10])
        found[info.id] = found[f"{info.dataset_slug}/{info.slug}"] = (info, tuple(row[10:]))
    result: dict[str, ResourceInfo] = {}  # each resource once, however often it is named
    for ref in refs:
        named = found.get(ref)
        if named is None or not policy.may_read(identity, *named[1]):
            raise NotFound(f"there is no resource {ref!r}", field="resource_id")
        if named[0].kind != ResourceKind.RECORDS.value:
            raise Invalid(f"resource {ref!r} holds a file, not records", field="resource_id")
        result.setdefault(named[0].id, named[0])
    return list(result.values())


class SearchableCache:
    """Answers read from the catalogue (:func:`searchable`'s, and others through
    :meth:`answer`), kept until the catalogue changes (never across a commit, so a dataset
    made private is invisible from the next search on). Without a change counter (PostgreSQL)
    nothing is kept. Errors are not kept either. What is kept must not be changed by callers."""

    LIMIT = 1_000  # distinct answers kept; more and the cache starts afresh

    def __init__(self, changes: ChangeCounter | None) -> None:
        self.changes = changes
        self._lock = threading.Lock()
        self._seen: int | None = None
        self._answers: dict[tuple[Hashable, ...], Any] = {}

    def answer(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """``compute()``, or what it gave before for ``key`` while the catalogue is unchanged."""
        if self.changes is None:
            return compute()
        # Read the counter before the catalogue: an answer computed across a commit is kept
        # under the older value, which the next call no longer matches.
        version = self.changes.value()
        with self._lock:
            if version != self._seen or len(self._answers) >= self.LIMIT:
                self._answers, self._seen = {}, version
            found: T | None = self._answers.get(key)
        if found is None:
            found = compute()
            with self._lock:
                if self._seen == version:
                    self._answers[key] = found
        return found

    def get(
        self, session: Callable[[], AbstractContextManager[Session]], identity: Identity,
        refs: Sequence[str] | None,
    ) -> list[ResourceInfo]:
        def compute() -> tuple[ResourceInfo, ...]:
            with session() as opened:
                return tuple(searchable(opened, identity, refs))

        key = ("searchable", policy.scope(identity), *(refs or ()))
        return list(self.answer(key, compute))
