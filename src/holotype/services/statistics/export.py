"""A figure's table as files: CSV (one row per row, columns by name, the search that gives the
row's count last) and JSON (everything the table holds, for the API and the page's twin)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from holotype.services.statistics.model import Table

SEARCH_COLUMN = "search"


def to_csv(table: Table, links: Sequence[str | None] | None = None) -> str:
    """``table`` as CSV: a header of column names, then the rows; ``links`` (the rows'
    searches, in order) as a last column when given; records in values not listed as a last
    row ``(others)`` when there are any."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [c.name for c in table.columns]
    writer.writerow(names + ([SEARCH_COLUMN] if links is not None else []))
    for i, row in enumerate(table.rows):
        cells = ["" if row.get(n) is None else row.get(n) for n in names]
        if links is not None:
            cells.append((links[i] if i < len(links) else None) or "")
        writer.writerow(cells)
    if table.others:
        counts = [c.name for c in table.columns if c.type in ("integer", "number")]
        writer.writerow(["(others)" if i == 0 else (table.others if n == counts[0] else "")
                         for i, n in enumerate(names)]
                        + ([""] if links is not None else []))
    return out.getvalue()


def to_json(table: Table) -> dict[str, Any]:
    """``table`` as JSON: its figure, title, text alternative, columns, rows (with their
    ``filters``), total, others, why it is unavailable, and the versions it read."""
    return {
        "figure": table.figure,
        "title": table.title,
        "description": table.description,
        "columns": [{"name": c.name, "label": c.label, "type": c.type} for c in table.columns],
        "rows": [dict(row) for row in table.rows],
        "total": table.total,
        "others": table.others,
        "unavailable": table.unavailable,
        "versions": dict(table.versions),
    }
