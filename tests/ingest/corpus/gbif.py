"""The shape of a GBIF.org occurrence download in Darwin Core Archive format."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.corpus.samples import specimens
from tests.ingest.corpus.writing import DC, DWC, GBIF, eml, fields_of, file_element, meta, write_zip

DATASET_KEY = "7e380070-f762-11e1-a439-00145eb45e9a"
# Interpreted columns of occurrence.txt, in GBIF's order (a subset of its ~250), by namespace.
COLUMNS = [
    GBIF + "gbifID", DC + "license", DC + "modified", DC + "rightsHolder", DC + "type",
    DWC + "institutionCode", DWC + "collectionCode", DWC + "datasetName", DWC + "basisOfRecord",
    DWC + "occurrenceID", DWC + "catalogNumber", DWC + "recordNumber", DWC + "recordedBy",
    DWC + "individualCount", DWC + "sex", DWC + "lifeStage", DWC + "preparations",
    DWC + "occurrenceStatus", DWC + "eventDate", DWC + "year", DWC + "month", DWC + "day",
    DWC + "verbatimEventDate", DWC + "countryCode", DWC + "stateProvince", DWC + "locality",
    DWC + "verbatimLocality", DWC + "decimalLatitude", DWC + "decimalLongitude",
    DWC + "coordinateUncertaintyInMeters", DWC + "geodeticDatum", DWC + "typeStatus",
    DWC + "identifiedBy", DWC + "taxonID", DWC + "scientificName", DWC + "kingdom",
    DWC + "phylum", DWC + "class", DWC + "order", DWC + "family", DWC + "genus",
    DWC + "specificEpithet", DWC + "taxonRank", DWC + "taxonomicStatus",
    GBIF + "datasetKey", GBIF + "publishingCountry", GBIF + "lastInterpreted", GBIF + "issue",
    GBIF + "mediaType", GBIF + "hasCoordinate", GBIF + "hasGeospatialIssues", GBIF + "taxonKey",
    GBIF + "speciesKey", GBIF + "species", GBIF + "acceptedScientificName",
    GBIF + "verbatimScientificName", GBIF + "protocol", GBIF + "lastParsed",
    GBIF + "lastCrawled", GBIF + "repatriated",
]
VERBATIM = [
    DWC + "occurrenceID", DWC + "catalogNumber", DWC + "scientificName", DWC + "eventDate",
    DWC + "country", DWC + "locality", DWC + "verbatimLatitude", DWC + "verbatimLongitude",
]
MEDIA = [
    DC + "type", DC + "format", DC + "identifier", DC + "references", DC + "title",
    DC + "created", DC + "creator", DC + "license", DC + "rightsHolder",
]


def _short(term: str) -> str:
    return term.rsplit("/", 1)[-1]


def gbif_download(folder: Path) -> Path:
    """A GBIF.org occurrence download (format DWCA): occurrence.txt with gbifID at the id column
    and many interpreted columns, verbatim.txt as an extension with the Occurrence rowType,
    multimedia.txt, all tab-delimited without quoting; metadata.xml, citations.txt, rights.txt
    and one EML per dataset under dataset/. As in real downloads, occurrenceID can be empty."""
    interpreted: list[list[str]] = []
    verbatim: list[list[str]] = []
    media: list[list[str]] = []
    for s in specimens(15, prefix="MAM"):
        gbif_id = str(1_986_620_000 + s.number * 37)
        genus, _, epithet = s.name.partition(" ")
        values = {
            "gbifID": gbif_id, "license": "CC_BY_4_0", "modified": "2023-06-01T12:00:00.000Z",
            "rightsHolder": "NHMD", "type": "PhysicalObject", "institutionCode": "NHMD",
            "collectionCode": "ZMUC", "datasetName": "NHMD mammals",
            "basisOfRecord": "PRESERVED_SPECIMEN",
            "occurrenceID": "" if s.number % 4 == 0 else s.occurrence_id,
            "catalogNumber": s.catalog, "recordedBy": s.recorded_by,
            "occurrenceStatus": "PRESENT", "eventDate": f"{s.event_date}T00:00:00",
            "year": s.year, "month": str(int(s.event_date[5:7])),
            "day": str(int(s.event_date[8:10])), "countryCode": s.country_code,
            "locality": s.locality, "decimalLatitude": s.latitude,
            "decimalLongitude": s.longitude, "geodeticDatum": "WGS84",
            "typeStatus": s.type_status.upper(), "scientificName": f"{s.name} {s.authorship}",
            "kingdom": s.kingdom, "family": s.family, "genus": genus, "specificEpithet": epithet,
            "taxonRank": "SPECIES", "taxonomicStatus": "ACCEPTED", "datasetKey": DATASET_KEY,
            "publishingCountry": "DK", "lastInterpreted": "2024-02-11T03:21:07.123Z",
            "issue": "COORDINATE_ROUNDED;GEODETIC_DATUM_ASSUMED_WGS84",
            "mediaType": "StillImage" if s.number % 5 == 0 else "",
            "hasCoordinate": "true", "hasGeospatialIssues": "false",
            "taxonKey": str(2_435_000 + s.number), "speciesKey": str(2_435_000 + s.number),
            "species": s.name, "acceptedScientificName": f"{s.name} {s.authorship}",
            "verbatimScientificName": s.name, "protocol": "DWC_ARCHIVE",
            "lastParsed": "2024-02-11T03:20:59.001Z", "lastCrawled": "2024-02-11T03:10:00.000Z",
            "repatriated": "true",
        }
        interpreted.append([values.get(_short(term), "") for term in COLUMNS])
        verbatim.append([
            gbif_id, values["occurrenceID"], s.catalog, s.name, s.event_date, s.country,
            s.locality, s.latitude, s.longitude,
        ])
        if values["mediaType"]:
            media.append([
                gbif_id, "StillImage", "image/jpeg",
                f"https://images.example.org/nhmd/{s.catalog}.jpg",
                f"https://specimens.example.org/{s.catalog}", s.name, "2020-01-01", "NHMD",
                "http://creativecommons.org/licenses/by/4.0/", "NHMD",
            ])
    core = file_element("core", DWC + "Occurrence", ["occurrence.txt"], fields_of(COLUMNS))
    verbatim_element = file_element(
        "extension", DWC + "Occurrence", ["verbatim.txt"], fields_of(VERBATIM, start=1)
    )
    media_element = file_element(
        "extension", GBIF + "Multimedia", ["multimedia.txt"], fields_of(MEDIA, start=1)
    )

    def table(header: list[str], rows: list[list[str]]) -> str:
        return "".join("\t".join(row) + "\n" for row in [header, *rows])

    return write_zip(folder / "gbif-download.zip", {
        "occurrence.txt": table([_short(t) for t in COLUMNS], interpreted),
        "verbatim.txt": table(["gbifID", *(_short(t) for t in VERBATIM)], verbatim),
        "multimedia.txt": table(["gbifID", *(_short(t) for t in MEDIA)], media),
        "meta.xml": meta(core, verbatim_element, media_element, metadata="metadata.xml"),
        "metadata.xml": eml("GBIF Occurrence Download 0012345-240202131308920", "GBIF.org"),
        f"dataset/{DATASET_KEY}.xml": eml("NHMD mammals"),
        "citations.txt": "When using this dataset please use the following citation:\n"
        "GBIF.org (11 February 2024) GBIF Occurrence Download "
        "https://doi.org/10.15468/dl.example\n",
        "rights.txt": f"Dataset: NHMD mammals\nRights as supplied: CC_BY_4_0\n{DATASET_KEY}\n",
    })
