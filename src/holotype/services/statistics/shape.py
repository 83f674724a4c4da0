"""The shape of the collection: records by taxonomy, country, year collected, basis of record,
type status, or any field, each row with the filters of the search that counts it.

Values are counted by their lower-cased form, shown in their commonest spelling, and linked by
``string_equals`` (which ignores case); empty values are a row of their own ("not given"),
linked by ``not exists``. So every row's count is the search count of its ``filters``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from holotype.errors import Invalid
from holotype.search import View
from holotype.services.context import Portal
from holotype.services.statistics import cache, counts
from holotype.services.statistics.model import (
    EARLIEST_YEAR,
    Column,
    Figure,
    Params,
    Scope,
    Table,
    period_range,
)

TAXONOMY = ("kingdom", "phylum", "order")
#: the fields counted after each ingest (see :mod:`holotype.services.statistics.refresh`)
FIELDS = ("country", "basisOfRecord", "typeStatus", "year")
NOT_GIVEN = "not given"
MAX_LIMIT = 1000


def views_of(portal: Portal, scope: Scope) -> list[View]:
    """The scope's resources at their latest versions (Unavailable while one is indexed)."""
    return portal.searcher.views(scope.resources, None)


def term(field: str, value: str | None) -> dict[str, Any]:
    """The filter term matching ``value`` of ``field`` (None: the field is empty)."""
    if value is None:
        return {"not": [{"exists": {"fields": [field]}}]}
    return {"string_equals": {"fields": [field], "value": value}}


def _n(n: int) -> str:
    return f"{n:,}"


def combined_values(
    portal: Portal, views: Sequence[View], field: str
) -> tuple[dict[str | None, int], dict[str | None, str | None]]:
    """Records by lower-cased value of ``field`` over ``views`` (None: empty), and each value's
    commonest spelling (that of the resource holding most of it)."""
    per = counts.values(portal, views, field)
    total: dict[str | None, int] = {}
    best: dict[str | None, tuple[int, str | None]] = {}
    for found in per.values():
        for key, spelling, n in found["values"]:
            total[key] = total.get(key, 0) + n
            if key not in best or n > best[key][0]:
                best[key] = (n, spelling)
    cut = [v for v in views if per[v.rid]["cut"]]
    if cut:  # some values of a resource with very many were not kept: count the top ones now
        top = sorted((k for k in total if k is not None), key=lambda k: -total[k])[:MAX_LIMIT]
        for view in cut:
            kept = {c[0] for c in per[view.rid]["values"]}
            missing = [k for k in top if k not in kept]
            for key, n in counts.exact(portal, [view], field, missing).items():
                total[key] = total.get(key, 0) + n
    return total, {k: s for k, (_n, s) in best.items()}


def _limit(params: Params) -> int:
    return max(1, min(params.limit, MAX_LIMIT))


def field_counts(portal: Portal, scope: Scope, field: str, limit: int, figure: str = "field",
                 title: str | None = None, *, known: bool = True) -> Table:
    """Records by the value of ``field``: the ``limit`` commonest values, then the records
    where it is empty; the rest counted as ``others``. With ``known``, a field no resource of
    the scope holds is refused (400 naming ``field``)."""
    views = views_of(portal, scope)
    if known and not any(field in v.columns for v in views):
        raise Invalid(f"no records here have a field {field!r}", field="field")
    total, spelling = combined_values(portal, views, field)
    given = sorted((k for k in total if k is not None), key=lambda k: (-total[k], k))
    shown = given[:limit]
    rows = [_row(field, spelling.get(k) or k, total[k]) for k in shown]
    empty = total.get(None, 0)
    if empty:
        rows.append(_row(field, None, empty))
    records = sum(total.values())
    others = records - sum(r["records"] for r in rows)
    title = title or f"Records by {field}"
    if given:
        top = rows[0]
        text = (f"{_n(records)} records with {_n(len(given))} values of {field}; the commonest "
                f"is {top['label']} ({_n(top['records'])})")
    else:
        text = f"{_n(records)} records, none with a value of {field}"
    if empty:
        text += f"; {_n(empty)} do not give it"
    return Table(figure, title, text + ".",
                 (Column("value", field, "string"), Column("records", "Records", "integer")),
                 rows, total=records, others=others,
                 versions={v.rid: v.version for v in views})


def _row(field: str, value: str | None, n: int) -> dict[str, Any]:
    return {"value": value, "label": NOT_GIVEN if value is None else value, "records": n,
            "filters": {"and": [term(field, value)]}}


def field_figure(portal: Portal, scope: Scope, params: Params) -> Table:
    if not params.field:
        raise Invalid("name a field to count records by", field="field")
    name = params.field
    return cache.figure(portal, "field", scope, params,
                 lambda: field_counts(portal, scope, name, _limit(params)))


def _named(figure: str, field: str, title: str) -> Any:
    def compute(portal: Portal, scope: Scope, params: Params) -> Table:
        def make() -> Table:
            return field_counts(portal, scope, field, _limit(params), figure, title,
                                known=False)

        return cache.figure(portal, figure, scope, params, make)

    return compute


