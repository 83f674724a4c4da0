"""Term URIs to field names, including the pre-standard Darwin Core terms."""

from __future__ import annotations

import pytest

from holotype.ingest.dwca_terms import LEGACY_TERMS, field_name, is_legacy, short_name

CURRENT_DWC_TERMS = {
    "occurrenceID", "catalogNumber", "recordedBy", "recordNumber", "year", "month", "day",
    "decimalLatitude", "decimalLongitude", "scientificName", "scientificNameAuthorship",
    "basisOfRecord", "institutionCode", "collectionCode", "country", "locality", "identifiedBy",
    "typeStatus", "stateProvince", "modified", "higherClassification", "kingdom", "phylum",
    "class", "order", "family", "genus", "specificEpithet", "infraspecificEpithet",
    "verbatimTaxonRank", "nomenclaturalCode", "identificationQualifier", "higherGeography",
    "continent", "waterBody", "islandGroup", "island", "county", "minimumElevationInMeters",
    "maximumElevationInMeters", "minimumDepthInMeters", "maximumDepthInMeters",
    "samplingProtocol", "eventTime", "startDayOfYear", "verbatimEventDate", "sex", "lifeStage",
    "individualCount", "fieldNumber", "fieldNotes", "dateIdentified", "preparations",
    "disposition", "otherCatalogNumbers", "associatedOccurrences", "associatedSequences",
    "verbatimElevation", "verbatimDepth", "geodeticDatum", "coordinateUncertaintyInMeters",
    "pointRadiusSpatialFit", "verbatimCoordinates", "verbatimLatitude", "verbatimLongitude",
    "verbatimCoordinateSystem", "georeferenceProtocol", "georeferenceSources",
    "georeferenceVerificationStatus", "georeferenceRemarks", "footprintWKT",
    "footprintSpatialFit", "informationWithheld", "occurrenceRemarks", "dynamicProperties",
    "associatedMedia",
}  # fmt: skip


@pytest.mark.parametrize(
    ("term", "name"),
    [
        ("http://rs.tdwg.org/dwc/terms/scientificName", "scientificName"),
        ("http://purl.org/dc/terms/modified", "modified"),
        ("http://rs.gbif.org/terms/1.0/Multimedia", "Multimedia"),
        ("http://example.org/vocab#colour", "colour"),
        ("http://example.org/terms/x/", "x"),
        ("dwc:year", "year"),
        ("plainName", "plainName"),
        # Escaped after splitting: an escaped slash is part of the name, not a separator.
        ("http://example.org/terms/depth%20%28m%29", "depth (m)"),
        ("http://example.org/terms/h%C3%B6he%2Fx%23y", "höhe/x#y"),
        ("http://example.org/terms/100%", "100%"),
    ],
)
def test_short_name(term: str, name: str) -> None:
    assert short_name(term) == name


@pytest.mark.parametrize(
    ("term", "name"),
    [
        ("http://rs.tdwg.org/dwc/dwcore/ScientificName", "scientificName"),
        ("http://rs.tdwg.org/dwc/dwcore/CatalogNumber", "catalogNumber"),
        ("http://rs.tdwg.org/dwc/dwcore/Collector", "recordedBy"),
        ("http://rs.tdwg.org/dwc/dwcore/YearCollected", "year"),
        ("http://rs.tdwg.org/dwc/dwcore/MonthCollected", "month"),
        ("http://rs.tdwg.org/dwc/dwcore/DayCollected", "day"),
        ("http://rs.tdwg.org/dwc/dwcore/GlobalUniqueIdentifier", "occurrenceID"),
        ("http://rs.tdwg.org/dwc/dwcore/BasisOfRecord", "basisOfRecord"),
        ("http://rs.tdwg.org/dwc/dwcore/InstitutionCode", "institutionCode"),
        ("http://rs.tdwg.org/dwc/dwcore/CollectionCode", "collectionCode"),
        ("http://rs.tdwg.org/dwc/dwcore/Country", "country"),
        ("http://rs.tdwg.org/dwc/dwcore/Locality", "locality"),
        ("http://rs.tdwg.org/dwc/dwcore/StateProvince", "stateProvince"),
        ("http://rs.tdwg.org/dwc/curatorial/IdentifiedBy", "identifiedBy"),
        ("http://rs.tdwg.org/dwc/curatorial/TypeStatus", "typeStatus"),
        ("http://rs.tdwg.org/dwc/curatorial/CollectorNumber", "recordNumber"),
        ("http://rs.tdwg.org/dwc/geospatial/DecimalLatitude", "decimalLatitude"),
        ("http://rs.tdwg.org/dwc/geospatial/DecimalLongitude", "decimalLongitude"),
        ("http://rs.tdwg.org/dwc/darwincore/Latitude", "decimalLatitude"),
        ("http://rs.tdwg.org/dwc/darwincore/Longitude", "decimalLongitude"),
        ("http://rs.tdwg.org/dwc/dwcore/SomethingUnlisted", "somethingUnlisted"),
        ("http://rs.tdwg.org/dwc/terms/occurrenceID", "occurrenceID"),
        ("http://rs.tdwg.org/dwc/terms/class", "class"),
        ("http://example.org/terms/Collector", "recordedBy"),
        ("http://example.org/terms/Department", "Department"),
    ],
)
def test_field_name(term: str, name: str) -> None:
    assert field_name(term) == name


def test_legacy_namespaces() -> None:
    assert is_legacy("http://rs.tdwg.org/dwc/dwcore/Genus")
    assert not is_legacy("http://rs.tdwg.org/dwc/terms/genus")


def test_every_legacy_term_maps_to_a_current_term() -> None:
    assert set(LEGACY_TERMS.values()) <= CURRENT_DWC_TERMS
    assert all(old[0].isupper() for old in LEGACY_TERMS)
