"""Suggested Darwin Core terms for a file's column names that are not terms.

A column matches a term when the two are the same once letter case, spaces, underscores,
hyphens and dots are set aside (``decimal_latitude``, ``Decimal Latitude`` ->
decimalLatitude), or through a small table of common names (``lat`` -> decimalLatitude,
``collector`` -> recordedBy). A suggestion is only that: the editor may accept it, which renames
the column when the draft is published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from holotype.darwin_core import TERMS, is_term

#: Common column names (compared as :func:`squash` leaves them) and the term each means.
SYNONYMS: dict[str, str] = {
    "lat": "decimalLatitude", "latitude": "decimalLatitude", "declat": "decimalLatitude",
    "lon": "decimalLongitude", "long": "decimalLongitude", "lng": "decimalLongitude",
    "longitude": "decimalLongitude", "declon": "decimalLongitude",
    "species": "scientificName", "scientific": "scientificName", "taxon": "scientificName",
    "taxonname": "scientificName", "name": "scientificName", "binomial": "scientificName",
    "collector": "recordedBy", "collectors": "recordedBy", "collectedby": "recordedBy",
    "recorder": "recordedBy", "observer": "recordedBy",
    "date": "eventDate", "collectiondate": "eventDate", "datecollected": "eventDate",
    "collecteddate": "eventDate", "eventdatetime": "eventDate", "sampledate": "eventDate",
    "catno": "catalogNumber", "catalognumber": "catalogNumber",
    "cataloguenumber": "catalogNumber", "cataloguenr": "catalogNumber",
    "specimennumber": "catalogNumber", "registrationnumber": "catalogNumber",
    "regno": "catalogNumber", "accessionnumber": "catalogNumber",
    "state": "stateProvince", "province": "stateProvince", "region": "stateProvince",
    "altitude": "verbatimElevation", "elevation": "verbatimElevation",
    "depth": "verbatimDepth", "location": "locality", "site": "locality",
    "place": "locality", "notes": "occurrenceRemarks", "remarks": "occurrenceRemarks",
    "comments": "occurrenceRemarks", "institution": "institutionCode",
    "collection": "collectionCode", "identifiedby": "identifiedBy",
    "determiner": "identifiedBy", "determinedby": "identifiedBy",
    "stage": "lifeStage", "count": "individualCount", "numberofindividuals": "individualCount",
    "abundance": "individualCount", "basis": "basisOfRecord", "id": "occurrenceID",
    "occurrenceid": "occurrenceID", "guid": "occurrenceID", "type": "typeStatus",
    "typestatus": "typeStatus", "countrycode": "countryCode", "iso2": "countryCode",
    "uncertainty": "coordinateUncertaintyInMeters", "datum": "geodeticDatum",
    "author": "scientificNameAuthorship", "authority": "scientificNameAuthorship",
}
_SPACES = re.compile(r"[\s_\-.:/()]+")


def squash(name: str) -> str:
    """A column or term name without case, spaces, underscores, hyphens, dots, brackets."""
    return _SPACES.sub("", name).casefold()


_BY_SQUASHED = {squash(term): term for term in TERMS}


def suggest(name: str) -> str | None:
    """The term ``name`` most likely means, or None (and None when it is a term already)."""
    return _suggest(name, exact=True) or _suggest(name, exact=False)


def _suggest(name: str, *, exact: bool) -> str | None:
    if is_term(name):
        return None
    key = squash(name)
    if exact:
        return _BY_SQUASHED.get(key)
    return SYNONYMS.get(key.replace("catalogue", "catalog")) or SYNONYMS.get(key)


def suggestions(fields: Sequence[str]) -> dict[str, str]:
    """Column -> suggested term, for the columns with a suggestion whose term no other column
    already is (or is suggested to become): names that match a term but for case and spacing
    first, then the common names."""
    taken = {f for f in fields if is_term(f)}
    found: dict[str, str] = {}
    for exact in (True, False):
        for name in fields:
            term = _suggest(name, exact=exact)
            if name not in found and term is not None and term not in taken:
                found[name] = term
                taken.add(term)
    return {name: found[name] for name in fields if name in found}
