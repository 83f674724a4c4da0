"""The emails of error reports: a new report to the dataset's maintainers, each change of
status to the reporter (when they gave an email, or have an account's, and asked to be told).

The reporter is told only while they may still read the dataset (:func:`reporter_may_read`):
a signed-in reporter with the roles they hold now, an anonymous one while it is public. The
address an anonymous reporter gave was never verified, so their email holds none of the text
they typed (the portal is no relay for it): only the status, the record's link and the
maintainers' note.

Sent through :mod:`holotype.services.accounts.mail`. A portal that sends no email sends none
and loses nothing: the reports are in the inbox (``/reports``). A mail server that fails is
logged; the report and its change stand.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from sqlalchemy import select

from holotype.catalog.models import Membership, Role, User, UserState
from holotype.errors import NotFound
from holotype.services import catalogue, policy
from holotype.services.accounts import identities, mail
from holotype.services.context import Portal
from holotype.services.error_reports.model import OTHER, ReportInfo
from holotype.services.identity import ANONYMOUS, Kind

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


def reporter_may_read(portal: Portal, info: ReportInfo) -> bool:
    """Whether the reporter may still read the report's dataset, as it is now: a signed-in
    reporter with their current roles (not when their account is closed), an anonymous one
    while the dataset is public."""
    with portal.session() as session:
        try:
            dataset = catalogue.get_dataset(session, info.dataset.id)
        except NotFound:  # deleted since
            return False
        if info.reporter_id is None:
            return policy.may_read_dataset(ANONYMOUS, dataset)
        who = identities.identity_for_user(session, info.reporter_id)
    return who.kind == Kind.USER and policy.may_read_dataset(who, dataset)


def tell_reporter(portal: Portal, info: ReportInfo, base_url: str) -> None:
    if not info.notify or not info.reporter_email or not reporter_may_read(portal, info):
        return
    site = portal.settings.site_name
    event = info.events[-1]
    own_text = (f"What you reported:\n{_fields_text(info)}\n\n"
                if info.reporter_id is not None else "")  # none for an unverified address
    body = (f"Your error report on the record {info.record_id} of the dataset "
            f"{info.dataset.title!r} on {site} is now {info.status}.\n\n"
            + (f"Note from the maintainers:\n{event.note}\n\n" if event.note else "")
            + own_text
            + f"The record: {base_url}/record/{quote(info.resource_id, safe='')}/"
            f"{quote(info.record_id, safe='')}\n")
    _send(portal, [info.reporter_email], f"Your error report is now {info.status}", body)
