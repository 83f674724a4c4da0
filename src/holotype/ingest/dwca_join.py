"""The staged table of a Darwin Core Archive, built in DuckDB from its staged core and extensions.

Core columns become fields named after their terms (defaults filled in). Each extension becomes
one more field, named after its rowType (``Multimedia``), holding a compact JSON array with one
object per extension row of that core record, in the extension file's order. Core row order is
kept. Extension rows whose core id is not in the core are counted in a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from holotype.engine import ident, literal
from holotype.ingest.dwca_meta import FieldSpec, FileSpec
from holotype.ingest.dwca_terms import field_name
from holotype.ingest.errors import IngestError

SHOWN_IDS = 5


@dataclass(frozen=True)
class Part:
    """A staged core or extension: Parquet files (one per location) with named raw columns."""

    spec: FileSpec
    files: list[Path]
    columns: list[str]  # raw column names, by column index
    name: str  # the rowType's short name


@dataclass
class JoinResult:
    fields: list[str]
    rows: int
    id_field: str | None
    warnings: list[str] = field(default_factory=list)


class _Names:
    """Field names handed out so far; a clash falls back to the full term URI."""

    def __init__(self, warnings: list[str]) -> None:
        self.taken: list[str] = []
        self.warnings = warnings

    def claim(self, wanted: str, term: str) -> str:
        name = wanted
        if name in self.taken:
            name = term if term not in self.taken else wanted
            number = 2
            while name in self.taken:
                name, number = f"{wanted} ({number})", number + 1
            self.warnings.append(f"two fields are named {wanted!r}; {term} is named {name!r}")
        self.taken.append(name)
        return name


def _source(part: Part) -> str:
    """All files of a part as one relation, with its order (__file, __row)."""
    selects = [
        f"SELECT {number} AS __file, file_row_number AS __row, * EXCLUDE (file_row_number) "
        f"FROM read_parquet({literal(path)}, file_row_number = true)"
        for number, path in enumerate(part.files)
    ]
    return " UNION ALL ".join(selects)


def _value(part: Part, spec: FieldSpec, alias: str) -> str:
    default = spec.default if spec.default else None
    if spec.index is None:
        return literal(default) if default is not None else "CAST(NULL AS VARCHAR)"
    column = f"{alias}{ident(part.columns[spec.index])}"
    return f"COALESCE({column}, {literal(default)})" if default is not None else column


def _ordered(fields: list[FieldSpec]) -> list[FieldSpec]:
    """Fields in column order; constant fields (no index) after them, in meta.xml order."""
    return sorted(fields, key=lambda spec: (spec.index is None, spec.index or 0))


def _core_fields(core: Part, names: _Names) -> tuple[list[tuple[str, str]], str | None]:
    """(field name, SQL expression) for each core field, and the name of the id field."""
    selected: list[tuple[str, str]] = []
    id_index = core.spec.id_index
    id_field: str | None = None
    mapped = [spec for spec in core.spec.fields if spec.index is not None or spec.default]
    if id_index is not None and not any(spec.index == id_index for spec in mapped):
        id_field = names.claim("id", "id")
        selected.append((id_field, f"core.{ident(core.columns[id_index])}"))
    for spec in _ordered(mapped):
        name = names.claim(field_name(spec.term), spec.term)
        selected.append((name, _value(core, spec, "core.")))
        if id_field is None and id_index is not None and spec.index == id_index:
            id_field = name
    return selected, id_field


def _extension_values(extension: Part) -> str:
    """A struct literal of one extension row: term short name -> value, without the core id."""
    keys = _Names([])
    entries = [
        f"{literal(keys.claim(field_name(spec.term), spec.term))}: {_value(extension, spec, '')}"
        for spec in _ordered(extension.spec.fields)
        if spec.index != extension.spec.id_index and (spec.index is not None or spec.default)
    ]
    return "{" + ", ".join(entries) + "}" if entries else "{'id': CAST(NULL AS VARCHAR)}"


def build_staged_table(
    con: duckdb.DuckDBPyConnection,
    core: Part,
    extensions: list[Part],
    out: Path,
    display_name: str,
) -> JoinResult:
    """Write the archive's staged table to ``out``."""
    warnings: list[str] = []
    names = _Names(warnings)
    selected, id_field = _core_fields(core, names)
    ctes = [f"core AS ({_source(core)})"]
    joins: list[str] = []
    for number, extension in enumerate(extensions, start=1):
        name = names.claim(extension.name, extension.spec.row_type)
        if not extension.files or core.spec.id_index is None:
            selected.append((name, "CAST(NULL AS VARCHAR)"))
            continue
        key = ident(extension.columns[extension.spec.id_index or 0])
        core_key = ident(core.columns[core.spec.id_index])
        ctes.append(
            f"e{number} AS (SELECT {key} AS __key, CAST(to_json(list("
            f"{_extension_values(extension)} ORDER BY __file, __row)) AS VARCHAR) AS __value "
            f"FROM ({_source(extension)}) WHERE {key} IS NOT NULL GROUP BY {key})"
        )
        joins.append(f"LEFT JOIN e{number} ON core.{core_key} = e{number}.__key")
        selected.append((name, f"e{number}.__value"))
        orphans = (
            f"SELECT e.{key} AS key, e.__file, e.__row FROM ({_source(extension)}) e "
            f"WHERE e.{key} IS NULL OR NOT EXISTS "
            f"(SELECT 1 FROM ({_source(core)}) c WHERE c.{core_key} = e.{key})"
        )
        warnings.extend(_orphan_warning(con, orphans, extension.name, display_name))
    columns = ", ".join(f"{expr} AS {ident(name)}" for name, expr in selected)
    try:
        con.execute(
            f"COPY (WITH {', '.join(ctes)} SELECT {columns} FROM core {' '.join(joins)} "
            f"ORDER BY core.__file, core.__row) TO {literal(out)} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
    except duckdb.Error as exc:
        raise IngestError(
            f"cannot combine the archive's core and extensions: {exc}", file=display_name
        ) from exc
    count = con.execute(f"SELECT count(*) FROM read_parquet({literal(out)})").fetchall()[0]
    return JoinResult(
        fields=[name for name, _ in selected],
        rows=int(count[0]) if count else 0,
        id_field=id_field,
        warnings=warnings,
    )


def _orphan_warning(
    con: duckdb.DuckDBPyConnection, orphans: str, extension: str, display_name: str
) -> list[str]:
    """A warning about extension rows whose core id matches no core record, if there are any."""
    count_row = con.execute(f"SELECT count(*) FROM ({orphans})").fetchall()[0]
    count = int(count_row[0]) if count_row else 0
    if not count:
        return []
    first = con.execute(
        f"SELECT coalesce(key, '(empty)') FROM ({orphans}) GROUP BY key "
        f"ORDER BY min(__file), min(__row) LIMIT {SHOWN_IDS}"
    ).fetchall()
    shown = ", ".join(str(row[0]) for row in first)
    return [
        f"{display_name}: {count} {extension} rows refer to core ids that are not in the "
        f"core; they were left out (first: {shown})"
    ]
