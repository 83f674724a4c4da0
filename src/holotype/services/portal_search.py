"""The search page's use cases: which resources a preset searches, one search with counts,
facets and a page, dates as versions, and short links for a search.

Searches run through the search engine (``portal.searcher``), the same compiled filter as the API's
``vds_multi_query``, so the page and the API always agree.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from holotype.catalog.snapshots import DatasetInfo, ResourceInfo
from holotype.errors import Invalid, NotFound
from holotype.query.normalise import normalise, query_hash
from holotype.search import Extent, Result, SearchRequest
from holotype.services import catalogue, slugs
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.records import record_count
from holotype.services.search import Search, checked_query
from holotype.services.visible import visible_resources

PRESETS: dict[str, str] = {
    "specimens": "Specimens",
    "indexlots": "Index lots",
    "collections": "Collections",
    "everything": "Everything",
}


@dataclass(frozen=True)
class Answer:
    """One search as the page shows it."""

    result: Result
    resources: list[ResourceInfo]
    datasets: dict[str, DatasetInfo]  # by resource id
    columns: list[str]  # every field of the resources searched, first-seen order
    versions: dict[str, int]  # the version each resource was searched at

    @property
    def total(self) -> int:
        return self.result.total


def presets(portal: Portal) -> slugs.Presets:
    settings = portal.settings

    def compute() -> slugs.Presets:
        with portal.session() as session:
            return slugs.presets_from(
                session, settings.specimen_resources, settings.indexlot_resources,
                empty_query_hash=query_hash({}),
            )

    return portal.searchable_cache.answer(("presets",), compute)


def preset_resource_ids(portal: Portal, preset: str) -> tuple[str, ...] | None:
    """The resources a preset searches (None: every visible one)."""
    if preset not in PRESETS:
        raise Invalid(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}",
                      field="preset")
    return presets(portal).resource_ids(preset)


def scope(
    portal: Portal, identity: Identity, preset: str | None, resource_ids: Sequence[str] | None
) -> list[ResourceInfo]:
    """Resources named (each once, however often or by whichever name it is named), else
    those of the preset; every one must be visible."""
    if resource_ids:
        return visible_resources(portal, identity, list(resource_ids))  # each once
    ids = preset_resource_ids(portal, preset or "everything")
    if ids is not None and not ids:
        return []
    return visible_resources(portal, identity, list(ids) if ids is not None else None)


def run(
    portal: Portal,
    resources: list[ResourceInfo],
    query: dict[str, Any],
    version: int | None,
    request: SearchRequest,
    pins: Mapping[str, int] | None = None,
) -> Answer:
    """Counts per resource, facets and one page over ``resources`` (already the ones the
    identity may see: :func:`scope`) as of ``version`` (those in ``pins``, by id, at their own
    version); facets on fields no resource holds are left out."""
    opened = Search(portal, query, portal.searcher.views(resources, version, pins))
    columns = opened.columns()
    result = opened.answer(replace(request, facets=[f for f in request.facets if f in columns]))
    with portal.session() as session:
        datasets = {r.id: catalogue.get_dataset(session, r.dataset_id) for r in resources}
    return Answer(result, resources, datasets, columns,
                  {v.rid: v.version for v in opened.views})


def extent(
    portal: Portal,
    resources: list[ResourceInfo],
    query: dict[str, Any],
    version: int | None,
    pins: Mapping[str, int] | None = None,
) -> Extent:
    """Where the search's records lie (the Map view fits the map to it): the same resources
    and versions as :func:`run`."""
    if not resources:
        return Extent(0, 0, None)
    return Search(portal, query, portal.searcher.views(resources, version, pins)).extent()


EPOCH = date(1970, 1, 1)
DAY_MS = 86_400_000


def version_at(day: date) -> int:
    """The last millisecond of ``day`` (UTC): searching at it gives the data as it was that day.

    Days before 1970 give 0 (before any version); 9999-12-31 works (no day after it is needed).
    """
    return max(0, (day - EPOCH).days * DAY_MS + DAY_MS - 1)


def share(
    portal: Portal, identity: Identity, query: dict[str, Any],
    resource_ids: Sequence[str] | None, version: int | None,
) -> str:
    """A short link (slug) for the search; the same search always gets the same slug."""
    normal = normalise(checked_query(portal, query, "query"))
    ids = sorted({r.id for r in visible_resources(portal, identity, list(resource_ids))}) \
        if resource_ids is not None else None
    if ids is not None and not ids:
        raise Invalid("this search covers no resources, so it cannot be shared",
                      field="resource_ids")
    with portal.write_session() as session:
        info = slugs.create_slug(session, query=normal, query_hash=query_hash(normal),
                                 resource_ids=ids, version=version)
    return info.slug


def restore(portal: Portal, identity: Identity, slug: str) -> slugs.SlugInfo:
    """The search behind a slug (reserved slugs are the presets), over the resources it names
    that ``identity`` may read. A slug whose resources have all become private is answered as
    an unknown one, and one that names some private resources names only the others: a short
    link never tells that a private resource exists."""
    found = presets(portal)

    def resolve() -> slugs.SlugInfo:
        with portal.session() as session:
            return slugs.resolve_slug(session, slug, presets=found)

    known = portal.searchable_cache.answer(("slug", slug), resolve)
    info = replace(known, query=copy.deepcopy(known.query))  # the kept answer stays as it was
    if info.resource_ids is None or info.reserved:  # presets are the operator's, not a user's
        return info
    readable = {r.id for r in visible_resources(portal, identity, None)}
    kept = tuple(rid for rid in info.resource_ids if rid in readable)
    if not kept:
        raise NotFound(f"there is no short link {slug!r}", field="slug")
    return replace(info, resource_ids=kept)


def preset_for(portal: Portal, resource_ids: Sequence[str] | None) -> str | None:
    """The preset that searches exactly these resources, if one does."""
    found = presets(portal)
    wanted = None if resource_ids is None else tuple(sorted(resource_ids))
    for name in PRESETS:
        ids = found.resource_ids(name)
        if (ids is None and wanted is None) or (ids and wanted and tuple(sorted(ids)) == wanted):
            return name
    return None


def preset_counts(portal: Portal, identity: Identity) -> list[tuple[str, str, int]]:
    """(preset, label, records now) for each preset that has resources ``identity`` may see."""
    found = presets(portal)
    everything = visible_resources(portal, identity, None)
    rows = []
    for name, label in PRESETS.items():
        ids = found.resource_ids(name)
        chosen = everything if ids is None else [r for r in everything if r.id in ids]
        if chosen:
            rows.append((name, label, sum(record_count(portal, r) for r in chosen)))
    return rows
