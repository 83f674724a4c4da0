"""What the compiler compiles against: a :class:`Target` says how to reach a record's values.

The search index implements :class:`Target` for the real record store; :class:`RelationTarget`
is a plain reference implementation over any SQL relation whose columns are the fields, as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from holotype.engine import ident
from holotype.query.area_sql import AreaRegistry, area_predicate_sql
from holotype.query.areas import Area
from holotype.query.sql import number_from_text, varchar_list
from holotype.query.tokens import token_list_sql


class Target(Protocol):
    """SQL expressions over one record of the relation being filtered."""

    def text(self, field: str) -> str | None:
        """VARCHAR: the field's value, NULL when empty; None if there is no such field."""

    def number(self, field: str) -> str | None:
        """DOUBLE: the field's value as a number (NULL when not numeric); None if no such field.

        Numbers are read as :func:`holotype.query.sql.number_from_text` reads them.
        """

    def point(self) -> tuple[str, str]:
        """DOUBLE (latitude, longitude) of the record's valid geo point, both NULL when none."""

    def has_tokens(self, tokens: list[str]) -> str:
        """BOOLEAN, never NULL: the record holds every token somewhere, in any of its fields.

        Never NULL, so the compiler need not wrap it (a wrapped ``_rid IN (subquery)`` makes
        DuckDB probe every row instead of running a semi-join).
        """

    def fields(self) -> list[str]:
        """Every field name."""

    def area(self, area: Area) -> str:
        """BOOLEAN: the record's point is inside ``area`` (see ``area_sql``)."""


class RelationTarget:
    """A :class:`Target` over a relation of VARCHAR columns named after the fields.

    Empty strings count as no value. The geo point is (``lat_field``, ``lon_field``) when both
    are numbers, the latitude within -90..90 and the longitude within -180..180. Tokens are
    computed on the fly (no index), so this is for tests and small tables. Areas are put in
    ``registry``, which must be registered on the connection with ``register_area_udf``.
    """

    def __init__(
        self,
        fields: Sequence[str],
        lat_field: str | None,
        lon_field: str | None,
        registry: AreaRegistry | None = None,
    ) -> None:
        self._fields = list(fields)
        self.lat_field = lat_field
        self.lon_field = lon_field
        self.registry = registry if registry is not None else AreaRegistry()

    def text(self, field: str) -> str | None:
        if field not in self._fields:
            return None
        return f"NULLIF({ident(field)}, '')"

    def number(self, field: str) -> str | None:
        text = self.text(field)
        return None if text is None else number_from_text(text)

    def point(self) -> tuple[str, str]:
        lat = self.number(self.lat_field) if self.lat_field else None
        lon = self.number(self.lon_field) if self.lon_field else None
        if lat is None or lon is None:
            return "CAST(NULL AS DOUBLE)", "CAST(NULL AS DOUBLE)"
        valid = f"({lat} BETWEEN -90 AND 90 AND {lon} BETWEEN -180 AND 180)"
        return f"(CASE WHEN {valid} THEN {lat} END)", f"(CASE WHEN {valid} THEN {lon} END)"

    def has_tokens(self, tokens: list[str]) -> str:
        if not tokens:
            return "TRUE"
        if not self._fields:
            return "FALSE"
        # a space never joins two tokens, so the tokens of the fields joined by spaces are the
        # union of each field's tokens (and one regular expression is cheaper than many)
        every = "concat_ws(' ', " + ", ".join(ident(f) for f in self._fields) + ")"
        return f"COALESCE(list_has_all({token_list_sql(every)}, {varchar_list(tokens)}), FALSE)"

    def fields(self) -> list[str]:
        return list(self._fields)

    def area(self, area: Area) -> str:
        self.registry.add(area)
        lat, lon = self.point()
        return area_predicate_sql(area, lat, lon)
