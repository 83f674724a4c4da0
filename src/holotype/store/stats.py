"""Per-field type statistics and geo-point checks, computed in DuckDB.

Values are stored as text exactly as uploaded; these statistics only describe what the text looks
like, so that search can compare numbers and dates and the portal can show field types. Counts are
additive, so a new version's statistics are the previous ones plus the rows it adds minus the rows
it ends, without rescanning unchanged records.

Kinds (not exclusive: "1950" is an integer, a number and a partial date):

``present``       non-empty values
``integer``       optional sign and digits
``number``        decimal or scientific notation
``boolean``       true/false/yes/no, any case
``date``          ISO 8601 calendar date, optionally with a time
``partial_date``  year (YYYY) or year-month (YYYY-MM)
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from holotype.engine import ident, literal
from holotype.query.sql import number_from_text

BATCH = 48  # fields per statistics pass
KINDS = ("present", "integer", "number", "boolean", "date", "partial_date")
GEO_KINDS = ("points", "missing", "invalid", "out_of_range")

# Values are classified by shape into one exclusive code first (a cheap screen rejects most text
# with a single regular expression), then each code adds to the kinds it implies.
_SCREEN = (
    r"\s*(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|\d{4}-\d{2}(?:-\d{2}.*)?"
    r"|(?i:true|false|yes|no))\s*"
)
_SHAPES = (  # (code, pattern, kinds implied)
    (1, r"\s*\d{4}\s*", ("integer", "number", "partial_date")),
    (2, r"\s*[+-]?\d+\s*", ("integer", "number")),
    (3, r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*", ("number",)),
    (4, r"\d{4}-(?:0[1-9]|1[0-2])", ("partial_date",)),
    (
        5,
        r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
        ("date",),
    ),
    (6, r"\s*(?i:true|false|yes|no)\s*", ("boolean",)),
)


def shape_sql(column: str) -> str:
    """A UTINYINT code for the shape of each value: NULL when empty, 0 for plain text."""
    c = ident(column)
    branches = []
    for code, pattern, _kinds in _SHAPES:
        condition = f"regexp_full_match({c}, {literal(pattern)})"
        if code == 5:  # a real calendar date, not 2023-13-45
            condition += f" AND TRY_CAST(left({c}, 10) AS DATE) IS NOT NULL"
        branches.append(f"WHEN {condition} THEN {code}")
    return (
        f"CASE WHEN {c} IS NULL THEN NULL::UTINYINT "
        f"WHEN NOT regexp_full_match({c}, {literal(_SCREEN)}) THEN 0::UTINYINT "
        f"{' '.join(branches)} ELSE 0::UTINYINT END"
    )


def _number(column: str) -> str:
    return number_from_text(ident(column))


def geo_point_sql(lat: str, lon: str, available: set[str]) -> dict[str, str]:
    """Predicates classifying each row's geo point (each row falls in exactly one kind)."""
    if lat not in available or lon not in available:
        return {"points": "false", "missing": "true", "invalid": "false", "out_of_range": "false"}
    la, lo = _number(lat), _number(lon)
    la, lo = (
        f"(CASE WHEN isfinite({la}) THEN {la} END)",
        f"(CASE WHEN isfinite({lo}) THEN {lo} END)",
    )
    both_missing = f"({ident(lat)} IS NULL AND {ident(lon)} IS NULL)"
    parsed = f"({la} IS NOT NULL AND {lo} IS NOT NULL)"
    in_range = f"({la} BETWEEN -90 AND 90 AND {lo} BETWEEN -180 AND 180)"
    return {
        "points": f"({parsed} AND {in_range})",
        "missing": both_missing,
        "invalid": f"(NOT {both_missing} AND NOT {parsed})",
        "out_of_range": f"({parsed} AND NOT {in_range})",
    }


def compute(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    fields: Iterable[str],
    geo_fields: tuple[str, str],
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """(field statistics, geo statistics) over the rows of ``relation`` (a SQL subquery)."""
    fields = list(fields)
    if len(fields) > BATCH:
        # Wide files: a few dozen fields per pass keeps the engine's memory flat.
        merged: dict[str, dict[str, int]] = {}
        for start in range(0, len(fields), BATCH):
            part, _no_geo = compute(con, relation, fields[start : start + BATCH], ("", ""))
            merged.update(part)
        geo = geo_point_sql(*geo_fields, available=set(fields))
        row = con.execute(
            "SELECT " + ", ".join(f"count_if({p})" for p in geo.values()) + f" FROM ({relation})"
        ).fetchone()
        assert row is not None
        return merged, {kind: int(v or 0) for kind, v in zip(geo, row, strict=True)}
    shapes = ", ".join(f"{shape_sql(f)} AS k{i}" for i, f in enumerate(fields))
    geo = geo_point_sql(*geo_fields, available=set(fields))
    geo_inner = ", ".join(f"({p}) AS geo_{kind}" for kind, p in geo.items())
    outer = [f"histogram(k{i})" for i in range(len(fields))]
    outer += [f"count_if(geo_{kind})" for kind in geo]
    inner = ", ".join(x for x in (shapes, geo_inner) if x)
    row = con.execute(
        f"SELECT {', '.join(outer)} FROM (SELECT {inner} FROM ({relation}))"
    ).fetchone()
    assert row is not None
    implied = {code: kinds for code, _pattern, kinds in _SHAPES}
    result: dict[str, dict[str, int]] = {}
    for name, histogram in zip(fields, row, strict=False):
        counts = dict.fromkeys(KINDS, 0)
        for code, n in (histogram or {}).items():
            counts["present"] += int(n)
            for kind in implied.get(int(code), ()):
                counts[kind] += int(n)
        result[name] = counts
    geo_values = row[len(fields) :]
    return result, {kind: int(v or 0) for kind, v in zip(geo, geo_values, strict=True)}


def combine(
    base: dict[str, dict[str, int]],
    plus: dict[str, dict[str, int]],
    minus: dict[str, dict[str, int]],
) -> dict[str, dict[str, int]]:
    """``base + plus - minus``, dropping fields no record holds any more."""
    result: dict[str, dict[str, int]] = {}
    for name in [*base, *(n for n in plus if n not in base)]:
        counts = {
            kind: base.get(name, {}).get(kind, 0)
            + plus.get(name, {}).get(kind, 0)
            - minus.get(name, {}).get(kind, 0)
            for kind in KINDS
        }
        if counts["present"] > 0:
            result[name] = counts
    return result


def combine_geo(
    base: dict[str, int], plus: dict[str, int], minus: dict[str, int]
) -> dict[str, int]:
    return {k: base.get(k, 0) + plus.get(k, 0) - minus.get(k, 0) for k in GEO_KINDS}


def field_type(counts: dict[str, int]) -> str:
    """The one type that describes every value of a field: the narrowest that fits them all."""
    present = counts.get("present", 0)
    if present == 0:
        return "empty"
    for kind in ("boolean", "integer", "number"):
        if counts.get(kind, 0) == present:
            return kind
    if counts.get("date", 0) + counts.get("partial_date", 0) >= present and counts.get("date"):
        return "date"
    return "string"
