"""The search page: presets, free text, filters, facets, views, paging, versions and sharing.

``/search`` (and ``/search.json``) reads the whole search from the URL; ``/search/<slug>``
restores a shared one; ``POST /search/share`` makes the short link.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.catalog.snapshots import ResourceInfo
from holotype.errors import Invalid
from holotype.media.refs import MEDIA_FIELDS, record_media
from holotype.query.words import describe
from holotype.services import portal_search, search
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.iiif.served import (
    GALLERY_BOX,
    dimensions_for,
    fitted,
    served_images,
    thumbnail_url,
)
from holotype.services.portal_search import PRESETS
from holotype.services.record_view import IMAGE_FIELDS, image_urls, record_title
from holotype.services.search import SearchRequest
from holotype.web.identity import identity_of
from holotype.web.pages import search_url
from holotype.web.pages.records import record_url
from holotype.web.pages.render import base_url, compact_json, render, split_json
from holotype.web.pages.search_url import OPS, SearchState

FACETS = ("country", "family", "typeStatus", "institutionCode")
TITLE_FIELDS = ("scientificName", "catalogNumber", "occurrenceID", "country", "locality",
                "eventDate", "typeStatus")
HAS_IMAGE = {"exists": {"fields": list(dict.fromkeys([*IMAGE_FIELDS, *MEDIA_FIELDS]))}}


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _params(request: Request) -> dict[str, str]:
    """The query string; the column chooser sends ``cols`` once per ticked column."""
    params = dict(request.query_params)
    cols = request.query_params.getlist("cols")
    if len(cols) > 1:
        params["cols"] = ",".join(cols)
    return params


def _json_path(request: Request) -> bool:
    return request.url.path.endswith(".json")


def default_preset(portal: Portal) -> str:
    """Specimens when the site has them, otherwise everything."""
    ids = portal_search.preset_resource_ids(portal, "specimens")
    return "specimens" if ids else "everything"


def search_data(
    portal: Portal, identity: Identity, state: SearchState, base_url: str
) -> dict[str, Any]:
    """The JSON twin of one search page (the HTML page shows the same data)."""
    if state.preset is not None and state.preset not in PRESETS:
        raise Invalid(f"unknown preset {state.preset!r}; use one of {', '.join(PRESETS)}",
                      field="preset")
    if not state.resource_ids and state.preset is None:
        state = replace(state, preset=default_preset(portal))
    query = search.checked_query(portal, state.query(), "filters")
    resources = portal_search.scope(portal, identity, state.preset, state.resource_ids)
    version = portal_search.version_at(state.day) if state.day else state.version
    effective = query
    if state.view == "gallery":
        members = [m for m in (query.get("filters"), HAS_IMAGE) if m]
        effective = {**query, "filters": {"and": members}}
    columns = list(dict.fromkeys([*TITLE_FIELDS, *state.cols, *IMAGE_FIELDS, *MEDIA_FIELDS]))
    request = SearchRequest(effective, size=state.size, after=state.after, fields=columns,
                      facets=FACETS)
    named = dict(state.pins)  # by the resource as the URL names it: its id or dataset/slug
    pins = {r.id: named[ref] for r in resources
            for ref in (r.id, f"{r.dataset_slug}/{r.slug}") if ref in named}
    answer = portal_search.run(portal, resources, effective, version, request, pins)
    labels = portal.field_labels
    dimensions = dimensions_for(portal, identity)
    records = []
    for entry in answer.result.page.records:
        data = entry["data"]
        rid = str(entry["resource"])
        records.append({
            "resource": rid,
            "id": data["_id"],
            "title": record_title(data, str(data["_id"])),
            "url": record_url(rid, str(data["_id"]), version),
            "images": image_urls(data),
            "iiif": [_thumbnail(ref.id, dimensions(ref.id))
                     for ref in served_images(record_media(data), portal)],
            "data": {k: v for k, v in data.items() if k != "_id"},
        })
    counts = [
        {"resource": r.id, "dataset": answer.datasets[r.id].slug,
         "title": answer.datasets[r.id].title, "name": r.name,
         "count": answer.result.counts.get(r.id, 0),
         "url": state.url(resource_ids=(r.id,), after=None)}
        for r in resources
    ]
    after = answer.result.page.after
    members = search_url.top_members(state.filters)
    shown = {"map": _map_data(portal, identity, state, resources, effective, version, pins)
             } if state.view == "map" else {}
    return {
        **shown,
        "query": query,
        "query_json": compact_json(query) if query else "",
        "preset": None if state.resource_ids else state.preset,
        "resource_ids": [r.id for r in resources],
        "version": version,
        "date": state.day.isoformat() if state.day else None,
        "view": state.view,
        "columns": list(state.cols),
        "total": answer.total,
        "counts": counts,
        "facets": {
            name: {"values": [_facet_value(state, members, name, v, n) for v, n in facet.values],
                   "others": facet.others}
            for name, facet in answer.result.facets.items()
        },
        "records": records,
        "after": after,
        "next": state.url(after=after) if after else None,
        "fields": answer.columns,
        "labels": labels.mapping([*answer.columns, *columns, *FACETS]),
        "url": state.url(),
        "iiif_collection": ("/iiif/collection/search?" + urlencode(state.params(view="gallery"))
                            if state.view == "gallery" else None),
        "api": {
            "action": "vds_multi_query",
            "url": f"{base_url}/api/3/action/vds_multi_query",
            "body": {"query": effective, "resource_ids": [r.id for r in resources],
                     **({"version": version} if version else {})},
        },
    }


def _thumbnail(media_id: str, size: tuple[int, int] | None) -> dict[str, Any]:
    """A gallery thumbnail from the portal's image server (its size, when known)."""
    width, height = fitted(size, GALLERY_BOX)
    return {"id": media_id, "src": thumbnail_url("", media_id, GALLERY_BOX),
            "width": width, "height": height}


