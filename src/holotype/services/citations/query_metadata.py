"""The DataCite metadata of a query DOI: what the citation says, in DataCite's terms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from holotype.catalog.snapshots import DatasetInfo
from holotype.query.words import query_words
from holotype.registrar import Agent, Related, datacite_attributes
from holotype.services.context import Portal

if TYPE_CHECKING:
    from holotype.services.citations.query_citations import QueryCitationInfo


def query_title(site_name: str, citation: QueryCitationInfo) -> str:
    """``<site>: records with the words “x” where ... (12 records from 2 datasets)``."""
    datasets = len({r.dataset_id for r in citation.resources})
    return (f"{site_name}: {query_words(citation.query)} ({citation.total:,} record"
            f"{'' if citation.total == 1 else 's'} from {datasets} dataset"
            f"{'' if datasets == 1 else 's'})")


def query_doi_metadata(
    portal: Portal, citation: QueryCitationInfo, datasets: Mapping[str, DatasetInfo]
) -> dict[str, Any]:
    """DataCite attributes (Metadata Schema 4.5) for the citation's DOI: the union of the
    datasets' creators (the portal when none has any), the portal as publisher, each dataset
    as a source (``IsDerivedFrom`` its DOI, or its page), and the counts per resource."""
    site = portal.settings.site_name
    base = portal.settings.base_url.rstrip("/")
    lines = [f"{r.dataset_title} / {r.name}: {r.count:,} records at version {r.version}"
             for r in citation.resources]
    related = [Related(d.doi, "DOI", "IsDerivedFrom") if d.doi else
               Related(f"{base}/dataset/{d.slug}", "URL", "IsDerivedFrom")
               for d in datasets.values()]
    return datacite_attributes(
        title=query_title(site, citation),
        creators=list(citation.creators) or [Agent(site, organisational=True)],
        publisher=site, publication_year=citation.created.year,
        resource_type_general="Dataset", resource_type="Query",
        description="The records of this search, pinned to these versions:\n" + "\n".join(lines),
        licences=citation.licences, created=citation.created, related=related,
        sizes=[f"{citation.total} record{'' if citation.total == 1 else 's'}"])
