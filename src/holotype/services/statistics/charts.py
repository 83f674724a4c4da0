"""A figure's chart: a Vega-Lite spec with its data inline, drawn by the page and by the
server (PNG/SVG) alike.

Every chart reads without colour: bars carry their numbers as labels, series over time differ
by dash and point shape as well as colour, the hierarchy's bars are labelled with their path,
completeness cells with their percentage, and the map's colours are one hue from light to dark
(so greyscale keeps the order); the figure's table is always beside the chart. ``description``
is the table's text alternative. A row's ``link`` (the search giving its count), when the web
layer gives one, becomes the mark's ``href``: clicking a bar opens that search.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from holotype.services.statistics import countries
from holotype.services.statistics.model import Chart, Column, Table

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
VEGA_LITE = "6.4"  # the Vega-Lite version vl-convert renders with (package.json: ~6.4)
WIDTH = 560
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down")
DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [10, 2])
NUMERIC = ("integer", "number")
BARS = 30  # bars drawn at most; the figure's table lists every row
Link = str | dict[str, str] | None  # a row's search, or a search per column of the row


def spec(table: Table, chart: Chart, links: Sequence[Link] | None = None, *,
         atlas: dict[str, Any] | None = None, atlas_url: str | None = None) -> dict[str, Any]:
    """The Vega-Lite spec drawing ``table`` as ``chart``. ``links`` are the rows' searches,
    in row order. A choropleth needs the world atlas (TopoJSON): ``atlas`` to know its
    country names, and ``atlas_url`` to have the browser fetch it (else the atlas goes inline,
    for rendering on the server); without the atlas it is drawn as bars."""
    base: dict[str, Any] = {"$schema": SCHEMA, "title": table.title,
                            "description": table.description, "width": WIDTH,
                            "config": {"font": "sans-serif", "view": {"stroke": None}}}
    values = _values(table, links)
    if table.unavailable or not table.rows:
        return {**base, "data": {"values": [{"text": table.unavailable or "No records yet"}]},
                "mark": {"type": "text", "fontSize": 14}, "height": 60,
                "encoding": {"text": {"field": "text"}}}
    label = table.columns[0]  # every figure's first column says what a row is
    counts = [c for c in table.columns[1:] if c.type in NUMERIC]
    if chart == "choropleth" and atlas is not None:
        return {**base, **_map(table, values, label, counts[0], atlas, atlas_url)}
    if chart in ("line", "stacked"):
        _mark_last(values, table)
        return {**base, "data": {"values": values}, **_series(table, label, counts)}
    if chart == "hierarchy":
        return {**base, "data": {"values": values}, **_hierarchy(table, counts[0])}
    if chart == "table":
        return {**base, "data": {"values": values}, **_shares(table, label, counts)}
    return {**base, "data": {"values": values}, **_bars(label, counts[0], len(values))}


def _values(table: Table, links: Sequence[Link] | None) -> list[dict[str, Any]]:
    """The rows' columns (nothing else a row carries), each with its ``link``, or a
    ``link_<column>`` per column when a row's cells link to searches of their own."""
    names = [c.name for c in table.columns]
    rows = [{n: row.get(n) for n in names} for row in table.rows]
    for row, link in zip(rows, links or (), strict=False):
        if isinstance(link, dict):
            row.update({f"link_{k}": v for k, v in link.items()})
        elif link:
            row["link"] = link
    return rows


def _href() -> dict[str, Any]:
    return {"href": {"field": "link"}}


def _bars(label: Column, count: Column, n: int) -> dict[str, Any]:
    """Horizontal bars, most first, each labelled with its number; periods and years stand
    upright in their order."""
    if label.type != "string":
        return _columns(label, count)
    y = {"field": label.name, "type": "nominal", "title": label.label, "sort": "-x"}
    x = {"field": count.name, "type": "quantitative", "title": count.label}
    return {"height": {"step": 18} if n else 60, "transform": _top(count), "layer": [
        {"mark": {"type": "bar", "color": "#2b6a8f", "cursor": "pointer"},
         "encoding": {"y": y, "x": x, **_href(), "tooltip": [
             {"field": label.name, "title": label.label},
             {"field": count.name, "title": count.label, "format": ","}]}},
        {"mark": {"type": "text", "align": "left", "dx": 3, "color": "#222"},
         "encoding": {"y": y, "x": x, "text": {"field": count.name, "format": ","}}},
    ]}


