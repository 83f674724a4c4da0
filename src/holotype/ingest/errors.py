"""Errors raised for bad input: each names where the problem is (file, row, column)."""

from __future__ import annotations


class IngestError(Exception):
    """A file cannot be ingested. Nothing of it is committed.

    ``row`` counts like a spreadsheet: the header is row 1, the first record row 2 (a quoted field
    that spans lines still counts as one row). ``column`` is the header name where there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self.location_message())

    def location_message(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return (", ".join(where) + ": " if where else "") + self.message
