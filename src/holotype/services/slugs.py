"""Short links for searches: readable slugs such as ``gentle-mossy-otter`` (NHM's
``vds_slug_create`` and ``vds_slug_resolve``).

A slug names a validated, normalised query over some resources (or all visible ones) at a
version (or the latest). Asking again for the same search returns the same slug. Four reserved
slugs are never stored: they resolve to :class:`Presets` built from the catalogue and settings.

Callers validate the query and compute its hash; these functions store and return it. They do
not check permissions: whoever runs the search applies visibility to the resource ids.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from holotype.catalog.models import (
    QUERY_HASH_MAX,
    SLUG_MAX,
    Category,
    Dataset,
    QuerySlug,
    Resource,
    ResourceKind,
)
from holotype.catalog.slugwords import random_slug
from holotype.errors import Conflict, Invalid, NotFound
from holotype.query.schema import QUERY_VERSION
from holotype.services import catalogue, policy
from holotype.services.identity import ANONYMOUS

DEFAULT_QUERY_VERSION: Final = QUERY_VERSION
RESERVED: Final = frozenset({"everything", "collections", "specimens", "indexlots"})
RANDOM_ATTEMPTS: Final = 10
"""Random slugs tried before a numeric suffix is added to the last one."""
SUFFIX_ATTEMPTS: Final = 1000
"""Numeric suffixes (``-2``, ``-3``, ...) tried before giving up."""

_QUERY_VERSION = re.compile(r"^v\d{1,4}\.\d{1,4}\.\d{1,4}$")
_QUERY_HASH = re.compile(rf"^[A-Za-z0-9:._-]{{1,{QUERY_HASH_MAX}}}$")
_MAX_VERSION = 2**63 - 1

__all__ = [
    "DEFAULT_QUERY_VERSION",
    "RESERVED",
    "Presets",
    "SlugInfo",
    "create_slug",
    "presets_from",
    "resolve_slug",
]


@dataclass(frozen=True, slots=True)
class SlugInfo:
    """A resolved short link. ``resource_ids`` None means every resource the reader may see;
    ``version`` None means the latest data; ``created`` is None for reserved slugs."""

    slug: str
    query: dict[str, Any]
    query_version: str
    query_hash: str
    resource_ids: tuple[str, ...] | None
    version: int | None
    created: datetime | None
    reserved: bool


@dataclass(frozen=True, slots=True)
class Presets:
    """What the reserved slugs mean on this site; build it with :func:`presets_from`."""

    empty_query_hash: str
    collections: tuple[str, ...]
    specimens: tuple[str, ...]
    indexlots: tuple[str, ...]
    query_version: str = DEFAULT_QUERY_VERSION

    def resource_ids(self, slug: str) -> tuple[str, ...] | None:
        """The resources a reserved slug searches (None: all visible)."""
        return {
            "everything": None,
            "collections": self.collections,
            "specimens": self.specimens,
            "indexlots": self.indexlots,
        }[slug]


def presets_from(
    session: Session,
    specimen_refs: Iterable[str],
    indexlot_refs: Iterable[str],
    *,
    empty_query_hash: str,
    query_version: str = DEFAULT_QUERY_VERSION,
) -> Presets:
    """The reserved slugs' resources: record resources of public collection datasets, and the
    configured ``dataset/resource`` refs (settings ``specimen_resources`` and
    ``indexlot_resources``). Refs that do not exist, are files or are private are skipped, so a
    preset may be empty (it then matches nothing, never everything). Presets are the same for
    everyone: what anyone may see (searches still apply the searcher's identity).

    ``empty_query_hash`` is the hash of ``{}`` as the query language computes it."""
    collections = session.scalars(
        select(Resource.id)
        .join(Resource.dataset)
        .where(
            Dataset.category == Category.COLLECTION.value,
            policy.readable_datasets(ANONYMOUS),
            Resource.kind == ResourceKind.RECORDS.value,
        )
    )
    return Presets(
        empty_query_hash=_query_hash(empty_query_hash),
        collections=tuple(sorted(collections)),
        specimens=_public_records(session, specimen_refs),
        indexlots=_public_records(session, indexlot_refs),
        query_version=_query_version(query_version),
    )


def create_slug(
    session: Session,
    *,
    query: dict[str, Any],
    query_hash: str,
    query_version: str = DEFAULT_QUERY_VERSION,
    resource_ids: Sequence[str] | None,
    version: int | None,
    rng: random.Random | None = None,
) -> SlugInfo:
    """A slug for this search: the existing one if the same search has one, else a new one.

    ``query`` must already be validated and normalised; ``resource_ids`` (None: all visible)
    are deduplicated and sorted and must exist; ``version`` is a millisecond timestamp or None
    for the latest. One unit of work: commits on success, rolls back on error, and raises
    :class:`Invalid` naming the field at fault."""
    candidates = _candidates(rng or random.Random())
    try:
        _begin_for_write(session)
        fields = {
            "query": _query_text(query),
            "query_version": _query_version(query_version),
            "query_hash": _query_hash(query_hash),
            "resource_ids": _resource_ids_text(session, resource_ids),
            "version": _version(version),
        }
        key = _key(fields)
        while True:
            _begin_for_write(session)
            existing = _by_key(session, key)
            if existing is not None:
                session.commit()
                return existing
            row = QuerySlug(slug=_free_slug(session, candidates), key=key, **fields)
            session.add(row)
            try:
                session.flush()
            except IntegrityError:  # a concurrent writer took the slug or made this search
                session.rollback()
                continue
            info = _info(row)
            session.commit()
            return info
    except BaseException:
        session.rollback()
        raise


def resolve_slug(session: Session, slug: str, *, presets: Presets) -> SlugInfo:
    """The search a slug names; reserved slugs resolve to ``presets``."""
    if isinstance(slug, str) and slug in RESERVED:
        return SlugInfo(
            slug=slug,
            query={},
            query_version=presets.query_version,
            query_hash=presets.empty_query_hash,
            resource_ids=presets.resource_ids(slug),
            version=None,
            created=None,
            reserved=True,
        )
    found = None
    if isinstance(slug, str) and "\x00" not in slug and len(slug) <= SLUG_MAX:
        found = session.get(QuerySlug, slug)
    if found is None:
        raise NotFound(f"there is no short link {slug!r}", field="slug")
    return _info(found)


# --- helpers -----------------------------------------------------------------------------------


def _begin_for_write(session: Session) -> None:
    """Start the transaction with SQLite's write lock taken, so a concurrent writer waits
    instead of failing half-way (PostgreSQL ignores the option)."""
    if not session.in_transaction():
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def _candidates(rng: random.Random) -> Iterator[str]:
    """Random slugs, then the last one with growing numeric suffixes."""
    candidate = ""
    for _ in range(RANDOM_ATTEMPTS):
        candidate = random_slug(rng)
        yield candidate
    for number in range(2, SUFFIX_ATTEMPTS + 2):
        yield f"{candidate}-{number}"


def _free_slug(session: Session, candidates: Iterator[str]) -> str:
    for candidate in candidates:
        if candidate not in RESERVED and session.get(QuerySlug, candidate) is None:
            return candidate
    raise Conflict("no free short link could be found; try again", field="slug")


def _by_key(session: Session, key: str) -> SlugInfo | None:
    found = session.scalar(select(QuerySlug).where(QuerySlug.key == key))
    return None if found is None else _info(found)


def _key(fields: dict[str, Any]) -> str:
    parts = [fields[name] for name in ("query_version", "query_hash", "resource_ids", "version")]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _info(row: QuerySlug) -> SlugInfo:
    ids = None if row.resource_ids is None else tuple(json.loads(row.resource_ids))
    return SlugInfo(
        slug=row.slug,
        query=json.loads(row.query),
        query_version=row.query_version,
        query_hash=row.query_hash,
        resource_ids=ids,
        version=row.version,
        created=row.created,
        reserved=False,
    )


def _public_records(session: Session, refs: Iterable[str]) -> tuple[str, ...]:
    found: set[str] = set()
    for ref in refs:
        try:
            resource = catalogue.get_resource(session, ref)
        except NotFound:
            continue
        dataset = catalogue.get_dataset(session, resource.dataset_id)
        if policy.may_read_dataset(ANONYMOUS, dataset) and resource.kind == ResourceKind.RECORDS:
            found.add(resource.id)
    return tuple(sorted(found))


def _query_text(query: object) -> str:
    if not isinstance(query, dict):
        raise Invalid("must be a JSON object", field="query")
    try:
        # ASCII escapes keep any text (even lone surrogates) storable on every backend.
        return json.dumps(query, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise Invalid(f"cannot be stored as JSON: {exc}", field="query") from None


def _query_version(value: object) -> str:
    if not isinstance(value, str) or not _QUERY_VERSION.match(value):
        raise Invalid("must look like v1.0.0", field="query_version")
    return value


def _query_hash(value: object) -> str:
    if not isinstance(value, str) or not _QUERY_HASH.match(value):
        raise Invalid(
            f"must be 1 to {QUERY_HASH_MAX} letters, digits or :._- characters", field="query_hash"
        )
    return value


def _version(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_VERSION:
        raise Invalid("must be a millisecond timestamp (a whole number >= 0)", field="version")
    return value


def _resource_ids_text(session: Session, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise Invalid("must be a list of resource ids, or null for all", field="resource_ids")
    if not all(isinstance(i, str) and i and "\x00" not in i for i in value):
        raise Invalid("must be a list of resource ids", field="resource_ids")
    ids = set(value)
    if not ids:
        raise Invalid("must name at least one resource, or be null for all", field="resource_ids")
    known = set(session.scalars(select(Resource.id).where(Resource.id.in_(ids))))
    missing = sorted(ids - known)
    if missing:
        raise Invalid(f"there is no resource {missing[0]!r}", field="resource_ids")
    return json.dumps(sorted(ids))