def _top(count: Column) -> list[dict[str, Any]]:
    """Only the :data:`BARS` largest rows are drawn (the table lists them all)."""
    return [{"window": [{"op": "row_number", "as": "rank"}],
             "sort": [{"field": count.name, "order": "descending"}]},
            {"filter": f"datum.rank <= {BARS}"}]


def _columns(label: Column, count: Column) -> dict[str, Any]:
    x = {"field": label.name, "type": "ordinal", "title": label.label,
         "axis": {"labelAngle": -45, "labelOverlap": True}}
    y = {"field": count.name, "type": "quantitative", "title": count.label}
    return {"height": 260, "mark": {"type": "bar", "color": "#2b6a8f", "cursor": "pointer"},
            "encoding": {"x": x, "y": y, **_href(), "tooltip": [
                {"field": label.name, "title": label.label},
                {"field": count.name, "title": count.label, "format": ","}]}}


def _series(table: Table, period: Column, counts: Sequence[Column]) -> dict[str, Any]:
    """One line per count column (or per group, when the table has a group column), each
    with its own dash and point shape as well as colour, and its name written at its end."""
    groups = [c for c in table.columns[1:] if c.type == "string"]
    x = {"field": period.name, "type": "ordinal", "title": period.label,
         "axis": {"labelAngle": -45, "labelOverlap": True}}
    if groups:
        group, count = groups[0], counts[0]
        name = group.name
        y = {"field": count.name, "type": "quantitative", "title": count.label}
        transform: list[dict[str, Any]] = [
            {"calculate": f"datum[{_js(name)}] == null ? '(none)' : "
                          f"'' + datum[{_js(name)}]", "as": "series"}]
    else:
        y = {"field": "value", "type": "quantitative", "title": "Count"}
        transform = [{"fold": [c.name for c in counts], "as": ["column", "value"]},
                     {"calculate": _label_expr(counts), "as": "series"}]
    series = {"field": "series", "type": "nominal", "legend": None}
    tooltip = [{"field": period.name, "title": period.label},
               {"field": "series", "title": groups[0].label if groups else "Measure"},
               {**y, "format": ","}]
    return {"height": 260, "transform": transform, "layer": [
        {"mark": {"type": "line", "point": {"size": 50, "filled": True}},
         "encoding": {"x": x, "y": y, "color": series, "strokeDash": series,
                      "shape": series, **_href(), "tooltip": tooltip}},
        {"transform": [{"filter": "datum._last"}],
         "mark": {"type": "text", "align": "left", "dx": 8, "fontSize": 11},
         "encoding": {"x": x, "y": y, "text": {"field": "series"}, "color": series}},
    ], "config": {"font": "sans-serif", "view": {"stroke": None},
                  "range": {"strokeDash": list(DASHES), "symbol": list(SHAPES)}}}


def _mark_last(rows: list[dict[str, Any]], table: Table) -> None:
    """Flag each series' last row (``_last``), where its name is written."""
    groups = [c.name for c in table.columns[1:] if c.type == "string"]
    last: dict[Any, dict[str, Any]] = {}
    for row in rows:
        last[row.get(groups[0]) if groups else None] = row
    for row in last.values():
        row["_last"] = True


def _label_expr(columns: Sequence[Column]) -> str:
    """A Vega expression naming each folded column by its label."""
    parts = [f"datum.column === {_js(c.name)} ? {_js(c.label)} : " for c in columns]
    return "".join(parts) + "datum.column"


