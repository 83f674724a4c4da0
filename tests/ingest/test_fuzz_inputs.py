"""Damaged uploads of every kind fail with an IngestError naming the file, never anything else."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holotype.ingest.errors import IngestError
from holotype.ingest.read import stage_file
from holotype.ingest.source import Limits

from .conftest import meta_xml

DWC = "http://rs.tdwg.org/dwc/terms/"
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TOKENS = [b'"', b"{", b"}", b"[", b"]", b",", b":", b"\\", b"\\ud800", b"\0", b"\r", b"\n",
          b'"_id"', b"1e999", b"\xff\xfe", b"\xef\xbb\xbf", b"\t", b"<", b">", b"&"]  # fmt: skip
edits = st.lists(
    st.tuples(st.floats(0, 1), st.sampled_from(["set", "insert", "delete"]), st.integers(0, 255)),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, changes: list[tuple[float, str, int]]) -> bytes:
    out = bytearray(data)
    for where, how, value in changes:
        at = int(where * len(out))
        if how == "set" and out:
            out[min(at, len(out) - 1)] = value
        elif how == "insert":
            out[at:at] = TOKENS[value % len(TOKENS)]
        else:
            del out[at : at + 1 + value % 8]
    return bytes(out)


def stage_bytes(con: duckdb.DuckDBPyConnection, folder: Path, name: str, data: bytes) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / name
    path.write_bytes(data)
    try:
        stage_file(con, path, folder / "work", display_name=name, limits=Limits())
    except IngestError as exc:
        assert exc.file is not None and name in exc.file


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "year", "note"])
    sheet.append(["a", 1901, "x & y"])
    sheet.append(["b", 2.5, True])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, member: str, changes: list[tuple[float, str, int]]) -> bytes:
    """The zip with one member's content mutated (the zip itself stays sound)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, mutate(content, changes) if info.filename == member
                            else content)  # fmt: skip
    return buffer.getvalue()


XLSX = workbook()
XLSX_MEMBERS = ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]  # fmt: skip
JSON_SEEDS = [
    b'[{"a": 1, "b": "x", "c": {"d": [1, 2.5, null]}}, {"a": 2, "e": true}]',
    b'{"a": 1}\n{"b": "\\u00e9", "c": [1]}\n',
    b'{"count": 2, "records": [{"a": "1"}, {"a": "2"}]}',
]
CORE = (
    f'<core encoding="UTF-8" fieldsTerminatedBy="\\t" ignoreHeaderLines="1" '
    f'rowType="{DWC}Occurrence"><files><location>occurrence.txt</location></files>'
    f'<id index="0"/><field index="0" term="{DWC}occurrenceID"/>'
    f'<field index="1" term="{DWC}catalogNumber"/></core>'
)
EXTENSION = (
    '<extension rowType="http://rs.gbif.org/terms/1.0/Multimedia" fieldsTerminatedBy=",">'
    '<files><location>m.csv</location></files><coreid index="0"/>'
    '<field index="1" term="http://purl.org/dc/terms/identifier"/></extension>'
)


def archive(meta: bytes, core: bytes, media: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("meta.xml", meta)
        target.writestr("occurrence.txt", core)
        target.writestr("m.csv", media)
    return buffer.getvalue()


@FUZZ
@given(seed=st.sampled_from(JSON_SEEDS), changes=edits, lines=st.booleans())
def test_damaged_json(
    con: duckdb.DuckDBPyConnection,
    tmp_path_factory: pytest.TempPathFactory,
    seed: bytes,
    changes: list[tuple[float, str, int]],
    lines: bool,
) -> None:
    name = "records.jsonl" if lines else "records.json"
    stage_bytes(con, tmp_path_factory.getbasetemp() / "json", name, mutate(seed, changes))


@FUZZ
@given(member=st.sampled_from(XLSX_MEMBERS), changes=edits)
def test_damaged_xlsx_member(
    con: duckdb.DuckDBPyConnection,
    tmp_path_factory: pytest.TempPathFactory,
    member: str,
    changes: list[tuple[float, str, int]],
) -> None:
    data = rezip(XLSX, member, changes)
    stage_bytes(con, tmp_path_factory.getbasetemp() / "xlsx", "book.xlsx", data)


@FUZZ
@given(changes=edits)
def test_damaged_xlsx_bytes(
    con: duckdb.DuckDBPyConnection,
    tmp_path_factory: pytest.TempPathFactory,
    changes: list[tuple[float, str, int]],
) -> None:
    data = mutate(XLSX, changes)
    stage_bytes(con, tmp_path_factory.getbasetemp() / "xlsx-bytes", "book.xlsx", data)


@FUZZ
@given(part=st.sampled_from(["meta", "core", "media"]), changes=edits)
def test_damaged_archive_member(
    con: duckdb.DuckDBPyConnection,
    tmp_path_factory: pytest.TempPathFactory,
    part: str,
    changes: list[tuple[float, str, int]],
) -> None:
    pieces = {
        "meta": meta_xml(CORE, EXTENSION).encode(),
        "core": b'id\tcat\no1\t"A\tB"\no2\t\n',
        "media": b"o1,http://x\no2,y\n",
    }
    pieces[part] = mutate(pieces[part], changes)
    data = archive(pieces["meta"], pieces["core"], pieces["media"])
    stage_bytes(con, tmp_path_factory.getbasetemp() / "dwca", "upload.zip", data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"a": "\\ud800"}]', r"record 1 has a value that is not valid Unicode"),
        ('[{"a": 1}, {"a": {"b": "x\\udfff"}}]', r"record 2 has a value that is not valid Unicode"),
        ('{"a": 1}\n{"\\ud800": 1}\n', r"record 2 has a field name that is not valid Unicode"),
    ],
)
def test_unpaired_surrogates_in_json(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(IngestError, match=message) as caught:
        stage_file(con, path, tmp_path / "work", display_name="r.json", limits=Limits())
    assert caught.value.file == "r.json"


def test_meta_xml_declaring_an_unknown_encoding(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    meta = meta_xml(CORE).replace('encoding="UTF-8"?>', 'encoding="UTF-88"?>', 1).encode()
    path = tmp_path / "upload.zip"
    path.write_bytes(archive(meta, b"id\tcat\no1\tA\n", b""))
    with pytest.raises(IngestError, match=r"meta\.xml: unknown encoding") as caught:
        stage_file(con, path, tmp_path / "work", display_name="upload.zip", limits=Limits())
    assert caught.value.file == "upload.zip"


def test_duckdb_errors_while_combining_are_ingest_errors(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Orphan counting ran outside the try that names the archive; any engine error now is."""

    def broken(*args: object) -> list[str]:
        raise duckdb.IOException("disk trouble")

    monkeypatch.setattr("holotype.ingest.dwca_join._orphan_warning", broken)
    path = tmp_path / "upload.zip"
    path.write_bytes(archive(meta_xml(CORE, EXTENSION).encode(), b"id\tc\no1\tA\n", b"o1,x\n"))
    with pytest.raises(IngestError, match="cannot combine the archive") as caught:
        stage_file(con, path, tmp_path / "work", display_name="upload.zip", limits=Limits())
    assert caught.value.file == "upload.zip"
