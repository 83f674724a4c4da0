"""The periods of a figure over time: months or years from ``since`` to ``until``, with
their labels (``2024-05`` or ``2024``) and their bounds in milliseconds since the epoch (the
unit of store versions)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from holotype.services.statistics.model import Granularity


@dataclass(frozen=True)
class Period:
    label: str
    start: int  # ms since the epoch, included
    end: int  # ms since the epoch, excluded


def periods(since: tuple[int, int], until: tuple[int, int],
            granularity: Granularity) -> list[Period]:
    """Every period from the one holding ``since`` to the one holding ``until`` (both
    ``(year, month)``), oldest first."""
    found = []
    year, month = since if granularity == "month" else (since[0], 1)
    last = until if granularity == "month" else (until[0], 1)
    while (year, month) <= last:
        after = _next(year, month, granularity)
        found.append(Period(label(year, month, granularity), _ms(year, month), _ms(*after)))
        year, month = after
    return found


def label(year: int, month: int, granularity: Granularity) -> str:
    return f"{year:04d}-{month:02d}" if granularity == "month" else f"{year:04d}"


def month_of(ms: int) -> tuple[int, int]:
    """``(year, month)`` in UTC of a time in ms since the epoch."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.year, moment.month


def default_since(first: int | None) -> str:
    """The month of ``first`` (ms since the epoch), or this month when there is nothing."""
    return label(*month_of(first if first is not None else int(time.time() * 1000)), "month")


def _next(year: int, month: int, granularity: Granularity) -> tuple[int, int]:
    if granularity == "year":
        return year + 1, 1
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _ms(year: int, month: int) -> int:
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp() * 1000)
