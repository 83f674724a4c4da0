"""The DataCite metadata of a query DOI: what the citation says, in DataCite's terms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from holotype.catalog.snapshots import DatasetInfo
from holotype.query.words import query_words
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
    """DataCite attributes (Metadata Schema 4.5) for the citation's DOI."""
    site = portal.settings.site_name
    creators = [{"name": c.name, "nameType": "Personal"} for c in citation.creators] or [
        {"name": site, "nameType": "Organizational"}]
    lines = [f"{r.dataset_title} / {r.name}: {r.count:,} records (version {r.version})"
             for r in citation.resources]
    return {
        "titles": [{"title": query_title(site, citation)}],
        "creators": creators,
        "publisher": {"name": site},
        "publicationYear": str(citation.created.year),
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Query"},
        "descriptions": [{"description": "\n".join(lines), "descriptionType": "Other"}],
        "sizes": [f"{citation.total} records"],
        "rightsList": [{"rights": lic.title, "rightsUri": lic.url, "rightsIdentifier": lic.id,
                        "rightsIdentifierScheme": "SPDX"}
                       for lic in citation.licences],
        "relatedIdentifiers": [
            ({"relatedIdentifier": d.doi, "relatedIdentifierType": "DOI"} if d.doi else
             {"relatedIdentifier": f"{portal.settings.base_url.rstrip('/')}/dataset/{d.slug}",
              "relatedIdentifierType": "URL"}) | {"relationType": "IsDerivedFrom"}
            for d in datasets.values()],
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }
