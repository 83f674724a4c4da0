"""Darwin Core Archive staging: dialects, ids, defaults, legacy terms, extensions, errors."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from holotype.ingest.dwca import stage_dwca
from holotype.ingest.errors import IngestError
from holotype.ingest.source import Limits
from holotype.store import StagedSource

from .conftest import ArchiveBuilder, meta_xml

Rows = Callable[[Path], list[dict[str, Any]]]
DWC = "http://rs.tdwg.org/dwc/terms/"
MULTIMEDIA = "http://rs.gbif.org/terms/1.0/Multimedia"

CORE = f"""<core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n"
  fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="{DWC}Occurrence">
  <files><location>occurrence.txt</location></files>
  <id index="0"/>
  <field index="0" term="{DWC}occurrenceID"/>
  <field index="1" term="{DWC}catalogNumber"/>
  <field index="2" term="{DWC}scientificName"/>
  <field index="3" term="{DWC}country" default="United Kingdom"/>
  <field term="{DWC}institutionCode" default="NHMUK"/>
</core>"""
OCCURRENCES = (
    "occurrenceID\tcatalogNumber\tscientificName\tcountry\n"
    'o1\tBM001\tParus "major"\tFrance\n'
    "o2\tBM002\tApis mellifera\t\n"
    "o3\tBM003\t\tSpain\n"
)
MEDIA_EXTENSION = f"""<extension fieldsTerminatedBy="," fieldsEnclosedBy='"' ignoreHeaderLines="1"
  rowType="{MULTIMEDIA}">
  <files><location>multimedia.csv</location></files>
  <coreid index="0"/>
  <field index="1" term="http://purl.org/dc/terms/identifier"/>
  <field index="2" term="http://purl.org/dc/terms/title"/>
  <field term="http://purl.org/dc/terms/type" default="StillImage"/>
