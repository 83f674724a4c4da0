"""The Darwin Core terms (TDWG's standard, and the Dublin Core terms it uses for records): which
field names are terms, and each term's URI.

Readers use it to tell a file whose header names Darwin Core terms (a "simple" archive) from any
other text file.
"""

from __future__ import annotations

DWC = "http://rs.tdwg.org/dwc/terms/"
DCTERMS = "http://purl.org/dc/terms/"

_DWC_NAMES = (
    "Event", "Occurrence", "Taxon", "acceptedNameUsage", "acceptedNameUsageID", "associatedMedia",
    "associatedOccurrences", "associatedReferences", "associatedSequences", "associatedTaxa",
    "basisOfRecord", "bed", "behavior", "catalogNumber", "class", "collectionCode", "collectionID",
    "continent", "coordinatePrecision", "coordinateUncertaintyInMeters", "country", "countryCode",
    "county", "dataGeneralizations", "datasetID", "datasetName", "dateIdentified", "day",
    "decimalLatitude", "decimalLongitude", "disposition", "dynamicProperties",
    "earliestAgeOrLowestStage", "earliestEonOrLowestEonothem", "earliestEpochOrLowestSeries",
    "earliestEraOrLowestErathem", "earliestPeriodOrLowestSystem", "endDayOfYear",
    "establishmentMeans", "eventDate", "eventID", "eventRemarks", "eventTime", "family",
    "fieldNotes", "fieldNumber", "footprintSRS", "footprintSpatialFit", "footprintWKT",
    "formation", "genus", "geodeticDatum", "geologicalContextID", "georeferenceProtocol",
    "georeferenceRemarks", "georeferenceSources", "georeferenceVerificationStatus",
    "georeferencedBy", "georeferencedDate", "group", "habitat", "higherClassification",
    "higherGeography", "higherGeographyID", "highestBiostratigraphicZone", "identificationID",
    "identificationQualifier", "identificationReferences", "identificationRemarks",
    "identificationVerificationStatus", "identifiedBy", "individualCount", "individualID",
    "informationWithheld", "infraspecificEpithet", "institutionCode", "institutionID", "island",
    "islandGroup", "kingdom", "latestAgeOrHighestStage", "latestEonOrHighestEonothem",
    "latestEpochOrHighestSeries", "latestEraOrHighestErathem", "latestPeriodOrHighestSystem",
    "lifeStage", "lithostratigraphicTerms", "locality", "locationAccordingTo", "locationID",
    "locationRemarks", "lowestBiostratigraphicZone", "materialSampleID", "maximumDepthInMeters",
    "maximumDistanceAboveSurfaceInMeters", "maximumElevationInMeters", "member",
    "minimumDepthInMeters", "minimumDistanceAboveSurfaceInMeters", "minimumElevationInMeters",
    "month", "municipality", "nameAccordingTo", "nameAccordingToID", "namePublishedIn",
    "namePublishedInID", "namePublishedInYear", "nomenclaturalCode", "nomenclaturalStatus",
    "occurrenceDetails", "occurrenceID", "occurrenceRemarks", "occurrenceStatus", "order",
    "originalNameUsage", "originalNameUsageID", "otherCatalogNumbers", "ownerInstitutionCode",
    "parentEventID", "parentNameUsage", "parentNameUsageID", "phylum", "pointRadiusSpatialFit",
    "preparations", "previousIdentifications", "recordNumber", "recordedBy",
    "reproductiveCondition", "sampleSizeUnit", "sampleSizeValue", "samplingEffort",
    "samplingProtocol", "scientificName", "scientificNameAuthorship", "scientificNameID", "sex",
    "specificEpithet", "startDayOfYear", "stateProvince", "subgenus", "taxonConceptID", "taxonID",
    "taxonRank", "taxonRemarks", "taxonomicStatus", "typeStatus", "verbatimCoordinateSystem",
    "verbatimCoordinates", "verbatimDepth", "verbatimElevation", "verbatimEventDate",
    "verbatimLatitude", "verbatimLocality", "verbatimLongitude", "verbatimSRS",
    "verbatimTaxonRank", "vernacularName", "waterBody", "year"
)

_DCTERMS_NAMES = (
    "accessRights", "bibliographicCitation", "language", "license", "modified", "references",
    "rights", "rightsHolder", "source", "type"
)

# Terms added to Darwin Core since the list above was fixed (2014 to the 2023 release).
_DWC_LATER_NAMES = (
    "associatedOrganisms", "caste", "cultivarEpithet", "degreeOfEstablishment", "eventType",
    "genericName", "identifiedByID", "infragenericEpithet", "materialEntityID",
    "materialSampleID", "measurementAccuracy", "measurementDeterminedBy",
    "measurementDeterminedDate", "measurementID", "measurementMethod", "measurementRemarks",
    "measurementType", "measurementUnit", "measurementValue", "organismID", "organismName",
    "organismQuantity", "organismQuantityType", "organismRemarks", "organismScope",
    "parentEventID", "parentMeasurementID", "pathway", "previousIdentifications",
    "recordedByID", "relatedResourceID", "relationshipAccordingTo",
    "relationshipEstablishedDate", "relationshipOfResource", "relationshipOfResourceID",
    "relationshipRemarks", "resourceID", "resourceRelationshipID", "sampleSizeUnit",
    "sampleSizeValue", "subfamily", "subtribe", "superfamily", "tribe", "verbatimIdentification",
    "verbatimLabel", "vitality",
)

TERMS: dict[str, str] = {
    **{name: DWC + name for name in (*_DWC_NAMES, *_DWC_LATER_NAMES)},
    **{name: DCTERMS + name for name in _DCTERMS_NAMES},
}


def is_term(name: str) -> bool:
    """Whether ``name`` is the name of a Darwin Core (or record-level Dublin Core) term."""
    return name in TERMS
