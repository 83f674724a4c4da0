"""Citation items: what is cited, as one CSL-JSON item, from which every format is made.

CSL-JSON (the Citation Style Language's data model) is the item a CSL processor formats, what
doi.org answers for ``application/vnd.citationstyles.csl+json``, and rich enough for BibTeX and
RIS (see ``formats``). A dataset, a record and a query citation each become one item here, so
every format of one thing says the same.

Names: a creator ``"Smith, Jane"`` or ``"Jane Smith"`` becomes ``family``/``given``; an
organisation (the publisher standing in as author, or a creator whose name reads as one) stays
one ``literal`` name, which no style reorders or abbreviates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from holotype.services.citations.query_citations import QueryCitationInfo
from holotype.services.citations.query_metadata import query_title
from holotype.services.dataset_view import DatasetPage
from holotype.services.record_view import RecordPage, object_path, record_title

# Words that make a creator's name an organisation's (a person with an ORCID never is one).
ORGANISATION_WORDS = frozenset((
    "academy", "agency", "archive", "archives", "association", "botanic", "botanical",
    "bureau", "centre", "center", "collection", "collections", "college", "committee",
    "company", "consortium", "corporation", "council", "department", "foundation", "garden",
    "gardens", "group", "herbarium", "inc", "initiative", "institute", "institution",
    "laboratory", "library", "ltd", "ministry", "museum", "museums", "network", "office",
    "project", "programme", "program", "school", "service", "society", "survey", "team",
    "trust", "unit", "university"))
# Lower-case particles that belong to the family name in "Given particle Family".
PARTICLES = frozenset(("van", "von", "der", "den", "de", "del", "della", "di", "da", "das",
                       "dos", "du", "la", "le", "ten", "ter"))


def is_organisation(name: str) -> bool:
    """Whether ``name`` reads as an organisation's rather than a person's."""
    words = re.findall(r"[^\W\d_]+", name.lower())
    return (not words or "&" in name or "(" in name or len(words) > 5
            or any(w in ORGANISATION_WORDS for w in words))


def csl_name(name: str, *, organisation: bool | None = None) -> dict[str, str]:
    """One CSL name: ``{"family", "given"}`` for a person, ``{"literal"}`` for an organisation
    (``organisation`` None: decided by ``is_organisation``)."""
    name = " ".join(name.split())
    if organisation if organisation is not None else is_organisation(name):
        return {"literal": name}
    if "," in name:
        family, _, given = (part.strip() for part in name.partition(","))
    else:
        words = name.split(" ")
        start = len(words) - 1
        while start > 1 and words[start - 1] in PARTICLES:
            start -= 1
        family, given = " ".join(words[start:]), " ".join(words[:start])
    return {"family": family, "given": given} if given else {"family": family}


def date_parts(value: date | int) -> dict[str, list[list[int]]]:
    """A CSL date: a year, or a day (a datetime is read in UTC)."""
    if isinstance(value, int):
        return {"date-parts": [[value]]}
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value
    return {"date-parts": [[value.year, value.month, value.day]]}


def _organisation(author: Mapping[str, Any]) -> bool | None:
    if author.get("organisation") is not None:
        return bool(author["organisation"])
    return False if author.get("orcid") else None


def csl_item(
    *,
    id: str,
    type: str,
    title: str,
    authors: Sequence[Mapping[str, Any]],
    publisher: str | None,
    issued: date | int | None,
    doi: str | None,
    url: str | None,
    version: str | None,
    accessed: date | None,
    abstract: str | None = None,
    note: str | None = None,
    container_title: str | None = None,
) -> dict[str, Any]:
    """One CSL-JSON item. ``authors`` are ``{"name", "orcid"?, "organisation"?}``: a person
    (``"Smith, Jane"`` or ``"Jane Smith"``) or an organisation (``organisation`` true, or a
    name that reads as one and has no ORCID). Empty values are left out."""
    names = [csl_name(str(a["name"]), organisation=_organisation(a))
             for a in authors if str(a.get("name") or "").strip()]
    item: dict[str, Any] = {
        "id": id, "type": type, "title": title, "author": names,
        "container-title": container_title, "publisher": publisher,
        "issued": date_parts(issued) if issued is not None else None,
        "accessed": date_parts(accessed) if accessed is not None else None,
        "version": version, "DOI": doi, "URL": url, "abstract": abstract, "note": note,
    }
    return {key: value for key, value in item.items() if value}


def dataset_item(page: DatasetPage, portal_url: str, accessed: date) -> dict[str, Any]:
    """A dataset as cited: its creators (else its organisation), the year it was published,
    its title, its organisation as publisher, its DOI when it has one that resolves (not one
    of this portal's still a draft, waiting to be sent or refused) and its page.

    Nothing in it changes with a new version of the data, so the citation stays put."""
    d = page.dataset
    publisher = page.organisation.name if page.organisation else None
    authors: list[dict[str, Any]] = [{"name": c.name, "orcid": c.orcid} for c in d.creators]
    if not authors and publisher:
        authors = [{"name": publisher, "organisation": True}]
    return csl_item(
        id=f"dataset-{d.slug}", type="dataset", title=d.title, authors=authors,
        publisher=publisher, issued=d.created, doi=d.doi if page.doi_resolves else None,
        url=f"{portal_url}/dataset/{quote(d.slug, safe='')}", version=None, accessed=accessed,
        abstract=d.description or None)


def record_url(page: RecordPage, portal_url: str) -> str:
    """The record's lasting address: its stable URI when it has an occurrenceID, else its
    page."""
    occurrence = page.data.get("occurrenceID")
    return portal_url + (object_path(occurrence) if occurrence else
                         f"/record/{quote(page.resource.id, safe='')}/"
                         f"{quote(page.record_id, safe='')}")


def record_item(page: RecordPage, portal_url: str, accessed: date) -> dict[str, Any]:
    """A record as cited: published by the dataset's organisation (the record's
    institutionCode when the dataset has none) in the year of the record version shown, titled
    by its catalogue number and name, in its dataset, at its stable URI.

    The citation changes only when something it is made of does, not with every new version of
    the resource."""
    data = page.data
    who = ((page.organisation.name if page.organisation else "")
           or data.get("institutionCode") or "Unknown institution")
    shown = datetime.fromtimestamp(page.version / 1000, UTC)
    what = " ".join(x for x in (data.get("catalogNumber"), data.get("scientificName")) if x)
    return csl_item(
        id=f"record-{page.resource.id}-{page.record_id}", type="dataset",
        title=what or record_title(data, page.record_id),
        authors=[{"name": who, "organisation": True}], publisher=who, issued=shown.year,
        doi=None, url=record_url(page, portal_url), version=None, accessed=accessed,
        container_title=page.dataset.title)


def query_item(
    citation: QueryCitationInfo, site_name: str, portal_url: str, accessed: date,
    doi_resolves: bool = False,
) -> dict[str, Any]:
    """A cited search: by the union of its datasets' creators (the portal when none has any),
    published by the portal in the year it was cited, titled by the search in words with its
    counts, with its DOI once the DOI resolves (``doi_resolves``) and its landing page."""
    authors: list[dict[str, Any]] = [{"name": c.name, "orcid": c.orcid}
                                     for c in citation.creators]
    if not authors:
        authors = [{"name": site_name, "organisation": True}]
    return csl_item(
        id=f"citation-{citation.id}", type="dataset", title=query_title(site_name, citation),
        authors=authors, publisher=site_name, issued=citation.created.date(),
        doi=citation.doi if doi_resolves else None,
        url=portal_url + citation.path, version=None, accessed=accessed)
