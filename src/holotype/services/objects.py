"""Stable specimen URIs: find the record an occurrenceID names (CETAF ``/object/<id>``)."""

from __future__ import annotations

from dataclasses import dataclass

from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.visible import visible_resources

FIELD = "occurrenceID"


@dataclass(frozen=True)
class Located:
    resource_id: str
    record_id: str


def find_object(portal: Portal, identity: Identity, occurrence_id: str) -> Located | None:
    """The current record whose occurrenceID is ``occurrence_id`` in any resource ``identity``
    may see."""
    searcher = portal.searcher
    current = searcher.views(visible_resources(portal, identity, None), None)
    found = searcher.find_current(current, FIELD, occurrence_id)
    return Located(*found) if found is not None else None
