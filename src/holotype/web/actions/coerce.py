"""Request parameters read into an action's declaration, or Invalid naming each bad one.

POST bodies are JSON, so values keep their types; GET values are text, read as the first
declared type they can be: JSON text for objects and arrays (an array may also be a
comma-separated list, or the parameter repeated), true/false/1/0/yes/no for booleans.
An integer may be written with a zero fraction (``5.0``, ``1e3``), as JSON Schema allows.
Parameters the declaration does not name are ignored, as CKAN does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from holotype.errors import Invalid
from holotype.web.actions.params import P, Param, declared

_CHECKS: Mapping[str, Callable[[Any], bool]] = MappingProxyType({
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
})


def coerce(declaration: type[P], raw: Mapping[str, Any], from_text: bool) -> P:
    """The declared parameters found in ``raw``, checked; ``from_text`` for GET values."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for param in declared(declaration):
        if param.name not in raw or raw[param.name] is None:
            if param.required:
                errors[param.name] = ["Missing value"]
            continue
        value = raw[param.name]
        if from_text and isinstance(value, str):
            value = _from_text(value, param.kinds)
        value = _whole(value, param.kinds)
        problem = _problem(param, value)
        if problem:
            errors[param.name] = [problem]
        else:
            values[param.name] = value
    if errors:
        raise Invalid.of(errors)
    return declaration(**values)


def _whole(value: Any, kinds: list[str]) -> Any:
    """A whole number written with a fraction (``5.0``, ``1e3``) as the integer it is: JSON
    Schema counts it an integer, so the OpenAPI document promises it is one."""
    if "integer" in kinds and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_type(value: Any, kind: str) -> bool:
    return _CHECKS[kind](value)


def _problem(param: Param, value: Any) -> str | None:
    """What is wrong with ``value`` for ``param``, if anything."""
    schema = param.schema
    if not any(_is_type(value, k) for k in param.kinds):
        return f"Must be {' or '.join(param.kinds)}"
    if isinstance(value, list) and "items" in schema:
        item = str(schema["items"]["type"])
        if not all(_is_type(v, item) for v in value):
            return f"Must be an array of {item}s"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return f"Must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"Must be at most {schema['maximum']}"
    if isinstance(value, str):
        if "enum" in schema and value not in schema["enum"]:
            return f"Must be one of {', '.join(schema['enum'])}"
        if len(value) < schema.get("minLength", 0):
            return "Must not be empty" if schema["minLength"] == 1 else (
                f"Must be at least {schema['minLength']} characters")
    return None


def _from_text(text: str, kinds: list[str]) -> Any:
    """A GET parameter (always text) read as the first declared type it can be."""
    for kind in kinds:
        if kind == "string":
            return text
        if kind == "integer":
            try:
                return int(text)
            except ValueError:
                number = _float(text)
                if number is not None and number.is_integer():
                    return int(number)
                continue
        if kind == "number":
            number = _float(text)
            if number is None:
                continue
            return number
        if kind == "boolean" and text.lower() in ("true", "false", "1", "0", "yes", "no"):
            return text.lower() in ("true", "1", "yes")
        if kind in ("object", "array"):
            try:
                value = json.loads(text)
            except (ValueError, RecursionError):  # not JSON, or nested beyond reading
                value = None
            if _is_type(value, kind):
                return value
        if kind == "array":  # not a JSON array: a comma-separated list (facets=country,family)
            return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
