"""Archives shaped like those the GBIF IPT (2.x) publishes and GBIF.org's downloads deliver.

Each builder takes a folder, writes one zip into it and returns its path. The shapes follow the
real tools' output (meta.xml attributes, file names, header lines, id columns); the values are
made up.
"""

from __future__ import annotations

from pathlib import Path

from tests.ingest.corpus.samples import specimens
from tests.ingest.corpus.writing import (
    DC,
    DWC,
    GBIF,
    eml,
    fields_of,
    file_element,
    meta,
    plain_table,
    write_zip,
)

IPT_CORE = [
    "occurrenceID", "type", "modified", "institutionCode", "collectionCode", "basisOfRecord",
    "catalogNumber", "recordedBy", "eventDate", "year", "country", "countryCode", "locality",
    "decimalLatitude", "decimalLongitude", "scientificName", "scientificNameAuthorship",
    "kingdom", "family", "typeStatus",
]
_NAMESPACE = {"type": DC, "modified": DC, "license": DC, "references": DC, "rightsHolder": DC}


def _uri(term: str) -> str:
    return _NAMESPACE.get(term, DWC) + term


def ipt_occurrence(folder: Path) -> Path:
    """GBIF IPT 2.x occurrence resource: tab-delimited, unquoted, ``\\n`` line ends, one header
    line; ``<id index="0"/>`` with occurrenceID mapped to column 0 too; Multimedia and
    MeasurementOrFact extensions linked by ``<coreid index="0"/>``; eml.xml beside them."""
    rows = [
        [
            s.occurrence_id, "PhysicalObject", "2023-11-02T10:14:00Z", "NHMD", "ZMUC",
            "PreservedSpecimen", s.catalog, s.recorded_by, s.event_date, s.year, s.country,
            s.country_code, s.locality, s.latitude, s.longitude, s.name, s.authorship, s.kingdom,
            s.family, s.type_status,
        ]
        for s in specimens(12)
    ]
    media_terms = ["type", "format", "identifier", "references", "title", "creator", "license"]
    media = [
        [
            row[0], "StillImage", "image/jpeg",
            f"https://images.example.org/nhmd/{row[6]}-{view}.jpg",
            f"https://specimens.example.org/{row[6]}", f"{row[15]}, {view} view", "NHMD imaging",
            "http://creativecommons.org/licenses/by/4.0/",
        ]
        for row in rows[:5]
        for view in ("dorsal", "ventral")
    ]
    fact_terms = ["measurementID", "measurementType", "measurementValue", "measurementUnit"]
    facts = [
        [row[0], f"{row[6]}-m{n}", kind, value, unit]
        for n, row in enumerate(rows[::3], 1)
        for kind, value, unit in (("wing length", str(60 + n), "mm"), ("mass", f"{n}.5", "g"))
    ]
    core = file_element(
        "core", DWC + "Occurrence", ["occurrence.txt"], fields_of([_uri(t) for t in IPT_CORE])
    )
    multimedia = file_element(
        "extension", GBIF + "Multimedia", ["multimedia.txt"],
        fields_of([_uri(t) for t in media_terms], start=1),
    )
    measurements = file_element(
        "extension", DWC + "MeasurementOrFact", ["measurementorfact.txt"],
        fields_of([DWC + t for t in fact_terms], start=1),
    )
    return write_zip(folder / "ipt-occurrence.zip", {
        "occurrence.txt": plain_table(IPT_CORE, rows),
        "multimedia.txt": plain_table(["coreid", *media_terms], media),
        "measurementorfact.txt": plain_table(["coreid", *fact_terms], facts),
        "meta.xml": meta(core, multimedia, measurements),
        "eml.xml": eml("NHMD bird type specimens"),
    })


