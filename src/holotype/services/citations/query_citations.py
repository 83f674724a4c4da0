"""Query citations: a search pinned to the versions it read, citable for ever.

:func:`cite` checks the query once, opens the resources the identity asking may see at the
version asked for, counts the matching records per resource, and stores the pins: the
normalised query, each resource's version and count, the datasets' creators and licences. The
same query (by normalised hash) over the same resource versions is the same citation (its
:func:`records_key` is unique), so asking again, or downloading the same data, reuses it.

When the portal mints DOIs the citation gets one at once; registering it with DataCite is left
to the DOI outbox (:mod:`holotype.services.citations.dois`), so a registrar that is down delays
the registration but never the answer.

Re-running a citation searches each pinned resource at its pinned version. Versions are
milliseconds that only grow, and every pinned version was its resource's latest when the
citation was made, so searching all of them at :attr:`QueryCitationInfo.moment` (the newest
pin) reads exactly the pinned versions, whatever was ingested since.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from holotype.catalog.citations import DoiKind, DoiState, QueryCitation
from holotype.catalog.licences import Licence, licence_or_bare
from holotype.catalog.snapshots import CreatorInfo, DatasetInfo
from holotype.errors import Invalid, NotFound, ServiceError
from holotype.query.normalise import canonical_json, normalise, query_hash
from holotype.query.schema import QUERY_VERSION
from holotype.search import View
from holotype.services import catalogue, policy
from holotype.services.citations import dois
from holotype.services.citations.query_metadata import query_doi_metadata
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, Identity
from holotype.services.search import checked_query
from holotype.services.visible import visible_resources

CITATION_ID = re.compile(r"[0-9a-f]{32}")  # a citation's id (new_id)
PRIVATE = ("only public data can be cited: this search covers private resources; make their "
           "datasets public first or leave them out of the search")


@dataclass(frozen=True)
class PinnedResource:
    """A resource as the citation read it."""

    id: str
    dataset_id: str
    dataset: str  # slug
    dataset_title: str
    slug: str
    name: str
    version: int
    count: int

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "dataset_id": self.dataset_id, "dataset": self.dataset,
                "dataset_title": self.dataset_title, "slug": self.slug, "name": self.name,
                "version": self.version, "count": self.count}


@dataclass(frozen=True)
class QueryCitationInfo:
    """A stored query citation."""

    id: str
    doi: str | None
    query: dict[str, Any]
    query_version: str
    query_hash: str
    version: int | None  # as first asked for (None: the latest data then); not part of the key
    resources: tuple[PinnedResource, ...]
    total: int
    creators: tuple[CreatorInfo, ...]
    licences: tuple[Licence, ...]
    created: datetime

    @property
    def moment(self) -> int:
        """The version that re-runs the search exactly: the newest pin (see the module)."""
        return max(r.version for r in self.resources)

    @property
    def path(self) -> str:
        """The landing page's path on this portal."""
        return f"/doi/{self.doi}" if self.doi else f"/citation/{self.id}"


@dataclass(frozen=True)
class Cited:
    citation: QueryCitationInfo
    created: bool  # False: the same search over the same versions was cited before


def records_key(qhash: str, pins: Sequence[tuple[str, int]]) -> str:
    """The identity of a record set: the query (by hash) over resources at versions. Downloads
    of the same set share their records by it, and a query citation is unique by it."""
    parts = [QUERY_VERSION, qhash, sorted([rid, version] for rid, version in pins)]
    return hashlib.sha256(canonical_json(parts).encode()).hexdigest()


def cite(
    portal: Portal, identity: Identity, query: object, resource_ids: Sequence[str] | None,
    version: int | None, *, field_prefix: str = "",
) -> Cited:
    """Cite a search: check it, count it and pin it (or find it pinned already)."""
    normal = normalise(checked_query(portal, query, field_prefix + "query"))
    try:  # none named: every public resource (only public data is cited)
        resources = visible_resources(portal, identity if resource_ids else ANONYMOUS,
                                      resource_ids)
    except ServiceError as exc:
        raise exc.at(field_prefix + "resource_ids") from exc
    views = portal.searcher.views(resources, version)
    if not views:
        raise Invalid("this search covers no records at that version, so there is nothing to "
                      "cite", field=field_prefix + "resource_ids")
    counts = portal.searcher.count(views, normal)
    return pin(portal, normal, version, views, counts, field_prefix=field_prefix)


