"""meta.xml parsing, checked against the TDWG text guide's XSD (read in tests only)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from holotype.ingest.dwca_meta import FieldSpec, parse_meta, unescape
from holotype.ingest.errors import IngestError

from .conftest import SHARED, meta_xml

XSD = SHARED / "spec" / "darwin-core" / "tdwg_dwc_text.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


def xsd_attributes() -> dict[str, str | None]:
    """Every attribute the XSD declares, with its default."""
    if not XSD.exists():
        pytest.fail(f"{XSD} is missing: the tests need ../shared beside the checkout")
    schema = ET.parse(XSD).getroot()
    return {
        attribute.get("name", ""): attribute.get("default")
        for attribute in schema.iter(f"{XS}attribute")
        if attribute.get("name")
    }


def test_defaults_are_the_xsd_defaults() -> None:
    defaults = xsd_attributes()
    meta = parse_meta(
        b'<archive xmlns="http://rs.tdwg.org/dwc/text/"><core rowType="r">'
        b"<files><location>x.txt</location></files><field index='0' term='t'/></core></archive>",
        "upload.zip",
    )
    core = meta.core
    assert core.delimiter == unescape(defaults["fieldsTerminatedBy"] or "")
    assert core.line_terminator == unescape(defaults["linesTerminatedBy"] or "")
    assert core.quote == defaults["fieldsEnclosedBy"]
    assert core.ignore_header_lines == int(defaults["ignoreHeaderLines"] or "")
    assert core.encoding == "utf-8" and defaults["encoding"] == "UTF-8"


def test_every_xsd_attribute_is_known() -> None:
    handled = {
        "linesTerminatedBy", "fieldsTerminatedBy", "fieldsEnclosedBy", "ignoreHeaderLines",
        "rowType", "encoding", "index", "term", "default", "metadata",
    }  # fmt: skip
    ignored = {"dateFormat", "vocabulary", "delimitedBy"}  # values are kept as text
    assert set(xsd_attributes()) == handled | ignored


def test_parse_core_and_extension() -> None:
    core = """<core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" fieldsTerminatedBy="\\t"
      fieldsEnclosedBy="" linesTerminatedBy="\\r\\n" ignoreHeaderLines="1" encoding="latin1">
      <files><location> data/occ.txt </location></files>
      <id index="0"/>
      <field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>
      <field term="http://rs.tdwg.org/dwc/terms/country" default="UK"/>
    </core>"""
    extension = """<extension rowType="http://rs.gbif.org/terms/1.0/Multimedia">
      <files><location>m.txt</location><location>m2.txt</location></files>
      <coreid index="3"/>
      <field index="1" term="http://purl.org/dc/terms/identifier"/>
    </extension>"""
    meta = parse_meta(meta_xml(core, extension).encode(), "upload.zip")
    assert meta.core.delimiter == "\t"
    assert meta.core.quote == ""
    assert meta.core.line_terminator == "\r\n"
    assert meta.core.encoding == "iso8859-1"
    assert meta.core.locations == ["data/occ.txt"]
    assert meta.core.fields[1] == FieldSpec("http://rs.tdwg.org/dwc/terms/country", None, "UK")
    (media,) = meta.extensions
    assert (media.id_index, media.locations) == (3, ["m.txt", "m2.txt"])


def test_literal_tab_and_character_references() -> None:
    core = (
        '<core rowType="r" fieldsTerminatedBy="&#9;" fieldsEnclosedBy="&quot;">'
        "<files><location>x</location></files></core>"
    )
    assert parse_meta(meta_xml(core).encode(), "u.zip").core.delimiter == "\t"


def test_meta_without_namespace() -> None:
    meta = parse_meta(
        b"<archive><core rowType='r'><files><location>x</location></files></core></archive>",
        "u.zip",
    )
    assert meta.core.locations == ["x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("\\t", "\t"), ("\\n", "\n"), ("\\r\\n", "\r\n"), (",", ","), ("\\\\", "\\"), ("\\x", "\\x")],
)
def test_unescape(text: str, expected: str) -> None:
    assert unescape(text) == expected


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"", "not well-formed"),
        (b"<archive><core rowType='r'/></archive>", "no <files><location>"),
        (b"<archive><core><files><location>x</location></files></core></archive>", "no rowType"),
        (
            b"<archive><core rowType='r'><files><location>x</location></files></core>"
            b"<core rowType='r'><files><location>y</location></files></core></archive>",
            "more than one <core>",
        ),
        (
            b"<archive><core rowType='r'><files><location>x</location></files>"
            b"<field index='0'/></core></archive>",
            "has no term",
        ),
        (
            b"<archive><core rowType='r'><files><location>x</location></files>"
            b"<field index='-1' term='t'/></core></archive>",
            "index '-1'",
        ),
        (
            b'<!DOCTYPE archive SYSTEM "http://example.org/evil.dtd"><archive>'
            b'<!ENTITY x SYSTEM "file:///etc/passwd"></archive>',
            "not well-formed|refused",
        ),
    ],
)
def test_bad_meta(xml: bytes, message: str) -> None:  # an extension without <coreid>: see
    # test_dwca_lenient (skipped by staging, not refused by the parser)
    with pytest.raises(IngestError, match=message) as caught:
        parse_meta(xml, "upload.zip")
    assert caught.value.file == "upload.zip"


def test_external_entity_is_refused() -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE archive [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<archive><core rowType='&x;'><files><location>x</location></files></core></archive>"
    )
    with pytest.raises(IngestError, match=r"refused for safety"):
        parse_meta(xml, "upload.zip")
