"""Sending an error report: checked against the record as the reporter saw it, stored with the
values seen at that version, and mailed to the dataset's maintainers.

Anyone who may read a record may report on it, signed in or not; a record that does not exist
(at the version named), or one the reporter may not read, is "not found". Every text is stored
as typed, as text: the pages and emails never read it as markup.
"""

from __future__ import annotations

from holotype.catalog import validation as check
from holotype.catalog.error_reports import (
    EMAIL_MAX,
    FIELD_MAX,
    REPORTER_NAME_MAX,
    ErrorReport,
    ErrorReportEvent,
    ErrorReportField,
    ReportStatus,
)
from holotype.catalog.models import User
from holotype.errors import Invalid, NotFound
from holotype.services.context import Portal
from holotype.services.error_reports import flood, notify, spam
from holotype.services.error_reports.model import OTHER, NewReport, ReportInfo, report_info
from holotype.services.identity import Identity
from holotype.services.record_view import RecordPage, load_record

MAX_ROWS = 20
VALUE_MAX = 10_000
EXPLANATION_MAX = 20_000


def _text(value: str, field: str, max_length: int, line: bool = False) -> str:
    try:
        if line:
            return check.optional_line(value, field, max_length=max_length) or ""
        return check.prose(value, field, max_length=max_length)
    except check.FieldError as exc:
        raise Invalid(exc.message, field=field) from None


def _rows(page: RecordPage, rows: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(field, seen, proposed) per row, each field one of the record's (or OTHER), once."""
    if not rows:
        raise Invalid("say which field is wrong", field="fields")
    if len(rows) > MAX_ROWS:
        raise Invalid(f"at most {MAX_ROWS} fields in one report", field="fields")
    result: list[tuple[str, str, str]] = []
    named: set[str] = set()
    for i, (name, proposed) in enumerate(rows):
        where = f"fields[{i}]"
        field = _text(name, f"{where}.field", FIELD_MAX, line=True)
        if field != OTHER and field not in page.data:
            raise Invalid(f"the record has no field {field[:120]!r}", field=f"{where}.field")
        if field != OTHER and field in named:
            raise Invalid(f"the field {field!r} is reported twice", field=f"{where}.field")
        named.add(field)
        value = _text(proposed, f"{where}.proposed", VALUE_MAX)
        result.append((field, page.data.get(field, "") if field != OTHER else "", value))
    return result


def create_report(portal: Portal, identity: Identity, new: NewReport,
                  base_url: str = "") -> ReportInfo:
    """Store ``new`` as a report from ``identity``; emails the dataset's maintainers (when the
    portal sends email). :class:`Invalid` names the part at fault; nothing is stored then."""
    page = load_record(portal, identity, new.resource_id, new.record_id, new.version)
    if page.removed is not None:
        raise NotFound(f"record {page.record_id!r} is no longer in the dataset: it was removed "
                       f"at version {page.removed}", field="record_id")
    rows = _rows(page, list(new.rows))
    explanation = _text(new.explanation, "explanation", EXPLANATION_MAX)
    name = _text(new.name, "name", REPORTER_NAME_MAX, line=True)
    email = _text(new.email, "email", EMAIL_MAX, line=True)
    if email:
        try:
            email = check.email(email)
        except check.FieldError as exc:
            raise Invalid(exc.message, field="email") from None
    if not explanation and not any(proposed for _, _, proposed in rows):
        raise Invalid("say what the value should be, or explain the error",
                      field="explanation")
    if any(field == OTHER for field, _, _ in rows) and not explanation:
        raise Invalid("explain the error in a field that is not listed", field="explanation")
    spam.check_links(portal, [explanation, name, *(p for _, _, p in rows)])
    hashed = flood.client_hash(portal, new.client)
    with portal.write_session() as session:
        flood.check_rate(portal, session, hashed)
        user = session.get(User, identity.user_id) if identity.user_id else None
        if user is not None:
            name = user.display_name or user.username
            email = user.email
        if new.notify and not email:
            raise Invalid("give an email address to be told of changes", field="email")
        report = ErrorReport(
            dataset_id=page.dataset.id, resource_id=page.resource.id, record_id=page.record_id,
            version=page.version, explanation=explanation, status=ReportStatus.NEW.value,
            reporter_id=user.id if user else None, reporter_name=name, reporter_email=email,
            notify=new.notify, client_hash=hashed,
            fields=[ErrorReportField(position=i, field=f, seen=s, proposed=p)
                    for i, (f, s, p) in enumerate(rows)],
            events=[ErrorReportEvent(actor_id=user.id if user else None, actor_name=name,
                                     status=ReportStatus.NEW.value)])
        session.add(report)
        session.flush()
        info = report_info(report, page.dataset)
    notify.tell_maintainers(portal, info, page.title, base_url)
    return info