def _js(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _hierarchy(table: Table, count: Column) -> dict[str, Any]:
    """Each path (kingdom › phylum › order) a bar labelled with the path and its number,
    coloured by its outermost level (the label says it too)."""
    levels = [c for c in table.columns if c.type == "string"]
    path = " + ' › ' + ".join(f"(datum[{_js(c.name)}] || '(none)')" for c in levels)
    y = {"field": "path", "type": "nominal", "title": " › ".join(c.label for c in levels),
         "sort": "-x"}
    x = {"field": count.name, "type": "quantitative", "title": count.label}
    outer = {"field": "outer", "type": "nominal", "title": levels[0].label}
    return {"height": {"step": 18}, "transform": [
        {"calculate": path, "as": "path"},
        {"calculate": f"datum[{_js(levels[0].name)}] || '(none)'", "as": "outer"},
        *_top(count)], "layer": [
        {"mark": {"type": "bar", "cursor": "pointer"},
         "encoding": {"y": y, "x": x, "color": outer, **_href(),
                      "tooltip": [{"field": "path", "title": y["title"]},
                                  {"field": count.name, "title": count.label, "format": ","}]}},
        {"mark": {"type": "text", "align": "left", "dx": 3, "color": "#222"},
         "encoding": {"y": y, "x": x, "text": {"field": count.name, "format": ","}}},
    ]}


def _shares(table: Table, label: Column, counts: Sequence[Column]) -> dict[str, Any]:
    """A grid: a row per ``label`` value, a cell per measure holding its share of the row's
    first count (e.g. of a dataset's records), shade and printed percentage alike."""
    total, measures = counts[0], counts[1:]
    y = {"field": label.name, "type": "nominal", "title": label.label}
    x = {"field": "measure", "type": "nominal", "title": None,
         "sort": [c.label for c in measures], "axis": {"orient": "top", "labelAngle": 0}}
    return {"height": {"step": 28}, "width": {"step": 96}, "transform": [
        {"fold": [c.name for c in measures], "as": ["column", "value"]},
        {"calculate": _label_expr(measures), "as": "measure"},
        {"calculate": f"datum[{_js(total.name)}] > 0 ? datum.value / "
                      f"datum[{_js(total.name)}] : 0", "as": "share"},
        {"calculate": "datum['link_' + datum.column]", "as": "link"}], "layer": [
        {"mark": {"type": "rect", "stroke": "#fff", "cursor": "pointer"},
         "encoding": {"y": y, "x": x, **_href(), "color": {
             "field": "share", "type": "quantitative", "title": "Share",
             "scale": {"domain": [0, 1], "scheme": "blues"}, "legend": {"format": ".0%"}},
             "tooltip": [y, {"field": "measure", "title": "Measure"},
                         {"field": "value", "title": "Records", "format": ","},
                         {"field": "share", "title": "Share", "format": ".1%"}]}},
        {"mark": {"type": "text"},
         "encoding": {"y": y, "x": x, "text": {"field": "share", "format": ".0%"},
                      "color": {"condition": {"test": "datum.share > 0.6", "value": "#fff"},
                                "value": "#111"}}},
    ]}


def _map(table: Table, values: list[dict[str, Any]], label: Column, count: Column,
         atlas: dict[str, Any], atlas_url: str | None) -> dict[str, Any]:
    """Countries shaded by their records, light to dark; the country names of ``values``
    matched to the atlas's (:mod:`~holotype.services.statistics.countries`), the spellings of
    one country added together (linked to a search only when there is one spelling)."""
    geometries = atlas.get("objects", {}).get("countries", {}).get("geometries", [])
    names = countries.atlas_names(g.get("properties", {}).get("name", "") for g in geometries)
    merged: dict[str, dict[str, Any]] = {}
    for row in values:
        name = countries.atlas_name(row.get(label.name), names)
        if name is None:
            continue
        if name in merged:
            merged[name][count.name] += row.get(count.name) or 0
            merged[name].pop("link", None)
        else:
            merged[name] = {**row, "atlas": name}
    fmt = {"type": "topojson", "feature": "countries"}
    geo = {"url": atlas_url, "format": fmt} if atlas_url else {"values": atlas, "format": fmt}
    return {"height": 300, "projection": {"type": "equalEarth"}, "layer": [
        {"data": {"sphere": True}, "mark": {"type": "geoshape", "fill": "#eef3f7", "aria": False}},
        {"data": geo, "mark": {"type": "geoshape", "fill": "#fafafa", "stroke": "#999", "aria": False,
                               "strokeWidth": 0.4}},  # every country, those without records
        {"data": geo, "transform": [
            {"lookup": "properties.name", "from": {
                "data": {"values": list(merged.values())}, "key": "atlas",
                "fields": [label.name, count.name, "link"]}}],
         "mark": {"type": "geoshape", "stroke": "#777", "strokeWidth": 0.4, "cursor": "pointer"},
         "encoding": {
             "color": {"field": count.name, "type": "quantitative", "title": count.label,
                       "scale": {"scheme": "blues", "type": "log"}},
             **_href(),
             "tooltip": [{"field": "properties.name", "title": "Country"},
                         {"field": count.name, "title": count.label, "format": ","}]}},
    ]}
