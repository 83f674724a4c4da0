"""Writing a staging Parquet file in batches, so memory stays bounded whatever the file's size.

Every column is a nullable string. :class:`ColumnWriter` serves readers that know their fields up
front (a spreadsheet header); :class:`RecordWriter` serves readers whose fields appear as records
are read (JSON), writing parts as it goes and assembling them into one file at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from holotype.ingest.errors import IngestError
from holotype.ingest.names import check_field_names

BATCH_ROWS = 10_000
BATCH_CHARS = 32 * 1024 * 1024
MAX_FIELDS = 1000  # the default of Limits.max_fields
COMPRESSION = "zstd"


def string_schema(names: list[str]) -> pa.Schema:
    return pa.schema([pa.field(name, pa.string()) for name in names])


class ColumnWriter:
    """Rows of a fixed list of fields, written every BATCH_ROWS rows (or BATCH_CHARS of text)."""

    def __init__(self, out: Path, names: list[str]) -> None:
        self.schema = string_schema(names)
        self.writer = pq.ParquetWriter(out, self.schema, compression=COMPRESSION)
        self.columns: list[list[str | None]] = [[] for _ in names]
        self.rows = 0
        self.chars = 0

    def add(self, values: list[str | None]) -> None:
        """One row: a value (or None) for every field."""
        for column, value in zip(self.columns, values, strict=True):
            column.append(value)
            if value:
                self.chars += len(value)
        self.rows += 1
        if len(self.columns[0]) >= BATCH_ROWS or self.chars >= BATCH_CHARS:
            self.flush()

    def flush(self) -> None:
        if self.columns and self.columns[0]:
            self.writer.write_table(pa.table(self.columns, schema=self.schema))
            self.columns = [[] for _ in self.columns]
            self.chars = 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


class RecordWriter:
    """Records whose fields are discovered as they come (the union of keys, in first-seen order).

    Each new field name is checked against the others (:func:`names.check_field_names`), and the
    running total may not pass ``max_fields``.
    """

    def __init__(self, out: Path, display_name: str, max_fields: int = MAX_FIELDS) -> None:
        self.out = out
        self.display_name = display_name
        self.max_fields = max_fields
        self.fields: list[str] = []
        self._known: set[str] = set()
        self._batch: list[dict[str, str | None]] = []
        self._chars = 0
        self._parts: list[tuple[Path, list[str]]] = []
        self._writer: pq.ParquetWriter | None = None
        self.rows = 0

    def add(self, record: dict[str, str | None], number: int, size: int) -> None:
        """One record: ``number`` counts from 1 (for errors), ``size`` is about its length in
        characters (to bound a batch's memory)."""
        for key in record:
            if key not in self._known:
                self._new_field(key, number)
        self._batch.append(record)
        self._chars += size
        self.rows += 1
        if len(self._batch) >= BATCH_ROWS or self._chars >= BATCH_CHARS:
            self._flush()

    def _new_field(self, key: str, number: int) -> None:
        if not key.strip():
            raise IngestError(
                f"record {number} has a field with an empty name",
                file=self.display_name,
                row=number,
            )
        if len(self.fields) >= self.max_fields:
            raise IngestError(
                f"record {number} brings the number of distinct field names past "
                f"{self.max_fields}; records should share a set of fields",
                file=self.display_name,
                row=number,
            )
        check_field_names(
            [*self.fields, key], file=self.display_name, max_fields=self.max_fields, row=number
        )
        if not _is_unicode(key):
            raise IngestError(
                f"record {number} has a field name that is not valid Unicode text ({key!r})",
                file=self.display_name,
                row=number,
            )
        self._known.add(key)
        self.fields.append(key)

    def _flush(self) -> None:
        if not self._batch:
            return
        if self._writer is None or len(self._parts[-1][1]) != len(self.fields):
            self._close_part()
            path = self.out.with_name(f"{self.out.stem}.part{len(self._parts)}.parquet")
            self._parts.append((path, list(self.fields)))
            self._writer = pq.ParquetWriter(
                path, string_schema(self.fields), compression=COMPRESSION
            )
        row_type = pa.struct(list(string_schema(self._parts[-1][1])))
        try:
            array = pa.array(self._batch, type=row_type)
        except (UnicodeError, pa.ArrowException) as exc:
            raise self._bad_batch(exc) from exc
        self._writer.write_table(pa.Table.from_struct_array(array))
        self._batch = []
        self._chars = 0

    def _bad_batch(self, exc: Exception) -> IngestError:
        """The error for a batch the Arrow conversion refused, naming its first bad record."""
        first = self.rows - len(self._batch) + 1
        for number, record in enumerate(self._batch, start=first):
            for key, value in record.items():
                if value is not None and not _is_unicode(value):
                    return IngestError(
                        f"record {number} has a value that is not valid Unicode text (an "
                        "unpaired surrogate escape such as \\ud800)",
                        file=self.display_name,
                        row=number,
                        column=key,
                    )
        return IngestError(f"cannot stage the records: {exc}", file=self.display_name)

    def _close_part(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def finish(self) -> int:
        """Write ``out`` from the parts; returns the number of records."""
        self._flush()
        self._close_part()
        if not self.fields:
            raise IngestError(
                "the file holds no records" if not self.rows else "the records have no fields",
                file=self.display_name,
            )
        if len(self._parts) == 1:
            self._parts.pop()[0].replace(self.out)
            return self.rows
        schema = string_schema(self.fields)
        with pq.ParquetWriter(self.out, schema, compression=COMPRESSION) as writer:
            for batch in self._widened(schema):
                writer.write_table(batch)
        return self.rows

    def _widened(self, schema: pa.Schema) -> Iterator[pa.Table]:
        """Every part's rows with the columns it lacks added as nulls."""
        for path, names in self._parts:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
                have = dict(zip(names, batch.columns, strict=True))
                columns = [
                    have.get(name, pa.nulls(batch.num_rows, pa.string())) for name in self.fields
                ]
                yield pa.table(columns, schema=schema)

    def discard(self) -> None:
        """Remove the parts (always call this, after finish() or on error)."""
        self._close_part()
        for path, _ in self._parts:
            path.unlink(missing_ok=True)
        self._parts.clear()


def _is_unicode(text: str) -> bool:
    """Whether the text can be written as UTF-8 (JSON escapes can make unpaired surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
