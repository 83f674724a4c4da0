"""A figure's table as files: CSV (one row per row, columns by name, the search that gives the
row's count last) and JSON (everything the table holds, for the API and the page's twin)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from holotype.services.statistics.charts import Link
from holotype.services.statistics.model import Table

SEARCH_COLUMN = "search"


def to_csv(table: Table, links: Sequence[Link] | None = None) -> str:
    """``table`` as CSV: a header of column names, then the rows; ``links`` (the rows'
    searches, in order) as a last column ``search`` when given, or a column
    ``search_<column>`` per column where a row's cells have searches of their own; records in
    values not listed as a last row ``(others)`` when there are any."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [c.name for c in table.columns]
    own = next((list(link) for link in links or () if isinstance(link, dict)), None)
    extra = ([] if links is None else [f"{SEARCH_COLUMN}_{k}" for k in own] if own
             else [SEARCH_COLUMN])
    writer.writerow(names + extra)
    for i, row in enumerate(table.rows):
        cells = ["" if row.get(n) is None else row.get(n) for n in names]
        link = links[i] if links is not None and i < len(links) else None
        if own:
            cells += [link.get(k, "") if isinstance(link, dict) else "" for k in own]
        elif links is not None:
            cells.append(link if isinstance(link, str) else "")
        writer.writerow(cells)
    if table.others:
        counts = [c.name for c in table.columns if c.type in ("integer", "number")]
        writer.writerow(["(others)" if i == 0 else (table.others if n == counts[0] else "")
                         for i, n in enumerate(names)] + [""] * len(extra))
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
