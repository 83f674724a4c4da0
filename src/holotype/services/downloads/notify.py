"""Telling a download's requester how it ended: ready (with the file's link) or failed (with
the reason), by the notifier the request named (email or webhook).

A notification that cannot be sent is recorded on the job (``notified``, with addresses and
webhook URLs masked: the status page is public to anyone with the id) and never changes how
the download itself ended.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from holotype.catalog.downloads import DownloadJob
from holotype.jobs import notify
from holotype.services.accounts.mail import smtp_of
from holotype.services.context import Portal

log = logging.getLogger(__name__)


def notify_ready(portal: Portal, job_id: str, request: dict[str, Any], total: int, fmt: str,
                 file_name: str) -> None:
    settings = portal.settings
    link = f"{settings.base_url}/downloads/{job_id}/{file_name}"
    status_url = _status_url(portal, job_id)
    text = (f"Your download of {total:,} records ({fmt}) from {settings.site_name} is "
            f"ready:\n\n{link}\n\nStatus and details: {status_url}\n")
    _send(portal, job_id, request, f"{settings.site_name}: your download is ready", text, {
        "download_id": job_id, "status": "complete", "records": total, "format": fmt,
        "url": link, "status_url": status_url})


def notify_failed(portal: Portal, job_id: str, reason: str) -> None:
    """Tell the requester of the failed download ``job_id`` why it failed (``reason`` is the
    user-safe reason the status page shows)."""
    with portal.session() as session:
        job = session.get(DownloadJob, job_id)
        if job is None:
            return
        request, fmt = json.loads(job.request), job.format
    settings = portal.settings
    status_url = _status_url(portal, job_id)
    text = (f"Your download ({fmt}) from {settings.site_name} could not be made:\n\n{reason}\n\n"
            f"Status and details: {status_url}\nYou can request it again from the portal.\n")
    _send(portal, job_id, request, f"{settings.site_name}: your download failed", text, {
        "download_id": job_id, "status": "failed", "reason": reason, "format": fmt,
        "status_url": status_url})


def _status_url(portal: Portal, job_id: str) -> str:
    return f"{portal.settings.base_url}/status/download/{job_id}"


def _send(portal: Portal, job_id: str, request: dict[str, Any], subject: str, text: str,
          payload: dict[str, Any]) -> None:
    notifier = request["notifier"]
    kind, args = notifier["type"], notifier["type_args"]
    if kind == "none":
        return
    settings = portal.settings
    try:
        if kind == "email":
            notify.send_email(smtp_of(settings), args["emails"], subject, text)
            outcome = f"email sent to {', '.join(args['emails'])}"  # masked below
        else:
            code = notify.post_webhook(args["url"], payload,
                                       allow_private=settings.webhook_allow_private)
            outcome = f"webhook answered HTTP {code}"
    except Exception as exc:  # any failure to notify is recorded, never fatal
        # The technical detail (server, error, setting) goes to the log; the status page, which
        # anyone holding the id may read, says in plain words what happened.
        log.warning("notifying about download %s by %s failed: %s: %s", job_id, kind,
                    type(exc).__name__, notify.redact(str(exc), args.get("emails", ()),
                                                      args.get("url")))
        outcome = f"{kind} notification failed: {_failure(kind, exc)}"
    outcome = notify.redact(outcome, args.get("emails", ()), args.get("url"))
    with portal.write_session() as session:
        job = session.get(DownloadJob, job_id)
        if job is not None:
            job.notified = outcome


def _failure(kind: str, exc: Exception) -> str:
    """Why a notification was not sent, in the requester's words."""
    if kind == "email":
        return ("the email could not be sent; the file is still on the download's status page "
                "when it is ready")
    if isinstance(exc, notify.Refused):
        return ("the webhook's address is not a public one, so it was not called; the file "
                "is still on the download's status page")
    return ("the webhook could not be reached or refused the call; the file is still on the "
            "download's status page")
