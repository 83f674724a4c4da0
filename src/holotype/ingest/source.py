"""What every reader produces: a staged table of records, ready to commit.

A reader turns one uploaded file into a Parquet file in a work directory, with one column per
field, every value a string exactly as it was in the file (numbers and dates are not reformatted)
and empty values as nulls. Column order is the file's. Readers never touch the record store; the
store decides what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """Size limits that protect the server from oversized or malicious uploads."""

    max_upload_bytes: int = 4 * 1024**3
    max_uncompressed_bytes: int = 16 * 1024**3
    max_compression_ratio: int = 200
    max_fields: int = 1000


@dataclass
class StagedSource:
    """A file read into a staging Parquet file."""

    path: Path  # the staging Parquet file
    fields: list[str]  # field names in the file's order
    rows: int
    format: str  # csv, tsv, xlsx, json, jsonl, dwca
    first_row: int = 2  # spreadsheet-style row number of the first record (header is row 1)
    default_id_field: str | None = None  # e.g. the Darwin Core Archive core id column
    warnings: list[str] = field(default_factory=list)
