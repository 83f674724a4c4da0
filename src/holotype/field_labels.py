"""People's names for record fields: "Scientific name authorship" for ``scientificNameAuthorship``.

A Darwin Core term's label is TDWG's (its ``rdfs:label``, the term name split where its case
changes) in sentence case: ``occurrenceID`` is "Occurrence ID", ``verbatimSRS`` "Verbatim SRS".
A field that is not a term (a museum's own column, such as ``department``) is labelled by the same
splitting (underscores and other separators split too), and is marked as not a term. A site's
``field_labels`` setting names fields its own way and beats both.

Pages show the label and keep the exact field name a hover (and a screen reader) away; JSON
answers keep the field names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from holotype.darwin_core import TERMS

# Words written in capitals wherever they appear, whatever the field name's case.
ACRONYMS = frozenset({"ID", "IDS", "SRS", "WKT", "GBIF", "URL", "URI", "DOI", "ISO", "IUCN",
                      "GUID", "UUID", "DNA", "GPS"})
# A run of capitals (an acronym, "SRS" in "verbatimSRS"), a word, or a number.
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def split_words(name: str) -> list[str]:
    """``"coordinateUncertaintyInMeters"`` → ``["coordinate", "Uncertainty", "In", "Meters"]``;
    ``"field_2"`` → ``["field", "2"]``. An acronym before a word stays whole: ``"IDNumber"`` →
    ``["ID", "Number"]``."""
    words: list[str] = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        for match in re.finditer(r"[A-Z]+(?=[A-Z][a-z])|" + _WORD.pattern, part):
            words.append(match.group())
    return words


def default_label(name: str) -> str:
    """The label a field has without a site's own: its words in sentence case, acronyms in
    capitals; the name itself when it has no letters or digits."""
    words = split_words(name if any(c.islower() for c in name) else name.lower())
    if not words:
        return name
    shown = []
    for i, word in enumerate(words):
        if word.upper() in ACRONYMS or (len(word) > 1 and word.isupper()):
            shown.append(word.upper() if word.upper() in ACRONYMS else word)
        else:
            shown.append(word.capitalize() if i == 0 else word.lower())
    return " ".join(shown)


@dataclass(frozen=True)
class FieldLabel:
    """One field as pages name it."""

    name: str  # the field name exactly as published
    label: str  # what people read
    term: str | None  # the Darwin Core (or Dublin Core) term's URI, when the field is one

    @property
    def kind(self) -> str:
        """What the field is, in words: "Darwin Core term" (record-level Dublin Core terms are
        part of Darwin Core too) or "not a Darwin Core term"."""
        return "not a Darwin Core term" if self.term is None else "Darwin Core term"

    @property
    def hint(self) -> str:
        """The hover text: the exact field name and whether it is a term."""
        return f"{self.name} ({self.kind})"


class FieldLabels:
    """The labels of one site: TDWG's for terms, split names for other fields, and the site's
    own (``field_labels``) over both."""

    def __init__(self, own: Mapping[str, str] | None = None) -> None:
        self._own = {name: label.strip() for name, label in (own or {}).items()
                     if label.strip()}

    def label(self, name: str) -> str:
        return self._own.get(name) or default_label(name)

    def describe(self, name: str) -> FieldLabel:
        return FieldLabel(name, self.label(name), TERMS.get(name))

    def mapping(self, names: Iterable[str]) -> dict[str, str]:
        """``{field name: label}`` for JSON answers that show labels beside field names."""
        return {name: self.label(name) for name in dict.fromkeys(names)}
