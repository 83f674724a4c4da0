"""Media files inside a Darwin Core Archive: a multimedia extension (GBIF Simple Multimedia or
Audubon Core) whose ``identifier`` / ``accessURI`` is a path inside the archive (relative to
meta.xml, like the data files) names a file the archive carries. Each such file is stored by its
content (:mod:`holotype.media.stored`) and the identifier rewritten to its ``stored:`` source,
in the staged extension, before the extension is joined to the core; the record then shows the
image like any other. Web addresses are left as they are. A named file the archive lacks is a
warning naming it; the row keeps the path, which no reader takes for an image.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from holotype.engine import ident, literal
from holotype.ingest.dwca_join import Part
from holotype.ingest.dwca_terms import short_name
from holotype.ingest.dwca_zip import ExtractBudget, extract_member
from holotype.ingest.errors import IngestError
from holotype.media.stored import store_file

#: Terms whose value is a medium's address, in the multimedia extensions.
SOURCE_TERMS = ("identifier", "accessURI", "accessUri")
SHOWN = 5  # missing files named in a warning

Member = Callable[[str], zipfile.ZipInfo | None]


def _source_columns(part: Part) -> list[str]:
    """The staged columns of the extension's address terms (``identifier`` and
    ``accessURI`` may both be there, either one naming the file)."""
    if part.name.casefold() != "multimedia":
        return []
    return [part.columns[spec.index] for spec in part.spec.fields
            if short_name(spec.term) in SOURCE_TERMS and spec.index is not None
            and spec.index < len(part.columns)]


def _inside(value: str) -> bool:
    """Whether an identifier is a path (not a web address or a stored source)."""
    return bool(value) and "://" not in value and not value.startswith("stored:")


def store_archive_media(
    con: duckdb.DuckDBPyConnection, part: Part, archive: zipfile.ZipFile, member: Member,
    data_dir: Path, work_dir: Path, budget: ExtractBudget, display_name: str,
) -> list[str]:
    """Store the files a staged multimedia extension names inside the archive and rewrite its
    address columns to their stored sources; the warnings (files not in the archive)."""
    columns = _source_columns(part)
    if not columns or not part.files:
        return []
    files = ", ".join(literal(str(path)) for path in part.files)
    values = sorted({str(row[0]) for column in columns for row in con.execute(
        f"SELECT DISTINCT trim({ident(column)}) FROM read_parquet([{files}]) "
        f"WHERE {ident(column)} IS NOT NULL").fetchall()})
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for value in (v for v in values if _inside(v)):
        try:
            info = member(value)
        except IngestError:
            info = None
        if info is None:
            missing.append(value)
            continue
        copy = extract_member(archive, info, work_dir / "medium", budget, display_name)
        try:
            mapping[value] = store_file(data_dir, _renamed(copy, value))
        finally:
            for leftover in work_dir.glob("medium*"):
                leftover.unlink(missing_ok=True)
    if mapping:
        _rewrite(con, part, columns, mapping)
    if not missing:
        return []
    named = ", ".join(repr(name) for name in missing[:SHOWN])
    more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
    return [f"{display_name}: the {part.name} extension names files that are not in the "
            f"archive: {named}{more}; those rows keep their paths and show no image"]


def _renamed(copy: Path, value: str) -> Path:
    """The extracted copy under a name with the member's extension (the stored name keeps
    it)."""
    target = copy.with_name("medium" + Path(value).suffix.lower()[:9])
    copy.replace(target)
    return target


def _rewrite(con: duckdb.DuckDBPyConnection, part: Part, columns: list[str],
             mapping: dict[str, str]) -> None:
    """Each staged file of the extension again, with stored sources for archive paths in each
    address column, in the same row order."""
    con.execute("CREATE OR REPLACE TEMP TABLE __archive_media (path VARCHAR, source VARCHAR)")
    con.executemany("INSERT INTO __archive_media VALUES (?, ?)", list(mapping.items()))
    replaced = ", ".join(
        f"coalesce((SELECT m.source FROM __archive_media AS m WHERE m.path = trim(p.{ident(c)})),"
        f" p.{ident(c)}) AS {ident(c)}" for c in columns)
    for path in part.files:
        rewritten = path.with_name(path.stem + "-media.parquet")
        con.execute(
            f"COPY (SELECT p.* EXCLUDE (file_row_number) REPLACE ({replaced}) "
            f"FROM read_parquet({literal(str(path))}, file_row_number = true) AS p "
            f"ORDER BY p.file_row_number) TO {literal(str(rewritten))} (FORMAT parquet)"
        )
        rewritten.replace(path)
    con.execute("DROP TABLE __archive_media")
