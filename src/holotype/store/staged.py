"""What the store commits: a staged table of records, and the field names it may hold.

A reader turns one uploaded file into a Parquet file in a work directory, with one column per
field, every value a string exactly as it was in the file (numbers and dates are not reformatted)
and empty values as nulls. Column order is the file's. Readers never touch the record store; the
store decides what changed.

Field names are the store's rules: the store and its indexes keep their own columns beside the
record's fields (:data:`RESERVED`), so a staged file may not use those names, and readers refuse
them before staging. A name that differs only in letter case from one an earlier version used is
refused at commit (:func:`check_against_existing`), since the engine does not tell them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from holotype.store.errors import CommitError

#: Columns the store and its indexes keep beside the record's own fields.
RESERVED = frozenset({"_id", "_from", "_to", "_row", "_rid", "_res", "_h", "_lat", "_lon"})
RESERVED_PREFIXES = ("_n:",)
MAX_FIELD_NAME = 200


@dataclass
class StagedSource:
    """A file read into a staging Parquet file."""

    path: Path  # the staging Parquet file
    fields: list[str]  # field names in the file's order
    rows: int
    format: str  # csv, tsv, xlsx, json, jsonl, dwca
    first_row: int = 2  # spreadsheet-style row number of the first record (header is row 1)
    default_id_field: str | None = None  # e.g. the Darwin Core Archive core id column
    # The format itself says which field identifies records (a Darwin Core Archive's <id>):
    # ``default_id_field`` is then the id field of a new resource, None meaning generated ids.
    declared_id: bool = False
    warnings: list[str] = field(default_factory=list)


def check_against_existing(names: Sequence[str], existing: Sequence[str], *, file: str) -> None:
    """Refuse a name that differs only in case from one an earlier version used."""
    known = {n.casefold(): n for n in existing}
    for name in names:
        other = known.get(name.casefold())
        if other is not None and other != name:
            raise CommitError(
                f"field {name!r} differs only in letter case from {other!r}, which earlier "
                "versions of this resource use; use the same spelling",
                file=file, column=name,
            )
