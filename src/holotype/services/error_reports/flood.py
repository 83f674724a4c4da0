"""The per-client limit on error reports, counted in the catalogue: every server process of a
site (``holotype serve --workers N``) and every restart sees the same count.

A report keeps a keyed hash of the client's address (HMAC-SHA256 with the site's signing key),
never the address itself: enough to count one client's reports in the last hour, not to say
where anyone reported from.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from holotype.catalog.error_reports import ErrorReport
from holotype.catalog.timestamps import utcnow
from holotype.errors import Throttled
from holotype.services.accounts.keys import secret_key
from holotype.services.context import Portal

WINDOW = timedelta(hours=1)


def client_hash(portal: Portal, client: str) -> str | None:
    """The keyed hash a report keeps of ``client`` (an address); None when none is known."""
    if not client:
        return None
    return hmac.new(secret_key(portal.settings), client.encode(), hashlib.sha256).hexdigest()


def check_rate(portal: Portal, session: Session, hashed: str | None) -> None:
    """Refuse (:class:`Throttled`, with the seconds to wait) a report from a client that sent
    ``error_reports_per_hour`` in the last hour; 0 turns the limit off."""
    limit = portal.settings.error_reports_per_hour
    if not limit or hashed is None:
        return
    since = utcnow() - WINDOW
    count, oldest = session.execute(
        select(func.count(), func.min(ErrorReport.created))
        .where(ErrorReport.client_hash == hashed, ErrorReport.created > since)).one()
    if count >= limit and oldest is not None:
        wait = max(1, math.ceil((oldest + WINDOW - utcnow()).total_seconds()))
        raise Throttled(f"you have sent {count} error reports in the last hour; please wait "
                        f"{math.ceil(wait / 60)} minutes before sending another",
                        retry_after=wait)
