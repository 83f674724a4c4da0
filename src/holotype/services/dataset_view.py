"""Datasets as the portal's pages show them: a filtered list with facets, and one dataset with
its resources, record counts, changelog (:mod:`holotype.services.changelog`) and versions
(its citation: ``citations.items``).

The list matches datasets as ``package_search`` does (words in the title, description, slug or
keywords; exact facet values), over the datasets the identity asking may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from holotype.catalog.snapshots import DatasetInfo, OrganisationInfo, ResourceInfo
from holotype.services import catalogue_view
from holotype.services.changelog import VersionChanges, resource_changelog
from holotype.services.citations import dois
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.records import DatasetSummary, dataset_summaries

FACETS = ("organisation", "category", "licence", "keyword")


@dataclass(frozen=True)
class DatasetFilters:
    q: str = ""
    organisation: str = ""
    category: str = ""
    licence: str = ""
    keyword: str = ""

    def active(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}


@dataclass(frozen=True)
class DatasetList:
    datasets: list[DatasetSummary]
    facets: dict[str, list[tuple[str, int]]]  # name -> (value, datasets), most first
    organisations: dict[str, str] = field(default_factory=dict)  # slug -> name

    @property
    def total(self) -> int:
        return len(self.datasets)


@dataclass(frozen=True)
class ResourceEntry:
    resource: ResourceInfo
    records: int
    versions: list[VersionChanges]  # newest first: the resource's changelog


@dataclass(frozen=True)
class DatasetPage:
    dataset: DatasetInfo
    organisation: OrganisationInfo | None
    resources: list[ResourceEntry]
    doi_held: str | None = None  # the state the registrar holds the DOI in, if it is ours
    doi_resolves: bool = False  # its DOI resolves (:func:`~citations.dois.resolves`)

    @property
    def records(self) -> int:
        return sum(r.records for r in self.resources)


def facet_values(dataset: DatasetInfo) -> dict[str, list[str]]:
    return {
        "organisation": [dataset.organisation] if dataset.organisation else [],
        "category": [dataset.category],
        "licence": [dataset.licence.id],
        "keyword": list(dataset.keywords),
    }


def matches(dataset: DatasetInfo, filters: DatasetFilters) -> bool:
    text = " ".join([dataset.title, dataset.description, dataset.slug, *dataset.keywords]).lower()
    if any(word not in text for word in filters.q.lower().split()):
        return False
    values = facet_values(dataset)
    return all(value in values[name] for name, value in filters.active().items())


def list_datasets(portal: Portal, identity: Identity, filters: DatasetFilters) -> DatasetList:
    """The datasets ``identity`` may see matching ``filters``, most recently modified first,
    with facet counts."""
    found = [s for s in dataset_summaries(portal, identity) if matches(s.dataset, filters)]
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for summary in found:
        for name, values in facet_values(summary.dataset).items():
            for value in values:
                counts[name][value] = counts[name].get(value, 0) + 1
    facets = {name: sorted(c.items(), key=lambda item: (-item[1], item[0].lower()))
              for name, c in counts.items()}
    names = {o.slug: o.name for o in catalogue_view.organisations(portal)}
    return DatasetList(found, facets, names)


def dataset_page(portal: Portal, identity: Identity, ref: str) -> DatasetPage:
    """One dataset ``identity`` may see, with each resource's record count and changelog
    (versions newest first, with what each changed), and whether its DOI resolves yet."""
    found = catalogue_view.dataset(portal, identity, ref, field="dataset")
    entries = []
    for resource in found.resources:
        if resource.kind != "records":
            entries.append(ResourceEntry(resource, 0, []))
            continue
        log = resource_changelog(portal, resource)
        entries.append(ResourceEntry(resource, log.records, log.versions))
    doi = found.dataset.doi
    if doi is None:
        return DatasetPage(found.dataset, found.organisation, entries)
    with portal.session() as session:
        held = dois.registrar_state(session, doi)
    return DatasetPage(found.dataset, found.organisation, entries, held,
                       dois.resolves(portal.settings, doi, held))

