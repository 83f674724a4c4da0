"""Real NHM specimen records: staged as CSV, and as a Darwin Core Archive built around them."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from holotype.ingest.read import stage_file
from holotype.ingest.source import Limits

from .conftest import SHARED, meta_xml

NHM_CSV = SHARED / "data" / "nhm-specimens-10k.csv"
DWC = "http://rs.tdwg.org/dwc/terms/"
NHM = "http://data.nhm.ac.uk/terms/"
NOT_DWC = {"department", "subDepartment", "recordType", "kindOfObject", "associatedMediaCount"}

@pytest.fixture(autouse=True)
def _needs_the_sample() -> None:
    if not NHM_CSV.exists():
        pytest.fail(f"{NHM_CSV} is missing: the tests need ../shared beside the checkout")


def source_rows() -> tuple[list[str], list[dict[str, str]]]:
    with NHM_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_stage_the_csv(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header, expected = source_rows()
    staged = stage_file(
        con, NHM_CSV, tmp_path, display_name="nhm-specimens-10k.csv", limits=Limits()
    )
    assert (staged.format, staged.rows, staged.fields) == ("csv", 10_000, header)
    assert len(staged.fields) == 40
    rows = pq.read_table(staged.path).to_pylist()
    assert rows[2]["scientificName"] == "Zygaena (Zygaena) trifolii decreta Verity, 1925"
    assert rows[2]["kingdom"] is None
    for index in (0, 2, 4999, 9999):
        assert rows[index] == {k: (v if v != "" else None) for k, v in expected[index].items()}
    with_coordinates = [r for r in rows if r["decimalLatitude"] is not None]
    assert len(with_coordinates) == sum(1 for r in expected if r["decimalLatitude"])


def build_archive(tmp_path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    """A tab-separated core (no quoting) plus a GBIF Multimedia extension, in a folder."""
    fields = "\n".join(
        f'  <field index="{i}" term="{NHM if name in NOT_DWC else DWC}{name}"/>'
        for i, name in enumerate(header)
    )
    core = f"""<core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n"
      fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="{DWC}Occurrence">
      <files><location>occurrence.txt</location></files>
      <id index="0"/>
    {fields}
      <field term="{DWC}datasetName" default="NHM specimens sample"/>
    </core>"""
    extension = """<extension encoding="UTF-8" fieldsTerminatedBy="," linesTerminatedBy="\\r\\n"
      fieldsEnclosedBy='"' ignoreHeaderLines="1" rowType="http://rs.gbif.org/terms/1.0/Multimedia">
      <files><location>media/multimedia.csv</location></files>
      <coreid index="0"/>
      <field index="1" term="http://purl.org/dc/terms/identifier"/>
      <field index="2" term="http://purl.org/dc/terms/title"/>
      <field term="http://purl.org/dc/terms/type" default="StillImage"/>
    </extension>"""
    core_text = "\t".join(header) + "\n"
    core_text += "".join("\t".join(row[name] for name in header) + "\n" for row in rows)
    media = io.StringIO()
    writer = csv.writer(media, lineterminator="\r\n")
    writer.writerow(["coreid", "identifier", "title"])
    for row in rows:
        for n in range(int(row["associatedMediaCount"] or 0)):
            writer.writerow(
                [
                    row["occurrenceID"],
                    f"https://img.example/{row['catalogNumber']}/{n}",
                    f"view {n}, {row['catalogNumber']}",
                ]
            )
    writer.writerow(["not-in-core", "https://img.example/x", "orphan"])
    path = tmp_path / "nhm-dwca.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nhm/meta.xml", meta_xml(core, extension))
        archive.writestr("nhm/eml.xml", "<eml:eml xmlns:eml='eml://ecoinformatics.org/eml-2.1.1'/>")
        archive.writestr("nhm/occurrence.txt", core_text)
        archive.writestr("nhm/media/multimedia.csv", media.getvalue())
    return path


def test_stage_a_darwin_core_archive(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header, expected = source_rows()
    clean = [r for r in expected if not any("\t" in v or "\n" in v for v in r.values())]
    archive = build_archive(tmp_path, header, clean)
    staged = stage_file(con, archive, tmp_path / "work", display_name="nhm.zip", limits=Limits())
    assert (staged.format, staged.rows) == ("dwca", len(clean))
    assert len(clean) > 9_990
    assert staged.fields == [*header, "datasetName", "Multimedia"]
    assert staged.default_id_field == "occurrenceID"
    assert len(staged.warnings) == 1 and "not-in-core" in staged.warnings[0]
    rows = pq.read_table(staged.path).to_pylist()
    assert [r["occurrenceID"] for r in rows] == [r["occurrenceID"] for r in clean]
    assert {r["datasetName"] for r in rows} == {"NHM specimens sample"}
    for row, source in zip(rows, clean, strict=True):
        count = int(source["associatedMediaCount"] or 0)
        media = json.loads(row["Multimedia"]) if row["Multimedia"] else []
        assert len(media) == count
    third = rows[2]
    assert third["catalogNumber"] == "NHMUK015198006"
    assert json.loads(third["Multimedia"]) == [
        {
            "identifier": f"https://img.example/NHMUK015198006/{n}",
            "title": f"view {n}, NHMUK015198006",
            "type": "StillImage",
        }
        for n in range(2)
    ]
