"""The record page's "Report an error": ``/report-error/<resource id>/<record id>[?version=]``
shows the form (its JSON twin: the record's fields), and its POST sends the report.

A row says which field is wrong (one of the record's, or "other") and what it should be;
``?rows=N`` shows N rows, the form's script adds rows in place. An anonymous visitor's form
carries a signed time and a honeypot field (``services/error_reports/spam.py``); the rate
limit per client is counted in the catalogue (``services/error_reports/flood.py``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from holotype.errors import Invalid, NotFound, ServiceError
from holotype.services.accounts import mail
from holotype.services.context import Portal
from holotype.services.error_reports import spam, submit
from holotype.services.error_reports.model import OTHER, NewReport
from holotype.services.identity import Identity, Kind
from holotype.services.record_view import RecordPage, load_record
from holotype.web.identity import identity_of
from holotype.web.pages.records import record_url
from holotype.web.pages.render import base_url, render, split_json
from holotype.web.pages.search_url import parse_version
from holotype.web.ratelimit import client_key

FormList = Annotated[list[str] | None, Form()]  # a field a form may repeat (one per row)
OTHER_CHOICE = "__other__"  # the select's value for "other" (a field may be named "other")
_ROW_FIELD = re.compile(r"^fields\[(\d+)\]\.(field|proposed)$")
LABELS = {"explanation": "Explanation", "name": "Your name", "email": "Your email",
          "fields": "Wrong field", spam.STAMP: "Form", spam.HONEYPOT: "Form"}


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _target(page: RecordPage) -> str:
    return f"{page.resource.id}/{page.record_id}"


def error_label(field: str | None) -> str | None:
    """Where a problem is, as the form names it ("Row 2: what it should be")."""
    if not field:
        return None
    row = _ROW_FIELD.match(field)
    if row:
        part = "field" if row.group(2) == "field" else "what it should be"
        return f"Row {int(row.group(1)) + 1}: {part}"
    return LABELS.get(field, field)


def _rows_wanted(request: Request) -> int:
    try:
        wanted = int(request.query_params.get("rows", "1"))
    except ValueError:
        wanted = 1
    return min(max(wanted, 1), submit.MAX_ROWS)


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    def _form(request: Request, page: RecordPage, identity: Identity, *, status: int = 200,
              as_json: bool | None = None, rows: list[tuple[str, str]] | None = None,
              **context: Any) -> Response:
        portal = _portal(request)
        labels = portal.field_labels
        action = (f"/report-error/{quote(page.resource.id, safe='')}/"
                  f"{quote(page.record_id, safe='')}")
        data = {
            "record": record_url(page.resource.id, page.record_id,
                                 None if page.latest else page.version),
            "resource_id": page.resource.id,
            "record_id": page.record_id,
            "version": page.version,
            "title": page.title,
            "dataset": page.dataset.title,
            "fields": [{"name": name, "label": labels.label(name), "value": value}
                       for name, value in page.data.items()],
            "post_url": action,
            "api": "/api/3/action/report_create",
        }
        shown = rows or [("", "")] * _rows_wanted(request)
        base = {"error": None, "error_field": None, "rows": shown, "action": action,
                "other_choice": OTHER_CHOICE, "as_user": identity.kind == Kind.USER,
                "stamp": spam.form_stamp(portal, _target(page)),
                "honeypot": spam.HONEYPOT, "stamp_field": spam.STAMP,
                "more_rows": f"?rows={min(len(shown) + 1, submit.MAX_ROWS)}"
                             + ("" if page.latest else f"&version={page.version}"),
                "max_rows": submit.MAX_ROWS, "explanation": "", "name": "", "email": "",
                "notify": identity.kind == Kind.USER, "sends_email": mail.can_send(
                    portal.settings)}
        return render(request, templates, "report_error.html", {**base, **context}, data,
                      status=status, as_json=as_json)

    @router.get("/report-error/{resource_id}/{record_id:path}", include_in_schema=False)
    def report_error(request: Request, resource_id: str, record_id: str) -> Response:
        name, as_json = split_json(record_id)
        identity = identity_of(request)
        page = load_record(_portal(request), identity, resource_id, name,
                           parse_version(request.query_params.get("version")))
        return _form(request, page, identity, as_json=as_json or None)

    @router.post("/report-error/{resource_id}/{record_id:path}", include_in_schema=False)
    def send_report(request: Request, resource_id: str, record_id: str,
                    version: str = Form(""), field: FormList = None,
                    proposed: FormList = None, explanation: str = Form(""),
                    name: str = Form(""), email: str = Form(""), notify: str = Form(""),
                    form_stamp: str = Form(""), website: str = Form("")) -> Response:
        portal, identity = _portal(request), identity_of(request)
        try:
            seen = parse_version(version or None)
        except ServiceError:
            raise Invalid("the form's record version is not a version; reload the record",
                          field="version") from None
        page = load_record(portal, identity, resource_id, record_id, seen)  # gone: not found
        names, values = field or [], proposed or []
        rows = [(f, p) for f, p in zip(names, values + [""] * len(names), strict=False)
                if f or p]
        entered: dict[str, Any] = {"rows": rows or None, "explanation": explanation, "name": name,
                   "email": email, "notify": bool(notify)}
        try:
            if identity.kind != Kind.USER:
                spam.check_form(portal, _target(page), form_stamp, website)
            new = NewReport(page.resource.id, page.record_id, page.version,
                            [(OTHER if f == OTHER_CHOICE else f, p) for f, p in rows],
                            explanation, name, email, bool(notify),
                            client=client_key(request))
            info = submit.create_report(portal, identity, new, base_url(request))
        except NotFound:
            raise
        except ServiceError as exc:
            return _form(request, page, identity, status=exc.status, as_json=False,
                         error=exc.message, error_field=error_label(exc.field), **entered)
        data = {"report": info.id, "status": info.status,
                "record": record_url(page.resource.id, page.record_id),
                "title": page.title, "dataset": page.dataset.title,
                "url": f"/reports/{info.id}" if info.reporter_id else None,
                "notify": info.notify, "sends_email": mail.can_send(portal.settings)}
        return render(request, templates, "report_sent.html", {}, data, as_json=False)

    return router
