"""The media registry: after each committed version, every medium its records name is
registered in the catalogue (:mod:`holotype.catalog.media`) with the resource naming it.

Only the records a version wrote are read, and of them only the media fields (``Multimedia``,
``associatedMedia``), each distinct value once: versions never change, so what earlier versions
named is registered already (:class:`MediaScan` says up to where). A resource whose earlier
versions were never registered (committed before the registry existed, or with the hooks off)
gets them all at its next version, or with :func:`register_media` directly.

Which media an identity may see is decided here too, with the one policy: a medium is visible
when a resource whose dataset it may read names it; otherwise it does not exist for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import select

from holotype.catalog.media import MediaScan, Medium, MediumUse, add_media
from holotype.catalog.models import Dataset, Resource
from holotype.media.refs import MEDIA_FIELDS, media_id, record_media
from holotype.services import policy
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.store import Progress

# Anything that may separate addresses, or surround one with space (record_media's business).
TRANSACTION = 50_000  # media registered per catalogue transaction
_SEPARATORS = re.compile(r"[|;,\s]")


def register_media(
    portal: Portal, resource_id: str, version: int | None = None,
    progress: Progress | None = None,
    then: Callable[[Sequence[tuple[str, str]]], object] | None = None,
) -> int:
    """Register the media named by the resource's records up to ``version`` (default: the
    latest) that are not registered yet; how many distinct media the versions read name.
    ``then`` is given their ``(media id, source)`` pairs once they are registered (e.g. to
    queue their images' conversions)."""
    store = portal.store.resource(resource_id)
    manifest = store.manifest()
    target = manifest.resolve(version)
    if target is None:
        return 0
    with portal.session() as session:
        scan = session.get(MediaScan, resource_id)
        scanned = scan.version if scan is not None else None
    todo = [v for v in manifest.upto(target) if scanned is None or v.version > scanned]
    found: dict[str, str] = {}
    if todo:
        con = portal.duckdb()
        try:
            for row in store.written_values(todo, list(MEDIA_FIELDS), con=con):
                for key, source in _sources(row):
                    found.setdefault(key, source)
        finally:
            con.close()
    # Sorted, so the catalogue's indexes grow at their ends; in transactions of a bounded size,
    # as one huge transaction slows SQLite down many times over once it outgrows its cache.
    # Each is complete on its own: a registration cut short is finished by the next one.
    pairs = sorted(found.items())
    for start in range(0, len(pairs), TRANSACTION):
        with portal.write_session() as session:
            add_media(session, resource_id, pairs[start:start + TRANSACTION])
    if then is not None:
        then(pairs)
    with portal.write_session() as session:
        if scanned is None or target.version > scanned:
            session.merge(MediaScan(resource_id=resource_id, version=target.version))
    return len(found)


def _sources(row: tuple[str | None, ...]) -> list[tuple[str, str]]:
    """``(media id, source)`` of one record's media fields. The common case, one address alone
    in ``associatedMedia``, is answered without building the media's descriptions (millions
    of records, each with its own image, are the usual big resource);
    :func:`record_media` decides everything else."""
    multimedia, associated = row
    if not multimedia and associated and associated.startswith(("http://", "https://")) \
            and not _SEPARATORS.search(associated):
        return [(media_id(associated), associated)]
    return [(ref.id, ref.source)
            for ref in record_media(dict(zip(MEDIA_FIELDS, row, strict=True)))]


def visible_source(portal: Portal, identity: Identity, media_id: str) -> str | None:
    """The source of the medium ``media_id`` if some resource ``identity`` may read names it;
    None otherwise (for a private medium as for an unknown one)."""

    def read() -> str | None:  # the statement is built only when the cache has no answer
        query = (
            select(Medium.source)
            .join(MediumUse, MediumUse.media_id == Medium.id)
            .join(Resource, Resource.id == MediumUse.resource_id)
            .join(Dataset, Dataset.id == Resource.dataset_id)
            .where(Medium.id == media_id, policy.readable_datasets(identity))
            .limit(1)
        )
        with portal.session() as session:
            found: str | None = session.execute(query).scalar_one_or_none()
            return found

    # kept until the catalogue changes, as which resources are visible is
    return portal.searchable_cache.answer(("medium", policy.scope(identity), media_id), read)


def media_of(portal: Portal, resource_id: str) -> Iterable[str]:
    """The ids of the media registered for a resource (for checks and housekeeping)."""
    with portal.session() as session:
        return list(session.execute(
            select(MediumUse.media_id).where(MediumUse.resource_id == resource_id)
            .order_by(MediumUse.media_id)
        ).scalars())
