"""A dataset's changelog: for each of its record resources, each version (newest first) with
when and how it was committed, how many records it added, changed and removed, the fields its
changed records changed most, and the search that reads the records as they were then.

The store keeps the counts (:meth:`holotype.store.ResourceStore.changed_fields`); the dataset is
read through the policy (:mod:`holotype.services.catalogue_view`), so a private dataset's
changelog is as invisible as the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from holotype.catalog.snapshots import ResourceInfo
from holotype.services import catalogue_view
from holotype.services.context import Portal
from holotype.services.identity import Identity

#: How many of the fields a version changed most each entry names.
TOP_FIELDS = 5


@dataclass(frozen=True)
class FieldChange:
    name: str
    records: int  # changed records whose value in this field differs from their version before


@dataclass(frozen=True)
class VersionChanges:
    """One version of a resource as the changelog shows it."""

    version: int  # milliseconds since the epoch
    committed_at: str
    mode: str  # update, patch or replace
    added: int
    changed: int
    removed: int
    total: int  # records current at this version
    fields: list[FieldChange]  # the fields changed most, most first (at most TOP_FIELDS)
    other_fields: int  # how many more fields the changed records changed
    search_url: str  # the search over this resource as of this version
    source: str | None = None  # the uploaded file's name
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ResourceChangelog:
    resource: ResourceInfo
    versions: list[VersionChanges]  # newest first

    @property
    def records(self) -> int:
        return self.versions[0].total if self.versions else 0


def search_url(resource_id: str, version: int) -> str:
    """The search page over one resource as it was at ``version``."""
    return "/search?" + urlencode({"resource_ids": resource_id, "version": version})


def resource_changelog(
    portal: Portal, resource: ResourceInfo, limit: int | None = None, top: int = TOP_FIELDS
) -> ResourceChangelog:
    """The changelog of a record resource already read through the policy: its newest
    ``limit`` versions (default: all), newest first."""
    store = portal.store.resource(resource.id)
    versions = list(reversed(store.versions()))[:limit]
    entries = []
    for v in versions:
        counts = list(store.changed_fields(v).items())
        entries.append(VersionChanges(
            version=v.version, committed_at=v.committed_at, mode=v.mode, added=v.added,
            changed=v.changed, removed=v.removed, total=v.total,
            fields=[FieldChange(name, n) for name, n in counts[:top]],
            other_fields=max(len(counts) - top, 0),
            search_url=search_url(resource.id, v.version),
            source=v.source.name if v.source else None, warnings=list(v.warnings),
        ))
    return ResourceChangelog(resource, entries)


def dataset_changelog(
    portal: Portal, identity: Identity, dataset_ref: str, limit: int | None = None,
    field: str = "id",
) -> list[ResourceChangelog]:
    """The changelog of each record resource of a dataset ``identity`` may see (by resource
    slug), each with its newest ``limit`` versions; NotFound, naming ``field``, for a dataset
    it may not see, in the words of an unknown one."""
    found = catalogue_view.dataset(portal, identity, dataset_ref, field=field)
    return [resource_changelog(portal, r, limit) for r in found.resources if r.kind == "records"]
