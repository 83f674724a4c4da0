"""IIIF Presentation 3.0 documents: a record's manifest, a dataset's and a search page's
collections (built by ``holotype.services.iiif``).

``/iiif/manifest/record/<resource id>/<record id>[?version=<ms>]``,
``/iiif/manifest/dataset/<slug>[?after=<cursor>]`` and ``/iiif/collection/search?<the search
page's parameters>`` answer ``application/ld+json`` with the Presentation 3 profile, an
``ETag`` (304 when it matches) and ``Cache-Control``; viewers on other sites read them (CORS
for ``/iiif/``: ``web/cors.py``). Access is the record pages' own: what a record page would
not show is 404 here too.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from iiif_prezi3 import Collection, Manifest

from holotype.services import catalogue_view
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from holotype.services.iiif.collections import Entry, PageLinks, page_collection
from holotype.services.iiif.manifests import JSON_LD, record_manifest
from holotype.services.iiif.served import dimensions_for
from holotype.web.identity import identity_of
from holotype.web.pages import search_url
from holotype.web.pages.render import base_url
from holotype.web.pages.search import search_data
from holotype.web.pages.search_url import parse_version

LATEST_MAX_AGE = 300  # seconds: the latest data may change
VERSIONED_MAX_AGE = 86_400  # a version's manifest changes only with the portal's address


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def answer(request: Request, document: Manifest | Collection, versioned: bool) -> Response:
    """The document as JSON-LD, with its ETag (304 when the client has it) and caching."""
    body = document.json().encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    scope = "public" if identity_of(request) == ANONYMOUS else "private"
    headers = {"ETag": etag, "Vary": "Cookie, Authorization",
               "Cache-Control": f"{scope}, max-age="
                                f"{VERSIONED_MAX_AGE if versioned else LATEST_MAX_AGE}"}
    wanted = request.headers.get("if-none-match", "")
    if etag in (tag.strip() for tag in wanted.split(",")) or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON_LD, headers=headers)


def entries(data: dict[str, Any]) -> list[Entry]:
    """The page's records with the images the portal serves (from ``search_data``)."""
    return [Entry(r["resource"], str(r["id"]), r["title"],
                  [t["id"] for t in r["iiif"]]) for r in data["records"]]


def create_router() -> APIRouter:
    router = APIRouter()

    @router.get("/iiif/manifest/record/{resource_id}/{record_id:path}",
                include_in_schema=False)
    def record(request: Request, resource_id: str, record_id: str) -> Response:
        portal = _portal(request)
        version = parse_version(request.query_params.get("version"))
        identity = identity_of(request)
        manifest = record_manifest(portal, identity, resource_id, record_id, version,
                                   base_url(request), dimensions_for(portal, identity))
        return answer(request, manifest, version is not None)

    @router.get("/iiif/collection/search", include_in_schema=False)
    def search(request: Request) -> Response:
        portal = _portal(request)
        state = replace(search_url.parse(dict(request.query_params)), view="gallery")
        base = base_url(request)
        data = search_data(portal, identity_of(request), state, base)
        this = "/iiif/collection/search?" + urlencode(state.params())
        first = "/iiif/collection/search?" + urlencode(state.params(after=None))
        after = data["after"]
        following = ("/iiif/collection/search?" + urlencode(state.params(after=after))
                     if after else None)
        links = PageLinks(this, first, following, state.url())
        label = f"Search results with images ({data['total']:,} records)"
        collection = page_collection(base, label, entries(data), links, data["version"])
        return answer(request, collection, data["version"] is not None)

    @router.get("/iiif/manifest/dataset/{slug}", include_in_schema=False)
    def dataset(request: Request, slug: str) -> Response:
        portal = _portal(request)
        identity = identity_of(request)
        found = catalogue_view.dataset(portal, identity, slug, field="slug")
        path = f"/iiif/manifest/dataset/{quote(found.dataset.slug, safe='')}"
        after = request.query_params.get("after") or None
        ids = tuple(r.id for r in found.resources if r.kind == "records")
        base = base_url(request)
        data: dict[str, Any] = {"records": [], "after": None}
        if ids:
            state = search_url.SearchState(resource_ids=ids, view="gallery", after=after)
            data = search_data(portal, identity, state, base)
        links = PageLinks(path + (f"?{urlencode({'after': after})}" if after else ""), path,
                          f"{path}?{urlencode({'after': data['after']})}" if data["after"]
                          else None, f"/dataset/{quote(found.dataset.slug, safe='')}")
        collection = page_collection(base, found.dataset.title, entries(data), links)
        return answer(request, collection, False)

    return router
