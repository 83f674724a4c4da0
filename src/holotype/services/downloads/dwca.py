"""A download as a Darwin Core Archive: occurrence core, Multimedia extension, meta.xml, eml.xml.

``occurrence.txt`` holds one row per record (tab-separated, UTF-8, no quoting: each tab and
line break inside a value, or inside a field name in the header line, becomes a space). Its
``id`` column is the record id (prefixed with the resource id when several resources are
downloaded together, so ids stay unique). Fields named after a Darwin Core or Dublin Core term
map to that term; any other field maps to a term in the portal's own namespace
(``<public_base_url>/terms/<field>``, percent-escaped). When the records have image links in
``associatedMedia`` (separated by ``|`` or ``;``), ``multimedia.txt`` lists one row per image
(GBIF Multimedia: ``http://rs.gbif.org/terms/1.0/Multimedia``); links relative to the portal
(``/media/...``) are made absolute with ``public_base_url``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from holotype.darwin_core import DCTERMS, DWC, term_uri
from holotype.engine import ident, literal
from holotype.search.rowsets import RecordSet
from holotype.search.views import View
from holotype.services.downloads.members import Member

TEXT_NS = "http://rs.tdwg.org/dwc/text/"
EML_NS = "https://eml.ecoinformatics.org/eml-2.2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MULTIMEDIA = "http://rs.gbif.org/terms/1.0/Multimedia"
MEDIA_FIELD = "associatedMedia"
MEDIA_SPLIT = r"\s*[|;]\s*"
TAB_OPTIONS = "FORMAT csv, HEADER, DELIMITER '\t', QUOTE '', NULLSTR ''"
# Characters XML 1.0 cannot hold at all (control characters but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF): users' titles and descriptions may contain them.
_LINE_BREAKS = str.maketrans("\t\n\r", "   ")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with the characters XML cannot hold removed."""
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class DatasetMeta:
    """What eml.xml says about one dataset in the download."""

    title: str
    description: str
    organisation: str
    creators: tuple[str, ...]
    licence_title: str
    licence_url: str
    keywords: tuple[str, ...]
    citation: str


def header_name(field: str) -> str:
    """``field`` as occurrence.txt's header line names it: a tab or line break in a field name
    (uploads may have them) would split the header into more columns or lines than meta.xml
    declares, and readers skip exactly one header line."""
    return field.translate(_LINE_BREAKS)


def _clean(expression: str) -> str:
    """``expression`` with each tab and line break made a space (checked first: it is rare,
    and translating every value would cost more than writing it)."""
    e = expression
    return (f"CASE WHEN contains({e}, chr(9)) OR contains({e}, chr(10)) OR "
            f"contains({e}, chr(13)) THEN translate({e}, chr(9) || chr(10) || chr(13), '   ') "
            f"ELSE {e} END")


def archive_members(
    records: RecordSet, views: Sequence[View], fields: Sequence[str], base_url: str,
    count: int,
) -> tuple[list[Member], str]:
    """occurrence.txt (and multimedia.txt) as rows the engine writes, and meta.xml."""
    several = len(views) > 1
    cores, links = [], []
    for view in views:
        have = set(view.columns)
        core_id = f"{literal(view.rid + ':')} || _id" if several else "_id"
        columns = [f"{_clean(core_id)} AS id"] + [
            f"{_clean(ident(f)) if f in have else 'NULL::VARCHAR'} AS {ident(header_name(f))}"
            for f in fields
        ]
        cores.append(records.rows(view, columns))
        if MEDIA_FIELD in fields and MEDIA_FIELD in have:
            split = (f"unnest(string_split_regex({ident(MEDIA_FIELD)}, "
                     f"{literal(MEDIA_SPLIT)}))")
            links.append(records.rows(view, [f"{core_id} AS coreid", f"trim({split}) AS link"]))
    members = [Member("occurrence.txt", sql=" UNION ALL ".join(cores), options=TAB_OPTIONS,
                      records=count)]
    media = bool(links)
    if media:
        absolute = (f"CASE WHEN starts_with(link, '/') THEN {literal(base_url)} || link "
                    "ELSE link END")
        members.append(Member("multimedia.txt", options=TAB_OPTIONS, sql=(
            f"SELECT {_clean('coreid')} AS coreid, 'StillImage' AS type, {_clean(absolute)} "
            f"AS identifier FROM ({' UNION ALL '.join(links)}) WHERE link <> ''")))
    return members, meta_xml(fields, f"{base_url}/terms/", media)


