"""Statistics pages: ``/statistics`` (every figure), ``/statistics/<figure>`` (one figure) and
its files ``/statistics/<figure>.csv|.json|.png|.svg``; ``?dataset=<slug>`` counts one
dataset's records, with the figure's own parameters (granularity, since, until, by, field,
limit) as query parameters. Bad input is a 400 through the one error renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from holotype.errors import Invalid
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.statistics import charts, export
from holotype.services.statistics.figures import PARAMS, defaults, figure, lookup, offered
from holotype.services.statistics.model import Params
from holotype.services.statistics.render import ImageFormat, image
from holotype.web.actions.statistics import (
    absolute,
    atlas,
    figure_entry,
    presented,
    row_links,
)
from holotype.web.identity import cache_headers, identity_of
from holotype.web.pages.render import base_url, render

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "png": "image/png",
               "svg": "image/svg+xml"}
QUERY = (*PARAMS, "dataset")


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def figures_data(portal: Portal, identity: Identity, dataset: str | None) -> list[dict[str, Any]]:
    """Every figure offered to ``identity`` (a dataset's panel: those per dataset), computed
    with its default parameters, each presented once per table (shared: not to be changed)."""
    return [presented(portal, f, table, dataset) for f, table in defaults(portal, identity,
                                                                          dataset)]


def _query(params: Mapping[str, str]) -> dict[str, str]:
    unknown = [k for k in params if k not in QUERY]
    if unknown:
        raise Invalid(f"unknown parameter {unknown[0]!r}; a figure reads "
                      f"{', '.join(QUERY)}", field=unknown[0])
    return {k: v for k, v in params.items() if v != ""}


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/statistics", include_in_schema=False)
    @router.get("/statistics.json", include_in_schema=False)
    def statistics(request: Request) -> Response:
        identity = identity_of(request)
        query = _query(request.query_params)
        dataset = query.get("dataset")
        if set(query) - {"dataset"}:
            name = next(iter(set(query) - {"dataset"}))
            raise Invalid("the statistics page shows each figure with its defaults; open one "
                          "figure to choose its parameters", field=name)
        data = {"dataset": dataset,
                "figures": figures_data(_portal(request), identity, dataset),
                "offered": [figure_entry(f) for f in offered(_portal(request), identity, dataset)]}
        return render(request, templates, "statistics.html", {}, data)

    @router.get("/statistics/{name}", include_in_schema=False)
    def one(request: Request, name: str) -> Response:
        figure_id, _, fmt = name.rpartition(".") if "." in name else (name, "", "")
        if fmt and fmt not in ("json", "csv", "png", "svg"):
            raise Invalid(f"a figure's file is .csv, .json, .png or .svg, not .{fmt}",
                          field="figure")
        found = lookup(figure_id)
        query = _query(request.query_params)
        dataset = query.pop("dataset", None)
        portal, identity = _portal(request), identity_of(request)
        table = figure(portal, identity, figure_id, dataset, cast(dict[str, Any], query))
        if fmt == "csv":
            body = export.to_csv(table, absolute(row_links(table, dataset), base_url(request)))
            return Response(body, media_type=MEDIA_TYPES["csv"], headers={
                "Content-Disposition": f'attachment; filename="{figure_id}.csv"'})
        if fmt in ("png", "svg"):
            links = absolute(row_links(table, dataset), base_url(request))
            spec = charts.spec(table, found.chart, links, atlas=atlas())
            return Response(image(portal, spec, cast(ImageFormat, fmt)),
                            media_type=MEDIA_TYPES[fmt],
                            headers=cache_headers(request, 300))
        data = presented(portal, found, table, dataset, query)
        context = {"params": query, "param_names": found.params, "defaults": Params()}
        return render(request, templates, "statistics_figure.html", context,
                      {**data, "dataset": dataset}, as_json=(fmt == "json") or None)

    return router
