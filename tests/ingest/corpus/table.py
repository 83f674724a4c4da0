"""The corpus table: every member, what python-dwca-reader counts and what Holotype ingests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.ingest.corpus import builder, gbif, hand, ipt

SHARED_IPT = Path(__file__).resolve().parents[4] / "shared" / "data" / "dwca-ipt"

Build = Callable[[Path], Path]


def shared(name: str) -> Build:
    """One of the IPT's test archives, read where it is."""

    def build(_folder: Path) -> Path:
        return SHARED_IPT / name

    build.__name__ = name
    return build


@dataclass(frozen=True)
class Member:
    name: str
    shape: str  # the tool or shape it comes from or mirrors
    build: Build
    dwca_reader: int | None  # core rows python-dwca-reader counts; None: it refuses the archive
    holotype: int  # records Holotype ingests
    generated_ids: bool = False  # Holotype generates record ids (a changed record is new)
    note: str = ""
    warns: str = ""  # a word Holotype's ingest warnings must hold (lower case)


@dataclass(frozen=True)
class Refused:
    name: str
    build: Build
    mentions: str | None = None  # what Holotype's message must name


IPT = "GBIF IPT test resource"
MEMBERS = [
    Member("dwca-differentcoreidtermindex.zip", IPT, shared("dwca-differentcoreidtermindex.zip"),
           1, 1),
    Member("dwca-extensionnotinstalled.zip", IPT, shared("dwca-extensionnotinstalled.zip"), 1, 1),
    Member("dwca-nocoreidtermmapping.zip", IPT, shared("dwca-nocoreidtermmapping.zip"), 1, 1),
    Member("dwca-inside-parent.zip", IPT, shared("dwca-inside-parent.zip"), 2, 2),
    Member("dwca-noidelementincoremapping.zip", IPT, shared("dwca-noidelementincoremapping.zip"),
           None, 1, generated_ids=True,
           note="core without <id> but with an extension: python-dwca-reader fails "
           "(AttributeError); Holotype ingests the core with generated ids and skips the "
           "extension with a warning", warns="skipped"),
    Member("event-dwca-1.0.zip", IPT, shared("event-dwca-1.0.zip"), 2, 2),
    Member("res1-dwca.zip", IPT, shared("res1-dwca.zip"), 2, 2,
           note="Image rows point at absent core ids: left out with a warning",
           warns="not in the core"),
    Member("occurrence.txt.zip", IPT + ", simple archive", shared("occurrence.txt.zip"), 16, 16,
           note="no meta.xml; no occurrenceID, so its 'id' column identifies records"),
    Member("occurrence2.txt.zip", IPT + ", simple archive", shared("occurrence2.txt.zip"), 16, 16,
           note="no meta.xml; occurrenceID in the header"),
    Member("ipt-occurrence", "GBIF IPT 2.x occurrence export", ipt.ipt_occurrence, 12, 12),
    Member("ipt-checklist", "GBIF IPT 2.x checklist (Taxon core)", ipt.ipt_checklist, 8, 8),
    Member("ipt-event", "GBIF IPT 2.x sampling-event dataset", ipt.ipt_event, 6, 6),
    Member("ipt-defaults", "GBIF IPT 2.x constant-value mappings", ipt.ipt_defaults, 9, 9),
    Member("gbif-download", "GBIF.org occurrence download (DWCA)", gbif.gbif_download, 15, 15,
           note="occurrenceID empty for some records: gbifID, the <id> column, identifies"),
    Member("excel-windows", "Excel on Windows, CSV UTF-8", hand.excel_windows, 7, 7),
    Member("macos-finder", "macOS Finder Compress", hand.macos_finder, None, 6,
           note="python-dwca-reader only looks inside a lone top folder; __MACOSX/ makes two, "
           "so it finds no meta.xml"),
    Member("legacy-dwcore", "Darwin Core 1.4 era (pre-2009) archive", hand.legacy_dwcore, 8, 8),
    Member("empty-id-column", "hand-made, empty <id> column", hand.empty_id_column, 7, 7,
           generated_ids=True, note="every id empty: ids are generated, with a warning",
           warns="generat"),
    Member("id-column-catalog-number", "hand-made, <id> is the catalogue number",
           hand.id_column_not_occurrence_id, 9, 9,
           note="occurrenceID empty for some records: the <id> column identifies"),
    Member("split-core", "core over two <location> files", hand.split_core, 6, 11,
           note="python-dwca-reader reads only the first <location> (6 rows); Holotype reads "
           "both files"),
    Member("simple-occurrence", "simple archive (no meta.xml)", hand.simple_archive, 10, 10),
    Member("extension-without-coreid", "hand-made meta.xml, extension without <coreid>",
           hand.extension_without_coreid, None, 5,
           note="python-dwca-reader fails (AttributeError) on the extension; Holotype skips "
           "it with a warning", warns="skipped"),
    Member("extension-file-absent", "hand-made zip missing an extension file",
           hand.extension_file_absent, None, 4,
           note="python-dwca-reader fails opening the absent file; Holotype skips the "
           "extension with a warning", warns="skipped"),
    Member("dwca-reader-builder-plain", "python-dwca-reader test archive_builder, defaults",
           builder.builder_plain, 6, 6),
    Member("dwca-reader-builder-latin1", "python-dwca-reader test archive_builder, ISO-8859-1",
           builder.builder_latin1, 8, 8),
]

REFUSED = [
    Refused("dwca-inside-parent-invalid.zip", shared("dwca-inside-parent-invalid.zip")),
    Refused("amphibians.zip", shared("amphibians.zip")),
    Refused("event.zip", shared("event.zip"), mentions="event/dwca-1.0.zip"),
    Refused("res1.zip", shared("res1.zip"), mentions="res1/dwca.zip"),
]