</extension>"""
MEDIA = (
    "coreid,identifier,title\n"
    'o3,https://img/3a.jpg,"back, left"\n'
    "o1,https://img/1.jpg,front\n"
    "o3,https://img/3b.jpg,\n"
    "ghost,https://img/x.jpg,orphan\n"
    ",https://img/y.jpg,no id\n"
)


def stage(
    con: duckdb.DuckDBPyConnection, archive: Path, limits: Limits | None = None
) -> tuple[StagedSource, Path]:
    work = archive.parent / "work"
    work.mkdir(exist_ok=True)
    out = work / "staged.parquet"
    staged = stage_dwca(
        con, archive, work, out, display_name="upload.zip", limits=limits or Limits()
    )
    return staged, out


def test_core_fields_ids_and_defaults(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    archive = make_zip({"meta.xml": meta_xml(CORE), "occurrence.txt": OCCURRENCES})
    staged, out = stage(con, archive)
    assert staged.fields == [
        "occurrenceID", "catalogNumber", "scientificName", "country", "institutionCode"
    ]  # fmt: skip
    assert (staged.rows, staged.format, staged.first_row) == (3, "dwca", 2)
    assert staged.default_id_field == "occurrenceID"
    rows = read_rows(out)
    assert rows[0] == {
        "occurrenceID": "o1",
        "catalogNumber": "BM001",
        "scientificName": 'Parus "major"',  # no quoting: quotes are data
        "country": "France",
        "institutionCode": "NHMUK",
    }
    assert rows[1]["country"] == "United Kingdom"  # default where the value is empty
    assert rows[2]["scientificName"] is None
    assert [p.name for p in out.parent.iterdir()] == ["staged.parquet"]


def test_id_column_without_a_term_becomes_id(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    core = f"""<core fieldsEnclosedBy='"' rowType="{DWC}Occurrence">
      <files><location>occ.csv</location></files>
      <id index="2"/>
      <field index="0" term="{DWC}catalogNumber"/>
      <field index="1" term="{DWC}year"/>
    </core>"""
    archive = make_zip({"meta.xml": meta_xml(core), "occ.csv": 'A1,1901,"x,1"\nA2,,x2\n'})
    staged, out = stage(con, archive)
    assert (staged.fields, staged.default_id_field, staged.first_row) == (
        ["id", "catalogNumber", "year"],
        "id",
        1,
    )
    assert read_rows(out) == [
        {"id": "x,1", "catalogNumber": "A1", "year": "1901"},
        {"id": "x2", "catalogNumber": "A2", "year": None},
    ]


def test_multimedia_extension_becomes_a_json_field(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    archive = make_zip(
        {
            "meta.xml": meta_xml(CORE, MEDIA_EXTENSION),
            "occurrence.txt": OCCURRENCES,
            "multimedia.csv": MEDIA,
        }
    )
    staged, out = stage(con, archive)
    assert staged.fields[-1] == "Multimedia"
    rows = read_rows(out)
    assert [r["occurrenceID"] for r in rows] == ["o1", "o2", "o3"]
    assert json.loads(rows[0]["Multimedia"]) == [
        {"identifier": "https://img/1.jpg", "title": "front", "type": "StillImage"}
    ]
    assert rows[1]["Multimedia"] is None
    assert rows[2]["Multimedia"] == (
        '[{"identifier":"https://img/3a.jpg","title":"back, left","type":"StillImage"},'
        '{"identifier":"https://img/3b.jpg","title":null,"type":"StillImage"}]'
    )
    assert len(staged.warnings) == 1
    assert "2 Multimedia rows" in staged.warnings[0]
    assert "ghost" in staged.warnings[0]


def test_legacy_terms_are_mapped(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    core = """<core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" ignoreHeaderLines="0">
      <files><location>data.csv</location></files>
      <id index="0"/>
      <field index="0" term="http://rs.tdwg.org/dwc/dwcore/GlobalUniqueIdentifier"/>
      <field index="1" term="http://rs.tdwg.org/dwc/dwcore/ScientificName"/>
      <field index="2" term="http://rs.tdwg.org/dwc/dwcore/Collector"/>
      <field index="3" term="http://rs.tdwg.org/dwc/dwcore/YearCollected"/>
      <field index="4" term="http://rs.tdwg.org/dwc/geospatial/DecimalLatitude"/>
      <field index="5" term="http://rs.tdwg.org/dwc/curatorial/CollectorNumber"/>
      <field index="6" term="http://rs.tdwg.org/dwc/dwcore/Kingdom"/>
    </core>"""
    archive = make_zip(
        {"meta.xml": meta_xml(core), "data.csv": "u1,Parus,Darwin,1835,-0.9,42,An\n"}
    )
    staged, out = stage(con, archive)
    assert staged.fields == [
        "occurrenceID", "scientificName", "recordedBy", "year", "decimalLatitude",
        "recordNumber", "kingdom",
    ]  # fmt: skip
    assert staged.default_id_field == "occurrenceID"
    assert read_rows(out)[0]["recordedBy"] == "Darwin"


def test_archive_in_a_folder_with_data_in_a_subfolder(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    core = CORE.replace("occurrence.txt", "data/occurrence.txt")
    archive = make_zip(
        {
            "my-dataset/meta.xml": meta_xml(core),
            "my-dataset/eml.xml": "<eml/>",
            "my-dataset/data/occurrence.txt": OCCURRENCES,
        }
    )
    staged, _ = stage(con, archive)
    assert staged.rows == 3


def test_location_matches_ignoring_case(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    archive = make_zip({"meta.xml": meta_xml(CORE), "Occurrence.TXT": OCCURRENCES})
    assert stage(con, archive)[0].rows == 3


def test_core_split_over_several_files(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    core = CORE.replace(
        "<location>occurrence.txt</location>",
        "<location>part1.txt</location><location>part2.txt</location>",
    )
    part2 = "occurrenceID\tcatalogNumber\tscientificName\tcountry\no4\tBM004\tx\ty\n"
    archive = make_zip({"meta.xml": meta_xml(core), "part1.txt": OCCURRENCES, "part2.txt": part2})
    staged, out = stage(con, archive)
    assert [r["occurrenceID"] for r in read_rows(out)] == ["o1", "o2", "o3", "o4"]
    assert staged.rows == 4


def test_windows_line_endings_and_declared_latin1(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    core = CORE.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(
        'linesTerminatedBy="\\n"', 'linesTerminatedBy="\\r\\n"'
    )
    data = OCCURRENCES.replace("\n", "\r\n").replace("Spain", "España").encode("latin-1")
    archive = make_zip({"meta.xml": meta_xml(core), "occurrence.txt": data})
    staged, out = stage(con, archive)
    assert read_rows(out)[2]["country"] == "España"
    assert staged.warnings == []


def test_declared_utf8_that_is_windows_1252_is_read_with_a_warning(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    data = OCCURRENCES.replace("Spain", "España").encode("cp1252")
    archive = make_zip({"meta.xml": meta_xml(CORE), "occurrence.txt": data})
    staged, out = stage(con, archive)
    assert read_rows(out)[2]["country"] == "España"
    assert "not" in staged.warnings[0] and "cp1252" in staged.warnings[0]


def test_bad_row_is_named_inside_the_archive(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    data = OCCURRENCES + "o4\tBM004\n"
    archive = make_zip({"meta.xml": meta_xml(CORE), "occurrence.txt": data})
    with pytest.raises(IngestError) as caught:
        stage(con, archive)
    assert caught.value.file == "occurrence.txt in upload.zip"
    assert caught.value.row == 5
    assert caught.value.column == "scientificName"  # the first field the row lacks


def test_field_index_beyond_the_row(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    core = CORE.replace('<field index="3"', '<field index="9"')
    archive = make_zip({"meta.xml": meta_xml(core), "occurrence.txt": OCCURRENCES})
    with pytest.raises(IngestError, match=r"country") as caught:
        stage(con, archive)
    assert caught.value.file == "occurrence.txt in upload.zip"
    assert f"{DWC}country" in caught.value.message
    assert "4 columns" in caught.value.message


def test_meta_names_a_missing_core_file(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    archive = make_zip({"meta.xml": meta_xml(CORE, MEDIA_EXTENSION), "multimedia.csv": MEDIA})
    with pytest.raises(IngestError, match=r"'occurrence.txt', which is not in the archive"):
        stage(con, archive)


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ("<archive><core", "not well-formed"),
        ('<archive xmlns="http://rs.tdwg.org/dwc/text/"></archive>', "no <core>"),
        ("<root/>", "expected <archive>"),
        (meta_xml(CORE.replace('<id index="0"/>', "")), None),  # fine without extensions
        (meta_xml(CORE.replace('index="1"', 'index="one"')), "index 'one'"),
        (meta_xml(CORE.replace('encoding="UTF-8"', 'encoding="klingon"')), "unknown encoding"),
        (meta_xml(CORE.replace('encoding="UTF-8"', 'encoding="hex"')), "unknown encoding"),
        (meta_xml(CORE.replace('fieldsTerminatedBy="\\t"', 'fieldsTerminatedBy="::"')), "one char"),
        (meta_xml(CORE.replace('linesTerminatedBy="\\n"', 'linesTerminatedBy="|"')), "lines must"),
        (meta_xml(CORE.replace("occurrence.txt", "http://example.org/o.txt")), "remote"),
        (meta_xml(CORE.replace("occurrence.txt", "../occurrence.txt")), "unsafe path"),
        (meta_xml(MEDIA_EXTENSION.replace("extension", "core")), None),
        (
            '<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            "<archive>&b;</archive>",
            "refused for safety",
        ),
    ],
)
def test_meta_xml_problems(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, meta: str, message: str | None
) -> None:
    archive = make_zip({"meta.xml": meta, "occurrence.txt": OCCURRENCES, "multimedia.csv": MEDIA})
    if message is None:
        assert stage(con, archive)[0].rows > 0
        return
    with pytest.raises(IngestError, match=message) as caught:
        stage(con, archive)
    assert caught.value.file in ("upload.zip", "occurrence.txt in upload.zip")


def test_no_meta_xml_and_no_darwin_core_header(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    archive = make_zip({"notes.txt": "name\tcolour\nParus\tblue\n"})
    with pytest.raises(IngestError, match=r"not a Darwin Core Archive: no meta.xml, and not a"):
        stage(con, archive)


def test_meta_xml_too_deep_is_not_found(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    archive = make_zip({"a/b/meta.xml": meta_xml(CORE), "a/b/occurrence.txt": OCCURRENCES})
    with pytest.raises(IngestError, match=r"no meta.xml at its top .* inside it is 'a/b'"):
        stage(con, archive)


def test_not_a_zip(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "upload.zip"
    path.write_bytes(b"occurrenceID\n1\n")
    with pytest.raises(IngestError, match=r"not a valid zip"):
        stage(con, path)


def test_truncated_zip(con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder) -> None:
    archive = make_zip({"meta.xml": meta_xml(CORE), "occurrence.txt": OCCURRENCES * 100})
    archive.write_bytes(archive.read_bytes()[:-60])
    with pytest.raises(IngestError, match=r"zip"):
        stage(con, archive)


def test_corrupt_member_data(con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder) -> None:
    archive = make_zip({"meta.xml": meta_xml(CORE), "occurrence.txt": OCCURRENCES * 50})
    data = bytearray(archive.read_bytes())
    start = data.index(b"occurrence.txt") + len(b"occurrence.txt") + 10
    data[start : start + 20] = b"\xff" * 20
    archive.write_bytes(bytes(data))
    with pytest.raises(IngestError, match=r"damaged"):
        stage(con, archive)


def test_empty_core_file(con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder) -> None:
    archive = make_zip({"meta.xml": meta_xml(CORE), "occurrence.txt": ""})
    with pytest.raises(IngestError, match=r"the file holds no records") as caught:
        stage(con, archive)
    assert caught.value.file == "occurrence.txt in upload.zip"


def test_empty_extension_gives_an_empty_field(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    archive = make_zip(
        {
            "meta.xml": meta_xml(CORE, MEDIA_EXTENSION),
            "occurrence.txt": OCCURRENCES,
            "multimedia.csv": "",
        }
    )
    staged, out = stage(con, archive)
    assert staged.fields[-1] == "Multimedia"
    assert {r["Multimedia"] for r in read_rows(out)} == {None}


def test_name_clash_falls_back_to_the_term(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    core = CORE.replace(
        f'<field index="2" term="{DWC}scientificName"/>',
        '<field index="2" term="http://rs.tdwg.org/dwc/dwcore/CatalogNumber"/>',
    )
    archive = make_zip({"meta.xml": meta_xml(core), "occurrence.txt": OCCURRENCES})
    staged, _ = stage(con, archive)
    assert staged.fields[:3] == [
        "occurrenceID",
        "catalogNumber",
        "http://rs.tdwg.org/dwc/dwcore/CatalogNumber",
    ]
    assert "catalogNumber" in staged.warnings[0]


def test_bomb_is_refused_before_extracting(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    archive = make_zip(
        {"meta.xml": meta_xml(CORE), "occurrence.txt": OCCURRENCES, "zeros.txt": b"0" * 20_000_000}
    )
    with pytest.raises(IngestError, match=r"zip bomb"):
        stage(con, archive)
    assert not (archive.parent / "work" / "dwca").exists()


def test_total_size_limit(con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder) -> None:
    archive = make_zip(
        {"meta.xml": meta_xml(CORE), "occurrence.txt": OCCURRENCES},
        compression=zipfile.ZIP_STORED,
    )
    with pytest.raises(IngestError, match=r"more than 100 bytes"):
        stage(con, archive, Limits(max_uncompressed_bytes=100))


@pytest.mark.parametrize("terminator", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("quote", ["", '"'])
def test_every_line_terminator(
    con: duckdb.DuckDBPyConnection,
    make_zip: ArchiveBuilder,
    read_rows: Rows,
    terminator: str,
    quote: str,
) -> None:
    escaped = terminator.replace("\r", "\\r").replace("\n", "\\n")
    core = CORE.replace('linesTerminatedBy="\\n"', f'linesTerminatedBy="{escaped}"').replace(
        'fieldsEnclosedBy=""', f"fieldsEnclosedBy='{quote}'"
    )
    data = OCCURRENCES.replace('"major"', "major").replace("\n", terminator)
    if quote:
        data = data.replace("Apis mellifera", '"Apis\nmellifera"')
    archive = make_zip({"meta.xml": meta_xml(core), "occurrence.txt": data})
    staged, out = stage(con, archive)
    rows = read_rows(out)
    assert staged.rows == 3
    assert [r["catalogNumber"] for r in rows] == ["BM001", "BM002", "BM003"]
    assert rows[1]["scientificName"] == ("Apis\nmellifera" if quote else "Apis mellifera")
    assert rows[2]["country"] == "Spain"


@pytest.mark.parametrize(
    ("declared", "data", "message"),
    [
        ("UTF-16", OCCURRENCES.encode("utf-8"), "not UTF-16 text"),
        ("UTF-16", OCCURRENCES.encode("utf-8") + b"x", "not UTF-16 text"),
        ("UTF-16LE", OCCURRENCES.encode("utf-8"), "not UTF-16"),
        ("UTF-32", OCCURRENCES.encode("utf-8"), "not UTF-32"),
        ("ISO-8859-1", OCCURRENCES.encode("utf-16"), "not ISO-8859-1"),
        ("ASCII", OCCURRENCES.replace("Spain", "España").encode("utf-8"), "not ASCII"),
        ("Shift_JIS", OCCURRENCES.encode("utf-8") + b"\x81\x20", "not Shift_JIS.*byte 121"),
    ],
)
def test_declared_encoding_that_does_not_match(
    con: duckdb.DuckDBPyConnection,
    make_zip: ArchiveBuilder,
    declared: str,
    data: bytes,
    message: str,
) -> None:
    core = CORE.replace('encoding="UTF-8"', f'encoding="{declared}"')
    archive = make_zip({"meta.xml": meta_xml(core), "occurrence.txt": data})
    with pytest.raises(IngestError, match=message) as caught:
        stage(con, archive)
    assert caught.value.file == "occurrence.txt in upload.zip"


def test_declared_utf16_is_read(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    core = CORE.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = OCCURRENCES.replace("Spain", "España").encode("utf-16")
    archive = make_zip({"meta.xml": meta_xml(core), "occurrence.txt": data})
    staged, out = stage(con, archive)
    assert read_rows(out)[2]["country"] == "España"
    assert staged.warnings == []
