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
from holotype.ingest.dwca_terms import field_name, short_name
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
    """Field names handed out so far; a clash falls back to the full term URI.

    Names are compared ignoring letter case, as the engine compares them.
    """

    def __init__(self, warnings: list[str]) -> None:
        self.taken: dict[str, str] = {}  # casefolded -> as given
        self.warnings = warnings

    def claim(self, wanted: str, term: str) -> str:
        name = wanted
        if name.casefold() in self.taken:
            other = self.taken[name.casefold()]
            name = term if term.casefold() not in self.taken else wanted
            number = 2
            while name.casefold() in self.taken:
                name, number = f"{wanted} ({number})", number + 1
            clash = (
                f"two fields are named {wanted!r}"
                if other == wanted
                else f"{wanted!r} differs from the field {other!r} only in letter case"
            )
            self.warnings.append(f"{clash}; {term} is named {name!r}")
        self.taken[name.casefold()] = name
        return name


@dataclass(frozen=True)
class Plan:
    """The staged table's fields, decided from meta.xml alone (before any data is read)."""

    core: list[tuple[str, FieldSpec | None]]  # field name and its <field> (None: the id column)
    extensions: list[str]  # one field per extension, in meta.xml order
    id_field: str | None
    warnings: list[str]

    @property
    def fields(self) -> list[str]:
        return [name for name, _ in self.core] + self.extensions


def plan_fields(core: FileSpec, extensions: list[FileSpec]) -> Plan:
    """Field names for the core's mapped terms, its id column and each extension."""
    warnings: list[str] = []
    names = _Names(warnings)
    selected: list[tuple[str, FieldSpec | None]] = []
    id_index = core.id_index
    id_field: str | None = None
    mapped = [spec for spec in core.fields if spec.index is not None or spec.default]
    if id_index is not None and not any(spec.index == id_index for spec in mapped):
        id_field = names.claim("id", "id")
        selected.append((id_field, None))
    for spec in _ordered(mapped):
        name = names.claim(field_name(spec.term), spec.term)
        selected.append((name, spec))
        if id_field is None and id_index is not None and spec.index == id_index:
            id_field = name
    extension_names = [
        names.claim(short_name(extension.row_type), extension.row_type) for extension in extensions
    ]
    return Plan(selected, extension_names, id_field, warnings)


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
    plan: Plan,
    core: Part,
    extensions: list[Part],
    out: Path,
    display_name: str,
) -> JoinResult:
    """Write the archive's staged table to ``out``, with the fields ``plan`` names."""
    try:
        return _build(con, plan, core, extensions, out, display_name)
    except duckdb.Error as exc:
        out.unlink(missing_ok=True)
        raise IngestError(
            f"cannot combine the archive's core and extensions: {_first_line(str(exc))}",
            file=display_name,
        ) from exc


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _build(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    core: Part,
    extensions: list[Part],
    out: Path,
    display_name: str,
) -> JoinResult:
    warnings = list(plan.warnings)
    id_index = core.spec.id_index
    id_column = f"core.{ident(core.columns[id_index])}" if id_index is not None else "NULL"
    id_field = plan.id_field
    core_fields = plan.core
    if id_index is not None and not _ids_filled(con, core, display_name):
        id_field = None  # generated ids; an id column that maps no term is left out
        core_fields = [(name, spec) for name, spec in plan.core if spec is not None]
        warnings.append(
            f"{display_name}: the core's id column (column {id_index + 1}) is empty in every "
            "record, so every record got an id generated from its content"
        )
    selected = [
        (name, id_column if spec is None else _value(core, spec, "core."))
        for name, spec in core_fields
    ]
    ctes = [f"core AS ({_source(core)})"]
    joins: list[str] = []
    for number, (name, extension) in enumerate(zip(plan.extensions, extensions, strict=True), 1):
        if not extension.files or id_index is None:
            selected.append((name, "CAST(NULL AS VARCHAR)"))
            continue
        key = ident(extension.columns[extension.spec.id_index or 0])
        core_key = ident(core.columns[id_index])
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
    con.execute(
        f"COPY (WITH {', '.join(ctes)} SELECT {columns} FROM core {' '.join(joins)} "
        f"ORDER BY core.__file, core.__row) TO {literal(out)} "
        "(FORMAT parquet, COMPRESSION zstd)"
    )
    count = con.execute(f"SELECT count(*) FROM read_parquet({literal(out)})").fetchall()[0]
    return JoinResult(
        fields=[name for name, _ in selected],
        rows=int(count[0]) if count else 0,
        id_field=id_field,
        warnings=warnings,
    )


def _ids_filled(con: duckdb.DuckDBPyConnection, core: Part, display_name: str) -> bool:
    """Whether the core's id column is filled: True when every record has an id, False when none
    has; an id column filled for only some records is refused, with the rows named."""
    spec = core.spec
    column = ident(core.columns[spec.id_index or 0])
    empty = f"({column} IS NULL OR trim({column}) = '')"
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {empty}) FROM ({_source(core)})"
    ).fetchone()
    total, missing = (int(row[0]), int(row[1])) if row else (0, 0)
    if missing == 0 or missing == total:
        return missing == 0
    first = con.execute(
        f"SELECT __file, __row FROM ({_source(core)}) WHERE {empty} "
        f"ORDER BY __file, __row LIMIT {SHOWN_IDS}"
    ).fetchall()
    header = spec.ignore_header_lines + 1  # spreadsheet rows: the first record after the header
    rows = [
        (f"{spec.locations[int(number)]} " if len(spec.locations) > 1 else "")
        + f"row {int(offset) + header}"
        for number, offset in first
    ]
    more = f" and {missing - len(rows):,} more" if missing > len(rows) else ""
    raise IngestError(
        f"the core's id column (column {(spec.id_index or 0) + 1}) is empty in {missing:,} of "
        f"{total:,} records ({', '.join(rows)}{more}); every record needs an id there. Fill "
        "them in, or leave the column empty in every record to have ids generated from the "
        "records' content",
        file=display_name,
        row=int(first[0][1]) + header if len(spec.locations) == 1 else None,
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