def ipt_checklist(folder: Path) -> Path:
    """GBIF IPT 2.x checklist resource: a Taxon core (taxonID at the id column) with
    VernacularName and Distribution extensions (GBIF extension rowTypes)."""
    taxon_terms = [
        "taxonID", "parentNameUsageID", "acceptedNameUsageID", "scientificName",
        "scientificNameAuthorship", "taxonRank", "taxonomicStatus", "kingdom", "family",
    ]
    taxa = [
        ["6", "", "", "Platysteiridae", "Sundevall, 1872", "family", "accepted", "Animalia",
         "Platysteiridae"],
        ["6.1", "6", "", "Batis", "F. Boie, 1833", "genus", "accepted", "Animalia",
         "Platysteiridae"],
        ["6.1.1", "6.1", "", "Batis crypta", "Fjeldså, Bowie & Kiure, 2006", "species",
         "accepted", "Animalia", "Platysteiridae"],
        ["6.1.2", "6.1", "", "Batis mixta", "(Shelley, 1889)", "species", "accepted",
         "Animalia", "Platysteiridae"],
        ["6.1.3", "6.1", "6.1.2", "Batis reichenowi", "Grote, 1911", "species", "synonym",
         "Animalia", "Platysteiridae"],
        ["6.1.4", "6.1", "", "Batis capensis", "(Linnaeus, 1766)", "species", "accepted",
         "Animalia", "Platysteiridae"],
        ["6.2", "6", "", "Platysteira", "Jardine & Selby, 1830", "genus", "accepted",
         "Animalia", "Platysteiridae"],
        ["6.2.1", "6.2", "", "Platysteira cyanea", "(Statius Müller, 1776)", "species",
         "accepted", "Animalia", "Platysteiridae"],
    ]
    names = [
        ["6.1.1", "Dark Batis", "en", "TZ"],
        ["6.1.1", "Kipsi wa Matengo", "sw", "TZ"],
        ["6.1.2", "Short-tailed Batis", "en", ""],
        ["6.1.4", "Cape Batis", "en", "ZA"],
        ["6.1.4", "Kaapse bosbontrokkie", "af", "ZA"],
        ["6.2.1", "Brown-throated Wattle-eye", "en", ""],
    ]
    places = [
        ["6.1.1", "Eastern Arc Mountains", "TZ", "present", "native"],
        ["6.1.1", "Northern Mozambique", "MZ", "present", "native"],
        ["6.1.4", "Western Cape", "ZA", "present", "native"],
        ["6.2.1", "Gabon", "GA", "present", "native"],
    ]
    vernacular_terms = [DWC + "vernacularName", DC + "language", DWC + "countryCode"]
    distribution_terms = [
        DWC + "locality", DWC + "countryCode", DWC + "occurrenceStatus", DWC + "establishmentMeans"
    ]
    core = file_element(
        "core", DWC + "Taxon", ["taxon.txt"], fields_of([DWC + t for t in taxon_terms])
    )
    vernacular = file_element(
        "extension", GBIF + "VernacularName", ["vernacularname.txt"],
        fields_of(vernacular_terms, start=1),
    )
    distribution = file_element(
        "extension", GBIF + "Distribution", ["distribution.txt"],
        fields_of(distribution_terms, start=1),
    )
    return write_zip(folder / "ipt-checklist.zip", {
        "taxon.txt": plain_table(taxon_terms, taxa),
        "vernacularname.txt": plain_table(
            ["coreid", "vernacularName", "language", "countryCode"], names
        ),
        "distribution.txt": plain_table(
            ["coreid", "locality", "countryCode", "occurrenceStatus", "establishmentMeans"],
            places,
        ),
        "meta.xml": meta(core, vernacular, distribution),
        "eml.xml": eml("Checklist of the Platysteiridae"),
    })


def ipt_event(folder: Path) -> Path:
    """GBIF IPT 2.x sampling-event resource: an Event core (eventID at the id column, with
    parent events) and an Occurrence extension linked by ``<coreid index="0"/>``."""
    event_terms = [
        "eventID", "parentEventID", "samplingProtocol", "sampleSizeValue", "sampleSizeUnit",
        "eventDate", "locality", "decimalLatitude", "decimalLongitude",
    ]
    events = [["DYR-2019", "", "pitfall traps, 10 per plot", "", "", "2019-05/2019-09",
               "Dyrehaven, Klampenborg", "55.7870", "12.5590"]]
    for plot in range(1, 6):
        events.append([
            f"DYR-2019-P{plot}", "DYR-2019", "pitfall trap", "10", "trap nights",
            f"2019-0{4 + plot}-15", f"Dyrehaven plot {plot}", f"55.78{plot}0", f"12.55{plot}0",
        ])
    occurrence_terms = [
        "occurrenceID", "basisOfRecord", "scientificName", "individualCount", "occurrenceStatus"
    ]
    occurrences = [
        [f"DYR-2019-P{plot}", f"DYR-2019-P{plot}-{name.split()[1]}", "HumanObservation", name,
         str(count), "present" if count else "absent"]
        for plot in range(1, 6)
        for name, count in (("Carabus nitens", plot % 3), ("Carabus violaceus", plot + 1))
    ]
    core = file_element(
        "core", DWC + "Event", ["event.txt"], fields_of([DWC + t for t in event_terms])
    )
    extension = file_element(
        "extension", DWC + "Occurrence", ["occurrence.txt"],
        fields_of([DWC + t for t in occurrence_terms], start=1),
    )
    return write_zip(folder / "ipt-event.zip", {
        "event.txt": plain_table(event_terms, events),
        "occurrence.txt": plain_table(["coreid", *occurrence_terms], occurrences),
        "meta.xml": meta(core, extension),
        "eml.xml": eml("Ground beetles of Dyrehaven, pitfall survey 2019"),
    })


def ipt_defaults(folder: Path) -> Path:
    """IPT 2.x mapping with constant values: ``<field term=... default=...>`` without an index
    (institutionCode, basisOfRecord, license) beside indexed fields, and one indexed field
    whose default fills its empty cells (country)."""
    terms = ["occurrenceID", "catalogNumber", "scientificName", "eventDate", "country"]
    rows = [
        [s.occurrence_id, s.catalog, s.name, s.event_date, "" if s.number % 3 else s.country]
        for s in specimens(9, prefix="ENT")
    ]
    fields = [
        *fields_of([DWC + t for t in terms[:4]]),
        (4, DWC + "country", "Denmark"),
        (None, DWC + "institutionCode", "NHMD"),
        (None, DWC + "basisOfRecord", "PreservedSpecimen"),
        (None, DC + "license", "http://creativecommons.org/licenses/by/4.0/legalcode"),
    ]
    core = file_element("core", DWC + "Occurrence", ["occurrence.txt"], fields)
    return write_zip(folder / "ipt-defaults.zip", {
        "occurrence.txt": plain_table(terms, rows),
        "meta.xml": meta(core),
        "eml.xml": eml("NHMD entomology, constant values mapped in the IPT"),
    })
