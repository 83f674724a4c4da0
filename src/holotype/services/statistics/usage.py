"""How the portal's data is used: downloads served over time, and the datasets most
downloaded and most cited.

Downloads are counted from this process's roll-up of the download totals, which each event
written adds to (:mod:`holotype.catalog.download_rollup`,
:mod:`holotype.catalog.download_totals`; never a pass over the events): an event counts for
the scope when any of the resources it gave records from is in the scope, with those
resources' records only (so a private dataset's downloads are never counted for a reader who
may not see it). A download grouped by dataset or category counts once in each group its
resources fall in. Citations are the query citations with a DOI, counted once per dataset they
include.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select

from holotype.catalog.citations import QueryCitation
from holotype.catalog.download_rollup import Cell, Key
from holotype.catalog.models import Dataset
from holotype.errors import Invalid
from holotype.services.statistics.model import (
    Column,
    Figure,
    Params,
    Scope,
    Table,
    checked_granularity,
    period_range,
)
from holotype.services.statistics.periods import default_since, label, periods

if TYPE_CHECKING:
    from holotype.services.context import Portal

GROUPINGS = ("none", "format", "dataset", "category")
NO_DOIS = "not yet available: no query DOIs have been minted"
DATASET = Column("dataset", "Dataset", "string")
EVENTS = Column("events", "Downloads", "integer")
RECORDS = Column("records", "Records downloaded", "integer")
Datasets = dict[str, tuple[str, str, str]]  # id -> (slug, title, category)


def checked_by(value: str | None) -> str | None:
    """The grouping asked for (None for none); 400 naming ``by`` for any other."""
    if value in (None, "", "none"):
        return None
    if value in GROUPINGS:
        return value
    raise Invalid(f"by must be one of {', '.join(GROUPINGS)}, not {value!r}", field="by")


def _datasets(portal: Portal, scope: Scope) -> Datasets:
    """The scope's datasets: id -> (slug, title, category), kept until the catalogue
    changes."""
    ids = tuple(sorted({r.dataset_id for r in scope.resources}))

    def compute() -> Datasets:
        with portal.session() as session:
            rows = session.execute(select(Dataset.id, Dataset.slug, Dataset.title,
                                          Dataset.category).where(Dataset.id.in_(ids)))
            return {i: (s, t, c) for i, s, t, c in rows}

    found: Datasets = portal.searchable_cache.answer(
        ("statistics-datasets", *ids), compute)
    return found


class Used(NamedTuple):
    """One cell of the roll-up, for the scope: only its resources' records, by dataset."""

    month: tuple[int, int]
    format: str
    events: int
    by_dataset: dict[str, int]


def _in_scope(cells: dict[Key, Cell], dataset_of: dict[str, str]) -> list[Used]:
    """Each cell with a resource in the scope: ``(month, format, events, records by
    dataset)`` (only the scope's resources' records)."""
    found = []
    for (year, month, fmt, rids), cell in cells.items():
        by_dataset: dict[str, int] = {}
        for rid, n in zip(rids, cell.records, strict=True):
            dataset = dataset_of.get(rid)
            if dataset is not None:
                by_dataset[dataset] = by_dataset.get(dataset, 0) + n
        if by_dataset:
            found.append(Used((year, month), fmt, cell.events, by_dataset))
    return found


def _usage(portal: Portal, scope: Scope, figure: str, params: Params,
           compute: Callable[[list[Used], Datasets], Table]) -> Table:
    """``compute(cells in scope, datasets)``, kept until the next download is served."""
    datasets = _datasets(portal, scope)
    dataset_of = {r.id: r.dataset_id for r in scope.resources}
    with portal.session() as session:
        seen, cells = portal.download_rollup.cells(session)
    now = datetime.now(UTC)
    key: tuple[Hashable, ...] = (figure, params, (now.year, now.month),
                                 tuple(sorted(dataset_of.items())),
                                 tuple(sorted(datasets.items())))
    table: Table = portal.download_rollup.answer(
        seen, key, lambda: compute(_in_scope(cells, dataset_of), datasets))
    return table


def downloads_over_time(portal: Portal, scope: Scope, params: Params) -> Table:
    by = checked_by(params.by)
    granularity = checked_granularity(params.granularity)

    def compute(cells: list[Used], datasets: Datasets) -> Table:
        first = min((c.month for c in cells), default=None)
        since, until = period_range(params, default_since(_ms(first)))
        spans = [p.label for p in periods(since, until, granularity)]
        first_month, last_month = (since, until) if granularity == "month" else (
            (since[0], 1), (until[0], 12))  # whole years
        counts: dict[tuple[str, str | None], list[int]] = {}
        for month, fmt, events, by_dataset in cells:
            if not first_month <= month <= last_month:
                continue
            period = label(*month, granularity)
            for group, records in _groups(by, fmt, by_dataset, datasets):
                got = counts.setdefault((period, group), [0, 0])
                got[0] += events
                got[1] += records
        rows: list[dict[str, Any]]
        if by is None:
            rows = [{"period": p, "events": counts.get((p, None), [0, 0])[0],
                     "records": counts.get((p, None), [0, 0])[1]} for p in spans]
        else:
            rows = [{"period": p, by: g, "events": n[0], "records": n[1]}
                    for (p, g), n in sorted(counts.items(), key=lambda kv: (kv[0][0],
                                                                            str(kv[0][1])))]
        columns = (Column("period", "Period", "period"),
                   *((Column(by, by.capitalize(), "string"),) if by else ()), EVENTS, RECORDS)
        total = sum(int(r["events"]) for r in rows) if by in (None, "format") else None
        text = (f"{total:,} downloads " if total is not None else "Downloads ") + (
            f"from {spans[0]} to {spans[-1]}" if spans else "") + (
            f", by {by}" if by else "") + "."
        return Table("downloads-over-time", "Downloads over time", text, columns, rows,
                     total=total)

    return _usage(portal, scope, "downloads-over-time", params, compute)


