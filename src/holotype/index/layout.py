"""Where index files live and how their columns are named."""

from __future__ import annotations

from pathlib import Path

FORMAT = 7  # bump when the index layout changes: indexes live under index/v<FORMAT>/
OPEN = 9_223_372_036_854_775_807  # ``_to`` of a record version that is still current
INDEX_SUFFIX = ".duckdb"
ROWS_SUFFIX = ".rows.sqlite"
NUMBER_PREFIX = "_n:"


def index_path(root: Path, version: int) -> Path:
    return root / f"{version}{INDEX_SUFFIX}"


def rows_path(root: Path, version: int) -> Path:
    """The row file (see ``holotype.index.rows``) that belongs to an index file."""
    return root / f"{version}{ROWS_SUFFIX}"


def indexed_versions(root: Path) -> list[int]:
    """Versions that have a complete index file, oldest first."""
    if not root.is_dir():
        return []
    found = []
    for path in root.glob(f"*{INDEX_SUFFIX}"):
        stem = path.name[: -len(INDEX_SUFFIX)]
        if stem.isdigit():
            found.append(int(stem))
    return sorted(found)


def number_column(field: str) -> str:
    """The index column holding ``field`` parsed as a number."""
    return NUMBER_PREFIX + field


def prune_indexes(root: Path, keep: int = 1) -> None:
    """Delete all but the ``keep`` newest index files (the newest serves every version up to
    its own; readers that still have an older file open keep reading it until they let go,
    and those that open files by name find the newest again: ``engine.Superseded``)."""
    for version in indexed_versions(root)[:-keep]:
        index_path(root, version).unlink(missing_ok=True)
        rows_path(root, version).unlink(missing_ok=True)
    kept = set(indexed_versions(root))
    for path in root.glob(f"*{ROWS_SUFFIX}"):  # left by a build that stopped in between
        stem = path.name[: -len(ROWS_SUFFIX)]
        if stem.isdigit() and int(stem) not in kept:
            path.unlink(missing_ok=True)
