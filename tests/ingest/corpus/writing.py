"""Small writers the corpus builders share: meta.xml elements, data tables, EML, zips."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

DWC = "http://rs.tdwg.org/dwc/terms/"
DC = "http://purl.org/dc/terms/"
GBIF = "http://rs.gbif.org/terms/1.0/"
TEXT_NS = "http://rs.tdwg.org/dwc/text/"

Field = tuple[int | None, str, str | None]  # (column index or None, term URI, default or None)
Rows = Sequence[Sequence[str]]


def escape(text: str) -> str:
    r"""A separator as meta.xml spells it: a tab is the two characters ``\t``."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def fields_of(terms: Sequence[str], start: int = 0) -> list[Field]:
    """One indexed <field> per term, numbered from ``start``."""
    return [(start + number, term, None) for number, term in enumerate(terms)]


def file_element(
    kind: str,
    row_type: str,
    locations: Sequence[str],
    fields: Sequence[Field],
    *,
    id_index: int | None = 0,
    delimiter: str = "\t",
    enclosed: str = "",
    lines: str = "\n",
    header_lines: int = 1,
    encoding: str = "UTF-8",
) -> str:
    """A <core> or <extension> element (``id_index`` None: no <id>/<coreid> at all)."""
    id_tag = "id" if kind == "core" else "coreid"
    parts = [
        f"  <{kind} encoding={quoteattr(encoding)}"
        f" fieldsTerminatedBy={quoteattr(escape(delimiter))}"
        f" linesTerminatedBy={quoteattr(escape(lines))}"
        f" fieldsEnclosedBy={quoteattr(escape(enclosed))}"
        f' ignoreHeaderLines="{header_lines}" rowType="{row_type}">',
        "    <files>",
        *(f"      <location>{location}</location>" for location in locations),
        "    </files>",
    ]
    if id_index is not None:
        parts.append(f'    <{id_tag} index="{id_index}" />')
    for index, term, default in fields:
        where = f' index="{index}"' if index is not None else ""
        value = f" default={quoteattr(default)}" if default is not None else ""
        parts.append(f'    <field{where} term="{term}"{value}/>')
    parts.append(f"  </{kind}>")
    return "\n".join(parts)


def meta(core: str, *extensions: str, metadata: str | None = "eml.xml") -> str:
    """meta.xml around a core and its extensions."""
    link = f' metadata="{metadata}"' if metadata else ""
    body = "\n".join((core, *extensions))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<archive xmlns="{TEXT_NS}"{link}>\n{body}\n</archive>\n'
    )


def plain_table(header: Sequence[str] | None, rows: Rows, delimiter: str = "\t") -> str:
    """Unquoted delimited text with ``\\n`` line ends, as the IPT and GBIF downloads write it."""
    lines = ([delimiter.join(header)] if header is not None else []) + [
        delimiter.join(row) for row in rows
    ]
    return "".join(f"{line}\n" for line in lines)


def quoted_table(header: Sequence[str], rows: Rows, delimiter: str, lines: str) -> str:
    """Delimited text quoted only where needed (like Excel and Python's csv module)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lines)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def eml(title: str, creator: str = "Natural History Museum of Denmark") -> str:
    """A minimal GBIF-profile EML document, as the IPT writes beside meta.xml."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="eml://ecoinformatics.org/eml-2.1.1 '
        'http://rs.gbif.org/schema/eml-gbif-profile/1.1/eml.xsd" '
        'packageId="6b7ed4d5-6ba3-4c8e-8a2e-0a0dc45aaa01/v1.2" system="http://gbif.org" '
        'scope="system" xml:lang="eng">\n'
        f"<dataset>\n  <title xml:lang=\"eng\">{title}</title>\n"
        f"  <creator><organizationName>{creator}</organizationName></creator>\n"
        "  <pubDate>2024-03-01</pubDate>\n  <language>eng</language>\n"
        "  <intellectualRights><para>CC-BY 4.0</para></intellectualRights>\n"
        "</dataset>\n</eml:eml>\n"
    )


def write_zip(path: Path, members: dict[str, str | bytes]) -> Path:
    """A deflated zip of ``members`` ({name: content}; a name ending in / is a folder entry)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path
