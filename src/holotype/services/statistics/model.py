"""What every statistics figure is: a table with a text alternative, computed for a scope.

A :class:`Scope` is what a reader may count: the record resources of the whole portal, or of
one dataset, that the asking identity may read (resolved once, by the one policy, in
:func:`scope`); the figures never check permissions again. A :class:`Table` is one figure's
data: its columns, its rows (each row may carry ``filters``, the NHM filters group of the
search that gives the same count), the records in values not listed (``others``), and
``unavailable`` when the figure cannot be computed yet (said to the reader, never faked).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from holotype.catalog.snapshots import DatasetInfo, ResourceInfo
from holotype.errors import Invalid, NotFound
from holotype.services import policy
from holotype.services.identity import Identity
from holotype.services.visible import readable_dataset, visible_resources

if TYPE_CHECKING:
    from holotype.services.context import Portal

Granularity = Literal["month", "year"]
GRANULARITIES: tuple[Granularity, ...] = ("month", "year")
ColumnType = Literal["string", "integer", "number", "period", "share"]
#: How a figure is drawn: bars by value, a line over periods, bars stacked by a group over
#: periods, a sunburst/treemap of a hierarchy (columns outermost first), a map by country.
Chart = Literal["bar", "line", "stacked", "hierarchy", "choropleth", "table"]
EARLIEST_YEAR = 1600  # before any natural-history collection's records were published
MAX_PERIODS = 1200  # a hundred years by month
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Scope:
    """The record resources a figure counts: ``dataset``'s, or the whole portal's (None),
    those ``identity`` may read. ``key`` names the scope in caches: the policy's scope of the
    identity and the dataset, so two readers who may see the same share answers."""

    identity: Identity
    dataset: DatasetInfo | None
    resources: tuple[ResourceInfo, ...]
    key: str


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: ColumnType


@dataclass(frozen=True)
class Table:
    """One figure's data. ``rows`` hold values by column name, and may hold ``filters`` (the
    NHM filters group whose search counts the same records). ``description`` is the text
    alternative: one or two plain sentences with the main numbers."""

    figure: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    total: int | None = None
    others: int = 0
    unavailable: str | None = None
    versions: dict[str, int] = field(default_factory=dict)  # resource id -> version read
    #: the key it is kept under in memory (:func:`~holotype.services.statistics.cache.figure`:
    #: the figure, its parameters, the scope and every version read), None when not kept; what
    #: is made from the table may be kept under it too
    key: Hashable | None = field(default=None, compare=False, repr=False)


def scope(portal: Portal, identity: Identity, dataset: str | None = None) -> Scope:
    """The scope of a figure: every record resource ``identity`` may read, or only those of
    ``dataset`` (slug or id). An unknown dataset, or one ``identity`` may not see, is refused
    in the same words (400 naming ``dataset``), so the answer does not tell that it exists."""
    resources = visible_resources(portal, identity, None)
    if dataset is None:
        return Scope(identity, None, tuple(resources), policy.scope(identity))
    try:
        with portal.session() as session:
            found = readable_dataset(session, identity, dataset)
    except NotFound:
        raise Invalid(f"there is no dataset {dataset!r}", field="dataset") from None
    mine = tuple(r for r in resources if r.dataset_id == found.id)
    return Scope(identity, found, mine, f"{policy.scope(identity)}:{found.id}")


@dataclass(frozen=True)
class Params:
    """What a reader may ask of a figure (each figure says which it reads). ``since`` and
    ``until`` are ``YYYY`` or ``YYYY-MM``, both included; see :func:`period_range`."""

    granularity: Granularity = "month"
    since: str | None = None
    until: str | None = None
    by: str | None = None  # a grouping ("format", "dataset", "category") where one is offered
    field: str | None = None  # a record field, for figures that count by any field
    limit: int = 25  # values shown before the rest are counted as others


@dataclass(frozen=True)
class Figure:
    """A figure the portal offers: its id (in URLs and the API), title, what draws it, and
    the function that computes it for a scope."""

    id: str
    title: str
    chart: Chart
    compute: Callable[[Portal, Scope, Params], Table]
    params: tuple[str, ...] = ()  # the names of the Params it reads
    per_dataset: bool = True  # offered on a dataset's panel too
    maintainers_only: bool = False  # usage figures on a dataset's panel


def period_range(params: Params, default_since: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """``(year, month)`` of the first and last period asked for (``default_since`` to this
    month when not given). Refused with 400 naming the parameter: a malformed period, one
    before :data:`EARLIEST_YEAR` or after next year, ``since`` after ``until``, or more than
    :data:`MAX_PERIODS` periods."""
    now = datetime.now(UTC)
    since = _period(params.since or default_since, "since", now.year, first=True)
    until = _period(params.until, "until", now.year, first=False) if params.until \
        else (now.year, now.month)
    if since > until:
        raise Invalid(f"since ({params.since or default_since}) is after until "
                      f"({params.until or 'now'})", field="since")
    count = (until[0] - since[0]) * (12 if params.granularity == "month" else 1) + (
        until[1] - since[1] if params.granularity == "month" else 0) + 1
    if count > MAX_PERIODS:
        raise Invalid(f"{count} {params.granularity}s from since to until is more than "
                      f"{MAX_PERIODS}; ask for a shorter range or by year", field="since")
    return since, until


def _period(value: str, name: str, this_year: int, first: bool) -> tuple[int, int]:
    match = _PERIOD.fullmatch(value.strip())
    if match is None:
        raise Invalid(f"{name} must be a year (2024) or a month (2024-05), not {value!r}",
                      field=name)
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (1 if first else 12)
    if not 1 <= month <= 12:
        raise Invalid(f"{name} has no month {month:02d}: {value!r}", field=name)
    if not EARLIEST_YEAR <= year <= this_year + 1:
        raise Invalid(f"{name} must be between {EARLIEST_YEAR} and {this_year + 1}, not "
                      f"{year}", field=name)
    return year, month


def checked_granularity(value: str | None) -> Granularity:
    """``month`` or ``year`` (month when not given); 400 naming ``granularity`` otherwise."""
    if value is None or value == "month":
        return "month"
    if value == "year":
        return "year"
    raise Invalid(f"granularity must be one of {', '.join(GRANULARITIES)}, not {value!r}",
                  field="granularity")
