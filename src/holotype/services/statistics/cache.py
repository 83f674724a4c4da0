"""Statistics kept so they are counted once: per resource version on disk, per figure in memory.

A resource's counts at a version never change (versions are immutable), so they are counted
once and kept under ``<data_dir>/stats/<resource id>/<version>-<what>.json``, written whole (a
temporary file, then renamed). A figure combines the counts of its scope's resources in memory,
keyed by the figure, its parameters, the scope and each resource with its version read: a new
version is a new key, so nothing is ever stale, and a figure asked again costs a dictionary
look-up.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Hashable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from holotype.services import disk_cache
from holotype.services.context import Portal
from holotype.services.statistics.model import Params, Scope, Table

FORMAT = 1  # bump when what a file holds changes, so old files are not read
MEMORY_ENTRIES = 512  # combined figures kept in memory, the oldest dropped first
T = TypeVar("T")
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_LOCK = threading.Lock()


def versions(portal: Portal, scope: Scope) -> tuple[tuple[str, int], ...]:
    """Each resource of ``scope`` holding records, with its latest version (from the manifest:
    no scan), sorted: what a combined figure is keyed by."""
    found = []
    for resource in scope.resources:
        version = portal.store.resource(resource.id).resolve(None)
        if version is not None:
            found.append((resource.id, version.version))
    return tuple(sorted(found))


def combined(portal: Portal, key: Hashable, compute: Callable[[], T],
             memo_name: str = "statistics", entries: int = MEMORY_ENTRIES) -> T:
    """The value of ``key`` computed once per process (``key`` must name every version read),
    kept in the portal's memo ``memo_name`` with at most ``entries`` values in all."""
    memo: dict[Hashable, Any] = portal.memo.setdefault(memo_name, {})
    try:
        found: T = memo[key]
        return found
    except KeyError:
        pass
    value = compute()
    with _LOCK:
        memo[key] = value
        while len(memo) > entries:
            memo.pop(next(iter(memo)))
    return value


def figure(
    portal: Portal, name: str, scope: Scope, params: Params, compute: Callable[[], Table]
) -> Table:
    """Figure ``name`` for ``scope`` and ``params``, computed once per set of versions read
    (the table carries that key, :attr:`Table.key`)."""
    key = (name, params, scope.key, versions(portal, scope))
    return combined(portal, key, lambda: replace(compute(), key=key))


def _path(portal: Portal, resource_id: str, version: int, what: str) -> Path:
    digest = hashlib.sha256(what.encode()).hexdigest()[:12]
    name = f"{version}-{FORMAT}-{_SAFE.sub('_', what)[:60]}-{digest}.json"
    return portal.settings.data_dir / "stats" / _SAFE.sub("_", resource_id) / name


def stored(portal: Portal, resource_id: str, version: int, what: str) -> Any | None:
    """What was kept for ``what`` at a resource's version, or None."""
    try:
        return json.loads(_path(portal, resource_id, version, what).read_text("utf-8"))
    except FileNotFoundError:
        return None


def keep(portal: Portal, resource_id: str, version: int, what: str, value: Any) -> None:
    """Write ``value`` for ``what`` at a resource's version, whole or not at all."""
    body = json.dumps(value, separators=(",", ":")).encode("utf-8")
    disk_cache.write_whole(_path(portal, resource_id, version, what), body)


def per_version(
    portal: Portal, resource_id: str, version: int, what: str, compute: Callable[[], Any]
) -> Any:
    """``what`` at a resource's version: read from disk, or computed once and kept."""
    found = stored(portal, resource_id, version, what)
    if found is None:
        found = compute()
        keep(portal, resource_id, version, what, found)
    return found


def drop_before(portal: Portal, resource_id: str, version: int) -> int:
    """Remove what was kept for a resource's versions before ``version``; returns how many."""
    removed = 0
    folder = portal.settings.data_dir / "stats" / _SAFE.sub("_", resource_id)
    for path in folder.glob("*.json"):
        stem = path.name.split("-", 1)[0]
        if stem.isdigit() and int(stem) < version:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def prune(portal: Portal, max_bytes: int) -> int:
    """Keep the files to ``max_bytes`` (oldest removed first; made again when next asked)."""
    root = portal.settings.data_dir / "stats"
    return disk_cache.prune((p for p in root.glob("*/*") if not p.name.startswith(".tmp-")),
                            max_bytes)
