"""BibTeX and RIS, the tagged formats reference managers import, from a CSL-JSON item.

BibTeX: one ``@misc`` entry (what doi.org gives for a dataset; every BibTeX style knows it),
keyed by the item's id made safe, with LaTeX's special characters escaped and organisations
braced so that BibTeX neither splits them at "and" nor abbreviates them. Text stays UTF-8.

RIS: ``TY  - DATA`` (dataset), one tag a line, lines ending CR LF as the format asks.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
         "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
         "^": r"\textasciicircum{}"}
_LATEX = re.compile("|".join(re.escape(c) for c in LATEX))


def one_line(text: Any) -> str:
    return " ".join(str(text).split())


def latex(text: Any) -> str:
    """``text`` on one line with LaTeX's special characters escaped."""
    return _LATEX.sub(lambda m: LATEX[m.group()], one_line(text))


def bibtex_key(item: dict[str, Any]) -> str:
    """A stable key from the item's id: ASCII letters, digits and ``-_:.`` only."""
    folded = unicodedata.normalize("NFKD", str(item.get("id") or "item"))
    ascii_id = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_:.]+", "-", ascii_id).strip("-") or "item"


def _verbatim(url: str) -> str:
    """A URL or DOI as a BibTeX value: braces, backslashes and spaces percent-encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}", url)


def _bibtex_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + latex(name["literal"]) + "}"
    parts = [latex(name.get("family", "")), latex(name.get("given", ""))]
    braced = ["{" + p + "}" if re.search(r"\band\b|,", p, re.IGNORECASE) else p for p in parts]
    return ", ".join(p for p in braced if p)


def year(item: dict[str, Any], name: str = "issued") -> int | None:
    parts = (item.get(name) or {}).get("date-parts") or [[]]
    return int(parts[0][0]) if parts[0] else None


def iso_day(item: dict[str, Any], name: str, separator: str = "-") -> str | None:
    parts = ((item.get(name) or {}).get("date-parts") or [[]])[0]
    return separator.join(f"{int(p):0{4 if i == 0 else 2}d}" for i, p in enumerate(parts)) or None


def bibtex(item: dict[str, Any]) -> str:
    fields: list[tuple[str, str]] = []
    if item.get("author"):
        fields.append(("author", " and ".join(_bibtex_name(n) for n in item["author"])))
    fields.append(("title", "{" + latex(item.get("title", "")) + "}"))
    if item.get("container-title"):
        fields.append(("howpublished", latex(item["container-title"])))
    for name in ("publisher", "version"):
        if item.get(name):
            fields.append((name, latex(item[name])))
    if year(item) is not None:
        fields.append(("year", str(year(item))))
    for name, key in (("DOI", "doi"), ("URL", "url")):
        if item.get(name):
            fields.append((key, _verbatim(item[name])))
    if item.get("accessed"):
        fields.append(("urldate", str(iso_day(item, "accessed"))))
    for name in ("abstract", "note"):
        if item.get(name):
            fields.append((name, latex(item[name])))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@misc{{{bibtex_key(item)},\n{body}\n}}\n"


def _ris_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return one_line(name["literal"])
    return ", ".join(one_line(p) for p in (name.get("family"), name.get("given")) if p)


def ris(item: dict[str, Any]) -> str:
    lines = [("TY", "DATA")]
    lines += [("AU", _ris_name(n)) for n in item.get("author", [])]
    lines.append(("TI", one_line(item.get("title", ""))))
    for name, tag in (("container-title", "T2"), ("publisher", "PB"), ("version", "ET")):
        if item.get(name):
            lines.append((tag, one_line(item[name])))
    if year(item) is not None:
        lines.append(("PY", str(year(item))))
        lines.append(("DA", str(iso_day(item, "issued", "/"))))
    for name, tag in (("DOI", "DO"), ("URL", "UR")):
        if item.get(name):
            lines.append((tag, one_line(item[name])))
    if item.get("accessed"):
        lines.append(("Y2", str(iso_day(item, "accessed", "/"))))
    for name, tag in (("abstract", "AB"), ("note", "N1")):
        if item.get(name):
            lines.append((tag, one_line(item[name])))
    lines += [("ID", bibtex_key(item)), ("ER", "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)
