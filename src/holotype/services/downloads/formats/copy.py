"""CSV, TSV, JSON Lines and Parquet: rows the engine writes itself with ``COPY``.

The engine streams every one of them straight into the zip (see
:mod:`holotype.services.downloads.package`): CSV, TSV and JSON Lines deflated, Parquet (already
compressed, with zstd) stored as it is. Memory stays bounded whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass

from holotype.services.downloads.formats import register
from holotype.services.downloads.formats.provider import DownloadFormat, Output, Written
from holotype.services.downloads.formats.rows import select_sql
from holotype.services.downloads.members import Member

NEUTRALISE = "neutralise_formulas"


@dataclass(frozen=True)
class CopyFormat(DownloadFormat):
    """A format the engine writes: ``copy_options`` are its COPY options."""

    copy_options: str = ""
    compressed: bool = False  # compressed already: stored in the zip as it is

    def write(self, out: Output) -> Written:
        """One member per part."""
        neutralise = bool(out.format_args.get(NEUTRALISE))
        return Written([
            Member(f"{part.name}.{self.extension}",
                   sql=select_sql(out.records, part, neutralise, out.names),
                   options=self.copy_options, compress=not self.compressed,
                   records=part.count)
            for part in out.parts])


register(CopyFormat(
    "csv", "CSV", "csv", "text/csv", options=frozenset({NEUTRALISE}),
    copy_options="FORMAT csv, HEADER"))
register(CopyFormat(
    "tsv", "TSV", "tsv", "text/tab-separated-values", options=frozenset({NEUTRALISE}),
    copy_options="FORMAT csv, HEADER, DELIMITER '\t'"))
register(CopyFormat(
    "jsonl", "JSON Lines", "jsonl", "application/jsonl", aliases=("json",),
    copy_options="FORMAT json"))
register(CopyFormat(
    "parquet", "Parquet", "parquet", "application/vnd.apache.parquet",
    copy_options="FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1", compressed=True))
