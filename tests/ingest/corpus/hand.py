"""Archives shaped like those made by hand, by spreadsheets and desktop tools, or by older
software: the shapes Holotype meets besides IPT exports."""

from __future__ import annotations

import struct
from pathlib import Path

from tests.ingest.corpus.samples import specimens
from tests.ingest.corpus.writing import (
    DWC,
    GBIF,
    eml,
    fields_of,
    file_element,
    meta,
    plain_table,
    quoted_table,
    write_zip,
)

SIMPLE_TERMS = ["occurrenceID", "catalogNumber", "scientificName", "eventDate", "locality"]


def _simple_rows(count: int, prefix: str) -> list[list[str]]:
    return [
        [s.occurrence_id, s.catalog, s.name, s.event_date, s.locality]
        for s in specimens(count, prefix)
    ]


def _simple_meta(location: list[str], **dialect: str) -> str:
    lines = dialect.get("lines", "\n")
    delimiter = dialect.get("delimiter", "\t")
    enclosed = dialect.get("enclosed", "")
    core = file_element(
        "core", DWC + "Occurrence", location, fields_of([DWC + t for t in SIMPLE_TERMS]),
        delimiter=delimiter, enclosed=enclosed, lines=lines,
    )
    return meta(core)


def excel_windows(folder: Path) -> Path:
    """A core saved from Excel on Windows as "CSV UTF-8": a byte-order mark, ``\\r\\n`` line
    ends, commas, ``"`` quoting only where needed, and cells holding commas, doubled quotes and
    line breaks (Alt+Enter, a bare ``\\n`` inside the quotes)."""
    terms = [*SIMPLE_TERMS, "occurrenceRemarks"]
    remarks = [
        'Label reads "Ex coll. Hansen", partly torn',
        "Skin, skull\nSkeleton in spirit collection",
        "Mbinga District, Ruvuma region",
        "",
        'Det. "M. Kiure", 2006;\nconf. J. Fjeldså',
        "plain remark",
        "Two specimens, one label\nsee ledger p. 14, line 3",
    ]
    rows = [[*row, remarks[n % len(remarks)]] for n, row in enumerate(_simple_rows(7, "XLS"))]
    core = file_element(
        "core", DWC + "Occurrence", ["occurrence.csv"], fields_of([DWC + t for t in terms]),
        delimiter=",", enclosed='"', lines="\r\n",
    )
    data = "\ufeff" + quoted_table(terms, rows, ",", "\r\n")
    return write_zip(folder / "excel-windows.zip", {
        "occurrence.csv": data.encode("utf-8"),
        "meta.xml": meta(core, metadata=None).replace("\n", "\r\n"),
    })


def _apple_double(name: str) -> bytes:
    """An AppleDouble ("._name") file as macOS writes for extended attributes: magic, version,
    filler, one Finder-info entry."""
    header = struct.pack(">II16sH", 0x00051607, 0x00020000, b"Mac OS X        ", 1)
    entry = struct.pack(">III", 9, 26 + 12, 32)  # entry id 9: Finder info, 32 bytes
    finder_info = name.encode("utf-8")[:4].ljust(4, b"\0") + b"\0" * 28
    return header + entry + finder_info


def macos_finder(folder: Path) -> Path:
    """"Compress" in the macOS Finder on a folder holding an archive: everything under the
    folder's name, folder entries, a .DS_Store, and ``__MACOSX/`` with AppleDouble ``._`` files
    beside every file."""
    top = "NHMD-birds"
    files: dict[str, str | bytes] = {
        "occurrence.txt": plain_table(SIMPLE_TERMS, _simple_rows(6, "MAC")),
        "meta.xml": _simple_meta(["occurrence.txt"]),
        "eml.xml": eml("NHMD birds, zipped in the Finder"),
    }
    members: dict[str, str | bytes] = {f"{top}/": b""}
    for name, content in files.items():
        members[f"{top}/{name}"] = content
    members[f"{top}/.DS_Store"] = b"\0\0\0\x01Bud1" + b"\0" * 54
    members["__MACOSX/"] = b""
    members[f"__MACOSX/{top}/"] = b""
    for name in files:
        members[f"__MACOSX/{top}/._{name}"] = _apple_double(name)
    members[f"__MACOSX/._{top}"] = _apple_double(top)
    return write_zip(folder / "macos-finder.zip", members)


def legacy_dwcore(folder: Path) -> Path:
    """An archive from before Darwin Core became a TDWG standard (2009): the
    SimpleDarwinRecord rowType and terms of Darwin Core 1.4 and its curatorial and geospatial
    extensions (GlobalUniqueIdentifier, ScientificName, Collector, DecimalLatitude...)."""
    legacy = [
        "dwcore/GlobalUniqueIdentifier", "dwcore/InstitutionCode", "dwcore/CollectionCode",
        "dwcore/CatalogNumber", "dwcore/BasisOfRecord", "dwcore/ScientificName",
        "dwcore/Collector", "dwcore/YearCollected", "dwcore/Country", "dwcore/Locality",
        "curatorial/IdentifiedBy", "curatorial/TypeStatus", "geospatial/DecimalLatitude",
        "geospatial/DecimalLongitude",
    ]
    rows = [
        [
            f"urn:lsid:nhm.ku.dk:ZMUC:{s.catalog}", "ZMUC", "AVES", s.catalog,
            "PreservedSpecimen", s.name, s.recorded_by, s.year, s.country, s.locality,
            s.recorded_by, s.type_status, s.latitude, s.longitude,
        ]
        for s in specimens(8, prefix="OLD")
    ]
    core = file_element(
        "core", "http://rs.tdwg.org/dwc/xsd/simpledarwincore/SimpleDarwinRecord",
        ["darwincore.txt"], fields_of([f"http://rs.tdwg.org/dwc/{t}" for t in legacy]),
        header_lines=0,
    )
    return write_zip(folder / "legacy-dwcore.zip", {
        "darwincore.txt": plain_table(None, rows),
        "meta.xml": meta(core, metadata=None),
    })


