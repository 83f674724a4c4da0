"""Checks of single JSON values used by the validator, each raising :class:`QueryError`."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from holotype.query.errors import QueryError, child, item


def describe(value: object) -> str:
    """What a JSON value is, for messages: "a string", "an array", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__} (not a JSON value)"


def quote(text: str) -> str:
    """``text`` as a JSON string, for messages."""
    return json.dumps(text, ensure_ascii=not is_unicode(text))


def is_unicode(text: str) -> bool:
    """True unless ``text`` holds a lone surrogate (which JSON's ``\\ud800`` escapes allow)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def names(options: Sequence[str]) -> str:
    """``a, b or c`` for messages."""
    quoted = [f'"{o}"' for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def obj(value: object, path: str, what: str) -> dict[str, Any]:
    """``value`` as a JSON object whose keys are strings."""
    if not isinstance(value, dict):
        raise QueryError(f"{what} must be a JSON object, not {describe(value)}", path)
    for key in value:
        if not isinstance(key, str):
            raise QueryError(f"object keys must be strings, not {describe(key)}", path)
    return value


def keys(
    value: dict[str, Any],
    path: str,
    what: str,
    allowed: Sequence[str],
    required: Sequence[str] = (),
) -> None:
    """No key outside ``allowed``; every key of ``required`` present."""
    for key in value:
        if key not in allowed:
            raise QueryError(
                f"unknown key {quote(key)} in {what}; allowed keys: {names(allowed)}",
                child(path, key),
            )
    for key in required:
        if key not in value:
            raise QueryError(f"{what} needs {quote(key)}", path)


def one_key(value: dict[str, Any], path: str, what: str, allowed: Sequence[str]) -> str:
    """The only key of ``value``, which must be one of ``allowed``."""
    keys(value, path, what, allowed)
    if len(value) != 1:
        found = f"it has {len(value)}: {', '.join(value)}" if value else "it is empty"
        raise QueryError(f"{what} needs exactly one of {names(allowed)}; {found}", path)
    return next(iter(value))


def string(value: object, path: str, what: str) -> str:
    """``value`` as a string of valid Unicode."""
    if not isinstance(value, str):
        raise QueryError(f"{what} must be a string, not {describe(value)}", path)
    if not is_unicode(value):
        raise QueryError(f"{what} is not valid Unicode (it holds a lone surrogate)", path)
    return value


def number(value: object, path: str, what: str) -> float:
    """``value`` as a finite number (true and false are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QueryError(f"{what} must be a number, not {describe(value)}", path)
    try:
        as_float = float(value)
    except OverflowError:
        as_float = math.inf
    if not math.isfinite(as_float):
        raise QueryError(f"{what} must be a finite number that fits a 64-bit float", path)
    return as_float


def boolean(value: object, path: str, what: str) -> bool:
    """``value`` as true or false."""
    if not isinstance(value, bool):
        raise QueryError(f"{what} must be true or false, not {describe(value)}", path)
    return value


def array(value: object, path: str, what: str, min_items: int = 0) -> list[Any]:
    """``value`` as an array of at least ``min_items`` items."""
    if not isinstance(value, list):
        raise QueryError(f"{what} must be an array, not {describe(value)}", path)
    if len(value) < min_items:
        raise QueryError(
            f"{what} needs at least {min_items} item{'s' if min_items > 1 else ''}; "
            f"it has {len(value)}",
            path,
        )
    return value


def field_names(value: object, path: str, min_items: int) -> list[str]:
    """A ``fields`` array: distinct field names, at least ``min_items`` of them."""
    what = "fields" if min_items == 0 else "fields (one or more field names)"
    fields = array(value, path, what, min_items)
    seen: set[str] = set()
    for i, name in enumerate(fields):
        string(name, item(path, i), "a field name")
        if name in seen:
            raise QueryError(
                f"field {quote(name)} is listed twice; fields must be unique", item(path, i)
            )
        seen.add(name)
    return fields
