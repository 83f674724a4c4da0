"""The store's refusal: staged records it will not commit, with where the problem is."""

from __future__ import annotations


class CommitError(Exception):
    """Staged records cannot be committed. Nothing of them is.

    Raised for an unknown mode, an id field that is missing or changes between versions, missing
    or duplicate record ids, and field names that clash with earlier versions. ``row`` counts like
    a spreadsheet: the header is row 1, the first record row 2. ``column`` is the field's name
    where there is one. The file readers refuse files with ``IngestError``, a subclass of this
    one, so catching this class catches every refused upload.
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
