"""Record pages and stable specimen URIs (the error report form: ``report_form``).

``/record/<resource id>/<record id>[?version=<ms>]`` shows a record as of a version with its
history; ``/object/<occurrenceID>`` answers 303 to the record's page (or its JSON twin), or the
record's citation itself when a citation format is asked for (``web/pages/cite.py``).
A record id ending in ``.json`` is read as the JSON twin of the id without it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.errors import NotFound
from holotype.field_labels import FieldLabels
from holotype.services.citations import formats
from holotype.services.citations.items import record_item
from holotype.services.context import Portal
from holotype.services.iiif.drawer_crops import drawer_crops
from holotype.services.iiif.served import dimensions_for
from holotype.services.iiif.viewer import record_viewer
from holotype.services.objects import find_object
from holotype.services.record_view import RecordPage, load_record, object_path
from holotype.web.identity import identity_of
from holotype.web.pages.cite import cite_context, negotiated, wanted_format
from holotype.web.pages.render import base_url, render, split_json, when
from holotype.web.pages.search_url import parse_version


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def record_url(resource_id: str, record_id: str, version: int | None = None) -> str:
    url = f"/record/{quote(resource_id, safe='')}/{quote(record_id, safe='')}"
    return url + (f"?version={version}" if version is not None else "")


def record_data(page: RecordPage, base_url: str, labels: FieldLabels,
                item: dict[str, Any]) -> dict[str, Any]:
    """The record page's data (its JSON twin); ``item`` is its citation (CSL-JSON)."""
    history = [
        {
            "version": h.version,
            "until": h.until,
            "deleted": h.deleted,
            "when": when(h.version),
            "url": None if h.deleted else record_url(page.resource.id, page.record_id,
                                                    h.version),
            "changes": {k: {"before": b, "after": a} for k, (b, a) in h.changes.items()},
            "correction": (page.corrections[h.version].as_dict()
                           if h.version in page.corrections else None),
        }
        for h in reversed(page.history)
    ]
    key = page.resource.id_field or "occurrenceID"
    query = ({"filters": {"string_equals": {"fields": [key], "value": page.data[key]}}}
             if page.data.get(key) else None)
    return {
        "resource": page.resource.id,
        "dataset": {"slug": page.dataset.slug, "title": page.dataset.title,
                    "licence": page.dataset.licence.id},
        "id": page.record_id,
        "version": page.version,
        "latest": page.latest,
        "removed": page.removed,
        "title": page.title,
        "data": page.data,
        "groups": [{"label": label, "fields": dict(pairs)} for label, pairs in page.groups],
        "other_fields": [name for name, _ in page.others],
        "labels": labels.mapping([*page.data, *(k for h in page.history for k in h.changes)]),
        "images": page.images,
        "point": ({"latitude": page.point[0], "longitude": page.point[1]}
                  if page.point else None),
        "citation": formats.render(item, formats.DEFAULT),
        "cite": formats.every_format(item),
        "history": history,
        "url": record_url(page.resource.id, page.record_id),
        "object_url": (base_url + object_path(page.data["occurrenceID"])
                       if page.data.get("occurrenceID") else None),
        "report_url": f"/report-error/{quote(page.resource.id, safe='')}/"
                      f"{quote(page.record_id, safe='')}"
                      + ("" if page.latest else f"?version={page.version}"),
        "api": f"{base_url}/api/3/action/vds_data_get?resource_id={page.resource.id}"
               f"&record_id={quote(page.record_id, safe='')}&version={page.version}",
        "download_query": query,
    }


def _version(request: Request) -> int | None:
    return parse_version(request.query_params.get("version"))


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/record/{resource_id}/{record_id:path}", include_in_schema=False)
    def record(request: Request, resource_id: str, record_id: str) -> Response:
        name, as_json = split_json(record_id)
        base = base_url(request)
        page = load_record(_portal(request), identity_of(request), resource_id, name,
                           _version(request))
        item = record_item(page, base, datetime.now(UTC).date())
        answer = None if as_json else negotiated(request, item)
        if answer is not None:
            return answer
        portal = _portal(request)
        data = record_data(page, base, portal.field_labels, item)
        sizes = dimensions_for(portal, identity_of(request))
        data["iiif"] = record_viewer(page, portal, sizes, base)
        data["drawers"] = [
            {"url": record_url(c.resource, c.record, None if page.latest else page.version),
             "title": c.title, "xywh": c.xywh,
             "crop": f"/iiif/3/{c.media_id}/{c.xywh}/^!300,300/0/default.jpg"}
            for c in drawer_crops(portal, identity_of(request), page.data.get("occurrenceID"),
                                  None if page.latest else page.version)
        ]
        json_url = record_url(page.resource.id, page.record_id + ".json",
                              None if page.latest else page.version)
        context = {"page": page, "base_url": base, "json_url": json_url,
                   "cite_menu": cite_context(request, item)}
        return render(request, templates, "record.html", context, data, as_json=as_json or None)

    @router.get("/object/{occurrence_id:path}", include_in_schema=False)
    def stable_uri(request: Request, occurrence_id: str) -> Response:
        found = find_object(_portal(request), identity_of(request), occurrence_id)
        wanted_json = False
        if found is None:
            name, wanted_json = split_json(occurrence_id)
            if wanted_json:
                found = find_object(_portal(request), identity_of(request), name)
        if found is None:
            raise NotFound(f"no record has the occurrenceID {occurrence_id!r}",
                           field="occurrenceID")
        if not wanted_json and wanted_format(request) is not None:  # its citation, in place
            page = load_record(_portal(request), identity_of(request), found.resource_id,
                               found.record_id)
            answer = negotiated(request, record_item(page, base_url(request),
                                                     datetime.now(UTC).date()))
            if answer is not None:
                return answer
        target = record_url(found.resource_id, found.record_id)
        accept = request.headers.get("accept", "")
        if wanted_json or ("application/json" in accept and "text/html" not in accept):
            target = record_url(found.resource_id, found.record_id + ".json")
        return RedirectResponse(target, status_code=303)

    return router
