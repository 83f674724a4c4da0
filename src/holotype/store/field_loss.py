"""The field-loss check: which fields an update or replace would remove from the records it
updates, refused when too many records would lose one.

An update (and a replace) writes each record in the file whole, so a record that holds a field
the file has no column for loses that field. That is right when the file is the new truth, and
a disaster when it is a five-column correction file: :func:`check_field_loss` measures it before
anything is written, in one set-based query over the current records the file names, and
refuses (:class:`FieldLossError`) when the share of those records that would lose at least one
field is more than the caller's limit. Below the limit, a loss is reported as a warning.
An empty cell in a column the file has is not counted: the file says that field is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from holotype.engine import ident
from holotype.store.errors import CommitError
from holotype.store.manifest import Manifest
from holotype.store.reader import relation_sql
from holotype.store.staged import StagedSource

#: How many fields a message names.
NAMED = 10


@dataclass(frozen=True)
class FieldLoss:
    """What an update or replace would remove from the current records the file names."""

    updated: int  # current records the file names (they will be written whole)
    losing: int  # of those, the records that would lose at least one field
    fields: dict[str, int]  # field -> records that would lose it, most first

    @property
    def share(self) -> float:
        return self.losing / self.updated if self.updated else 0.0

    def summary(self) -> str:
        """``locality (120), year (80)``: the fields with their counts, most first."""
        named = list(self.fields.items())[:NAMED]
        text = ", ".join(f"{name} ({count:,})" for name, count in named)
        rest = len(self.fields) - len(named)
        return text + (f" and {rest} more fields" if rest > 0 else "")

    def describe(self, mode: str, *, done: bool = False) -> str:
        verb = "removed" if done else "would remove"
        return (
            f"this {mode} {verb} fields from {self.losing:,} of the {self.updated:,} "
            f"records it updates ({self.share:.0%}), because the file has no column for them: "
            f"{self.summary()}"
        )


class FieldLossError(CommitError):
    """An update or replace would remove fields from more records than the caller allows."""

    def __init__(self, loss: FieldLoss, limit: float, mode: str, file: str) -> None:
        self.loss = loss
        self.limit = limit
        super().__init__(
            f"{loss.describe(mode)}; that is more than the limit of {limit:.0%}. Nothing was "
            "committed: to change only the fields in the file, ingest with mode patch",
            file=file,
        )


def field_loss(
    con: duckdb.DuckDBPyConnection, root: Path, manifest: Manifest, staged: StagedSource
) -> FieldLoss:
    """Which fields the file lacks that the current records it names hold, and how often."""
    have = set(staged.fields)
    missing = [c for c in manifest.columns if c not in have]
    if not missing or manifest.latest is None:
        return FieldLoss(0, 0, {})  # the common case: the file has every column, nothing read
    current = relation_sql(root, manifest, manifest.latest)
    counts = ", ".join(f"count({ident(c)})" for c in missing)
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE coalesce({', '.join(map(ident, missing))}) "
        f"IS NOT NULL), {counts} FROM ({current}) AS c SEMI JOIN staged AS s ON c._id = s._id"
    ).fetchone()
    assert row is not None
    lost = sorted(
        ((name, int(n)) for name, n in zip(missing, row[2:], strict=True) if n),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return FieldLoss(int(row[0]), int(row[1]), dict(lost))


def check_field_loss(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    manifest: Manifest,
    staged: StagedSource,
    mode: str,
    limit: float,
    file: str,
) -> None:
    """Refuse when more than ``limit`` (a share, 0 to 1) of the updated records would lose a
    field; a smaller loss becomes a warning of the version."""
    loss = field_loss(con, root, manifest, staged)
    if loss.share > limit:
        raise FieldLossError(loss, limit, mode, file)
    if loss.losing:
        staged.warnings.append(f"{file}: {loss.describe(mode, done=True)}")
