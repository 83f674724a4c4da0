"""The DOI outbox's sending side: every pending revision goes to the registrar, whatever the
kind of DOI (dataset or query).

One send per DOI: the sender first claims the revision with a conditional UPDATE (the row must
still be pending at that revision and due), which pushes ``next_attempt`` a lease ahead so no
other sender, in this process or another, takes it meanwhile (the pattern of
:mod:`holotype.jobs.queue`; sending is idempotent anyway). Then:

- accepted: ``synced_revision`` (never lowered), ``registrar_state`` and ``synced`` recorded,
  the DOI synced; unless a newer revision was decided meanwhile: it stays to be sent, pending
  again if it had been synced already (this older send may have landed after it). Recording
  the same revision twice (two senders, after a claim ran out) is harmless: it stays synced;
- :class:`~holotype.registrar.Unreachable`: still pending, ``attempts`` + 1, ``last_error``, and
  ``next_attempt`` backed off exponentially (``BACKOFF_FIRST`` doubling up to ``BACKOFF_MAX``);
- :class:`~holotype.registrar.Rejected`: failed with the registrar's message, until a new
  revision is decided or the maintainer asks again (:func:`retry_doi`).

A failure is recorded only while no one has recorded the revision as accepted.

It runs as a thread in ``holotype serve`` (:func:`start_in_process`) and once from
``holotype doi sync``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, null, or_, select, update

from holotype.catalog.citations import Doi, SyncStatus
from holotype.catalog.timestamps import utcnow
from holotype.errors import NotFound
from holotype.registrar import Registrar, Rejected, Unreachable, registrar_for
from holotype.services import policy
from holotype.services.citations.dataset_dois import reconcile_dataset_dois
from holotype.services.citations.dois import metadata_of, minting, normalise_doi
from holotype.services.context import Portal
from holotype.services.identity import Identity

log = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
CLAIM = timedelta(minutes=5)  # a sender that dies mid-send frees the DOI after this
BATCH = 50
POLL_SECONDS = 5.0


@dataclass(frozen=True)
class DoiStatus:
    """Where a DOI stands: what was decided, what the registrar holds, and the sending."""

    doi: str
    kind: str
    state: str
    registrar_state: str | None
    sync_status: str
    revision: int
    synced_revision: int
    attempts: int
    last_error: str | None
    next_attempt: datetime | None
    synced: datetime | None
    url: str
    tombstone: bool


def _status(row: Doi) -> DoiStatus:
    return DoiStatus(row.doi, row.kind, row.state, row.registrar_state, row.sync_status,
                     row.revision, row.synced_revision, row.attempts, row.last_error,
                     row.next_attempt, row.synced, row.url, row.tombstone)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure to reach the registrar."""
    return min(BACKOFF_FIRST * (1 << min(max(attempts - 1, 0), 30)), BACKOFF_MAX)


def _due(now: datetime) -> ColumnElement[bool]:
    return (Doi.sync_status == SyncStatus.PENDING.value) & or_(
        Doi.next_attempt.is_(None), Doi.next_attempt <= now)


def _update(portal: Portal, condition: ColumnElement[bool], values: dict[str, object]) -> int:
    with portal.write_session() as session:
        result = session.execute(update(Doi).where(condition).values(**values))
        return int(getattr(result, "rowcount", 0) or 0)


def _unsent(revision: int) -> ColumnElement[bool]:
    """No sender has recorded ``revision`` (or a newer one) as accepted: a failure to send it
    still matters."""
    return Doi.synced_revision < revision


def _sent(revision: int, holds: str) -> dict[str, object]:
    """The values that record the registrar's acceptance of ``revision``, whoever else sent it
    or a newer one meanwhile: ``synced_revision`` becomes the greater of the two, and the DOI is
    synced when ``revision`` is still the latest. When a newer revision was decided, that one
    stays to be sent (its claim, back-off or failure untouched), and if it was already synced it
    is pending again at once: this older send may have reached the registrar after it."""
    current = Doi.revision <= revision
    was_synced = Doi.sync_status == SyncStatus.SYNCED.value
    newest = Doi.synced_revision <= revision
    return {
        "synced_revision": case((Doi.synced_revision < revision, revision),
                                else_=Doi.synced_revision),
        "registrar_state": case((newest, holds), else_=Doi.registrar_state),
        "synced": utcnow(),
        "sync_status": case((current, SyncStatus.SYNCED.value),
                            (was_synced, SyncStatus.PENDING.value), else_=Doi.sync_status),
        "last_error": case((current, null()), else_=Doi.last_error),
        "attempts": case((current | was_synced, 0), else_=Doi.attempts),
        "next_attempt": case((current | was_synced, null()), else_=Doi.next_attempt),
    }


