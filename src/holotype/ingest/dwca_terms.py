"""Term URIs to field names, with pre-standard Darwin Core terms mapped to today's names.

A field is named after its term's short name, the last segment of the term URI
(``http://rs.tdwg.org/dwc/terms/scientificName`` -> ``scientificName``), percent-escapes
decoded (``.../terms/depth%20%28m%29`` -> ``depth (m)``: a URI cannot hold a space, so archives
escape names that have one, Holotype's own downloads among them). Archives written before
Darwin Core became a TDWG standard (2009) use older names such as ``ScientificName``,
``Collector`` or ``YearCollected`` in namespaces like ``http://rs.tdwg.org/dwc/dwcore/``; those
are renamed to the current term so that old and new archives produce the same fields.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# Namespaces of Darwin Core 1.x (DiGIR/TAPIR era) and its curatorial and geospatial extensions.
LEGACY_NAMESPACES = (
    "http://rs.tdwg.org/dwc/dwcore/",
    "http://rs.tdwg.org/dwc/curatorial/",
    "http://rs.tdwg.org/dwc/geospatial/",
    "http://rs.tdwg.org/dwc/darwincore/",
    "http://digir.net/schema/conceptual/darwin/",
    "http://www.tdwg.org/schemas/abcd/",
)

# Old name -> current Darwin Core term name. Names not listed keep their own short name (in a
# legacy namespace, with the first letter lowered: Kingdom -> kingdom).
LEGACY_TERMS: dict[str, str] = {
    # record-level
    "GlobalUniqueIdentifier": "occurrenceID",
    "DateLastModified": "modified",
    "LastModified": "modified",
    "BasisOfRecord": "basisOfRecord",
    "InstitutionCode": "institutionCode",
    "CollectionCode": "collectionCode",
    "CatalogNumber": "catalogNumber",
    "CatalogNumberText": "catalogNumber",
    "InformationWithheld": "informationWithheld",
    "Remarks": "occurrenceRemarks",
    "Notes": "occurrenceRemarks",
    "Attributes": "dynamicProperties",
    "ImageURL": "associatedMedia",
    # taxon
    "ScientificName": "scientificName",
    "AuthorYearOfScientificName": "scientificNameAuthorship",
    "ScientificNameAuthor": "scientificNameAuthorship",
    "HigherTaxon": "higherClassification",
    "Kingdom": "kingdom",
    "Phylum": "phylum",
    "Class": "class",
    "Order": "order",
    "Family": "family",
    "Genus": "genus",
    "Species": "specificEpithet",
    "SpecificEpithet": "specificEpithet",
    "Subspecies": "infraspecificEpithet",
    "InfraspecificEpithet": "infraspecificEpithet",
    "InfraspecificRank": "verbatimTaxonRank",
    "NomenclaturalCode": "nomenclaturalCode",
    "IdentificationQualifer": "identificationQualifier",  # misspelt in Darwin Core 1.4
    "IdentificationQualifier": "identificationQualifier",
    "IdentificationModifier": "identificationQualifier",
    # location
    "HigherGeography": "higherGeography",
    "Continent": "continent",
    "ContinentOcean": "continent",
    "WaterBody": "waterBody",
    "IslandGroup": "islandGroup",
    "Island": "island",
    "Country": "country",
    "StateProvince": "stateProvince",
    "County": "county",
    "Locality": "locality",
    "MinimumElevationInMeters": "minimumElevationInMeters",
    "MaximumElevationInMeters": "maximumElevationInMeters",
    "MinimumElevation": "minimumElevationInMeters",
    "MaximumElevation": "maximumElevationInMeters",
    "MinimumDepthInMeters": "minimumDepthInMeters",
    "MaximumDepthInMeters": "maximumDepthInMeters",
    "MinimumDepth": "minimumDepthInMeters",
    "MaximumDepth": "maximumDepthInMeters",
    # event
    "CollectingMethod": "samplingProtocol",
    "Collector": "recordedBy",
    "YearCollected": "year",
    "MonthCollected": "month",
    "DayCollected": "day",
    "TimeCollected": "eventTime",
    "TimeOfDay": "eventTime",
    "DayOfYear": "startDayOfYear",
    "JulianDay": "startDayOfYear",
    "VerbatimCollectingDate": "verbatimEventDate",
    # organism / occurrence
    "Sex": "sex",
    "LifeStage": "lifeStage",
    "IndividualCount": "individualCount",
    # curatorial extension
    "CollectorNumber": "recordNumber",
    "FieldNumber": "fieldNumber",
    "FieldNotes": "fieldNotes",
    "IdentifiedBy": "identifiedBy",
    "DateIdentified": "dateIdentified",
    "TypeStatus": "typeStatus",
    "Preparations": "preparations",
    "Disposition": "disposition",
    "OtherCatalogNumbers": "otherCatalogNumbers",
    "PreviousCatalogNumber": "otherCatalogNumbers",
    "RelatedCatalogedItems": "associatedOccurrences",
    "GenBankNumber": "associatedSequences",
    "VerbatimElevation": "verbatimElevation",
    "VerbatimDepth": "verbatimDepth",
    # geospatial extension
    "Latitude": "decimalLatitude",
    "Longitude": "decimalLongitude",
    "DecimalLatitude": "decimalLatitude",
    "DecimalLongitude": "decimalLongitude",
    "GeodeticDatum": "geodeticDatum",
    "CoordinateUncertaintyInMeters": "coordinateUncertaintyInMeters",
    "CoordinatePrecision": "coordinateUncertaintyInMeters",  # Darwin Core 1.2: in metres
    "PointRadiusSpatialFit": "pointRadiusSpatialFit",
    "VerbatimCoordinates": "verbatimCoordinates",
    "VerbatimLatitude": "verbatimLatitude",
    "VerbatimLongitude": "verbatimLongitude",
    "VerbatimCoordinateSystem": "verbatimCoordinateSystem",
    "GeoreferenceProtocol": "georeferenceProtocol",
    "GeoreferenceSources": "georeferenceSources",
    "GeoreferenceVerificationStatus": "georeferenceVerificationStatus",
    "GeoreferenceRemarks": "georeferenceRemarks",
    "FootprintWKT": "footprintWKT",
    "FootprintSpatialFit": "footprintSpatialFit",
}

_SEPARATORS = re.compile(r"[/#]")


def short_name(term: str) -> str:
    """The last segment of a term URI, percent-escapes decoded (``dwc:year`` and bare names are
    accepted too)."""
    text = term.strip().rstrip("/#")
    last = _SEPARATORS.split(text)[-1]
    if last == text and ":" in text:
        last = text.rsplit(":", 1)[-1]
    return unquote(last)


def is_legacy(term: str) -> bool:
    """Whether the term URI is in a pre-standard Darwin Core namespace."""
    return any(term.strip().startswith(namespace) for namespace in LEGACY_NAMESPACES)


def field_name(term: str) -> str:
    """The field name for a term: its short name, or the current term for a legacy one."""
    name = short_name(term)
    if name in LEGACY_TERMS:
        return LEGACY_TERMS[name]
    if is_legacy(term) and name:
        return name[0].lower() + name[1:]
    return name
