"""Field names every reader must check before staging: the rules are the store's.

The store declares them (:mod:`holotype.store.staged`); readers refuse a file that breaks them
before staging it, naming the field. The rule across versions (no change of letter case) needs
the resource's history, so the store checks that one at commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from holotype.ingest.errors import IngestError
from holotype.store import MAX_FIELD_NAME, RESERVED, RESERVED_PREFIXES


def check_field_count(count: int, *, file: str, max_fields: int, row: int | None = 1) -> None:
    """Refuse a file with more than ``max_fields`` fields, saying how many it has."""
    if count > max_fields:
        raise IngestError(
            f"the file has {count:,} fields; the limit is {max_fields:,} (setting max_fields)",
            file=file, row=row,
        )


def check_field_names(
    names: Sequence[str], *, file: str, max_fields: int, row: int | None = 1
) -> list[str]:
    """The names, or an IngestError naming the first problem (position and name).

    Refused: empty names, names longer than 200 characters, names the portal reserves for its
    own columns, and two names equal apart from letter case (the engine does not tell them apart,
    so one would silently take the other's place). More than ``max_fields`` names is refused too.
    """
    check_field_count(len(names), file=file, max_fields=max_fields, row=row)
    seen: dict[str, tuple[int, str]] = {}
    for position, name in enumerate(names, start=1):
        if not name.strip():
            raise IngestError(f"field {position} has no name", file=file, row=row)
        if len(name) > MAX_FIELD_NAME:
            raise IngestError(
                f"field {position}'s name is {len(name)} characters long; the limit is "
                f"{MAX_FIELD_NAME}", file=file, row=row,
            )
        if name in RESERVED or name.startswith(RESERVED_PREFIXES):
            raise IngestError(
                f"field name {name!r} (field {position}) is reserved for the portal's own "
                "columns; rename it", file=file, row=row, column=name,
            )
        key = name.casefold()
        if key in seen:
            first, other = seen[key]
            same = "appears twice" if other == name else f"clashes with {other!r}"
            raise IngestError(
                f"field name {name!r} (field {position}) {same} (field {first}); names must "
                "differ in more than letter case",
                file=file, row=row, column=name,
            )
        seen[key] = (position, name)
    return list(names)

