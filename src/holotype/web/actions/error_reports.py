"""Error report actions: report_create (signed in: a token or session; rate limited),
report_list and report_show (a dataset's maintainers; a reporter their own), report_update (a
report's status and a note), report_accept (its values become a new version of the record).
The three that change something take POST only (see docs/api.md and docs/error-reports.md).

report_create asks for a signed-in identity because the API has no form, so none of the spam
guard's honeypot and signed form time: anonymous visitors report through the record page's
form, which has them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from holotype.errors import Invalid, SignInRequired
from holotype.services import policy
from holotype.services.error_reports import accepting, inbox, submit
from holotype.services.error_reports.model import OTHER, NewReport, ReportEvent, ReportInfo
from holotype.services.identity import Identity, Kind
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context

Status = Literal["new", "acknowledged", "fixed", "rejected"]
FIELDS = ("The fields said to be wrong and what each should be, as an object: "
          '{"country": "Kenya"}. The key "" is a problem in no one field (say what in '
          "explanation).")


@dataclass(frozen=True, kw_only=True)
class ReportCreateParams:
    resource_id: Annotated[str, Doc("The record's resource (its id).", min_length=1)]
    record_id: Annotated[str, Doc("The record's id.", min_length=1)]
    version: Annotated[int | None, Doc("The record version seen (default: the current "
                                       "one).", minimum=0)] = None
    fields: Annotated[dict[str, Any], Doc(FIELDS)]
    explanation: Annotated[str, Doc("Why the values are wrong, and any source.")] = ""
    name: Annotated[str, Doc("Ignored: your account's name is used.")] = ""
    email: Annotated[str, Doc("Ignored: your account's email is used.")] = ""
    notify: Annotated[bool, Doc("Email me at each change of the report's status.")] = False


@dataclass(frozen=True, kw_only=True)
class ReportListParams:
    status: Annotated[Status | None, Doc("Only reports of this status.")] = None
    dataset: Annotated[str | None, Doc("Only reports on this dataset (slug or id).")] = None
    limit: Annotated[int, Doc("At most this many, newest first.", minimum=1,
                              maximum=inbox.PAGE_MAX)] = 50
    offset: Annotated[int, Doc("Skip this many.", minimum=0)] = 0


@dataclass(frozen=True, kw_only=True)
class ReportShowParams:
    id: Annotated[str, Doc("The report's id.", min_length=1)]


@dataclass(frozen=True, kw_only=True)
class ReportUpdateParams:
    id: Annotated[str, Doc("The report's id.", min_length=1)]
    status: Annotated[Status, Doc("Its new status: new -> acknowledged -> fixed or rejected "
                                  "(a closed report may be acknowledged again).")]
    note: Annotated[str, Doc("A note for the reporter and the history.")] = ""


@dataclass(frozen=True, kw_only=True)
class ReportAcceptParams:
    id: Annotated[str, Doc("The report's id.", min_length=1)]
    values: Annotated[dict[str, Any] | None, Doc(
        "The values to write, by field (default: the report's proposed values).")] = None
    note: Annotated[str, Doc("A note for the reporter, after the version's.")] = ""


MAINTAINERS = "the dataset's maintainers"  # who changed a status, to those not told names


def _by(position: int, event: ReportEvent, names_maintainers: bool) -> str:
    """Who made a change in a report's history: the first entry is the reporter's sending it
    (every later one a maintainer's, as a report never becomes new again) and names them; a
    maintainer is named only to those who may know the organisation's members."""
    if names_maintainers or position == 0:
        return event.actor
    return MAINTAINERS


def report_dict(info: ReportInfo, identity: Identity) -> dict[str, Any]:
    """A report as the API and the JSON pages show it; the reporter's email only to those who
    handle the report and to the reporter; the maintainers' names in its history only to those
    who handle its dataset's reports or see its organisation's members (membership is not
    public: docs/permissions.md)."""
    sees_email = inbox.may_handle(identity, info) or (
        info.reporter_id is not None and info.reporter_id == identity.user_id)
    names = (policy.may_handle_reports(identity, info.dataset)
             or policy.may_see_corrector(identity, info.dataset))
    return {
        "id": info.id,
        "dataset": info.dataset.slug,
        "dataset_title": info.dataset.title,
        "resource_id": info.resource_id,
        "record_id": info.record_id,
        "version": info.version,
        "status": info.status,
        "next_statuses": list(info.next_statuses),
        "fields": [{"field": f.field, "seen": f.seen, "proposed": f.proposed}
                   for f in info.fields],
        "explanation": info.explanation,
        "reporter": {"name": info.reporter_name, "signed_in": info.reporter_id is not None,
                     "email": info.reporter_email if sees_email else None,
                     "notify": info.notify},
        "created": info.created.isoformat(),
        "updated": info.updated.isoformat(),
        "history": [{"at": e.at.isoformat(), "by": _by(i, e, names), "status": e.status,
                     "note": e.note} for i, e in enumerate(info.events)],
    }


def _rows(fields: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for name, value in fields.items():
        if not isinstance(value, str):
            raise Invalid("must be text", field=f"fields.{name}")
        rows.append((OTHER if not name.strip() else name, value))
    return rows


def report_create(ctx: Context, p: ReportCreateParams) -> dict[str, Any]:
    if ctx.identity.kind == Kind.ANONYMOUS:
        raise SignInRequired("send an API token (or sign in) to report an error through the "
                             "API; without an account, use the record page's form "
                             "(/report-error/<resource id>/<record id>)")
    new = NewReport(p.resource_id, p.record_id, p.version, _rows(p.fields), p.explanation,
                    p.name, p.email, p.notify, client=ctx.client)
    info = submit.create_report(ctx.portal, ctx.identity, new, ctx.base_url)
    return report_dict(info, ctx.identity)


def report_list(ctx: Context, p: ReportListParams) -> dict[str, Any]:
    found = inbox.list_reports(ctx.portal, ctx.identity, status=p.status, dataset=p.dataset,
                               limit=p.limit, offset=p.offset)
    return {"count": found.total, "results": [report_dict(r, ctx.identity)
                                              for r in found.reports]}


def report_show(ctx: Context, p: ReportShowParams) -> dict[str, Any]:
    return report_dict(inbox.get_report(ctx.portal, ctx.identity, p.id), ctx.identity)


def report_update(ctx: Context, p: ReportUpdateParams) -> dict[str, Any]:
    info = inbox.update_status(ctx.portal, ctx.identity, p.id, p.status, p.note, ctx.base_url)
    return report_dict(info, ctx.identity)


def report_accept(ctx: Context, p: ReportAcceptParams) -> dict[str, Any]:
    values = None
    if p.values is not None:
        values = {}
        for name, value in p.values.items():
            if not isinstance(value, str):
                raise Invalid("must be text", field=f"values.{name}")
            values[name] = value
    done = accepting.accept_report(ctx.portal, ctx.identity, p.id, values, p.note,
                                   ctx.base_url)
    return {**report_dict(done.report, ctx.identity), "correction": done.correction.as_dict()}


ACTIONS = (
    Action("report_create", report_create, "Report an error in a record to its dataset's "
           "maintainers (signed in: an API token or session; rate limited; without an account, "
           "use the record page's form).", ReportCreateParams, post_only=True),
    Action("report_list", report_list, "The error reports you handle or sent, newest first.",
           ReportListParams),
    Action("report_show", report_show, "One error report with its history.",
           ReportShowParams),
    Action("report_update", report_update, "Change an error report's status, with a note "
           "(its dataset's maintainers; needs a token with the write scope).",
           ReportUpdateParams, writes=True),
    Action("report_accept", report_accept, "Accept an error report: its proposed values (or "
           "those given) become a new version of the record, and the report is fixed.",
           ReportAcceptParams, writes=True),
)
