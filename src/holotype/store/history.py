"""A record's history: every version it had, with the fields each one changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from holotype.store.staged import RESERVED

Change = tuple[str | None, str | None]  # (before, after); None means the field was absent


@dataclass(frozen=True)
class RecordVersion:
    """One entry of a record's history.

    ``data`` is the record as it was from ``version`` until ``until`` (None: still current).
    A removal is an entry with ``deleted=True`` and no data. ``changes`` maps each field that
    differs from the previous entry to (before, after).
    """

    version: int
    until: int | None
    data: dict[str, str] | None
    deleted: bool = False
    changes: dict[str, Change] = field(default_factory=dict)


def record_data(row: dict[str, Any]) -> dict[str, str]:
    """A stored row without the store's own columns and without empty fields."""
    return {k: v for k, v in row.items() if k not in RESERVED and v is not None}


def diff(before: dict[str, str] | None, after: dict[str, str] | None) -> dict[str, Change]:
    before, after = before or {}, after or {}
    changes: dict[str, Change] = {}
    for name in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = (old, new)
    return changes


def build(rows: list[dict[str, Any]], deletions: list[int]) -> list[RecordVersion]:
    """Interleave the record's rows and removals in time order, each with its diff."""
    events: list[tuple[int, dict[str, str] | None, int | None]] = [
        (int(r["_from"]), record_data(r), r["_to"]) for r in rows
    ]
    events += [(int(v), None, None) for v in deletions]
    events.sort(key=lambda e: e[0])
    history: list[RecordVersion] = []
    previous: dict[str, str] | None = None
    for position, (version, data, until) in enumerate(events):
        if data is None:
            nxt = events[position + 1][0] if position + 1 < len(events) else None
            history.append(RecordVersion(version, nxt, None, True, diff(previous, None)))
        else:
            history.append(RecordVersion(version, until, data, False, diff(previous, data)))
        previous = data
    return history