def _groups(by: str | None, fmt: str, by_dataset: dict[str, int],
            datasets: Datasets) -> list[tuple[str | None, int]]:
    """The groups one cell counts in, with its records in each."""
    if by is None:
        return [(None, sum(by_dataset.values()))]
    if by == "format":
        return [(fmt, sum(by_dataset.values()))]
    index = 1 if by == "dataset" else 2  # the dataset's title, or its category
    found: dict[str, int] = {}
    for dataset, records in by_dataset.items():
        name = datasets[dataset][index] if dataset in datasets else dataset
        found[name] = found.get(name, 0) + records
    return list(found.items())


def _ms(month: tuple[int, int] | None) -> int | None:
    if month is None:
        return None
    return int(datetime(month[0], month[1], 1, tzinfo=UTC).timestamp() * 1000)


def top_datasets_downloads(portal: Portal, scope: Scope, params: Params) -> Table:
    limit = _limit(params)

    def compute(cells: list[Used], datasets: Datasets) -> Table:
        bounds = (period_range(params, "1970-01")
                  if params.since or params.until else None)
        counts: dict[str, list[int]] = {}
        for month, _fmt, events, by_dataset in cells:
            if bounds is not None and not bounds[0] <= month <= bounds[1]:
                continue
            for dataset, records in by_dataset.items():
                got = counts.setdefault(dataset, [0, 0])
                got[0] += events
                got[1] += records
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        rows = [_dataset_row(datasets, d, events=n[0], records=n[1]) for d, n in ranked[:limit]]
        text = (f"The most downloaded dataset is {rows[0]['dataset']} ({rows[0]['events']:,} "
                f"downloads); {len(counts):,} datasets have been downloaded."
                if rows else "No dataset has been downloaded yet.")
        return Table("top-datasets-downloads", "Most downloaded datasets", text,
                     (DATASET, EVENTS, RECORDS), rows, total=len(counts))

    return _usage(portal, scope, "top-datasets-downloads", params, compute)


def top_datasets_citations(portal: Portal, scope: Scope, params: Params) -> Table:
    limit = _limit(params)
    columns = (DATASET, Column("citations", "Citations with a DOI", "integer"))
    cited = _cited(portal)
    if not cited:
        return Table("top-datasets-citations", "Most cited datasets",
                     f"Citations are {NO_DOIS}.", columns, [], total=0, unavailable=NO_DOIS)
    datasets = _datasets(portal, scope)
    dataset_of = {r.id: r.dataset_id for r in scope.resources}
    counts: dict[str, int] = {}
    for rids in cited:
        for dataset in {dataset_of[rid] for rid in rids if rid in dataset_of}:
            counts[dataset] = counts.get(dataset, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = [_dataset_row(datasets, d, citations=n) for d, n in ranked[:limit]]
    text = (f"The most cited dataset is {rows[0]['dataset']} ({rows[0]['citations']:,} "
            f"citations with a DOI); {len(counts):,} datasets have been cited."
            if rows else "No dataset here has been cited with a DOI yet.")
    return Table("top-datasets-citations", "Most cited datasets", text, columns, rows,
                 total=len(counts))


def _cited(portal: Portal) -> tuple[tuple[str, ...], ...]:
    """The resource ids each query citation with a DOI includes, kept until the catalogue
    changes."""

    def compute() -> tuple[tuple[str, ...], ...]:
        with portal.session() as session:
            rows = session.scalars(select(QueryCitation.resources)
                                   .where(QueryCitation.doi.is_not(None)))
            return tuple(tuple(str(r["id"]) for r in json.loads(text)) for text in rows)

    found: tuple[tuple[str, ...], ...] = portal.searchable_cache.answer(
        ("statistics-cited",), compute)
    return found


def _dataset_row(datasets: Datasets, dataset: str,
                 **values: int) -> dict[str, Any]:
    slug, title, _category = datasets.get(dataset, (dataset, dataset, ""))
    return {"dataset": title, "slug": slug, **values}


def _limit(params: Params) -> int:
    if params.limit < 1:
        raise Invalid(f"limit must be at least 1, not {params.limit}", field="limit")
    return params.limit


FIGURES: tuple[Figure, ...] = (
    Figure("downloads-over-time", "Downloads over time", "stacked", downloads_over_time,
           ("granularity", "since", "until", "by"), maintainers_only=True),
    Figure("top-datasets-downloads", "Most downloaded datasets", "bar", top_datasets_downloads,
           ("since", "until", "limit"), per_dataset=False, maintainers_only=True),
    Figure("top-datasets-citations", "Most cited datasets", "bar", top_datasets_citations,
           ("limit",), per_dataset=False, maintainers_only=True),
)
