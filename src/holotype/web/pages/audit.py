"""``/admin/audit``: the audit trail for sysadmins, filtered, as a page, JSON
(``/admin/audit.json``) or CSV (``/admin/audit.csv``, every cell that a spreadsheet could run
as a formula made inert with a leading apostrophe)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from holotype.errors import Invalid
from holotype.services.accounts.audit import AuditInfo, Event
from holotype.services.accounts.audit_log import AuditFilters, search_audit
from holotype.services.downloads.formats.rows import neutral_text
from holotype.web.identity import identity_of
from holotype.web.pages.render import render

COLUMNS = ("at", "actor_name", "via", "event", "outcome", "target_type", "target_id",
           "organisation_id", "address", "detail")
TEXT_FILTERS = ("event", "actor", "outcome", "via", "target")


def _day(request: Request, name: str) -> datetime | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise Invalid(f"{text[:20]!r} is not a date: write it as YYYY-MM-DD", field=name) from None
    return day + timedelta(days=1) if name == "until" else day


def filters_of(request: Request) -> AuditFilters:
    """The filters a request gives (``until`` includes its whole day)."""
    query = request.query_params
    limit_text = query.get("limit", "200").strip() or "200"
    if not limit_text.isdigit():
        raise Invalid("give a whole number", field="limit")
    texts = {name: query.get(name, "").strip() or None for name in TEXT_FILTERS}
    return AuditFilters(**texts, since=_day(request, "since"), until=_day(request, "until"),
                        limit=int(limit_text))


def event_data(event: AuditInfo) -> dict[str, Any]:
    return {"at": event.at.isoformat(), "actor_id": event.actor_id,
            "actor_name": event.actor_name, "via": event.via, "event": event.event,
            "outcome": event.outcome, "target_type": event.target_type,
            "target_id": event.target_id, "organisation_id": event.organisation_id,
            "address": event.address, "detail": event.detail}


def csv_text(events: list[AuditInfo]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for event in events:
        row = event_data(event)
        cells = [json.dumps(row[c], sort_keys=True) if c == "detail" else row[c] or ""
                 for c in COLUMNS]
        writer.writerow([neutral_text(str(cell)) for cell in cells])
    return out.getvalue()


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/admin/audit", include_in_schema=False)
    @router.get("/admin/audit.json", include_in_schema=False)
    @router.get("/admin/audit.csv", include_in_schema=False)
    async def audit_trail(request: Request) -> Response:
        filters = filters_of(request)
        events = await run_in_threadpool(search_audit, request.app.state.portal,
                                         identity_of(request), filters)
        if request.url.path.endswith(".csv"):
            return Response(csv_text(events), media_type="text/csv; charset=utf-8", headers={
                "Content-Disposition": 'attachment; filename="audit.csv"',
                "Cache-Control": "private, no-store"})
        data = {"events": [event_data(e) for e in events],
                "filters": {name: request.query_params.get(name, "")
                            for name in (*TEXT_FILTERS, "since", "until", "limit")}}
        context = {"event_names": [str(e) for e in Event], "csv_query": request.url.query}
        response = render(request, templates, "audit.html", context, data,
                          as_json=request.url.path.endswith(".json") or None)
        response.headers["Cache-Control"] = "private, no-store"
        return response

    return router
