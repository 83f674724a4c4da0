"""The spam guard of error reports, without a CAPTCHA.

Three checks: a honeypot field people never see (a robot that fills every field fills it); a
signed time the form carries (:func:`form_stamp`), so a report sent sooner than
``error_report_min_seconds`` after the form was shown, or with a forged or stale stamp, is
refused; and a report whose text holds more than ``error_report_max_links`` web links is
refused. The stamp is signed with the site's key (itsdangerous, as the form tokens of
:mod:`holotype.services.accounts.forms` are), so nothing is stored to hand it out. The rate
limit per client is the web layer's (``web/ratelimit.py``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from holotype.errors import Invalid
from holotype.services.context import Portal

HONEYPOT = "website"  # the field's name: one a form-filling robot is glad to fill
STAMP = "form_stamp"
STAMP_MAX_AGE = 24 * 3600  # a form left open longer is shown again
_SALT = "holotype-error-report-form"
_LINK = re.compile(r"https?://|\bwww\.", re.IGNORECASE)


def _signer(portal: Portal) -> TimestampSigner:
    return TimestampSigner(portal.secret_key, salt=_SALT)


def form_stamp(portal: Portal, target: str) -> str:
    """The signed time a form for ``target`` (resource and record) carries."""
    return _signer(portal).sign(target).decode()


def check_form(portal: Portal, target: str, stamp: str, honeypot: str,
               now: float | None = None) -> None:
    """Refuse (:class:`Invalid`) a form that a robot sent: the honeypot filled, the stamp
    missing, forged, for another record, stale, or too fresh."""
    if honeypot.strip():
        raise Invalid("this report looks automated: leave the hidden field empty",
                      field=HONEYPOT)
    try:
        value, signed_at = _signer(portal).unsign(stamp, max_age=STAMP_MAX_AGE,
                                                  return_timestamp=True)
    except SignatureExpired:
        raise Invalid("the form is too old; reload the page and send it again",
                      field=STAMP) from None
    except BadSignature:
        raise Invalid("the form is not one this portal showed; reload the page and send it "
                      "again", field=STAMP) from None
    if value.decode(errors="replace") != target:
        raise Invalid("the form is for another record; reload the page", field=STAMP)
    waited = (time.time() if now is None else now) - signed_at.timestamp()
    least = portal.settings.error_report_min_seconds
    if waited < least:
        raise Invalid(f"the form was sent too quickly to have been read; wait {least} "
                      "seconds and send it again", field=STAMP)


def check_links(portal: Portal, texts: Iterable[str]) -> None:
    """Refuse a report whose text holds more web links than the setting allows."""
    found = sum(len(_LINK.findall(text)) for text in texts)
    most = portal.settings.error_report_max_links
    if found > most:
        raise Invalid(f"the report holds {found} web links; at most {most} are allowed "
                      "(a report with many links is taken for spam)", field="explanation")
