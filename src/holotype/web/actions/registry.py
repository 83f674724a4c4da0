"""Actions: framework-free functions ``(ctx, params) -> result`` with their declarations.

Each action's parameters are one dataclass (:mod:`holotype.web.actions.params`); the web layer
reads the request into it with :func:`~holotype.web.actions.coerce.coerce`, calls the action
and wraps the result in CKAN's envelope; the OpenAPI document is built from the same
declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic

from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.web.actions.params import P, Param, declared


@dataclass(frozen=True)
class Upload:
    """A file sent with the request (multipart), saved where the action can read it."""

    path: Path
    filename: str  # the name the client gave it (no folders)


@dataclass(frozen=True)
class Context:
    """What an action may use: the portal and who is asking."""

    portal: Portal
    identity: Identity  # who is asking: every service call passes it on
    client: str = "anonymous"  # the client's address (rate limits, download requests)
    base_url: str = ""
    files: Mapping[str, Upload] = field(default_factory=dict)  # multipart uploads by field


@dataclass(frozen=True)
class NoParams:
    """The declaration of an action without parameters."""


@dataclass(frozen=True)
class Action(Generic[P]):
    name: str
    func: Callable[[Context, P], Any]
    summary: str
    params: type[P]
    writes: bool = False  # changes the catalogue: POST only, with an API token
    post_only: bool = False  # POST only, but anyone may (e.g. sending an error report)

    @property
    def parameters(self) -> tuple[Param, ...]:
        return declared(self.params)
