"""Citation formats: one registry of every format a citation is offered in, each with its media
type, made from one CSL-JSON item (see ``items``).

====================  =============================================  ==========
format                media type (content negotiation)               download
====================  =============================================  ==========
``apa``               ``text/x-bibliography; style=apa`` (default)   -
``harvard``           ``text/x-bibliography; style=harvard-cite-them-right`` -
``bibtex``            ``application/x-bibtex``                       ``.bib``
``ris``               ``application/x-research-info-systems``        ``.ris``
``csl-json``          ``application/vnd.citationstyles.csl+json``    ``.json``
====================  =============================================  ==========

The formatted styles come from a CSL processor (``styles``), not string templates; the text is
plain (no markup), ready to copy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from holotype.errors import Invalid
from holotype.services.citations import styles, tagged

BIBLIOGRAPHY = "text/x-bibliography"


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    media_type: str
    make: Callable[[dict[str, Any]], str]
    extension: str | None = None  # offered as a file to download when set
    style: str | None = None  # the CSL style of a text/x-bibliography format


def _styled(style_name: str, locale: str) -> Callable[[dict[str, Any]], str]:
    return lambda item: styles.formatted(item, style_name, locale)


def csl_json(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("apa", "APA", BIBLIOGRAPHY, _styled("apa", "en-US"), style="apa"),
    Format("harvard", "Harvard", BIBLIOGRAPHY,
           _styled("harvard-cite-them-right", "en-GB"), style="harvard-cite-them-right"),
    Format("bibtex", "BibTeX", "application/x-bibtex", tagged.bibtex, extension="bib"),
    Format("ris", "RIS", "application/x-research-info-systems", tagged.ris, extension="ris"),
    Format("csl-json", "CSL-JSON", "application/vnd.citationstyles.csl+json", csl_json,
           extension="json"),
)}
DEFAULT = "apa"
# The names a ``style=`` parameter of text/x-bibliography may give (doi.org's are the CSL
# style repository's file names).
STYLE_NAMES = {"apa": "apa", "harvard": "harvard",
               "harvard-cite-them-right": "harvard"}


def format_named(name: str) -> Format:
    """The format called ``name``; Invalid (at ``cite``) naming the known ones otherwise."""
    found = FORMATS.get(name)
    if found is None:
        raise Invalid(f"unknown citation format {name!r}; use one of {', '.join(FORMATS)}",
                      field="cite")
    return found


def render(item: dict[str, Any], fmt: str) -> str:
    """``item`` in the format called ``fmt`` (a key of ``FORMATS``)."""
    return format_named(fmt).make(item)


def format_for(media_type: str, params: Mapping[str, str] | None = None) -> str | None:
    """The format a media type (with its parameters) asks for, or None when it names none:
    ``text/x-bibliography`` is APA unless ``style`` names Harvard; an unknown style is no
    format."""
    media_type = media_type.strip().lower()
    if media_type == BIBLIOGRAPHY:
        wanted = (params or {}).get("style", "").strip().lower()
        return STYLE_NAMES.get(wanted) if wanted else DEFAULT
    return next((f.name for f in FORMATS.values()
                 if f.media_type == media_type and f.media_type != BIBLIOGRAPHY), None)


def content_type(fmt: str) -> str:
    """The ``Content-Type`` an answer in ``fmt`` carries (UTF-8 text)."""
    found = format_named(fmt)
    style = f"; style={found.style}" if found.style else ""
    return f"{found.media_type}{style}; charset=utf-8"


def every_format(item: dict[str, Any]) -> dict[str, Any]:
    """The item in every format, for JSON twins: text, and CSL-JSON as the object itself."""
    return {name: (item if name == "csl-json" else render(item, name)) for name in FORMATS}


def download_name(item: dict[str, Any], fmt: str) -> str:
    """The file name a citation in a file format is saved as: its key and extension."""
    return f"{tagged.bibtex_key(item)}.{format_named(fmt).extension or 'txt'}"
