"""A resource's versions and one record's history, for the resources an identity may see.

The store answers (it keeps every version); this module asks the policy first, through
:func:`holotype.services.visible.visible_resources`, so a private resource's versions are as
invisible as its records.
"""

from __future__ import annotations

from typing import Any

from holotype.errors import NotFound
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.visible import visible_resources
from holotype.store import RecordVersion, ResourceStore, Version


def _store(portal: Portal, identity: Identity, resource: str) -> ResourceStore:
    found = visible_resources(portal, identity, [resource])[0]
    return portal.store.resource(found.id)


def record_at(
    portal: Portal, identity: Identity, resource: str, record_id: str, version: int | None
) -> tuple[int, dict[str, Any]]:
    """(the version read, the record's data with ``_id``) as of ``version`` (default: latest)."""
    store = _store(portal, identity, resource)
    found = store.resolve(version)
    record = store.get(record_id, found.version) if found else None
    if found is None or record is None:
        raise NotFound(f"record {record_id!r} does not exist at that version",
                       field="record_id")
    return found.version, record


def record_history(
    portal: Portal, identity: Identity, resource: str, record_id: str
) -> list[RecordVersion]:
    """Every version of one record, oldest first, with the fields each changed."""
    history = _store(portal, identity, resource).history(record_id)
    if not history:
        raise NotFound(f"record {record_id!r} does not exist", field="record_id")
    return history


def resource_versions(portal: Portal, identity: Identity, resource: str) -> list[Version]:
    """Every version of a resource, oldest first."""
    return _store(portal, identity, resource).versions()


def version_at(
    portal: Portal, identity: Identity, resource: str, moment: int | None
) -> int | None:
    """The version current at ``moment`` (the latest not after it), or None."""
    found = _store(portal, identity, resource).resolve(moment)
    return found.version if found else None
