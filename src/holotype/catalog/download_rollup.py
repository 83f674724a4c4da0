"""Downloads served, rolled up in memory by month, format and the resources each gave.

Counting a million download events by month and dataset on every request would read them all;
instead this process keeps one cell per ``(year, month, format, resources of the event)``:
how many events, and the records each resource gave. It is refreshed incrementally: every
read asks the catalogue for the highest event id (one look at the primary key) and rolls up
only the events above the highest it has seen, grouped in the catalogue (so a first read of a
million events returns a few thousand rows, not a million). Events are never changed or
removed once written, and a catalogue whose highest id went down was replaced: it is rolled
up afresh. The roll-up is exact: a scope counts an event once if any of its resources is in
the scope, with only those resources' records.

Answers computed from the cells are kept too (:meth:`DownloadRollup.answer`) until the next
event is written, so a warm figure is a dictionary look-up.

On PostgreSQL, an event written by a transaction that commits after one with a higher id was
already read would be missed by this process until it restarts; SQLite (the default) writes
one transaction at a time, in id order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from holotype.catalog.downloads import DownloadEvent, DownloadEventResource

T = TypeVar("T")
Key = tuple[int, int, str, tuple[str, ...]]  # year, month, format, the event's resource ids


@dataclass(frozen=True)
class Cell:
    events: int
    records: tuple[int, ...]  # by the key's resource ids, in order


class DownloadRollup:
    """This process's roll-up of the download events of one catalogue (see the module)."""

    ANSWERS = 1_000  # answers kept; more and they start afresh

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen = 0  # the highest event id rolled up
        self._cells: dict[Key, Cell] = {}
        self._answers: dict[tuple[Hashable, ...], Any] = {}

    def cells(self, session: Session) -> tuple[int, dict[Key, Cell]]:
        """The highest event id and the cells up to it (a copy the caller may keep)."""
        top = int(session.scalar(select(func.max(DownloadEvent.id))) or 0)
        with self._lock:
            if top < self._seen:  # another catalogue, or events removed: start afresh
                self._seen, self._cells, self._answers = 0, {}, {}
            if top > self._seen:
                self._add(session, self._seen, top)
                self._seen, self._answers = top, {}
            return top, dict(self._cells)

    def answer(self, seen: int, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """``compute()``, or what it gave before for ``key`` while no event was added since
        ``seen`` (the id :meth:`cells` returned)."""
        with self._lock:
            if len(self._answers) >= self.ANSWERS:
                self._answers = {}
            if seen == self._seen and key in self._answers:
                found: T = self._answers[key]
                return found
        found = compute()
        with self._lock:
            if seen == self._seen:
                self._answers[key] = found
        return found

    def _add(self, session: Session, after: int, top: int) -> None:
        e, r = DownloadEvent, DownloadEventResource
        created: Any = e.created
        if session.get_bind().dialect.name == "postgresql":  # months in UTC, as on SQLite
            created = func.timezone("UTC", e.created)
        per_event = (
            select(e.id, extract("year", created).label("year"),
                   extract("month", created).label("month"), e.format,
                   func.aggregate_strings(r.resource_id, ",").label("rset"))
            .join(r, r.event_id == e.id).where(e.id > after, e.id <= top).group_by(e.id)
            .subquery())
        grouped = (
            select(per_event.c.year, per_event.c.month, per_event.c.format, per_event.c.rset,
                   r.resource_id, func.count(), func.sum(r.records))
            .join(r, r.event_id == per_event.c.id)
            .group_by(per_event.c.year, per_event.c.month, per_event.c.format,
                      per_event.c.rset, r.resource_id))
        events: dict[tuple[Key, str], int] = {}
        records: dict[Key, dict[str, int]] = {}
        for year, month, fmt, rset, rid, count, total in session.execute(grouped).tuples():
            key = (int(year), int(month), str(fmt), tuple(sorted(str(rset).split(","))))
            events[(key, str(rset))] = int(count)  # equal for every resource of the group
            got = records.setdefault(key, {})
            got[str(rid)] = got.get(str(rid), 0) + int(total)
        counts: dict[Key, int] = {}
        for (key, _rset), n in events.items():
            counts[key] = counts.get(key, 0) + n
        for key, n in counts.items():
            old = self._cells.get(key)
            new = tuple(records[key].get(rid, 0) for rid in key[3])
            self._cells[key] = Cell(n, new) if old is None else Cell(
                old.events + n, tuple(a + b for a, b in zip(old.records, new, strict=True)))
