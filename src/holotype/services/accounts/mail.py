"""Email from the portal (verification and reset links): the SMTP settings in one place,
sent through :func:`holotype.jobs.notify.send_email`."""

from __future__ import annotations

from holotype.config import Settings
from holotype.errors import Unavailable
from holotype.jobs import notify


def smtp_of(settings: Settings) -> notify.Smtp:
    """The SMTP server the settings name (``smtp_host`` must be set)."""
    return notify.Smtp(
        settings.smtp_host or "", settings.smtp_port, settings.smtp_sender,
        settings.smtp_starttls, settings.smtp_username,
        settings.smtp_password.get_secret_value() if settings.smtp_password else None)


def can_send(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send one message; :class:`Unavailable` when the portal has no mail server."""
    if not can_send(settings):
        raise Unavailable("this portal sends no email")
    notify.send_email(smtp_of(settings), [to], subject, body)
