"""The emails of error reports: a new report to the dataset's maintainers, each change of
status to the reporter (when they gave an email, or have an account's, and asked to be told).

Sent through :mod:`holotype.services.accounts.mail`. A portal that sends no email sends none
and loses nothing: the reports are in the inbox (``/reports``). A mail server that fails is
logged; the report and its change stand.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from sqlalchemy import select

from holotype.catalog.models import Membership, Role, User, UserState
from holotype.services.accounts import mail
from holotype.services.context import Portal
from holotype.services.error_reports.model import OTHER, ReportInfo

log = logging.getLogger(__name__)
MAINTAINER_ROLES = (Role.EDITOR.value, Role.ADMIN.value)


def maintainer_emails(portal: Portal, info: ReportInfo) -> list[str]:
    """Who is told of a new report on the dataset: its organisation's editors and admins, or
    its owner when it has no organisation (active accounts only)."""
    dataset = info.dataset
    with portal.session() as session:
        query = select(User.email).where(User.state == UserState.ACTIVE.value)
        if dataset.organisation_id is not None:
            query = query.join(Membership, Membership.user_id == User.id).where(
                Membership.organisation_id == dataset.organisation_id,
                Membership.role.in_(MAINTAINER_ROLES))
        elif dataset.owner_id is not None:
            query = query.where(User.id == dataset.owner_id)
        else:
            return []
        return sorted({e for e in session.scalars(query) if e})


def report_url(base_url: str, info: ReportInfo) -> str:
    return f"{base_url}/reports/{quote(info.id, safe='')}"


def _fields_text(info: ReportInfo) -> str:
    lines = []
    for f in info.fields:
        name = f.field if f.field != OTHER else "(other)"
        lines.append(f"- {name}: {f.seen!r} should be {f.proposed!r}")
    return "\n".join(lines)


def _send(portal: Portal, to: list[str], subject: str, body: str) -> None:
    settings = portal.settings
    if not mail.can_send(settings):
        return
    for address in to:
        try:
            mail.send(settings, address, " ".join(subject.split()), body)
        except Exception:  # a failing mail server must not undo the report
            log.exception("could not email %s about an error report", address)


def tell_maintainers(portal: Portal, info: ReportInfo, title: str, base_url: str) -> None:
    site = portal.settings.site_name
    who = info.reporter_name or "Someone who did not sign in"
    body = (f"{who} reported an error in the record {title!r} ({info.record_id}) of the "
            f"dataset {info.dataset.title!r} on {site}.\n\n{_fields_text(info)}\n\n"
            + (f"Explanation:\n{info.explanation}\n\n" if info.explanation else "")
            + f"See the report and change its status: {report_url(base_url, info)}\n")
    _send(portal, maintainer_emails(portal, info),
          f"Error report on {title[:80]} in {info.dataset.title[:80]}", body)


def tell_reporter(portal: Portal, info: ReportInfo, base_url: str) -> None:
    if not info.notify or not info.reporter_email:
        return
    site = portal.settings.site_name
    event = info.events[-1]
    body = (f"Your error report on the record {info.record_id} of the dataset "
            f"{info.dataset.title!r} on {site} is now {info.status}.\n\n"
            + (f"Note from the maintainers:\n{event.note}\n\n" if event.note else "")
            + f"What you reported:\n{_fields_text(info)}\n\n"
            f"The record: {base_url}/record/{quote(info.resource_id, safe='')}/"
            f"{quote(info.record_id, safe='')}\n")
    _send(portal, [info.reporter_email], f"Your error report is now {info.status}", body)
