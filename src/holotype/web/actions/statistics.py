"""Statistics: statistics_list (the figures offered) and statistics_figure (one figure's table,
chart and links), and the figure JSON the statistics pages share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from holotype.services.context import Portal
from holotype.services.statistics import cache as statistics_cache
from holotype.services.statistics import charts, export
from holotype.services.statistics.figures import MAX_LIMIT, lookup, offered
from holotype.services.statistics.figures import figure as compute
from holotype.services.statistics.model import Figure, Table
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context
from holotype.web.pages.search_url import SearchState

ATLAS = Path(__file__).resolve().parents[1] / "static" / "vendor" / "world-atlas" / \
    "countries-110m.json"
ATLAS_URL = "/static/vendor/world-atlas/countries-110m.json"
FORMATS = ("csv", "json", "png", "svg")
#: figures' finished JSON kept in memory (the oldest dropped first): a page's figures are a
#: few hundred kilobytes, so about two dozen scopes' pages
PRESENTED_ENTRIES = 256


@cache
def atlas() -> dict[str, Any] | None:
    """The world map's countries (world-atlas, copied by ``make assets``); None without it,
    when the countries are drawn as bars."""
    try:
        found: dict[str, Any] = json.loads(ATLAS.read_text())
    except FileNotFoundError:
        return None
    return found


def row_links(table: Table, dataset: str | None) -> list[charts.Link]:
    """The search that counts each row (None for a row without ``filters``): over the
    dataset's resources read, or every resource (``preset=everything``). A row that names
    its resources (``resource_ids``) and a filters group per column (``measure_filters``)
    links each column to its own search."""
    ids = tuple(sorted(table.versions)) if dataset is not None else None
    out: list[charts.Link] = []
    for row in table.rows:
        own = tuple(row["resource_ids"]) if row.get("resource_ids") else ids
        state = SearchState(preset=None if own else "everything", resource_ids=own or None)
        if isinstance(row.get("measure_filters"), dict):
            out.append({name: state.url(filters=group.get("filters", group))
                        for name, group in row["measure_filters"].items()})
        elif row.get("filters"):
            out.append(state.url(filters=row["filters"]))
        else:
            out.append(None)
    return out


def absolute(links: list[charts.Link], base: str) -> list[charts.Link]:
    """``links`` with the portal's address in front (for images pasted elsewhere)."""
    return [{k: base + v for k, v in link.items()} if isinstance(link, dict)
            else (base + link if link else None) for link in links]


def figure_url(figure_id: str, dataset: str | None, fmt: str | None = None,
               params: dict[str, Any] | None = None) -> str:
    query = {k: v for k, v in {"dataset": dataset, **(params or {})}.items() if v}
    return (f"/statistics/{figure_id}" + (f".{fmt}" if fmt else "")
            + ("?" + urlencode(query) if query else ""))


def figure_json(found: Figure, table: Table, dataset: str | None,
                params: dict[str, Any] | None = None) -> dict[str, Any]:
    """One figure as the API, the page's twin and ``/statistics/<figure>.json`` answer it:
    the table (each row with its ``search_url``), the Vega-Lite ``spec`` and the links to
    the figure's files."""
    links = row_links(table, dataset)
    data = export.to_json(table)
    for row, link in zip(data["rows"], links, strict=True):
        if isinstance(link, dict):
            row["search_urls"] = link
        elif link:
            row["search_url"] = link
    data["chart"] = found.chart
    data["spec"] = charts.spec(table, found.chart, links, atlas=atlas(), atlas_url=ATLAS_URL)
    data["links"] = {"page": figure_url(found.id, dataset, None, params),
                     **{fmt: figure_url(found.id, dataset, fmt, params) for fmt in FORMATS}}
    return data


def presented(portal: Portal, found: Figure, table: Table, dataset: str | None,
              params: dict[str, Any] | None = None) -> dict[str, Any]:
    """:func:`figure_json`, made once per table kept in memory (:attr:`Table.key`: the figure,
    its parameters, the scope and every version read, so a new version is a new key) and per
    way of asking (``dataset`` as named, ``params`` as given: they are in the links). A table
    not kept (usage, which changes with every download) is presented afresh. The answer is
    shared: callers copy before changing it."""
    if table.key is None:
        return figure_json(found, table, dataset, params)
    key = (table.key, found.id, dataset, tuple(sorted((params or {}).items())))
    return statistics_cache.combined(portal, key,
                                     lambda: figure_json(found, table, dataset, params),
                                     memo_name="statistics-presented",
                                     entries=PRESENTED_ENTRIES)


def figure_entry(found: Figure) -> dict[str, Any]:
    return {"id": found.id, "title": found.title, "chart": found.chart,
            "params": list(found.params), "per_dataset": found.per_dataset,
            "maintainers_only": found.maintainers_only}


@dataclass(frozen=True, kw_only=True)
class ListParams:
    dataset: Annotated[str | None, Doc(
        "A dataset (slug or id): the figures of its panel (its usage only for its "
        "maintainers); without it, every figure of the statistics page.")] = None


@dataclass(frozen=True, kw_only=True)
class FigureParams:
    figure: Annotated[str, Doc("The figure's id (statistics_list names them).", min_length=1)]
    dataset: Annotated[str | None, Doc(
        "Count only this dataset's records (slug or id); unknown or private: 400.")] = None
    granularity: Annotated[str | None, Doc(
        "Periods of figures over time: month (default) or year.")] = None
    since: Annotated[str | None, Doc(
        "The first period, YYYY or YYYY-MM (figures over time, years collected).")] = None
    until: Annotated[str | None, Doc("The last period, YYYY or YYYY-MM (included).")] = None
    by: Annotated[str | None, Doc(
        "downloads-over-time: group by format, dataset or category.")] = None
    field: Annotated[str | None, Doc("The figure field: the record field to count by.")] = None
    limit: Annotated[int | None, Doc(
        "How many values to list before counting the rest as others (default 25).",
        minimum=1, maximum=MAX_LIMIT)] = None


def statistics_list(ctx: Context, p: ListParams) -> dict[str, Any]:
    return {"figures": [figure_entry(f) for f in offered(ctx.portal, ctx.identity, p.dataset)]}


def statistics_figure(ctx: Context, p: FigureParams) -> dict[str, Any]:
    params = {"granularity": p.granularity, "since": p.since, "until": p.until, "by": p.by,
              "field": p.field, "limit": p.limit}
    table = compute(ctx.portal, ctx.identity, p.figure, p.dataset, params)
    return dict(presented(ctx.portal, lookup(p.figure), table, p.dataset,
                          {k: v for k, v in params.items() if v is not None}))


ACTIONS = (
    Action("statistics_list", statistics_list,
           "The statistics figures offered: each one's id, title, chart and the parameters "
           "it reads (a dataset's panel: those offered per dataset).", ListParams),
    Action("statistics_figure", statistics_figure,
           "One statistics figure: its table (each row with the search that gives its "
           "count), text alternative, Vega-Lite spec and links to CSV, JSON, PNG and SVG.",
           FigureParams),
)
