"""Archives made with python-dwca-reader's own test-suite builder (``dwca.test.archive_builder``,
shipped in its package): another project's idea of the shapes worth testing."""

from __future__ import annotations

import zipfile
from pathlib import Path

from dwca.test.archive_builder import build_archive

from tests.ingest.corpus.samples import specimens
from tests.ingest.corpus.writing import DWC

TERMS = [DWC + t for t in ("occurrenceID", "scientificName", "eventDate", "locality")]


def _zip_folder(directory: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, path.name)
    return target


def builder_plain(folder: Path) -> Path:
    """``build_archive`` defaults: tab-delimited, unquoted, no header line, ``<id index="0"/>``,
    with its VernacularName extension (core id in column 0)."""
    directory = folder / "builder-plain"
    directory.mkdir()
    rows = [[s.occurrence_id, s.name, s.event_date, s.locality] for s in specimens(6, "BLD")]
    names = [[row[0], f"common name {n}"] for n, row in enumerate(rows[:4])]
    build_archive(str(directory), rows, terms=TERMS, extension=names)
    return _zip_folder(directory, folder / "dwca-reader-builder-plain.zip")


def builder_latin1(folder: Path) -> Path:
    """``build_archive`` with ISO-8859-1 text, ``\\r\\n`` line ends, commas, every cell quoted,
    a header line, a default filling an indexed field and a default-only field."""
    directory = folder / "builder-latin1"
    directory.mkdir()
    rows = [
        [s.occurrence_id, f'{s.name} "{s.authorship}"', s.event_date, s.locality]
        for s in specimens(8, "LAT")
    ]
    rows[2][3] = ""  # filled by the default below
    build_archive(
        str(directory),
        rows,
        terms=TERMS,
        encoding="ISO-8859-1",
        lines_terminated_by="\r\n",
        fields_terminated_by=",",
        fields_enclosed_by='"',
        ignore_header_lines=1,
        header_rows=[["occurrenceID", "scientificName", "eventDate", "locality"]],
        defaults={DWC + "locality": "Société entomologique, Île-de-France",
                  DWC + "basisOfRecord": "PreservedSpecimen"},
    )
    return _zip_folder(directory, folder / "dwca-reader-builder-latin1.zip")
