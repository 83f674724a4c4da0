"""The ``none`` DOI provider: the portal mints no DOIs, so there is never anything to send."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from holotype.config import Settings
from holotype.registrar.base import PROVIDERS, Registrar, Rejected


class NoRegistrar:
    """Refuses every DOI: with ``doi_provider = "none"`` none is decided, so none is sent."""

    name = "none"

    def send(self, doi: str, *, state: str, url: str, attributes: Mapping[str, Any],
             held: str | None) -> str:
        raise Rejected(f"cannot register {doi}: doi_provider is none (this portal mints no "
                       "DOIs)")


def _make(_settings: Settings) -> Registrar:
    return NoRegistrar()


PROVIDERS.register("none", _make)
