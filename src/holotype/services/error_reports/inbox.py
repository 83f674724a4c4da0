"""The inbox of error reports: the reports an identity may see, and their status changes.

A dataset's maintainers (:func:`holotype.services.policy.may_handle_reports`) see and handle
its reports; a signed-in reporter sees their own while they may still read the dataset. A
report someone may not see is "not found", as an unknown one, so a private dataset's reports
do not leak. Each change of status is kept with who made it, when and an optional note, and is
mailed to the reporter.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from holotype.catalog import validation as check
from holotype.catalog.error_reports import ErrorReport, ErrorReportEvent
from holotype.catalog.models import Dataset, User
from holotype.catalog.snapshots import dataset_info
from holotype.catalog.timestamps import utcnow
from holotype.errors import Conflict, Invalid, NotFound, SignInRequired
from holotype.services import catalogue, guard, policy
from holotype.services.context import Portal
from holotype.services.error_reports import notify
from holotype.services.error_reports.model import STATUSES, ReportInfo, report_info
from holotype.services.identity import Identity, Kind, Scope

NOTE_MAX = 20_000
PAGE_MAX = 200


@dataclass(frozen=True)
class ReportList:
    reports: list[ReportInfo]
    total: int  # matching reports, of which ``reports`` is a page


def _signed_in(identity: Identity) -> None:
    if identity.kind == Kind.ANONYMOUS:
        raise SignInRequired("sign in to see error reports")


def _seen(identity: Identity) -> ColumnElement[bool]:
    """The condition on (report, dataset) rows ``identity`` may see."""
    handled = policy.handled_datasets(identity)
    if identity.user_id is None:
        return handled
    return or_(handled, and_(ErrorReport.reporter_id == identity.user_id,
                             policy.readable_datasets(identity)))


def _status(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if value not in STATUSES:
        raise Invalid(f"{value[:40]!r} is not a status; choose one of: {', '.join(STATUSES)}",
                      field="status")
    return value


def list_reports(portal: Portal, identity: Identity, *, status: str | None = None,
                 dataset: str | None = None, limit: int = 50, offset: int = 0) -> ReportList:
    """The reports ``identity`` may see, newest first, of one status and dataset if named."""
    _signed_in(identity)
    wanted = _status(status)
    if not 1 <= limit <= PAGE_MAX:
        raise Invalid(f"must be from 1 to {PAGE_MAX}", field="limit")
    if offset < 0:
        raise Invalid("must not be negative", field="offset")
    with portal.session() as session:
        where: list[ColumnElement[bool]] = [_seen(identity)]
        if wanted is not None:
            where.append(ErrorReport.status == wanted)
        if dataset:
            where.append(or_(Dataset.slug == dataset, Dataset.id == dataset))
        base = select(ErrorReport).join(Dataset, Dataset.id == ErrorReport.dataset_id)
        for condition in where:
            base = base.where(condition)
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = session.scalars(
            base.options(selectinload(ErrorReport.fields), selectinload(ErrorReport.events))
            .order_by(ErrorReport.created.desc(), ErrorReport.id)
            .limit(limit).offset(offset)).all()
        datasets = {r.dataset_id: dataset_info(session.get_one(Dataset, r.dataset_id))
                    for r in rows}
        return ReportList([report_info(r, datasets[r.dataset_id]) for r in rows], total)


def _load(session: Session, identity: Identity, report_id: str) -> ErrorReport:
    found = session.scalars(
        select(ErrorReport).join(Dataset, Dataset.id == ErrorReport.dataset_id)
        .where(ErrorReport.id == report_id, _seen(identity))
    ).first()
    if found is None:
        raise NotFound(f"there is no error report {report_id[:64]!r}", field="id")
    return found


def get_report(portal: Portal, identity: Identity, report_id: str) -> ReportInfo:
    """One report with its fields and history; NotFound unless ``identity`` may see it."""
    _signed_in(identity)
    with portal.session() as session:
        report = _load(session, identity, report_id)
        return report_info(report, catalogue.get_dataset(session, report.dataset_id))


def may_handle(identity: Identity, info: ReportInfo) -> bool:
    """Whether ``identity`` may change this report's status (and accept it)."""
    return policy.may_handle_reports(identity, info.dataset) and Scope.WRITE in identity.scopes


def require_handle(portal: Portal, identity: Identity, info: ReportInfo) -> None:
    """Refuse (audited) unless ``identity`` handles reports on the report's dataset."""
    guard.require(portal, identity, may_handle(identity, info),
                  f"only the maintainers of dataset {info.dataset.slug!r} may change its "
                  "error reports", field="status", target_type="error_report",
                  target_id=info.id, organisation_id=info.dataset.organisation_id)


def update_status(portal: Portal, identity: Identity, report_id: str, status: str,
                  note: str = "", base_url: str = "") -> ReportInfo:
    """Move the report to ``status`` with an optional note, and tell the reporter."""
    info = get_report(portal, identity, report_id)
    require_handle(portal, identity, info)
    wanted = _status(status)
    if wanted is None:
        raise Invalid("choose a status", field="status")
    try:
        text = check.prose(note, "note", max_length=NOTE_MAX)
    except check.FieldError as exc:
        raise Invalid(exc.message, field="note") from None
    with portal.write_session() as session:
        report = _load(session, identity, report_id)
        if wanted == report.status:
            raise Conflict(f"the report is already {wanted}", field="status")
        if wanted not in info.next_statuses or report.status != info.status:
            raise Conflict(f"a report that is {report.status} cannot become {wanted}",
                           field="status")
        actor = session.get(User, identity.user_id) if identity.user_id else None
        report.status = wanted
        report.updated = utcnow()
        report.events.append(ErrorReportEvent(
            actor_id=actor.id if actor else None,
            actor_name=(actor.display_name or actor.username) if actor else str(identity),
            status=wanted, note=text))
        session.flush()
        changed = report_info(report, info.dataset)
    notify.tell_reporter(portal, changed, base_url)
    return changed