def _file_element(parent: ET.Element, tag: str, row_type: str, location: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{TEXT_NS}}}{tag}", {
        "encoding": "UTF-8", "fieldsTerminatedBy": "\\t", "linesTerminatedBy": "\\n",
        "fieldsEnclosedBy": "", "ignoreHeaderLines": "1", "rowType": row_type,
    })
    files = ET.SubElement(element, f"{{{TEXT_NS}}}files")
    ET.SubElement(files, f"{{{TEXT_NS}}}location").text = location
    return element


def meta_xml(fields: Sequence[str], term_namespace: str, media: bool) -> str:
    ET.register_namespace("", TEXT_NS)
    archive = ET.Element(f"{{{TEXT_NS}}}archive", {"metadata": "eml.xml"})
    core = _file_element(archive, "core", DWC + "Occurrence", "occurrence.txt")
    ET.SubElement(core, f"{{{TEXT_NS}}}id", {"index": "0"})
    for index, name in enumerate(fields, start=1):
        ET.SubElement(core, f"{{{TEXT_NS}}}field",
                      {"index": str(index), "term": term_uri(name, term_namespace)})
    if not fields:  # the schema wants a field: the id column is the occurrence's id
        ET.SubElement(core, f"{{{TEXT_NS}}}field", {"index": "0", "term": DWC + "occurrenceID"})
    if media:
        extension = _file_element(archive, "extension", MULTIMEDIA, "multimedia.txt")
        ET.SubElement(extension, f"{{{TEXT_NS}}}coreid", {"index": "0"})
        ET.SubElement(extension, f"{{{TEXT_NS}}}field", {"index": "1", "term": DCTERMS + "type"})
        ET.SubElement(extension, f"{{{TEXT_NS}}}field",
                      {"index": "2", "term": DCTERMS + "identifier"})
    ET.indent(archive)
    return ET.tostring(archive, encoding="unicode", xml_declaration=True) + "\n"


def _agent(parent: ET.Element, tag: str, name: str) -> None:
    agent = ET.SubElement(parent, tag)
    ET.SubElement(agent, "organizationName").text = name


def _para(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    ET.SubElement(element, "para").text = text
    return element


def eml_xml(
    download_id: str, site_name: str, status_url: str, generated: datetime,
    datasets: Sequence[DatasetMeta], total: int, citation: str,
) -> str:
    """EML 2.2.0 metadata in the GBIF profile, describing the download and its datasets."""
    ET.register_namespace("eml", EML_NS)
    root = ET.Element(f"{{{EML_NS}}}eml", {
        "packageId": download_id, "system": "holotype", "scope": "system",
        f"{{{XML_NS}}}lang": "en",
    })
    dataset = ET.SubElement(root, "dataset")
    ET.SubElement(dataset, "alternateIdentifier").text = status_url
    title = (datasets[0].title if len(datasets) == 1
             else f"{site_name} download {download_id}")
    ET.SubElement(dataset, "title", {f"{{{XML_NS}}}lang": "en"}).text = title
    creators = [c for d in datasets for c in (d.creators or (d.organisation,)) if c]
    for name in dict.fromkeys(creators or [site_name]):
        _agent(dataset, "creator", name)
    _agent(dataset, "metadataProvider", site_name)
    ET.SubElement(dataset, "pubDate").text = generated.date().isoformat()
    ET.SubElement(dataset, "language").text = "en"
    summary = (f"{total:,} records downloaded from {site_name} on "
               f"{generated.strftime('%Y-%m-%d %H:%M UTC')} ({status_url}), from: "
               + "; ".join(d.title for d in datasets) + ".")
    abstract = _para(dataset, "abstract", summary)
    for d in datasets:
        if d.description:
            ET.SubElement(abstract, "para").text = f"{d.title}: {d.description}"
    keywords = [k for d in datasets for k in d.keywords]
    if keywords:
        keyword_set = ET.SubElement(dataset, "keywordSet")
        for word in dict.fromkeys(keywords):
            ET.SubElement(keyword_set, "keyword").text = word
        ET.SubElement(keyword_set, "keywordThesaurus").text = "N/A"
    _para(dataset, "intellectualRights", " ".join(
        f"{d.title} is licensed under {d.licence_title} ({d.licence_url})." for d in datasets))
    _agent(dataset, "contact", site_name)
    extra = ET.SubElement(ET.SubElement(root, "additionalMetadata"), "metadata")
    gbif = ET.SubElement(extra, "gbif")
    ET.SubElement(gbif, "dateStamp").text = generated.isoformat(timespec="seconds")
    ET.SubElement(gbif, "citation").text = citation
    for element in root.iter():
        if element.text:
            element.text = xml_text(element.text)
        for name, value in element.attrib.items():
            element.set(name, xml_text(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
