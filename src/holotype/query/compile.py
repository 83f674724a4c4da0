"""Compiling a validated query into one SQL boolean expression over a :class:`Target`.

Every literal is quoted with ``engine.literal`` (numbers as quoted text cast to DOUBLE), so no
user text reaches the SQL any other way. Under a ``not``, every term compiles to a TRUE/FALSE
expression, never NULL (``COALESCE(..., FALSE)``), so that ``not`` means "none of its members"
also for records where a member's value is missing. Elsewhere a term may be NULL where a value
is missing: with only AND and OR above it, a NULL part makes the whole TRUE exactly when FALSE
would, and a WHERE keeps only TRUE rows. Left bare, a comparison of a column with a constant is
a filter DuckDB applies while scanning (on compressed data, skipping row groups by their
min/max); wrapped, it is an expression evaluated row by row (``year >= 1900`` over 6,000,000
records: see docs/search-index.md). So the compiled filter is for a WHERE (or FILTER) clause
only, never a value to select. The semantics are written out in ``docs/query-language.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from holotype.engine import literal
from holotype.query.areas import AreaCatalogue
from holotype.query.compile_geo import (
    custom_area_sql,
    exists_point_sql,
    geo_point_sql,
    named_area_sql,
)
from holotype.query.schema import GROUP_KEYS, Query
from holotype.query.sql import double, varchar_list
from holotype.query.target import Target
from holotype.query.tokens import token_list_sql, tokenize


def compile_filter(query: Query, target: Target, areas: AreaCatalogue | None = None) -> str:
    """A SQL boolean expression true for exactly the records ``query`` matches.

    ``query`` must have passed :func:`~holotype.query.validate.validate`. ``areas`` resolves
    ``geo_named_area`` names; without it such a query raises ``AreasMissing``. An empty query
    compiles to ``TRUE``.
    """
    return _Compiler(target, areas).query(query)


class _Compiler:
    def __init__(self, target: Target, areas: AreaCatalogue | None) -> None:
        self.target = target
        self.areas = areas
        self.negated = False  # compiling the members of a ``not``: terms must never be NULL

    def _never_null(self, sql: str) -> str:
        return f"COALESCE({sql}, FALSE)" if self.negated else sql

    def query(self, query: Query) -> str:
        parts = []
        if "search" in query:
            parts.append(self.words_anywhere(tokenize(query["search"])))
        if "filters" in query:
            parts.append(self.member(query["filters"]))
        parts = [p for p in parts if p != "TRUE"]
        return _join("AND", parts) if parts else "TRUE"

    def member(self, member: dict[str, Any]) -> str:
        ((key, value),) = member.items()
        if key in GROUP_KEYS:
            outer = self.negated
            self.negated = outer or key == "not"
            try:
                members = [self.member(m) for m in value]
            finally:
                self.negated = outer
            if key == "not":
                inner = _join("OR", members)
                return {"TRUE": "FALSE", "FALSE": "TRUE"}.get(inner, f"(NOT {inner})")
            return _join(key.upper(), members)
        if key == "geo_custom_area":
            return self._never_null(custom_area_sql(value, self.target))
        term: dict[str, Any] = value
        if key == "geo_named_area":
            return self._never_null(named_area_sql(term, self.target, self.areas))
        if key == "geo_point":
            return self._never_null(geo_point_sql(term, self.target))
        if key == "string_equals":
            return self.string_equals(term)
        if key == "string_contains":
            return self.string_contains(term)
        if key == "number_equals":
            value = double(term["value"])
            return self.any_field(term["fields"], self.target.number, lambda n: f"{n} = {value}")
        if key == "number_range":
            return self.number_range(term)
        assert key == "exists", key
        if "geo_field" in term:
            return self._never_null(exists_point_sql(term["geo_field"], self.target))
        return self.any_field(term["fields"], self.target.text, lambda t: f"{t} IS NOT NULL")

    def words_anywhere(self, words: list[str]) -> str:
        """Every word is a token of the record: TRUE when there are no words."""
        return self.target.has_tokens(words) if words else "TRUE"

    def string_equals(self, term: dict[str, Any]) -> str:
        value = literal(term["value"])
        return self.any_field(
            term["fields"], self.target.text, lambda t: f"lower({t}) = lower({value})"
        )

    def string_contains(self, term: dict[str, Any]) -> str:
        words = tokenize(term["value"])
        if not term["fields"]:
            return self.words_anywhere(words)
        wanted = varchar_list(words)
        each = self.any_field(
            term["fields"],
            self.target.text,
            lambda t: f"list_has_all({token_list_sql(t)}, {wanted})",
        )
        if not words or each == "FALSE":
            return each
        # the record-wide check goes first: an inverted index answers it cheaply
        return f"({self.words_anywhere(words)} AND {each})"

    def number_range(self, term: dict[str, Any]) -> str:
        bounds: list[tuple[str, str]] = []
        if "greater_than" in term:
            op = ">=" if term.get("greater_than_inclusive", True) else ">"
            bounds.append((op, double(term["greater_than"])))
        if "less_than" in term:
            op = "<=" if term.get("less_than_inclusive", True) else "<"
            bounds.append((op, double(term["less_than"])))

        def test(n: str) -> str:
            return " AND ".join(f"{n} {op} {bound}" for op, bound in bounds)

        return self.any_field(term["fields"], self.target.number, test)

    def any_field(
        self,
        fields: list[str],
        expr: Callable[[str], str | None],
        test: Callable[[str], str],
    ) -> str:
        """OR over the fields the target knows of ``test`` of each field's expression."""
        tests = []
        for field in fields:
            sql = expr(field)
            if sql is not None:
                tests.append(self._never_null(test(sql)))
        return _join("OR", tests) if tests else "FALSE"


def _join(operator: str, parts: list[str]) -> str:
    """``parts`` joined by AND or OR, constants folded: a FALSE part makes an AND FALSE and a
    TRUE one an OR TRUE, also where another part is NULL (FALSE AND NULL is FALSE, TRUE OR
    NULL is TRUE), and a TRUE part of an AND (FALSE of an OR) changes nothing. A query
    naming a field a resource lacks then compiles to ``FALSE`` for it, and the search leaves it
    out (:func:`holotype.search.views.matching_sql`) instead of scanning it for nothing."""
    absorbing, neutral = ("FALSE", "TRUE") if operator == "AND" else ("TRUE", "FALSE")
    if absorbing in parts:
        return absorbing
    parts = [p for p in parts if p != neutral]
    if not parts:
        return neutral
    if len(parts) == 1:
        return parts[0]
    return "(" + f" {operator} ".join(parts) + ")"
