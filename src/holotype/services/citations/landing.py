"""What a DOI or citation URL lands on: a query citation's page, a dataset, or a tombstone.

A query citation's landing page stays for ever. A resource it cites that has since been deleted
or made private is said to be no longer available, in the same words either way, and none of
its records is shown or searched; the rest re-run as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from holotype.catalog.citations import Doi, DoiKind, DoiState
from holotype.errors import NotFound
from holotype.services import catalogue
from holotype.services.citations import dois
from holotype.services.citations.query_citations import PinnedResource, QueryCitationInfo, find
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.policy import may_read_dataset
from holotype.services.visible import visible_resources


@dataclass(frozen=True)
class CitedResource:
    pinned: PinnedResource
    available: bool  # still there, and readable by the identity asking


@dataclass(frozen=True)
class QueryLanding:
    citation: QueryCitationInfo
    resources: tuple[CitedResource, ...]
    # Searching every available resource at the citation's moment reads exactly the pinned
    # versions. False only when a resource has since committed a version numbered before the
    # moment (an ingest that was running when the citation was made): then only per-resource
    # versions say what was cited.
    at_moment: bool = True
    doi_resolves: bool = False  # its DOI is registered, so citations may carry it

    @property
    def complete(self) -> bool:
        """Every cited resource can still be searched: a re-run gives exactly the records."""
        return all(r.available for r in self.resources)

    @property
    def available_ids(self) -> list[str]:
        return [r.pinned.id for r in self.resources if r.available]


@dataclass(frozen=True)
class DatasetTarget:
    """A dataset DOI: the dataset page while it can be read, else its tombstone."""

    doi: str
    slug: str | None  # None: the dataset is gone (deleted, or no longer public)
    metadata: dict[str, Any]  # what the DOI last said publicly; with a slug, as decided now


def query_landing(portal: Portal, identity: Identity, ref: str) -> QueryLanding:
    """The citation with this id or DOI, with what of it can still be read."""
    citation = find(portal, ref)
    readable = {r.id for r in visible_resources(portal, identity, None)}
    cited = tuple(CitedResource(r, r.id in readable) for r in citation.resources)
    at_moment = all(_resolved(portal, c.pinned.id, citation.moment) == c.pinned.version
                    for c in cited if c.available)
    held = None
    if citation.doi:
        with portal.session() as session:
            held = dois.registrar_state(session, citation.doi)
    resolves = bool(citation.doi) and dois.resolves(portal.settings, str(citation.doi), held)
    return QueryLanding(citation, cited, at_moment, resolves)


def _resolved(portal: Portal, resource_id: str, moment: int) -> int | None:
    found = portal.store.resource(resource_id).resolve(moment)
    return found.version if found else None


def resolve(portal: Portal, identity: Identity, text: str) -> QueryLanding | DatasetTarget:
    """What the DOI names on this portal, or NotFound (never a private dataset's name)."""
    doi = dois.parse_doi(text)
    with portal.session() as session:
        row = session.get(Doi, doi)
        if row is None or row.kind == DoiKind.QUERY.value:
            found = None
        else:
            found = (row.dataset_id, row.state, dois.metadata_of(row), dois.on_doi_page(row))
    if found is None:
        return query_landing(portal, identity, doi)
    dataset_id, state, metadata, frozen = found
    if dataset_id is not None:
        with portal.session() as session:
            dataset = catalogue.get_dataset(session, dataset_id)
        if may_read_dataset(identity, dataset):
            return DatasetTarget(doi, dataset.slug, metadata)
    if state == DoiState.DRAFT.value:  # never public: as unknown as it ever was
        raise NotFound(f"there is no citation {text!r}", field="doi")
    # Only what the DOI last said publicly: the metadata frozen when the dataset was deleted or
    # made private (the DOI then lands here), never a decision about a dataset not public now.
    return DatasetTarget(doi, None, metadata if frozen else {})
