"""One publish of a draft at a time: a publish claims the ready draft (its step becomes
:data:`PUBLISHING`, by one conditional update, so of two requests only one wins) and gives it
back when it fails. A double click or a retried script gets a Conflict instead of committing the
draft twice or deleting the resource the other request is filling.
"""

from __future__ import annotations

from sqlalchemy import or_, update

from holotype.catalog.drafts import Draft, DraftStatus
from holotype.errors import Conflict
from holotype.services.context import Portal

PUBLISHING = "publishing"
READY_STEP = "ready for review"  # a read draft's step (the worker's last)


def claim(portal: Portal, draft_id: str) -> None:
    """Take the ready draft for this publish, or Conflict when another publish has it."""
    with portal.write_session() as session:
        result = session.execute(
            update(Draft)
            .where((Draft.id == draft_id) & (Draft.status == DraftStatus.READY.value)
                   & or_(Draft.step.is_(None), Draft.step != PUBLISHING))
            .values(step=PUBLISHING))
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        raise Conflict(f"draft {draft_id} is being published already; it is gone once that "
                       "has finished, or ready to publish again if it failed", field="draft")


def unclaim(portal: Portal, draft_id: str) -> None:
    """The publish failed: the draft is ready to publish again."""
    with portal.write_session() as session:
        session.execute(update(Draft).where((Draft.id == draft_id) & (Draft.step == PUBLISHING))
                        .values(step=READY_STEP))
