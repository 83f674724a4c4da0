"""Errors raised for bad input: each names where the problem is (file, row, column)."""

from __future__ import annotations

from holotype.store import CommitError


class IngestError(CommitError):
    """A file cannot be ingested. Nothing of it is committed.

    ``row`` counts like a spreadsheet: the header is row 1, the first record row 2 (a quoted field
    that spans lines still counts as one row). ``column`` is the header name where there is one.

    The store refuses staged records with :class:`~holotype.store.errors.CommitError`, the base
    class; the ingest use case reports those to its callers as an IngestError too (see
    :meth:`refused_by_store`), so one ``except IngestError`` covers every refused upload.
    """

    @classmethod
    def refused_by_store(cls, refusal: CommitError) -> IngestError:
        """The store's refusal as an IngestError naming the same place."""
        return cls(refusal.message, file=refusal.file, row=refusal.row, column=refusal.column)
