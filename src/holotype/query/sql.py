"""SQL literals for compiled filters: every value is quoted with ``engine.literal``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Final

from holotype.engine import literal

#: A number written as text, as the record store's type statistics define it: optional sign,
#: digits with an optional fraction (or a fraction alone), optional exponent, optional ASCII
#: whitespace around. RE2's \s is [\t\n\f\r ] and \d is [0-9].
NUMBER_PATTERN: Final = r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*"


def double(value: float) -> str:
    """A DOUBLE literal holding exactly ``value`` (a finite float or int)."""
    as_float = float(value)
    if not math.isfinite(as_float):
        raise ValueError(f"not a finite number: {value!r}")
    return f"CAST({literal(repr(as_float))} AS DOUBLE)"


def varchar_list(values: Iterable[str]) -> str:
    """A VARCHAR[] literal."""
    return "[" + ", ".join(literal(v) for v in values) + "]::VARCHAR[]"


def number_from_text(expr: str) -> str:
    """A DOUBLE expression: the VARCHAR ``expr`` as a number when it is one, else NULL.

    A value is a number when all of it matches :data:`NUMBER_PATTERN` and its value is finite
    (``1e400`` is not); hex, ``1_000``, ``1,5``, ``inf`` and ``nan`` are not numbers.
    """
    cast = f"TRY_CAST({expr} AS DOUBLE)"
    return (
        f"(CASE WHEN regexp_full_match({expr}, {literal(NUMBER_PATTERN)}) "
        f"AND isfinite({cast}) THEN {cast} END)"
    )
