"""Action parameters declared once, as a frozen dataclass per action.

Each field's type says what is valid (``str``, ``int``, ``bool``, ``list[str]``,
``dict[str, Any]``, a ``Literal`` of allowed strings, or a union of them, in the order a GET
text is tried); ``| None`` with a default of None makes it optional, no default makes it
required. :class:`Doc` in ``Annotated`` adds the description and bounds (and, as ``shape``,
what JSON schema can say of an object's keys, for the document only). :func:`declared`
turns a declaration into the JSON schema of each parameter, which both the parser
(:mod:`holotype.web.actions.coerce`) and the OpenAPI document use::

    @dataclass(frozen=True, kw_only=True)
    class PackageListParams:
        limit: Annotated[int | None, Doc("At most this many.", minimum=0)] = None
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import MISSING, dataclass, field
from typing import Any, ClassVar, Literal, Protocol, TypeVar

JSON_TYPES: dict[object, str] = {str: "string", int: "integer", float: "number",
                                 bool: "boolean", dict: "object", list: "array"}


class Declaration(Protocol):
    """A dataclass of an action's parameters."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


P = TypeVar("P", bound=Declaration)


@dataclass(frozen=True)
class Param:
    """One parameter as declared: its name, JSON schema (with description), and default."""

    name: str
    schema: dict[str, Any]
    required: bool = False
    default: Any = None

    @property
    def description(self) -> str:
        return str(self.schema.get("description", ""))

    @property
    def kinds(self) -> list[str]:
        kind = self.schema["type"]
        return [str(k) for k in kind] if isinstance(kind, list) else [str(kind)]


@dataclass(frozen=True)
class Doc:
    """What a parameter's type cannot say: its description and bounds."""

    description: str
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    shape: dict[str, Any] | None = field(default=None, hash=False)  # more JSON schema

    def schema(self) -> dict[str, Any]:
        bounds = {"minimum": self.minimum, "maximum": self.maximum, "minLength": self.min_length}
        return {"description": self.description, **(self.shape or {}),
                **{k: v for k, v in bounds.items() if v is not None}}


MAX_VERSION = 2**63 - 1  # a version is a millisecond timestamp held in 64 bits


def version_doc(description: str) -> Doc:
    """The Doc of a ``version`` parameter: a millisecond timestamp, 0 to 2**63 - 1."""
    return Doc(description, minimum=0, maximum=MAX_VERSION)


@functools.cache
def declared(declaration: type[Declaration]) -> tuple[Param, ...]:
    """The parameters of a declaration, in declaration order."""
    hints = typing.get_type_hints(declaration, include_extras=True)
    found = []
    for item in dataclasses.fields(declaration):
        hint = hints[item.name]
        docs = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Doc)]
        if not docs:
            raise TypeError(f"{declaration.__name__}.{item.name} has no Doc")
        schema = {**type_schema(typing.get_args(hint)[0]), **docs[0].schema()}
        required = item.default is MISSING
        found.append(Param(item.name, schema, required, None if required else item.default))
    return tuple(found)


def type_schema(hint: Any) -> dict[str, Any]:
    """The JSON schema of a parameter's type (None in a union only makes it optional)."""
    options = [hint]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        options = [a for a in typing.get_args(hint) if a is not type(None)]
    kinds: list[str] = []
    schema: dict[str, Any] = {}
    for option in options:
        origin = typing.get_origin(option) or option
        if origin is Literal:
            kinds.append("string")
            schema["enum"] = [str(v) for v in typing.get_args(option)]
            continue
        kinds.append(JSON_TYPES[origin])
        if origin is list and typing.get_args(option):
            schema["items"] = type_schema(typing.get_args(option)[0])
    return {"type": kinds[0] if len(kinds) == 1 else kinds, **schema}
