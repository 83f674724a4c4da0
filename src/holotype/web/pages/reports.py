"""The inbox of error reports: ``/reports`` (the reports on the datasets the visitor
maintains, and those they sent; filtered by status and dataset) and ``/reports/<id>`` (one
report with its history; its maintainers change its status there). Each answers HTML or its
JSON twin; the status form carries a form token. ``/reports/<id>/accept`` (POST) writes the
proposed values, as the maintainer edited them, as a new version of the record."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from holotype.errors import ServiceError, SignInRequired
from holotype.services import policy
from holotype.services.accounts import mail
from holotype.services.context import Portal
from holotype.services.error_reports import accepting, inbox
from holotype.services.error_reports.model import STATUSES
from holotype.web.actions.error_reports import report_dict
from holotype.web.identity import identity_of
from holotype.web.pages.records import record_url
from holotype.web.pages.render import base_url, render, split_json
from holotype.web.pages.report_form import FormList

PAGE = 50
BUTTONS = {"acknowledged": "Acknowledge", "fixed": "Mark fixed", "rejected": "Reject"}


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value else default
    except ValueError:
        return default


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/reports", include_in_schema=False)
    @router.get("/reports.json", include_in_schema=False)
    def report_list(request: Request) -> Response:
        portal, identity = _portal(request), identity_of(request)
        status = request.query_params.get("status") or None
        dataset = request.query_params.get("dataset") or None
        offset = _int(request.query_params.get("offset"), 0)
        found = inbox.list_reports(portal, identity, status=status, dataset=dataset,
                                   limit=PAGE, offset=offset)
        filters = {k: v for k, v in (("status", status), ("dataset", dataset)) if v}
        more = offset + PAGE < found.total
        data = {
            "count": found.total,
            "offset": offset,
            "filters": filters,
            "reports": [{**report_dict(r, identity), "url": f"/reports/{r.id}",
                         "record_url": record_url(r.resource_id, r.record_id)}
                        for r in found.reports],
            "next": f"/reports?{urlencode({**filters, 'offset': offset + PAGE})}"
                    if more else None,
            "sends_email": mail.can_send(portal.settings),
        }
        context = {"statuses": STATUSES}
        return render(request, templates, "reports.html", context, data,
                      as_json=request.url.path.endswith(".json") or None)

    def _report(request: Request, report_id: str, *, status: int = 200,
                as_json: bool | None = None, **context: Any) -> Response:
        portal, identity = _portal(request), identity_of(request)
        info = inbox.get_report(portal, identity, report_id)
        data = {**report_dict(info, identity),
                "record_url": record_url(info.resource_id, info.record_id),
                "seen_url": record_url(info.resource_id, info.record_id, info.version),
                "may_handle": inbox.may_handle(identity, info),
                "may_accept": (inbox.may_handle(identity, info)
                               and policy.may_publish(identity, info.dataset)
                               and info.status in accepting.OPEN and bool(info.proposed)),
                "sends_email": mail.can_send(portal.settings)}
        base = {"error": None, "error_field": None, "notice": None, "buttons": BUTTONS}
        return render(request, templates, "report.html", {**base, **context}, data,
                      status=status, as_json=as_json)

    @router.get("/reports/{report_id}", include_in_schema=False)
    def report(request: Request, report_id: str) -> Response:
        name, as_json = split_json(report_id)
        return _report(request, name, as_json=as_json or None)

    @router.post("/reports/{report_id}", include_in_schema=False)
    def change_status(request: Request, report_id: str, status: str = Form(""),
                      note: str = Form("")) -> Response:
        portal, identity = _portal(request), identity_of(request)
        try:
            changed = inbox.update_status(portal, identity, report_id, status, note,
                                          base_url(request))
        except SignInRequired:
            raise
        except ServiceError as exc:
            if exc.status == 404:
                raise
            return _report(request, report_id, status=exc.status, as_json=False,
                           error=exc.message, error_field=exc.field)
        told = (" The reporter was emailed." if changed.notify and changed.reporter_email
                and mail.can_send(portal.settings) else "")
        return _report(request, report_id, as_json=False,
                       notice=f"The report is now {changed.status}.{told}")

    @router.post("/reports/{report_id}/accept", include_in_schema=False)
    def accept(request: Request, report_id: str, field: FormList = None,
               value: FormList = None, note: str = Form("")) -> Response:
        portal, identity = _portal(request), identity_of(request)
        names, values = field or [], value or []
        if len(names) != len(values):
            return _report(request, report_id, status=400, as_json=False,
                           error="each field needs its value", error_field="values")
        try:
            done = accepting.accept_report(portal, identity, report_id,
                                           dict(zip(names, values, strict=True)), note,
                                           base_url(request))
        except SignInRequired:
            raise
        except ServiceError as exc:
            if exc.status == 404 and exc.field == "id":
                raise
            return _report(request, report_id, status=exc.status, as_json=False,
                           error=exc.message, error_field=exc.field)
        return _report(request, report_id, as_json=False,
                       notice=f"{done.correction.message[:1].upper()}"
                              f"{done.correction.message[1:]}. The report is now fixed.")

    return router