def empty_id_column(folder: Path) -> Path:
    """A hand-made archive whose meta.xml declares ``<id index="0"/>`` over a first column left
    empty in every record (no occurrenceID anywhere)."""
    terms = ["catalogNumber", "scientificName", "eventDate", "locality", "recordedBy"]
    rows = [
        ["", s.catalog, s.name, s.event_date, s.locality, s.recorded_by]
        for s in specimens(7, prefix="NOID")
    ]
    core = file_element(
        "core", DWC + "Occurrence", ["occurrence.txt"], fields_of([DWC + t for t in terms], 1)
    )
    return write_zip(folder / "empty-id-column.zip", {
        "occurrence.txt": plain_table(["id", *terms], rows),
        "meta.xml": meta(core, metadata=None),
    })


def id_column_not_occurrence_id(folder: Path) -> Path:
    """A core whose ``<id>`` column is the catalogue number, always filled, while the mapped
    occurrenceID is empty for some records (collections that mint GUIDs for part of their
    holdings); the last record is one without an occurrenceID."""
    terms = ["catalogNumber", "occurrenceID", "scientificName", "eventDate", "locality"]
    rows = [
        [s.catalog, s.occurrence_id if s.number % 3 else "", s.name, s.event_date, s.locality]
        for s in specimens(9, prefix="CAT")
    ]
    core = file_element(
        "core", DWC + "Occurrence", ["occurrence.txt"], fields_of([DWC + t for t in terms])
    )
    return write_zip(folder / "id-column-catalog-number.zip", {
        "occurrence.txt": plain_table(terms, rows),
        "meta.xml": meta(core),
        "eml.xml": eml("Catalogue numbers as ids"),
    })


def split_core(folder: Path) -> Path:
    """A core spread over two ``<location>`` files with the same columns (each with its own
    header line), as exporters that chunk large tables write."""
    rows = _simple_rows(11, "SPL")
    return write_zip(folder / "split-core.zip", {
        "occurrence-1.txt": plain_table(SIMPLE_TERMS, rows[:6]),
        "occurrence-2.txt": plain_table(SIMPLE_TERMS, rows[6:]),
        "meta.xml": _simple_meta(["occurrence-1.txt", "occurrence-2.txt"]),
        "eml.xml": eml("NHMD specimens, exported in chunks"),
    })


def simple_archive(folder: Path) -> Path:
    """A "simple" Darwin Core Archive: a zip holding one tab-delimited occurrence.txt whose
    header names Darwin Core terms, and no meta.xml."""
    return write_zip(folder / "simple-occurrence.zip", {
        "occurrence.txt": plain_table(SIMPLE_TERMS, _simple_rows(10, "SIM")),
    })


def extension_without_coreid(folder: Path) -> Path:
    """An extension element without ``<coreid>`` (hand-written meta.xml): nothing links its rows
    to the core."""
    rows = _simple_rows(5, "NCI")
    core = file_element(
        "core", DWC + "Occurrence", ["occurrence.txt"], fields_of([DWC + t for t in SIMPLE_TERMS])
    )
    images = file_element(
        "extension", GBIF + "Multimedia", ["multimedia.txt"],
        fields_of(["http://purl.org/dc/terms/identifier"], start=1), id_index=None,
    )
    media = [[row[0], f"https://images.example.org/{row[1]}.jpg"] for row in rows]
    return write_zip(folder / "extension-without-coreid.zip", {
        "occurrence.txt": plain_table(SIMPLE_TERMS, rows),
        "multimedia.txt": plain_table(["coreid", "identifier"], media),
        "meta.xml": meta(core, images, metadata=None),
    })


def extension_file_absent(folder: Path) -> Path:
    """meta.xml names an extension data file (measurementorfact.txt) that the zip lacks, as when
    a file was left out while zipping by hand."""
    core = file_element(
        "core", DWC + "Occurrence", ["occurrence.txt"], fields_of([DWC + t for t in SIMPLE_TERMS])
    )
    facts = file_element(
        "extension", DWC + "MeasurementOrFact", ["measurementorfact.txt"],
        fields_of([DWC + "measurementType", DWC + "measurementValue"], start=1),
    )
    return write_zip(folder / "extension-file-absent.zip", {
        "occurrence.txt": plain_table(SIMPLE_TERMS, _simple_rows(4, "ABS")),
        "meta.xml": meta(core, facts, metadata=None),
    })
