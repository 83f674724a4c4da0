"""meta.xml of a Darwin Core Archive: the files of the core and extensions, and how to read them.

The descriptor is parsed with defusedxml (no entity expansion, no external resources). Elements are
matched by local name, so descriptors that forgot the ``http://rs.tdwg.org/dwc/text/`` namespace
are read too.
"""

from __future__ import annotations

import codecs
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from holotype.ingest.errors import IngestError

NAMESPACE = "http://rs.tdwg.org/dwc/text/"
META_NAME = "meta.xml"
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}
LINE_TERMINATORS = ("\n", "\r\n", "\r")


@dataclass(frozen=True)
class FieldSpec:
    """One <field>: a column (``index``) and/or a constant or fallback value (``default``)."""

    term: str
    index: int | None
    default: str | None


@dataclass(frozen=True)
class FileSpec:
    """One <core> or <extension>: its data files, text dialect and fields."""

    row_type: str
    locations: list[str]
    fields: list[FieldSpec]
    id_index: int | None  # <id index> of the core, <coreid index> of an extension (or None)
    delimiter: str = ","
    quote: str = '"'  # empty: values are not quoted
    line_terminator: str = "\n"
    encoding: str = "utf-8"  # a Python codec name
    declared_encoding: str = "UTF-8"  # as meta.xml spells it (for messages)
    ignore_header_lines: int = 0


@dataclass(frozen=True)
class ArchiveMeta:
    core: FileSpec
    extensions: list[FileSpec]


def unescape(text: str) -> str:
    r"""Turn the backslash escapes meta.xml uses (``\t``, ``\n``, ``\r\n``...) into characters."""
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append(_ESCAPES.get(following, "\\" + following))
    return "".join(out)


def parse_meta(data: bytes, display_name: str) -> ArchiveMeta:
    """Parse meta.xml; anything malformed is an IngestError naming ``display_name``."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise IngestError(
            "meta.xml declares XML entities or external references, which are refused for safety",
            file=display_name,
        ) from exc
    except LookupError as exc:  # the XML declaration names an encoding Python does not know
        raise IngestError(f"meta.xml: {exc}", file=display_name) from exc
    except (ET.ParseError, ValueError, RecursionError) as exc:  # UnicodeError is a ValueError
        raise IngestError(f"meta.xml is not well-formed XML: {exc}", file=display_name) from exc
    if _local(root.tag) != "archive":
        raise IngestError(
            f"meta.xml: the root element is <{_local(root.tag)}>, expected <archive>",
            file=display_name,
        )
    cores = [child for child in root if _local(child.tag) == "core"]
    if not cores:
        raise IngestError("meta.xml has no <core> element", file=display_name)
    if len(cores) > 1:
        raise IngestError("meta.xml has more than one <core> element", file=display_name)
    core = _file_spec(cores[0], "id", display_name)
    extensions = [
        _file_spec(child, "coreid", display_name)
        for child in root
        if _local(child.tag) == "extension"
    ]
    return ArchiveMeta(core=core, extensions=extensions)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _file_spec(element: ET.Element, id_tag: str, display_name: str) -> FileSpec:
    kind = _local(element.tag)
    row_type = element.get("rowType", "").strip()
    if not row_type:
        raise IngestError(f"meta.xml: <{kind}> has no rowType", file=display_name)
    where = f"meta.xml: <{kind} rowType={row_type!r}>"
    locations = [
        (location.text or "").strip()
        for files in element
        if _local(files.tag) == "files"
        for location in files
        if _local(location.tag) == "location"
    ]
    locations = [location for location in locations if location]
    if not locations:
        raise IngestError(f"{where} names no <files><location>", file=display_name)
    id_index: int | None = None
    fields: list[FieldSpec] = []
    for child in element:
        tag = _local(child.tag)
        if tag == id_tag:
            id_index = _index(child.get("index"), where, f"<{id_tag}>", display_name)
        elif tag == "field":
            fields.append(_field(child, where, display_name))
    return FileSpec(
        row_type=row_type,
        locations=locations,
        fields=fields,
        id_index=id_index,
        delimiter=_delimiter(element, where, display_name),
        quote=_quote(element, where, display_name),
        line_terminator=_line_terminator(element, where, display_name),
        encoding=_encoding(element, where, display_name),
        declared_encoding=_declared_encoding(element),
        ignore_header_lines=_count(element.get("ignoreHeaderLines"), where, display_name),
    )


def _field(element: ET.Element, where: str, display_name: str) -> FieldSpec:
    term = (element.get("term") or "").strip()
    if not term:
        raise IngestError(f"{where}: a <field> has no term", file=display_name)
    index = _index(element.get("index"), where, f"field {term}", display_name)
    return FieldSpec(term=term, index=index, default=element.get("default"))


def _index(value: str | None, where: str, what: str, display_name: str) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        index = int(value)
    except ValueError:
        index = -1
    if index < 0:
        raise IngestError(
            f"{where}: {what} has index {value!r}; expected a column number from 0",
            file=display_name,
        )
    return index


def _count(value: str | None, where: str, display_name: str) -> int:
    index = _index(value, where, "ignoreHeaderLines", display_name)
    return index or 0


def _delimiter(element: ET.Element, where: str, display_name: str) -> str:
    delimiter = unescape(element.get("fieldsTerminatedBy", ","))
    if len(delimiter) != 1 or delimiter in "\r\n":
        raise IngestError(
            f"{where}: fieldsTerminatedBy={delimiter!r} is not supported; use one character",
            file=display_name,
        )
    return delimiter


def _quote(element: ET.Element, where: str, display_name: str) -> str:
    quote = unescape(element.get("fieldsEnclosedBy", '"'))
    if len(quote) > 1 or quote in ("\r", "\n"):
        raise IngestError(
            f"{where}: fieldsEnclosedBy={quote!r} is not supported; use one character or none",
            file=display_name,
        )
    return quote


def _line_terminator(element: ET.Element, where: str, display_name: str) -> str:
    terminator = unescape(element.get("linesTerminatedBy", "\n"))
    if terminator not in LINE_TERMINATORS:
        raise IngestError(
            f"{where}: linesTerminatedBy={terminator!r} is not supported; "
            "lines must end with \\n, \\r\\n or \\r",
            file=display_name,
        )
    return terminator


def _declared_encoding(element: ET.Element) -> str:
    return (element.get("encoding") or "UTF-8").strip() or "UTF-8"


def _encoding(element: ET.Element, where: str, display_name: str) -> str:
    declared = _declared_encoding(element)
    try:
        info = codecs.lookup(declared)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise IngestError(f"{where}: unknown encoding {declared!r}", file=display_name)
    return info.name
