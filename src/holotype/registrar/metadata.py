"""DataCite metadata (Metadata Schema 4.5) for any DOI of this portal, and its validation.

:func:`datacite_attributes` builds the ``attributes`` of a DataCite REST (JSON:API) request
from plain values; dataset DOIs and query DOIs both use it. The REST attributes are the JSON
form of the schema that the ``datacite`` package validates (``datacite.schema45``: its JSON
schema includes ``doi``, ``url`` and ``event``), so no conversion is needed: every payload is
checked by :func:`validate_attributes` before it is sent, and an invalid one is never sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from datacite import schema45

from holotype.registrar.base import InvalidMetadata

SCHEMA_VERSION = "http://datacite.org/schema/kernel-4"
ORCID = "https://orcid.org"
SPDX = "https://spdx.org/licenses/"


class CreatorLike(Protocol):
    """A creator: a catalogue creator (``CreatorInfo``) or an :class:`Agent`."""

    @property
    def name(self) -> str: ...
    @property
    def orcid(self) -> str | None: ...
    @property
    def affiliation(self) -> str | None: ...


class LicenceLike(Protocol):
    """A licence: ``holotype.catalog.licences.Licence`` fits."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class Agent:
    """A creator given by hand; ``organisational`` for a body (a museum) rather than a person."""

    name: str
    orcid: str | None = None
    affiliation: str | None = None
    organisational: bool = False


@dataclass(frozen=True)
class Related:
    """An identifier related to the DOI, e.g. ``Related("10.5072/abcd-1234", "DOI",
    "IsDerivedFrom")`` from a query DOI to each dataset DOI it searched."""

    identifier: str
    identifier_type: str  # DOI, URL, ...
    relation_type: str  # IsDerivedFrom, IsPartOf, IsVersionOf, References, ...
    resource_type_general: str | None = None


def _creator(creator: CreatorLike) -> dict[str, Any]:
    organisational = getattr(creator, "organisational", False)
    item: dict[str, Any] = {"name": creator.name,
                            "nameType": "Organizational" if organisational else "Personal"}
    if creator.orcid:
        item["nameIdentifiers"] = [{"nameIdentifier": f"{ORCID}/{creator.orcid}",
                                    "nameIdentifierScheme": "ORCID", "schemeUri": ORCID}]
    if creator.affiliation:
        item["affiliation"] = [{"name": creator.affiliation}]
    return item


def _rights(licence: LicenceLike) -> dict[str, str]:
    return {"rights": licence.title, "rightsUri": licence.url,
            "rightsIdentifier": licence.id.lower(), "rightsIdentifierScheme": "SPDX",
            "schemeUri": SPDX}


def _day(value: date | datetime) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def datacite_attributes(
    *,
    title: str,
    creators: Sequence[CreatorLike],
    publisher: str,
    publication_year: int,
    resource_type_general: str = "Dataset",
    resource_type: str | None = None,
    description: str = "",
    licences: Sequence[LicenceLike] = (),
    version: str | None = None,
    created: date | datetime | None = None,
    updated: date | datetime | None = None,
    keywords: Sequence[str] = (),
    related: Sequence[Related] = (),
    sizes: Sequence[str] = (),
    formats: Sequence[str] = (),
    language: str | None = None,
) -> dict[str, Any]:
    """The DataCite attributes (Metadata Schema 4.5) of a DOI, without ``doi``, ``url`` and
    ``event`` (the sender adds them).

    ``creators`` in citation order (at least one: a dataset without creators is credited to its
    organisation, as an organisational :class:`Agent`); their ORCID iDs become
    ``nameIdentifiers`` and affiliations ``affiliation``. ``publisher`` is who makes the DOI's
    content available (the organisation or the portal); ``publication_year`` the year it was
    first published. ``description`` becomes an Abstract, ``licences`` the ``rightsList`` (SPDX),
    ``keywords`` the ``subjects``, ``created``/``updated`` dates Created and Updated (days),
    ``version`` the version, ``related`` the ``relatedIdentifiers``, ``sizes`` and ``formats``
    free text such as ``"1234 records"`` and ``"application/zip"``.
    """
    attributes: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "titles": [{"title": title}],
        "creators": [_creator(c) for c in creators],
        "publisher": {"name": publisher},
        "publicationYear": f"{publication_year:04d}",
        "types": {"resourceTypeGeneral": resource_type_general,
                  **({"resourceType": resource_type} if resource_type else {})},
    }
    if description.strip():
        attributes["descriptions"] = [{"description": description.strip(),
                                       "descriptionType": "Abstract"}]
    if licences:
        attributes["rightsList"] = [_rights(licence) for licence in licences]
    if version is not None:
        attributes["version"] = version
    dates = [{"date": _day(value), "dateType": kind}
             for kind, value in (("Created", created), ("Updated", updated)) if value is not None]
    if dates:
        attributes["dates"] = dates
    if keywords:
        attributes["subjects"] = [{"subject": k} for k in dict.fromkeys(keywords)]
    if related:
        attributes["relatedIdentifiers"] = [
            {"relatedIdentifier": r.identifier, "relatedIdentifierType": r.identifier_type,
             "relationType": r.relation_type,
             **({"resourceTypeGeneral": r.resource_type_general}
                if r.resource_type_general else {})}
            for r in related]
    if sizes:
        attributes["sizes"] = list(dict.fromkeys(sizes))
    if formats:
        attributes["formats"] = list(dict.fromkeys(formats))
    if language:
        attributes["language"] = language
    return attributes


def _where(path: Sequence[object]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "(top)"


def validate_attributes(attributes: Mapping[str, Any]) -> None:
    """Check a payload's attributes against DataCite Metadata Schema 4.5
    (``datacite.schema45``); :class:`InvalidMetadata` names every problem and where it is."""
    data = dict(attributes)
    if schema45.validate(data):
        return
    problems = sorted(schema45.validator.iter_errors(data), key=lambda e: list(e.path))
    listed = "; ".join(f"{_where(list(e.path))}: {e.message}" for e in problems)
    raise InvalidMetadata(f"the DOI metadata does not follow DataCite Metadata Schema 4.5: "
                          f"{listed}")