def pin(
    portal: Portal, normal: dict[str, Any], version: int | None, views: Sequence[View],
    counts: dict[str, int], *, field_prefix: str = "",
) -> Cited:
    """Store the citation of a checked, normalised query already counted over ``views`` (or
    find it stored). Downloads call this with the counts they made anyway."""
    qhash = query_hash(normal)
    key = records_key(qhash, [(v.rid, v.version) for v in views])
    found = _by_key(portal, key)
    if found is not None:
        return Cited(found, False)
    with portal.session() as session:
        datasets = {d: catalogue.get_dataset(session, d)
                    for d in dict.fromkeys(v.resource.dataset_id for v in views)}
    # A citation is public (anyone may resolve it), so it is made as anyone would make it.
    if not policy.may_cite(ANONYMOUS, datasets.values()):
        raise Invalid(PRIVATE, field=field_prefix + "resource_ids")
    pinned = tuple(
        PinnedResource(v.rid, v.resource.dataset_id, v.resource.dataset_slug,
                       datasets[v.resource.dataset_id].title, v.resource.slug, v.resource.name,
                       v.version, counts.get(v.rid, 0))
        for v in sorted(views, key=lambda v: (v.resource.dataset_slug, v.resource.slug))
    )
    creators = _creators(datasets.values())
    licences = tuple(sorted({d.licence.id for d in datasets.values()}))
    try:
        with portal.write_session() as session:
            row = QueryCitation(
                key=key, query=canonical_json(normal), query_version=QUERY_VERSION,
                query_hash=qhash, version=version,
                resources=json.dumps([p.as_json() for p in pinned]),
                total=sum(p.count for p in pinned),
                creators=json.dumps([{"name": c.name, "orcid": c.orcid,
                                      "affiliation": c.affiliation} for c in creators]),
                licences=json.dumps(list(licences)))
            session.add(row)
            session.flush()
            if dois.minting(portal.settings):
                row.doi = dois.new_doi(portal.settings)
                info = _info(row)
                dois.record_doi(
                    session, doi=row.doi, kind=DoiKind.QUERY, state=DoiState.FINDABLE,
                    url=dois.doi_page_url(portal.settings, row.doi),
                    metadata=query_doi_metadata(portal, info, datasets), citation_id=row.id)
            info = _info(row)
    except IntegrityError:  # the same search cited at the same moment by another request
        found = _by_key(portal, key)
        if found is None:
            raise
        return Cited(found, False)
    return Cited(info, True)


def _creators(datasets: Sequence[DatasetInfo] | Any) -> tuple[CreatorInfo, ...]:
    """The union of the datasets' creators, in dataset order then citation order; a person is
    named once (by ORCID when known, else by name)."""
    seen: set[str] = set()
    out = []
    for dataset in datasets:
        for creator in dataset.creators:
            key = creator.orcid or creator.name.casefold()
            if key not in seen:
                seen.add(key)
                out.append(creator)
    return tuple(out)


def _by_key(portal: Portal, key: str) -> QueryCitationInfo | None:
    with portal.session() as session:
        row = session.scalars(select(QueryCitation).where(QueryCitation.key == key)).first()
        return _info(row) if row is not None else None


def find(portal: Portal, ref: str, field: str = "doi") -> QueryCitationInfo:
    """The query citation with this id or DOI, or NotFound (Invalid for a malformed DOI)."""
    if dois.looks_like_doi(ref):
        condition = QueryCitation.doi == dois.parse_doi(ref, field)
    elif CITATION_ID.fullmatch(ref.strip()):
        condition = QueryCitation.id == ref.strip()
    else:  # neither: names none (and odd characters never reach the database)
        raise NotFound(f"there is no citation {ref!r}", field=field)
    with portal.session() as session:
        row = session.scalars(select(QueryCitation).where(condition)).first()
        if row is None:
            raise NotFound(f"there is no citation {ref!r}", field=field)
        return _info(row)


def _info(row: QueryCitation) -> QueryCitationInfo:
    resources = tuple(PinnedResource(**r) for r in json.loads(row.resources))
    creators = tuple(CreatorInfo(c["name"], c.get("orcid"), c.get("affiliation"))
                     for c in json.loads(row.creators))
    return QueryCitationInfo(
        row.id, row.doi, json.loads(row.query), row.query_version, row.query_hash, row.version,
        resources, row.total, creators,
        tuple(licence_or_bare(x) for x in json.loads(row.licences)), row.created)