def countries(portal: Portal, scope: Scope, params: Params) -> Table:
    """Records by country, with the country count and the commonest in the text."""
    def make() -> Table:
        table: Table = _named("countries", "country", "Records by country")(portal, scope,
                                                                            params)
        given = [r for r in table.rows if r["value"] is not None]
        if not given:
            return table
        total, _ = combined_values(portal, views_of(portal, scope), "country")
        n_countries = sum(1 for k in total if k is not None)
        top = given[0]
        text = (f"{_n(table.total or 0)} records from {_n(n_countries)} countries; most from "
                f"{top['label']} ({_n(top['records'])})")
        empty = total.get(None, 0)
        if empty:
            text += f"; {_n(empty)} do not give a country"
        return replace(table, description=text + ".")

    return cache.figure(portal, "countries-text", scope, params, make)


def taxonomy(portal: Portal, scope: Scope, params: Params) -> Table:
    """Records by kingdom, phylum and order: the commonest paths, the rest as others."""
    return cache.figure(portal, "taxonomy", scope, params,
                 lambda: _taxonomy(portal, scope, max(_limit(params), 100)))


def _taxonomy(portal: Portal, scope: Scope, limit: int) -> Table:
    views = views_of(portal, scope)
    per = counts.paths(portal, views, TAXONOMY)
    total: dict[tuple[str | None, ...], int] = {}
    spellings: dict[tuple[str | None, ...], dict[str | None, int]] = {}
    for found in per.values():
        for keys, spelled, n in found:
            path = tuple(keys)
            total[path] = total.get(path, 0) + n
            for depth in range(len(TAXONOMY)):
                votes = spellings.setdefault(path[:depth + 1], {})
                votes[spelled[depth]] = votes.get(spelled[depth], 0) + n
    name = {p: max(v.items(), key=lambda e: (e[1], e[0] or ""))[0] for p, v in spellings.items()}
    ranked = sorted(total, key=lambda p: (-total[p], [(k is None, k or "") for k in p]))
    rows = []
    for path in ranked[:limit]:
        shown = [name[path[:d + 1]] for d in range(len(TAXONOMY))]
        row: dict[str, Any] = dict(zip(TAXONOMY, shown, strict=True))
        row["records"] = total[path]
        row["filters"] = {"and": [term(f, v) for f, v in zip(TAXONOMY, shown, strict=True)]}
        rows.append(row)
    records = sum(total.values())
    kingdoms = {p[0] for p in total if p[0] is not None}
    orders = {p for p in total if p[2] is not None}
    text = (f"{_n(records)} records in {_n(len(kingdoms))} kingdoms and {_n(len(orders))} "
            "orders")
    if rows and rows[0]["order"] is not None:
        top = rows[0]
        text += f"; the commonest order is {top['order']} ({_n(top['records'])})"
    columns = tuple(Column(f, f.capitalize(), "string") for f in TAXONOMY)
    return Table("taxonomy", "Records by kingdom, phylum and order", text + ".",
                 (*columns, Column("records", "Records", "integer")), rows, total=records,
                 others=records - sum(r["records"] for r in rows),
                 versions={v.rid: v.version for v in views})


def years(portal: Portal, scope: Scope, params: Params) -> Table:
    """Records by year collected (the ``year`` field), every year of the range shown."""
    first = last = None
    if params.since or params.until:  # checked: a reversed or absurd range is refused
        (first, _), (last, _) = period_range(replace(params, granularity="year"),
                                             str(EARLIEST_YEAR))
    return cache.figure(portal, "years", scope, params, lambda: _years(portal, scope, first, last))


def _years(portal: Portal, scope: Scope, first: int | None, last: int | None) -> Table:
    views = views_of(portal, scope)
    total, spelling = combined_values(portal, views, "year")
    latest = datetime.now(UTC).year + 1
    by_year: dict[int, tuple[str, int]] = {}
    for key, n in total.items():
        if key is not None and key.isdigit() and EARLIEST_YEAR <= int(key) <= latest:
            year = int(key)
            if (first is None or year >= first) and (last is None or year <= last) and (
                    year not in by_year or n > by_year[year][1]):
                by_year[year] = (spelling.get(key) or key, n)
    rows: list[dict[str, Any]] = []
    if by_year:
        low = first if first is not None else min(by_year)
        high = last if last is not None else max(by_year)
        for year in range(low, high + 1):
            value, n = by_year.get(year, (str(year), 0))
            rows.append({"year": str(year), "records": n,
                         "filters": {"and": [term("year", value)]}})
    records = sum(total.values())
    dated = sum(int(r["records"]) for r in rows)
    if rows:
        top = max(rows, key=lambda r: int(r["records"]))
        text = (f"{_n(dated)} of {_n(records)} records collected from {rows[0]['year']} to "
                f"{rows[-1]['year']}; most in {top['year']} ({_n(top['records'])})")
    else:
        text = f"None of {_n(records)} records gives a year collected in this range"
    return Table("years", "Records by year collected", text + ".",
                 (Column("year", "Year collected", "period"),
                  Column("records", "Records", "integer")),
                 rows, total=records, others=records - dated,
                 versions={v.rid: v.version for v in views})


basis = _named("basis", "basisOfRecord", "Records by basis of record")
type_status = _named("type-status", "typeStatus", "Records by type status")

FIGURES: tuple[Figure, ...] = (
    Figure("taxonomy", "Records by kingdom, phylum and order", "hierarchy", taxonomy,
           ("limit",)),
    Figure("countries", "Records by country", "choropleth", countries, ("limit",)),
    Figure("years", "Records by year collected", "bar", years, ("since", "until")),
    Figure("basis", "Records by basis of record", "bar", basis, ("limit",)),
    Figure("type-status", "Records by type status", "bar", type_status, ("limit",)),
    Figure("field", "Records by any field", "bar", field_figure, ("field", "limit")),
)
