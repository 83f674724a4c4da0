"""The DOI outbox, written side: allocate a DOI under the portal's prefix and record what it
should be. The sync worker (:mod:`holotype.services.citations.doi_sync`) sends it.

Every decision about a DOI (its state, landing URL and metadata) is one call here, inside the
caller's transaction: the decision and the change that caused it commit together, so a crash or
a registrar outage can delay a DOI's registration but never lose it.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from holotype.catalog import validation
from holotype.catalog.citations import Doi, DoiKind, DoiState, SyncStatus
from holotype.config import Settings
from holotype.errors import Invalid

# Crockford's base 32 without I, L, O and U: no letters read as digits, nothing rude.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_SUFFIX_CHARS = 8


def minting(settings: Settings) -> bool:
    """Whether this portal mints DOIs (``doi_provider`` other than none, with a prefix)."""
    return settings.doi_provider != "none" and bool(settings.datacite_prefix)


def new_doi(settings: Settings) -> str:
    """A new DOI name under the prefix: ``<prefix>/<xxxx-xxxx>`` in lower case, random (so it
    says nothing about what it names and cannot be guessed from a neighbour)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(_SUFFIX_CHARS))
    half = _SUFFIX_CHARS // 2
    return f"{str(settings.datacite_prefix).lower()}/{chars[:half]}-{chars[half:]}"


def normalise_doi(text: str) -> str:
    """A DOI as stored: lower case, without ``doi:`` or ``https://doi.org/`` (not checked: see
    :func:`parse_doi` for a DOI someone typed)."""
    value = text.strip()
    for start in validation.DOI_PREFIXES:
        if value.lower().startswith(start):
            value = value[len(start):]
    return value.lower()


def looks_like_doi(text: str) -> bool:
    """Whether ``text`` is meant as a DOI (``10.…``, ``doi:…`` or a doi.org address) rather
    than another kind of reference (a short link, a citation id)."""
    return text.strip().lower().startswith(("10.", *validation.DOI_PREFIXES))


def parse_doi(text: str, field: str = "doi") -> str:
    """A DOI someone gave (``10.1234/abcd-5678``, ``doi:…`` or ``https://doi.org/…``) as
    stored, or Invalid naming ``field`` and saying what a DOI looks like. The catalogue's
    check (:func:`holotype.catalog.validation.doi`) is the one rule."""
    try:
        found = validation.doi(text, field)
    except validation.FieldError as exc:
        raise Invalid(f"{exc.message}; a DOI looks like 10.1234/abcd-5678", field=field) \
            from None
    if found is None:
        raise Invalid("give a DOI, such as 10.1234/abcd-5678", field=field)
    return found.lower()


def is_ours(settings: Settings, doi: str) -> bool:
    """Whether ``doi`` is under this portal's prefix (so the portal registers it)."""
    prefix = str(settings.datacite_prefix or "").lower()
    return bool(prefix) and normalise_doi(doi).startswith(prefix + "/")


#: The registrar states in which a DOI resolves (at doi.org) and its metadata is public.
PUBLISHED = (DoiState.REGISTERED.value, DoiState.FINDABLE.value)


def resolves(settings: Settings, doi: str, held: str | None) -> bool:
    """Whether ``doi`` resolves, so that a citation may carry it: a DOI this portal does not
    register (given by hand) is taken to; one of ours once the registrar holds it (``held``)
    registered or findable, not while it is a draft, waiting to be sent or refused."""
    return not is_ours(settings, doi) or held in PUBLISHED


def registrar_state(session: Session, doi: str) -> str | None:
    """The state the registrar holds ``doi`` in; None when it holds none of ours (never sent,
    or not a DOI this portal manages)."""
    return session.scalar(select(Doi.registrar_state).where(Doi.doi == normalise_doi(doi)))


def doi_page_url(settings: Settings, doi: str) -> str:
    """The portal's own page of a DOI, ``{public_base_url}/doi/<prefix>/<suffix>``: the landing
    page of a query DOI and the tombstone of a deleted dataset's DOI."""
    return f"{settings.base_url}/doi/{normalise_doi(doi)}"


def on_doi_page(row: Doi) -> bool:
    """Whether the DOI lands on the portal's own page of it (:func:`doi_page_url`): a query
    DOI, a deleted dataset's tombstone, or a private dataset's DOI frozen at what it last said
    publicly. Its metadata is then what the portal may show there."""
    return row.url.endswith(f"/doi/{row.doi}")


def _dumps(metadata: dict[str, Any]) -> str:
    return json.dumps(metadata, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_doi(
    session: Session, *, doi: str, kind: DoiKind, url: str, state: DoiState,
    metadata: dict[str, Any], dataset_id: str | None = None, citation_id: str | None = None,
) -> Doi:
    """Add a new DOI, pending its first registration."""
    row = Doi(doi=normalise_doi(doi), kind=kind.value, url=url, state=state.value,
              metadata_json=_dumps(metadata), dataset_id=dataset_id, citation_id=citation_id,
              tombstone=False, revision=1, synced_revision=0, attempts=0,
              sync_status=SyncStatus.PENDING.value)
    session.add(row)
    session.flush()
    return row


def change_doi(
    session: Session, row: Doi, *, state: DoiState, url: str, metadata: dict[str, Any],
    tombstone: bool = False,
) -> bool:
    """Decide the DOI's new state, URL and metadata; a new revision (pending, tried at once)
    only when something differs. True when it did.

    ``row`` must have been read with ``SELECT ... FOR UPDATE`` in ``session``
    (``with_for_update``), and so must whatever the decision was made from: on PostgreSQL two
    transactions deciding the same DOI from unlocked reads would both make revision n + 1, the
    later overwriting the other (and possibly a newer decision with an older one)."""
    text = _dumps(metadata)
    if (row.state, row.url, row.metadata_json, row.tombstone) == (
            state.value, url, text, tombstone):
        return False
    row.state, row.url, row.metadata_json, row.tombstone = state.value, url, text, tombstone
    row.revision += 1
    row.sync_status = SyncStatus.PENDING.value
    row.attempts = 0
    row.next_attempt = None
    session.flush()
    return True


def metadata_of(row: Doi) -> dict[str, Any]:
    """The DataCite attributes decided for the DOI (without ``doi``, ``url`` and ``event``)."""
    value: dict[str, Any] = json.loads(row.metadata_json)
    return value
