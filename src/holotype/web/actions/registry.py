"""Action declarations: each action's parameters declared once, for parsing and for OpenAPI.

Actions are framework-free functions ``(ctx, params) -> result``; the web layer parses the
request into ``params`` with :func:`coerce` and wraps the result in CKAN's envelope.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from holotype.services.context import Portal
from holotype.services.identity import Identity


class ValidationError(Exception):
    """Bad parameters: ``errors`` maps each parameter to its messages (CKAN's shape)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict[str, Any]  # JSON schema of the value, with its description
    required: bool = False
    default: Any = None

    @property
    def description(self) -> str:
        return str(self.schema.get("description", ""))


@dataclass(frozen=True)
class Context:
    """What an action may use: the portal and who is asking."""

    portal: Portal
    identity: Identity  # who is asking: every service call passes it on
    client: str = "anonymous"  # the client's address (rate limits, download requests)
    base_url: str = ""


ActionFunc = Callable[[Context, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    name: str
    func: ActionFunc
    summary: str
    params: tuple[Param, ...] = field(default_factory=tuple)


_CHECKS: Mapping[str, Callable[[Any], bool]] = MappingProxyType({
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
})


def _is_type(value: Any, kind: str) -> bool:
    return _CHECKS[kind](value)


def _from_text(text: str, kinds: list[str]) -> Any:
    """A GET parameter (always text) read as the first declared type it can be."""
    for kind in kinds:
        if kind == "string":
            return text
        if kind == "integer":
            try:
                return int(text)
            except ValueError:
                continue
        if kind == "number":
            try:
                return float(text)
            except ValueError:
                continue
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


def _kinds(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return [str(k) for k in kind]
    if kind is None and "oneOf" in schema:
        return [k for option in schema["oneOf"] for k in _kinds(option)]
    return [str(kind)] if kind else ["string"]


def coerce(action: Action, raw: Mapping[str, Any], from_text: bool) -> dict[str, Any]:
    """Check and convert parameters; unknown ones are ignored, as CKAN does."""
    errors: dict[str, list[str]] = {}
    params: dict[str, Any] = {}
    for param in action.params:
        if param.name not in raw or raw[param.name] is None:
            if param.required:
                errors[param.name] = ["Missing value"]
            else:
                params[param.name] = param.default
            continue
        kinds = _kinds(param.schema)
        value = raw[param.name]
        if from_text and isinstance(value, str):
            value = _from_text(value, kinds)
        if not any(_is_type(value, k) for k in kinds):
            errors[param.name] = [f"Must be {' or '.join(kinds)}"]
            continue
        problem = _bounds(param.schema, value)
        if problem:
            errors[param.name] = [problem]
            continue
        params[param.name] = value
    if errors:
        raise ValidationError(errors)
    return params


def _bounds(schema: dict[str, Any], value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return f"Must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"Must be at most {schema['maximum']}"
    if isinstance(value, str) and "enum" in schema and value not in schema["enum"]:
        return f"Must be one of {', '.join(schema['enum'])}"
    return None


# -- small schema helpers for declarations ---------------------------------------------------
def string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def integer(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "integer", "description": description, **extra}


def boolean(description: str) -> dict[str, Any]:
    return {"type": "boolean", "description": description}


def strings(description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description}


def obj(description: str) -> dict[str, Any]:
    return {"type": "object", "description": description}