def _map_data(
    portal: Portal, identity: Identity, state: SearchState, resources: list[ResourceInfo],
    query: dict[str, Any], version: int | None, pins: dict[str, int],
) -> dict[str, Any]:
    """The Map view's data: the results' extent, and the key its tiles, legend and
    click-through are asked for by (the search's short link; sharing is idempotent)."""
    where = portal_search.extent(portal, resources, query, version, pins)
    ids = None if state.preset == "everything" and not state.resource_ids \
        else [r.id for r in resources]
    key = portal_search.share(portal, identity, query, ids, version) if resources else None
    shown_pins = ",".join(f"{rid}@{at}" for rid, at in sorted(pins.items()))
    return {"key": key, "version": version, "pins": shown_pins, "empty": not resources,
            "bounds": where.bounds, "with_point": where.with_point}


def _facet_value(
    state: SearchState, members: list[Any], name: str, value: str, count: int
) -> dict[str, Any]:
    """A facet value with the link that filters on it, or, when the search already filters
    on it (``active``), the link that removes that filter."""
    term = search_url.facet_term(name, value)
    if term in members:
        url = state.without_member(members.index(term)).url()
        return {"value": value, "count": count, "active": True, "url": url}
    return {"value": value, "count": count, "active": False, "url": state.with_term(term).url()}


def _context(
    request: Request, state: SearchState, data: dict[str, Any], slug: str | None
) -> dict[str, Any]:
    members = search_url.top_members(state.filters)
    labels = _portal(request).field_labels
    return {
        "base_url": base_url(request),
        "state": state,
        "slug": slug,
        "presets": PRESETS,
        "views": search_url.VIEWS,
        "ops": OPS,
        "filter_text": describe(state.filters, labels.label) if state.filters else "",
        "filter_json": compact_json(state.filters) if state.filters else "",
        "members": [(describe(m, labels.label), state.without_member(i).url())
                    for i, m in enumerate(members)],
        "view_urls": {v: state.url(view=v, after=None) for v in search_url.VIEWS},
        "first_url": state.url(after=None) if state.after else None,
        "clear_url": state.url(filters=None, after=None),
        "latest_url": state.url(day=None, version=None, after=None),
        "preset_urls": {p: state.url(preset=p, resource_ids=None, after=None) for p in PRESETS},
        "table_columns": [c for c in state.cols],
        "chooser": list(dict.fromkeys([*state.cols, *data["fields"]])),
    }


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/search", include_in_schema=False)
    @router.get("/search.json", include_in_schema=False)
    def search(request: Request) -> Response:
        params = _params(request)
        state = search_url.parse(params)
        if "add_field" in params or "add_op" in params:
            term = search_url.term_from_form(params.get("add_field", ""),
                                             params.get("add_op", ""),
                                             params.get("add_value", ""))
            target = state.with_term(term).url()
            if _json_path(request):
                target = target.replace("/search", "/search.json", 1)
            return RedirectResponse(target, status_code=303)
        if any(v == "" for v in request.query_params.values()) and not _json_path(request):
            return RedirectResponse(state.url(), status_code=303)  # a form's empty fields
        data = search_data(_portal(request), identity_of(request), state, base_url(request))
        if data["preset"] != state.preset and not state.resource_ids:
            state = replace(state, preset=data["preset"])
        return render(request, templates, "search.html", _context(request, state, data, None), data)

    @router.get("/search/{slug}", include_in_schema=False)
    def shared(request: Request, slug: str) -> Response:
        name, as_json = split_json(slug)
        portal = _portal(request)
        info = portal_search.restore(portal, identity_of(request), name)
        preset = portal_search.preset_for(portal, info.resource_ids)
        ui = search_url.parse(_params(request))
        state = replace(
            ui, preset=preset, q=str(info.query.get("search", "")),
            filters=info.query.get("filters"), version=info.version, day=None,
            resource_ids=None if preset else info.resource_ids,
        )
        data = search_data(portal, identity_of(request), state, base_url(request))
        data["slug"] = name
        return render(request, templates, "search.html", _context(request, state, data, name), data,
                      as_json=as_json or None)

    @router.post("/search/share", include_in_schema=False)
    def share(
        request: Request,
        query: str = Form(""),
        resource_ids: str = Form(""),
        version: str = Form(""),
        view: str = Form("table"),
        cols: str = Form(""),
        size: str = Form(""),
    ) -> Response:
        portal = _portal(request)
        raw, ids, pinned = search_url.form_search(query, resource_ids, version)
        # how the results are shown is not part of the short link: it stays in the URL
        shown = search_url.parse({"view": view, "cols": cols, "size": size}).params()
        slug = portal_search.share(portal, identity_of(request), raw, ids, pinned)
        suffix = "?" + urlencode(shown) if shown else ""
        return RedirectResponse(f"/search/{slug}{suffix}", status_code=303)

    return router
