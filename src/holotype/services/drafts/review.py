"""The review of a staged draft: what the editor sees before publishing (first rows, types,
the id field, suggested Darwin Core terms, the validation findings).

A plain dataclass with a plain list of :class:`holotype.store.review.Finding`, so that other
checks (e.g. "this would undo a correction") can add findings of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from holotype.services.drafts.suggest import suggestions
from holotype.store import Manifest, StagedSource
from holotype.store import review as checks
from holotype.store.errors import CommitError
from holotype.store.record_ids import choose_id_field
from holotype.store.review import ERROR, WARNING, Finding
from holotype.store.staged import check_against_existing
from holotype.store.stats import field_type

FIRST_ROWS = 20


@dataclass(frozen=True)
class Review:
    format: str
    rows: int
    fields: list[str]
    first_rows: list[dict[str, Any]]  # each with ``_row``, the row number in the file
    types: dict[str, str]  # field -> boolean, integer, number, date, string or empty
    id_field: str | None  # None: ids generated from each record's content
    id_field_fixed: bool  # earlier versions chose it: it cannot change
    suggestions: dict[str, str]  # column -> Darwin Core term
    findings: list[Finding] = field(default_factory=list)
    reader_warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "rows": self.rows, "fields": self.fields,
                "first_rows": self.first_rows, "types": self.types, "id_field": self.id_field,
                "id_field_fixed": self.id_field_fixed, "suggestions": self.suggestions,
                "findings": [f.as_dict() for f in self.findings],
                "reader_warnings": self.reader_warnings}

    @classmethod
    def of(cls, data: dict[str, Any]) -> Review:
        return cls(data["format"], int(data["rows"]), list(data["fields"]),
                   list(data["first_rows"]), dict(data["types"]), data["id_field"],
                   bool(data["id_field_fixed"]), dict(data["suggestions"]),
                   [Finding.of(f) for f in data["findings"]], list(data["reader_warnings"]))


def build(con: duckdb.DuckDBPyConnection, staged: StagedSource, manifest: Manifest,
          requested_id: str | None, geo_fields: tuple[str, str], file: str) -> Review:
    """Review ``staged``, to become the next version of the resource ``manifest`` describes
    (an empty one for a new resource)."""
    checks.open_view(con, staged)
    counts = checks.field_types(con, staged)
    id_field = choose_id_field(manifest, staged, requested_id)
    findings = checks.validate(
        con, staged, id_field=id_field, geo_fields=geo_fields,
        present={name: c.get("present", 0) for name, c in counts.items()},
        today=datetime.now(UTC).date())
    try:
        check_against_existing(staged.fields, manifest.columns, file=file)
    except CommitError as clash:
        findings.insert(0, Finding(ERROR, "field_case", clash.message, clash.column))
    first = [{k: _text(v) for k, v in row.items()}
             for row in checks.first_rows(con, staged, FIRST_ROWS)]
    return Review(staged.format, staged.rows, list(staged.fields), first,
                  {name: field_type(counts.get(name, {})) for name in staged.fields},
                  id_field, bool(manifest.versions), suggestions(staged.fields), findings,
                  list(staged.warnings))


def _text(value: Any) -> Any:
    return value if value is None or isinstance(value, int | str) else str(value)
