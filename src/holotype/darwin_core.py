"""The Darwin Core terms: which field names are terms, and the URI each maps to.

One list for the whole portal: readers use it to recognise a "simple" archive (a data file whose
header names terms), downloads to map fields to terms in meta.xml, and pages to label fields.
The Dublin Core terms are those Darwin Core uses as record-level terms.
"""

from __future__ import annotations

from urllib.parse import quote

DWC = "http://rs.tdwg.org/dwc/terms/"
DCTERMS = "http://purl.org/dc/terms/"

# Darwin Core terms (the dwc: namespace) that may appear on an occurrence record.
_DWC_NAMES = """
occurrenceID catalogNumber recordNumber recordedBy recordedByID individualCount
organismQuantity organismQuantityType sex lifeStage reproductiveCondition caste behavior vitality
establishmentMeans degreeOfEstablishment pathway georeferenceVerificationStatus
occurrenceStatus preparations disposition associatedMedia associatedOccurrences
associatedReferences associatedSequences associatedTaxa otherCatalogNumbers occurrenceRemarks
institutionID collectionID datasetID institutionCode collectionCode datasetName ownerInstitutionCode
basisOfRecord informationWithheld dataGeneralizations dynamicProperties
organismID organismName organismScope associatedOrganisms previousIdentifications organismRemarks
materialEntityID materialSampleID verbatimLabel
eventID parentEventID eventType fieldNumber eventDate eventTime startDayOfYear endDayOfYear year
month day verbatimEventDate habitat samplingProtocol sampleSizeValue sampleSizeUnit
samplingEffort fieldNotes eventRemarks
locationID higherGeographyID higherGeography continent waterBody islandGroup island country
countryCode stateProvince county municipality locality verbatimLocality minimumElevationInMeters
maximumElevationInMeters verbatimElevation verticalDatum minimumDepthInMeters
maximumDepthInMeters verbatimDepth minimumDistanceAboveSurfaceInMeters
maximumDistanceAboveSurfaceInMeters locationAccordingTo locationRemarks decimalLatitude
decimalLongitude geodeticDatum coordinateUncertaintyInMeters coordinatePrecision
pointRadiusSpatialFit verbatimCoordinates verbatimLatitude verbatimLongitude
verbatimCoordinateSystem verbatimSRS footprintWKT footprintSRS footprintSpatialFit georeferencedBy
georeferencedDate georeferenceProtocol georeferenceSources georeferenceRemarks
geologicalContextID earliestEonOrLowestEonothem latestEonOrHighestEonothem
earliestEraOrLowestErathem latestEraOrHighestErathem earliestPeriodOrLowestSystem
latestPeriodOrHighestSystem earliestEpochOrLowestSeries latestEpochOrHighestSeries
earliestAgeOrLowestStage latestAgeOrHighestStage lowestBiostratigraphicZone
highestBiostratigraphicZone lithostratigraphicTerms group formation member bed
identificationID verbatimIdentification identificationQualifier typeStatus identifiedBy
identifiedByID dateIdentified identificationReferences identificationVerificationStatus
identificationRemarks
taxonID scientificNameID acceptedNameUsageID parentNameUsageID originalNameUsageID
nameAccordingToID namePublishedInID taxonConceptID scientificName acceptedNameUsage
parentNameUsage originalNameUsage nameAccordingTo namePublishedIn namePublishedInYear
higherClassification kingdom phylum class order superfamily family subfamily tribe subtribe genus
genericName subgenus infragenericEpithet specificEpithet infraspecificEpithet cultivarEpithet
taxonRank verbatimTaxonRank scientificNameAuthorship vernacularName nomenclaturalCode
taxonomicStatus nomenclaturalStatus taxonRemarks
"""
# Terms of the MeasurementOrFact and ResourceRelationship classes (usually in extensions).
_EXTENSION_NAMES = """
measurementID parentMeasurementID measurementType measurementValue measurementAccuracy
measurementUnit measurementDeterminedBy measurementDeterminedDate measurementMethod
measurementRemarks resourceRelationshipID resourceID relationshipOfResourceID relatedResourceID
relationshipOfResource relationshipAccordingTo relationshipEstablishedDate relationshipRemarks
"""
DWC_TERMS = frozenset(_DWC_NAMES.split()) | frozenset(_EXTENSION_NAMES.split())

_DCTERMS_NAMES = """
type modified language license rightsHolder accessRights bibliographicCitation references
"""
DCTERMS_TERMS = frozenset(_DCTERMS_NAMES.split())

TERMS: dict[str, str] = {
    **{name: DWC + name for name in sorted(DWC_TERMS)},
    **{name: DCTERMS + name for name in sorted(DCTERMS_TERMS)},
}


def is_term(name: str) -> bool:
    """Whether ``name`` is the name of a Darwin Core (or record-level Dublin Core) term."""
    return name in TERMS


def term_uri(field: str, local_namespace: str) -> str:
    """The term a field maps to: Darwin Core, Dublin Core, or the portal's own namespace."""
    return TERMS.get(field) or local_namespace + quote(field, safe="")
