"""Darwin Core Archives as publishers make them: the record-id rule, extensions that cannot be
read (skipped with a warning, refused in strict mode), simple archives and IPT resource folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from holotype.ingest.errors import IngestError
from holotype.ingest.source import Limits

from .conftest import ArchiveBuilder, meta_xml
from .test_dwca import CORE, DWC, MEDIA, MEDIA_EXTENSION, OCCURRENCES, stage

Rows = Callable[[Path], list[dict[str, Any]]]
STRICT = Limits(strict_archives=True)
# An id column that maps no term, before occurrenceID (which may be empty).
ID_CORE = CORE.replace(
    '<field index="0" term="' + DWC + 'occurrenceID"/>', "<!-- no term for column 0 -->"
).replace('<field index="1" term="' + DWC + 'catalogNumber"/>',
          '<field index="1" term="' + DWC + 'occurrenceID"/>')


def test_the_id_column_is_the_record_id_even_when_occurrence_id_is_empty(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    data = "id\toccurrenceID\tscientificName\tcountry\nBM1\to1\tA\tX\nBM2\t\tB\tY\n"
    archive = make_zip({"meta.xml": meta_xml(ID_CORE), "occurrence.txt": data})
    staged, out = stage(con, archive)
    assert (staged.default_id_field, staged.declared_id) == ("id", True)
    assert [row["id"] for row in read_rows(out)] == ["BM1", "BM2"]
    assert [row["occurrenceID"] for row in read_rows(out)] == ["o1", None]


def test_an_id_column_empty_everywhere_gives_generated_ids_with_a_warning(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    data = "id\toccurrenceID\tscientificName\tcountry\n\to1\tA\tX\n \t\tB\tY\n"
    archive = make_zip({"meta.xml": meta_xml(ID_CORE), "occurrence.txt": data})
    staged, out = stage(con, archive)
    assert staged.default_id_field is None and staged.declared_id
    assert "id" not in staged.fields  # the empty column maps no term: it is left out
    assert any("upload.zip" in w and "empty in every record" in w and "generated" in w
               for w in staged.warnings), staged.warnings
    assert len(read_rows(out)) == 2


def test_an_id_column_empty_in_some_records_is_refused_naming_the_rows(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    data = ("id\toccurrenceID\tscientificName\tcountry\n"
            "BM1\to1\tA\tX\n\t\tB\tY\nBM3\t\tC\tZ\n\t\tD\tW\n")
    archive = make_zip({"meta.xml": meta_xml(ID_CORE), "occurrence.txt": data})
    with pytest.raises(IngestError) as caught:
        stage(con, archive)
    assert "empty in 2 of 4 records (row 3, row 5)" in caught.value.message
    assert (caught.value.file, caught.value.row) == ("upload.zip", 3)


def test_an_extension_naming_an_absent_file_is_skipped_with_a_warning(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    archive = make_zip({"meta.xml": meta_xml(CORE, MEDIA_EXTENSION), "occurrence.txt": OCCURRENCES})
    staged, _out = stage(con, archive)
    assert staged.rows == 3 and "Multimedia" not in staged.fields
    assert any("'multimedia.csv' is not in the archive" in w and "skipped" in w
               for w in staged.warnings), staged.warnings
    with pytest.raises(IngestError, match=r"'multimedia.csv' is not in the archive.*strict"):
        stage(con, archive, STRICT)


def test_an_extension_without_coreid_is_skipped_with_a_warning(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    extension = MEDIA_EXTENSION.replace('<coreid index="0"/>', "")
    archive = make_zip({"meta.xml": meta_xml(CORE, extension), "occurrence.txt": OCCURRENCES,
                        "multimedia.csv": MEDIA})
    staged, _ = stage(con, archive)
    assert staged.rows == 3 and "Multimedia" not in staged.fields
    assert any("no <coreid" in w for w in staged.warnings), staged.warnings
    with pytest.raises(IngestError, match=r"no <coreid"):
        stage(con, archive, STRICT)


def test_a_core_without_id_keeps_its_records_and_skips_its_extensions(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    core = CORE.replace('<id index="0"/>', "")
    archive = make_zip({"meta.xml": meta_xml(core, MEDIA_EXTENSION),
                        "occurrence.txt": OCCURRENCES, "multimedia.csv": MEDIA})
    staged, _ = stage(con, archive)
    assert staged.rows == 3 and staged.default_id_field is None
    assert any("core has no <id" in w for w in staged.warnings), staged.warnings
    with pytest.raises(IngestError, match=r"core has no <id"):
        stage(con, archive, STRICT)


def test_a_simple_archive_is_one_data_file_with_darwin_core_headers(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    data = (f"{DWC}occurrenceID\tscientificName\thttp://rs.tdwg.org/dwc/dwcore/Collector\tNotes\n"
            "o1\tParus major\tDarwin\tx\no2\tApis\t\t\n")
    archive = make_zip({"export/occurrence.txt": data, "__MACOSX/export/._occurrence.txt": "x",
                        "export/eml.xml": "<eml/>"})
    staged, out = stage(con, archive)
    assert staged.fields == ["occurrenceID", "scientificName", "recordedBy", "Notes"]
    assert staged.format == "dwca" and not staged.declared_id
    assert read_rows(out)[0] == {"occurrenceID": "o1", "scientificName": "Parus major",
                                 "recordedBy": "Darwin", "Notes": "x"}


def test_an_ipt_resource_folder_names_the_archive_inside(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    archive = make_zip({"res1/resource.xml": "<resource/>", "res1/dwca.zip": b"PK",
                        "res1/eml.xml": "<eml/>"})
    with pytest.raises(IngestError, match=r"archive inside it is 'res1/dwca.zip': upload that"):
        stage(con, archive)
