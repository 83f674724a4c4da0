"""The rows a format writes, as engine SQL, with spreadsheet safety.

Spreadsheet safety: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
may be run as a formula by a spreadsheet. Such cells get a leading apostrophe (OWASP's advice)
in .xlsx always, and in CSV/TSV when ``format_args.neutralise_formulas`` is true. Plain numbers
(``-12.5``, ``+3``) are left alone: they cannot be formulas, and coordinates stay usable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from holotype.engine import ident, literal
from holotype.search.rowsets import RecordSet
from holotype.services.downloads.members import Part

FORMULA_START = r"^[=+\-@\t\r]"
NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"


def neutralised(column: str) -> str:
    """SQL for ``column`` with formula-like text made inert."""
    c = ident(column)
    return (f"CASE WHEN regexp_matches({c}, {literal(FORMULA_START)}) AND NOT "
            f"regexp_matches({c}, {literal(NUMBER)}) THEN '''' || {c} ELSE {c} END")


def resource_column(fields: Sequence[str]) -> str:
    """``_resource``, or with more underscores when a field of that name was uploaded."""
    name = "_resource"
    while name in fields:
        name = "_" + name
    return name


def neutral_text(value: str) -> str:
    """``value`` made inert as :func:`neutralised` does in SQL (for header cells)."""
    if re.match(FORMULA_START, value) and not re.fullmatch(NUMBER[1:-1], value):
        return "'" + value
    return value


def select_sql(
    records: RecordSet, part: Part, neutralise: bool, names: Mapping[str, str]
) -> str:
    """The part's rows: ``_id`` (``_resource``) and its fields, resource by resource. With
    ``neutralise``, the record ids, values and column names that look like formulas are
    made inert."""
    selects = []
    for view in part.views:
        have = set(view.columns)
        columns = [f"{neutralised('_id')} AS _id" if neutralise else "_id"]
        if part.with_resource:
            columns.append(f"{literal(names.get(view.rid, view.rid))} AS "
                           f"{ident(resource_column(part.fields))}")
        for field in part.fields:
            if field not in have:
                expr = "NULL::VARCHAR"
            else:
                expr = neutralised(field) if neutralise else ident(field)
            columns.append(f"{expr} AS {ident(neutral_text(field) if neutralise else field)}")
        selects.append(records.rows(view, columns))
    return " UNION ALL ".join(selects) or "SELECT NULL AS _id WHERE false"