def sync_one(portal: Portal, registrar: Registrar, doi: str, now: datetime | None = None
             ) -> DoiStatus | None:
    """Send the DOI's pending revision if it is due and no one else is sending it; its status
    afterwards, or None when there was nothing to send."""
    now = now or utcnow()
    with portal.session() as session:
        row = session.get(Doi, doi)
        if row is None:
            return None
        revision, held, attempts = row.revision, row.registrar_state, row.attempts
        state, url, attributes = row.state, row.url, metadata_of(row)
    mine = (Doi.doi == doi) & (Doi.revision == revision)
    if not _update(portal, mine & _due(now), {"next_attempt": now + CLAIM}):
        return None  # sent already, not due, or another sender has it
    try:
        holds = registrar.send(doi, state=state, url=url, attributes=attributes, held=held)
    except Unreachable as exc:
        log.info("DOI %s: registrar unreachable: %s", doi, exc.message)
        _update(portal, mine & _unsent(revision), {
            "attempts": Doi.attempts + 1, "last_error": exc.message,
            "next_attempt": now + backoff(attempts + 1)})
    except Rejected as exc:
        log.info("DOI %s: registrar refused revision %d: %s", doi, revision, exc.message)
        _update(portal, mine & _unsent(revision), {
            "attempts": Doi.attempts + 1, "last_error": exc.message,
            "sync_status": SyncStatus.FAILED.value, "next_attempt": None})
    else:
        _update(portal, Doi.doi == doi, _sent(revision, holds))
    return doi_status(portal, doi)


def sync_due(portal: Portal, registrar: Registrar | None = None, now: datetime | None = None,
             include_waiting: bool = False) -> list[DoiStatus]:
    """Send every pending DOI whose next attempt has come (``include_waiting``: also those
    waiting out a back-off); the status of each one tried."""
    if not minting(portal.settings):
        return []
    registrar = registrar or registrar_for(portal.settings)
    now = now or utcnow()
    if include_waiting:
        # Waiting out a back-off means attempts > 0. A revision on its first try (attempts 0)
        # with a next attempt is being sent by another sender: left alone. (A retry another
        # sender is sending right now looks like a back-off and may go twice: harmless, a
        # send is an idempotent PUT and the acceptance is recorded once.)
        _update(portal, (Doi.sync_status == SyncStatus.PENDING.value) & (Doi.attempts > 0),
                {"next_attempt": None})
    tried: list[DoiStatus] = []
    seen: set[str] = set()
    while True:
        with portal.session() as session:
            names = [d for d in session.scalars(
                select(Doi.doi).where(_due(now)).order_by(Doi.modified, Doi.doi).limit(BATCH))
                if d not in seen]
        if not names:
            return tried
        for doi in names:
            seen.add(doi)
            status = sync_one(portal, registrar, doi, now)
            if status is not None:
                tried.append(status)


def doi_status(portal: Portal, doi: str) -> DoiStatus:
    """Where one DOI stands; :class:`NotFound` for a DOI this portal does not manage."""
    with portal.session() as session:
        row = session.get(Doi, normalise_doi(doi))
        if row is None:
            raise NotFound(f"this portal manages no DOI {doi!r}", field="doi")
        return _status(row)


def list_dois(portal: Portal, identity: Identity) -> list[DoiStatus]:
    """Every DOI this portal manages, failed first, then pending, then by DOI."""
    policy.require_manage(identity)
    order = case({SyncStatus.FAILED.value: 0, SyncStatus.PENDING.value: 1}, value=Doi.sync_status,
                 else_=2)
    with portal.session() as session:
        return [_status(row) for row in session.scalars(select(Doi).order_by(order, Doi.doi))]


def retry_doi(portal: Portal, identity: Identity, doi: str) -> DoiStatus:
    """Queue a failed (or backed-off) DOI to be sent again at once."""
    policy.require_manage(identity)
    name = doi_status(portal, doi).doi
    _update(portal, (Doi.doi == name) & (Doi.sync_status != SyncStatus.SYNCED.value),
            {"sync_status": SyncStatus.PENDING.value, "attempts": 0, "next_attempt": None})
    return doi_status(portal, name)


class DoiSyncer:
    """The sending loop of ``holotype serve``: decides dataset DOIs once at start-up (catching
    up on changes made while it was down), then sends what is due every ``poll`` seconds."""

    def __init__(self, portal: Portal, registrar: Registrar | None = None,
                 poll: float = POLL_SECONDS) -> None:
        self.portal = portal
        self.registrar = registrar or registrar_for(portal.settings)
        self.poll = poll
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True, name="doi-sync")

    def run(self) -> None:
        first = True
        while not self.stop_event.is_set():
            try:
                if first:
                    reconcile_dataset_dois(self.portal)
                    first = False
                sync_due(self.portal, self.registrar)
            except Exception:  # a database hiccup: the outbox keeps everything; try again
                log.exception("DOI sync failed; trying again in %s s", self.poll)
            self.stop_event.wait(self.poll)

    def start(self) -> DoiSyncer:
        self.thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)


def start_in_process(portal: Portal) -> DoiSyncer | None:
    """The DOI sync thread of ``holotype serve``; None when the portal mints no DOIs."""
    return DoiSyncer(portal).start() if minting(portal.settings) else None
