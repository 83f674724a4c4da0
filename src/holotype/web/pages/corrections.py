"""The accepted corrections of a dataset as files for the collection management system:
``/dataset/<slug>/corrections.csv`` and ``.json`` (``?resource=<slug>`` for one resource),
linked from the dataset page for its maintainers (the API's correction_list gives the same)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.errors import NotFound
from holotype.services import correction_log
from holotype.services.context import Portal
from holotype.web.actions.corrections import csv_response, export_json
from holotype.web.identity import identity_of


def create_router(templates: Jinja2Templates) -> APIRouter:
    del templates  # files only
    router = APIRouter()

    @router.get("/dataset/{slug}/corrections.{fmt}", include_in_schema=False)
    def corrections_file(request: Request, slug: str, fmt: str) -> Response:
        if fmt not in ("csv", "json"):
            raise NotFound(f"the corrections are a .csv or .json file, not .{fmt}", field="fmt")
        portal: Portal = request.app.state.portal
        resource = request.query_params.get("resource")
        found = correction_log.export(portal, identity_of(request), slug,
                                      f"{slug}/{resource}" if resource else None)
        if fmt == "csv":
            return csv_response(found)
        return JSONResponse(export_json(found), headers={"Cache-Control": "private, no-store"})

    return router
