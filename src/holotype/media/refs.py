"""The media of a record, read from its fields: one list whatever the source format.

Three places hold them, all ordinary fields, so a record keeps its images across versions like
any other field:

* ``Multimedia``: a Darwin Core Archive's multimedia extension, which the ingest turns into a
  JSON array of one object per extension row (see ``holotype.ingest.dwca_join``), with the
  GBIF Simple Multimedia terms (``identifier``, ``format``, ``title``, ``creator``,
  ``rightsHolder``, ``license``) or the Audubon Core ones (``accessURI``, ``format``,
  ``title``, ``creator``, ``Owner``, ``license``/``WebStatement``, ``type``);
  ``holotype media add`` writes this field too;
* ``associatedMedia``: addresses separated by ``|`` (as Darwin Core recommends), ``;`` or
  whitespace-padded ``,``.

A source is an ``http(s)://`` address, or ``stored:<sha256>.<ext>``: a file the portal holds
under ``<data_dir>/media/stored/`` by the SHA-256 of its bytes (files added with ``holotype
media add`` or found inside an archive). A medium's id is derived from its source alone, so it
is the same in every version and in every record that shows it, and is the IIIF identifier.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MEDIA_FIELDS = ("Multimedia", "associatedMedia")
STORED = "stored:"
_STORED_NAME = re.compile(r"^[0-9a-f]{64}\.[a-z0-9]{1,8}$")
_SPLIT = re.compile(r"\s*\|\s*|\s*;\s*|\s+,\s*|,\s+")
# (our name, the extension terms that give it, first found wins)
_TERMS = {
    "source": ("identifier", "accessURI", "accessUri"),
    "format": ("format",),
    "title": ("title", "caption", "description"),
    "creator": ("creator",),
    "rights_holder": ("rightsHolder", "Owner", "owner"),
    "licence": ("license", "WebStatement", "rights"),
    "type": ("type",),
}


@dataclass(frozen=True)
class MediaRef:
    """One medium of a record. ``id`` is :func:`media_id` of ``source``."""

    id: str
    source: str
    title: str | None = None
    creator: str | None = None
    rights_holder: str | None = None
    licence: str | None = None
    format: str | None = None  # MIME type, when the record says

    @property
    def stored(self) -> bool:
        return self.source.startswith(STORED)

    @property
    def is_image(self) -> bool:
        """Whether it is (or may be) an image: its format says so, or it says nothing."""
        return self.format is None or self.format.lower().startswith("image/")


def media_id(source: str) -> str:
    """The id of the medium at ``source``: 32 hex digits of its SHA-256."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]


def stored_source(sha256: str, extension: str) -> str:
    """The source of a stored file: ``stored:<sha256>.<ext>``."""
    name = f"{sha256.lower()}.{extension.lower().lstrip('.')}"
    if not _STORED_NAME.fullmatch(name):
        raise ValueError(f"not a stored file's name: {name!r}")
    return STORED + name


def stored_name(source: str) -> str | None:
    """The file name under ``<data_dir>/media/stored`` of a stored source (None for others,
    and for anything that is not exactly a stored file's name, so no path can escape)."""
    if not source.startswith(STORED):
        return None
    name = source[len(STORED):]
    return name if _STORED_NAME.fullmatch(name) else None


def _usable(source: str) -> bool:
    return source.startswith(("http://", "https://")) or stored_name(source) is not None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _extension_rows(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if isinstance(value, Mapping):
        value = [value]
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []


def _from_row(row: Mapping[str, Any]) -> MediaRef | None:
    found = {ours: next((_text(row[t]) for t in terms if _text(row.get(t))), None)
             for ours, terms in _TERMS.items()}
    # A file the archive carried (stored) before a web address, e.g. an identifier that is a
    # web page beside an accessURI that is a file; else the first usable address.
    sources = [text for term in _TERMS["source"] if (text := _text(row.get(term)))]
    usable = [s for s in sources if _usable(s)]
    source = next((s for s in usable if s.startswith(STORED)), usable[0] if usable else None)
    if source is None:
        return None
    kind = (found["type"] or "").lower()
    fmt = found["format"]
    if fmt is None and kind in ("stillimage", "http://purl.org/dc/dcmitype/stillimage"):
        fmt = "image/*"
    return MediaRef(media_id(source), source, found["title"], found["creator"],
                    found["rights_holder"], found["licence"], fmt)


def record_media(data: Mapping[str, Any]) -> list[MediaRef]:
    """The record's media, extension rows first, each source once, in the record's order;
    sources that are neither web addresses nor stored files are left out."""
    found: dict[str, MediaRef] = {}
    for row in _extension_rows(data.get("Multimedia")):
        ref = _from_row(row)
        if ref is not None and ref.id not in found:
            found[ref.id] = ref
    for part in _SPLIT.split(str(data.get("associatedMedia") or "")):
        source = part.strip()
        if source and _usable(source) and media_id(source) not in found:
            found[media_id(source)] = MediaRef(media_id(source), source)
    return list(found.values())
