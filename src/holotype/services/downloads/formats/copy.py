"""CSV, TSV, JSON Lines and Parquet: rows the engine writes itself with ``COPY``.

CSV, TSV and JSON Lines are streamed by the engine straight into the zip (see
:mod:`holotype.services.downloads.package`); Parquet, a file with its footer last, is written by
the engine to a file that is then stored as it is. Memory stays bounded whatever the size.
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
    via_file: bool = False  # written to a file first, then stored in the zip uncompressed

    def write(self, out: Output) -> Written:
        """One member per part."""
        neutralise = bool(out.format_args.get(NEUTRALISE))
        members = []
        for part in out.parts:
            sql = select_sql(out.records, part, neutralise, out.names)
            arcname = f"{part.name}.{self.extension}"
            if self.via_file:
                members.append(Member(arcname, path=out.work / arcname, sql=sql,
                                      options=self.copy_options, compress=False,
                                      records=part.count))
            else:
                members.append(Member(arcname, sql=sql, options=self.copy_options,
                                      records=part.count))
        return Written(members)


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
    copy_options="FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1", via_file=True))
